// Sessions of app held open over 127.0.0.1 inside db (faults.ts HeldSessions):
// - too-many-connections: max_connections lowered to N with N held, so app's next login gets 1040;
// - user-connection-limit: the app account's MAX_USER_CONNECTIONS set to N with N held: 1226;
// - query-blocked: one session holds LOCK TABLES orders WRITE, so the app's query waits.
// - row-locked: one session updated a row of orders in a transaction it keeps open: the app's
//   locking read waits for that row.
// The sessions belong to one process the lab starts and records (PID + start time), like mysqld,
// so teardown finds it too.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { launchDetached, logTail } from './daemon.js';
import { enterHost } from './host.js';
import { adminSql, adminSqlForce } from './mariadb.js';
import { isAlive, terminate, waitForChild } from './proc.js';
import type { HeldSessions } from './faults.js';
import type { HolderRecord, HostRecord } from './state.js';
import { LAB_DB } from './topology.js';

const SCRIPT = fileURLToPath(new URL('./hold-connections.sh', import.meta.url));
// Held sessions are found by their query text. The lab's own queries only quote it, so their
// text never equals it.
const HOLD_QUERY = 'SELECT SLEEP(86400) AS runbook_lab_hold';
/** How a holder takes each lock, before it sleeps holding it. */
const TAKE_LOCK: Readonly<Record<NonNullable<HeldSessions['lock']>, string>> = {
  table: `LOCK TABLES ${LAB_DB.table} WRITE`,
  // An UPDATE that changes nothing still locks the row it reads, until the transaction ends.
  row: `BEGIN; UPDATE ${LAB_DB.table} SET item = item WHERE id = 1`,
};
const APP_ACCOUNT = `'${LAB_DB.user}'@'%'`;

async function heldSessionIds(db: HostRecord): Promise<string[]> {
  const rows = await adminSql(db, 'listing held sessions', `SELECT id FROM information_schema.processlist WHERE info = '${HOLD_QUERY}';`);
  return rows.split('\n').filter(Boolean);
}

/** The limit the held sessions use up, as it stands now (0: the account has none of its own). */
async function currentLimit(db: HostRecord, exhausts: NonNullable<HeldSessions['exhausts']>): Promise<number> {
  const sql = exhausts === 'max_connections'
    ? 'SELECT @@GLOBAL.max_connections;'
    : `SELECT max_user_connections FROM mysql.user WHERE user = '${LAB_DB.user}';`;
  return Number(await adminSql(db, `reading ${exhausts}`, sql));
}

async function setLimit(db: HostRecord, exhausts: NonNullable<HeldSessions['exhausts']>, value: number): Promise<void> {
  const sql = exhausts === 'max_connections' ? `SET GLOBAL max_connections = ${value};` : `ALTER USER ${APP_ACCOUNT} WITH MAX_USER_CONNECTIONS ${value};`;
  await adminSql(db, `setting ${exhausts}`, sql);
}

/** Polls until exactly `count` sessions are held; false once `alive` fails or after timeoutMs. */
async function waitHeld(db: HostRecord, count: number, alive: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await heldSessionIds(db)).length === count) return true;
    if (!alive() || Date.now() > deadline) return false;
    await sleep(50);
  }
}

/** The recorded holder still holds what `wanted` asks for, and its limit is still in place. */
export async function holding(db: HostRecord, record: HolderRecord, wanted: HeldSessions): Promise<boolean> {
  const { held } = record;
  if (held.count !== wanted.count || held.exhausts !== wanted.exhausts || held.lock !== wanted.lock || !isAlive(record.holder)) return false;
  if ((await heldSessionIds(db)).length !== held.count) return false;
  return held.exhausts === null || (await currentLimit(db, held.exhausts)) === held.count;
}

export async function holdConnections(db: HostRecord, held: HeldSessions, remember: (record: HolderRecord) => void): Promise<void> {
  const limitBefore = held.exhausts === null ? null : await currentLimit(db, held.exhausts);
  // MariaDB counts an account's sessions against its own limit only from logins made while it has
  // one: set first, it still lets the holder's `count` logins in.
  if (held.exhausts === 'max_user_connections') await setLimit(db, held.exhausts, held.count);
  const logPath = join(db.dir, 'hold-connections.log');
  const query = held.lock === null ? HOLD_QUERY : `${TAKE_LOCK[held.lock]}; ${HOLD_QUERY}`;
  const launcher = launchDetached([...enterHost(db), '/bin/bash', SCRIPT, String(held.count), LAB_DB.user, LAB_DB.database, query],
    logPath, { MYSQL_PWD: LAB_DB.password });
  const record: HolderRecord = { launcher, holder: await waitForChild(launcher, 5000), held, limitBefore };
  remember(record);
  if (!(await waitHeld(db, held.count, () => isAlive(record.holder), 10_000))) {
    throw new Error(`db: could not hold ${held.count} sessions (see ${logPath})\n${logTail(logPath)}`);
  }
  // Lowered only now, so that the holder's own logins were not refused. Sessions already open count
  // against the server's limit all the same.
  if (held.exhausts === 'max_connections') await setLimit(db, held.exhausts, held.count);
}

/**
 * Undoes holdConnections: the holder first (so nothing logs in again), then the limit, then the
 * sessions, by KILL: a session sleeping in SLEEP() notices that its client is gone only seconds
 * later (and keeps its table lock until then). A stopped server (serverUp false) holds no
 * sessions and has forgotten max_connections, but an account's own limit stays in its datadir:
 * the lab releases before it stops mysqld (scenario.ts undoServerFaults), so only a mysqld that
 * died on its own leaves it behind.
 */
export async function releaseConnections(db: HostRecord, record: HolderRecord, serverUp: boolean): Promise<void> {
  await terminate(record.holder, [record.holder, record.launcher], 5000);
  if (!serverUp) return;
  if (record.held.exhausts !== null && record.limitBefore !== null) await setLimit(db, record.held.exhausts, record.limitBefore);
  const ids = await heldSessionIds(db);
  // --force: a session that ends by itself between the listing and its KILL is not an error.
  if (ids.length > 0) await adminSqlForce(db, ids.map((id) => `KILL ${id};`).join('\n'));
  if (!(await waitHeld(db, 0, () => true, 10_000))) throw new Error('db: held sessions survived KILL');
}
