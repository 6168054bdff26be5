// too-many-connections: max_connections lowered to N and N sessions of app held open over
// 127.0.0.1 inside db, so app's next login gets ERROR 1040. The sessions belong to one process
// the lab starts and records (PID + start time), like mysqld, so teardown finds it too.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { launchDetached, logTail } from './daemon.js';
import { enterHost } from './host.js';
import { adminSql, adminSqlForce } from './mariadb.js';
import { isAlive, terminate, waitForChild } from './proc.js';
import type { HolderRecord, HostRecord } from './state.js';
import { LAB_DB } from './topology.js';

const SCRIPT = fileURLToPath(new URL('./hold-connections.sh', import.meta.url));
// Held sessions are found by their query text. The lab's own queries only quote it, so their
// text never equals it.
const HOLD_QUERY = 'SELECT SLEEP(86400) AS runbook_lab_hold';

async function heldSessionIds(db: HostRecord): Promise<string[]> {
  const rows = await adminSql(db, 'listing held sessions', `SELECT id FROM information_schema.processlist WHERE info = '${HOLD_QUERY}';`);
  return rows.split('\n').filter(Boolean);
}

async function maxConnections(db: HostRecord): Promise<number> {
  return Number(await adminSql(db, 'reading max_connections', 'SELECT @@GLOBAL.max_connections;'));
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

/** The recorded holder still holds `count` sessions and the limit is still `count`. */
export async function holding(db: HostRecord, record: HolderRecord, count: number): Promise<boolean> {
  return record.count === count && isAlive(record.holder)
    && (await heldSessionIds(db)).length === count && (await maxConnections(db)) === count;
}

export async function holdConnections(db: HostRecord, count: number, remember: (record: HolderRecord) => void): Promise<void> {
  const maxConnectionsBefore = await maxConnections(db);
  const logPath = join(db.dir, 'hold-connections.log');
  const launcher = launchDetached([...enterHost(db), '/bin/bash', SCRIPT, String(count), LAB_DB.user, LAB_DB.database, HOLD_QUERY],
    logPath, { MYSQL_PWD: LAB_DB.password });
  const record: HolderRecord = { launcher, holder: await waitForChild(launcher, 5000), count, maxConnectionsBefore };
  remember(record);
  if (!(await waitHeld(db, count, () => isAlive(record.holder), 10_000))) {
    throw new Error(`db: could not hold ${count} sessions (see ${logPath})\n${logTail(logPath)}`);
  }
  // Lowered only now, so that the holder's own logins were not refused. Sessions already open
  // count against the new limit all the same.
  await adminSql(db, 'lowering max_connections', `SET GLOBAL max_connections = ${count};`);
}

/**
 * Undoes holdConnections: the holder first (so nothing logs in again), then the limit, then the
 * sessions, by KILL: a session sleeping in SLEEP() notices that its client is gone only seconds
 * later. A stopped server (serverUp false) holds no sessions and has forgotten the limit.
 */
export async function releaseConnections(db: HostRecord, record: HolderRecord, serverUp: boolean): Promise<void> {
  await terminate(record.holder, [record.holder, record.launcher], 5000);
  if (!serverUp) return;
  await adminSql(db, 'restoring max_connections', `SET GLOBAL max_connections = ${record.maxConnectionsBefore};`);
  const ids = await heldSessionIds(db);
  // --force: a session that ends by itself between the listing and its KILL is not an error.
  if (ids.length > 0) await adminSqlForce(db, ids.map((id) => `KILL ${id};`).join('\n'));
  if (!(await waitHeld(db, 0, () => true, 10_000))) throw new Error('db: held sessions survived KILL');
}
