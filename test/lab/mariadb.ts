// MariaDB inside db's namespaces, started through the /usr/sbin/mysqld name so that ps and lsof
// on db say "mysqld" like the article's hosts (Debian's binary is mariadbd, LAB-NOTES 1).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchDetached } from './daemon.js';
import { enterHost, execInHost } from './host.js';
import { isAlive, isStopped, signalRef, terminate, waitForChild, waitUntil } from './proc.js';
import type { AccountState } from './faults.js';
import type { HostRecord, MysqldRecord } from './state.js';
import { CORE_HOSTS, LAB_DB, MYSQL_PORT } from './topology.js';

// Bound over db's /etc/mysql/my.cnf, so a bare `mysqld`, `mariadb` or `mariadb-admin` on db
// uses it as on a real host. LAB-NOTES' settings keep it small and fast to start.
const MY_CNF = `# MariaDB of the runbook lab's db host
[client-server]
socket = /run/mysqld/mysqld.sock

[mysqld]
user = mysql
pid-file = /run/mysqld/mysqld.pid
datadir = /var/lib/mysql
port = 3306
bind-address = 0.0.0.0
skip-name-resolve
skip-log-bin
performance_schema = OFF
innodb_buffer_pool_size = 32M
innodb_log_file_size = 16M
`;

async function mustSucceed(db: HostRecord, what: string, command: string, timeoutMs: number, input?: string): Promise<string> {
  const result = await execInHost(db, command, timeoutMs, input);
  if (result.exitCode !== 0) throw new Error(`db: ${what} failed (${result.exitCode}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

/**
 * Runs SQL as root over db's socket and returns the rows, tab-separated, without headers. One
 * session at a time: while too-many-connections holds every slot, root has only the one that
 * MariaDB keeps for SUPER, and a second root session would be refused.
 */
export async function adminSql(db: HostRecord, what: string, sql: string): Promise<string> {
  return mustSucceed(db, what, 'mariadb --batch --skip-column-names', 30_000, sql);
}

/** As adminSql, but carries on past failing statements (e.g. KILL of a session that just ended). */
export async function adminSqlForce(db: HostRecord, sql: string): Promise<void> {
  await execInHost(db, 'mariadb --batch --force', 30_000, sql);
}

/**
 * Gives db a private datadir (a tmpfs on /var/lib/mysql, gone with the host), /run/mysqld and
 * the lab's my.cnf, and initialises the datadir. Needed after every start of the db host.
 */
export async function prepareMariadb(db: HostRecord): Promise<void> {
  const cnf = join(db.dir, 'my.cnf');
  await writeFile(cnf, MY_CNF, { mode: 0o644 });
  await mustSucceed(db, 'preparing MariaDB', `set -e
    mount -t tmpfs -o mode=0755,size=512m lab-mysql /var/lib/mysql
    chown mysql:mysql /var/lib/mysql
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    mount --bind '${cnf}' /etc/mysql/my.cnf
    mariadb-install-db --user=mysql --skip-test-db --auth-root-authentication-method=socket`, 120_000);
}

async function waitReady(db: HostRecord, record: MysqldRecord, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ping = await execInHost(db, 'mariadb-admin --connect-timeout=1 --silent ping', 10_000);
    if (ping.exitCode === 0) return;
    if (!isAlive(record.mysqld) || Date.now() > deadline) {
      throw new Error(`db: mysqld ${record.args.join(' ')} did not become ready (see ${logPath})`);
    }
    await sleep(50);
  }
}

/** Starts mysqld with extra arguments (a scenario's --bind-address or --port) and waits for it. */
export async function startMysqld(db: HostRecord, args: readonly string[], remember: (record: MysqldRecord) => void): Promise<MysqldRecord> {
  const logPath = join(db.dir, 'mysqld.log');
  // nsenter --pid forks: its child, PID 1's sibling inside db, is mysqld (PPID 0 there, LAB-NOTES 2).
  const launcher = launchDetached([...enterHost(db), '/usr/sbin/mysqld', ...args], logPath);
  const record: MysqldRecord = { launcher, mysqld: await waitForChild(launcher, 5000), args: [...args] };
  remember(record);
  await waitReady(db, record, logPath);
  return record;
}

/**
 * Clean shutdown (SIGTERM), as an administrator's stop would do; SIGKILL only if it hangs. A
 * frozen mysqld (mysql-hung) would leave SIGTERM pending, and a frozen launcher could not reap
 * it: resume both first.
 */
export async function stopMysqld(record: MysqldRecord): Promise<void> {
  await setMysqldFrozen(record, false);
  await terminate(record.mysqld, [record.mysqld, record.launcher], 30_000);
}

/**
 * mysql-hung: SIGSTOP freezes every thread, but the listening socket stays open, so the kernel
 * still completes handshakes into its backlog; no greeting is ever sent. nsenter, the launcher,
 * stops itself when its child stops and passes a SIGCONT on to it: resuming mysqld alone would
 * leave nsenter stopped, unable to reap mysqld when it exits. Waits until the state shows, so
 * that the scenario holds when this returns.
 */
export async function setMysqldFrozen(record: MysqldRecord, frozen: boolean): Promise<void> {
  const refs = [record.mysqld, record.launcher];
  const done = (): boolean => (frozen ? isStopped(record.mysqld) || !isAlive(record.mysqld) : !refs.some(isStopped));
  if (done()) return;
  if (frozen) signalRef(record.mysqld, 'SIGSTOP');
  else refs.forEach((ref) => signalRef(ref, 'SIGCONT'));
  if (!(await waitUntil(done, 5000))) throw new Error(`db: mysqld ${frozen ? 'did not stop' : 'did not resume'} within 5 s`);
}

const APP = `'${LAB_DB.user}'`;

/** The app's database with its one table and two rows: the query the app asks reads them. */
const APP_DATABASE = `CREATE DATABASE IF NOT EXISTS ${LAB_DB.database};
CREATE TABLE IF NOT EXISTS ${LAB_DB.database}.${LAB_DB.table} (id INT PRIMARY KEY, item VARCHAR(40) NOT NULL);
INSERT IGNORE INTO ${LAB_DB.database}.${LAB_DB.table} VALUES (1, 'first order'), (2, 'second order');`;

/**
 * The app's account ('app'@'%' with its password), database and grant: after every fresh
 * datadir. Where it may log in from is then the scenario's business (convergeAppAccount).
 */
export async function createAppAccount(db: HostRecord): Promise<void> {
  const account = `${APP}@'%'`;
  await adminSql(db, 'creating the app account', `${APP_DATABASE}
CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY '${LAB_DB.password}';
GRANT ALL ON ${LAB_DB.database}.* TO ${account};`);
}

/** The one host the app account has: '%' or 'localhost'. */
async function appAccountHost(db: HostRecord): Promise<string> {
  const hosts = (await adminSql(db, 'reading the app account', `SELECT host FROM mysql.user WHERE user = ${APP};`))
    .split('\n').filter(Boolean);
  if (hosts.length !== 1) throw new Error(`db: expected one account named ${APP}, found hosts [${hosts.join(', ')}]`);
  return hosts[0]!;
}

/** access-denied: the account moves to 'localhost', so app's IP matches no account. */
export async function convergeAppAccount(db: HostRecord, host: '%' | 'localhost'): Promise<void> {
  const current = await appAccountHost(db);
  if (current === host) return;
  // RENAME USER carries the password and the grants along.
  await adminSql(db, 'moving the app account', `RENAME USER ${APP}@'${current}' TO ${APP}@'${host}';`);
}

/**
 * account-locked and password-expired, read from MariaDB's own record of the account (an expired
 * password has changed "at" 0); a usable account gets its password set again, which also ends
 * an expiry.
 */
export async function convergeAppAccountState(db: HostRecord, state: AccountState): Promise<void> {
  const [locked, changedAt] = (await adminSql(db, 'reading the app account\'s state', `SELECT JSON_VALUE(priv, '$.account_locked'),
  JSON_VALUE(priv, '$.password_last_changed') FROM mysql.global_priv WHERE user = ${APP};`)).trim().split('\t');
  const current: AccountState = locked === '1' ? 'locked' : changedAt === '0' ? 'password-expired' : 'usable';
  if (current === state) return;
  const account = `${APP}@'${await appAccountHost(db)}'`;
  const change: Record<AccountState, string> = {
    usable: `ALTER USER ${account} ACCOUNT UNLOCK; ALTER USER ${account} IDENTIFIED BY '${LAB_DB.password}';`,
    locked: `ALTER USER ${account} IDENTIFIED BY '${LAB_DB.password}'; ALTER USER ${account} ACCOUNT LOCK;`,
    'password-expired': `ALTER USER ${account} ACCOUNT UNLOCK; ALTER USER ${account} PASSWORD EXPIRE;`,
  };
  await adminSql(db, `making the app account ${state}`, change[state]);
}

/** database-missing: the app's database dropped (its grant stays), or made again with its rows. */
export async function convergeAppDatabase(db: HostRecord, present: boolean): Promise<void> {
  const found = await adminSql(db, 'looking for the app database', `SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '${LAB_DB.database}';`);
  if ((found.trim() === '1') === present) return;
  await adminSql(db, present ? 'creating the app database' : 'dropping the app database', present ? APP_DATABASE : `DROP DATABASE ${LAB_DB.database};`);
}

/**
 * `count` connections from `from` to db's MySQL port that end before a login, as a TCP health
 * check's do: bash opens each (/dev/tcp) and closes it at once. A server that counts them
 * (HOST_BLOCKING_ARGS in faults.ts) refuses that host once there are max_connect_errors in a row.
 */
export async function blockHost(from: HostRecord, count: number): Promise<void> {
  const connect = `exec 3<>/dev/tcp/${CORE_HOSTS.db.ip}/${MYSQL_PORT}`;
  const result = await execInHost(from, `for _ in $(seq ${count}); do ( ${connect} ) || exit 1; sleep 0.1; done`, 15_000);
  if (result.exitCode !== 0) throw new Error(`${from.name}: could not connect to db's MySQL port to be blocked: ${result.stderr}`);
}
