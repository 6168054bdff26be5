// MariaDB inside db's namespaces, started through the /usr/sbin/mysqld name so that ps and lsof
// on db say "mysqld" like the article's hosts (Debian's binary is mariadbd, LAB-NOTES 1).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchDetached } from './daemon.js';
import { enterHost, execInHost } from './host.js';
import { isAlive, signalRef, waitForChild, waitGone } from './proc.js';
import type { HostRecord, MysqldRecord } from './state.js';

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

async function mustSucceed(db: HostRecord, what: string, command: string, timeoutMs: number): Promise<void> {
  const result = await execInHost(db, command, timeoutMs);
  if (result.exitCode !== 0) throw new Error(`db: ${what} failed (${result.exitCode}): ${result.stderr || result.stdout}`);
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

/** Clean shutdown (SIGTERM), as an administrator's stop would do; SIGKILL only if it hangs. */
export async function stopMysqld(record: MysqldRecord): Promise<void> {
  const refs = [record.mysqld, record.launcher];
  signalRef(record.mysqld, 'SIGTERM');
  if (await waitGone(refs, 30_000)) return;
  refs.forEach((ref) => signalRef(ref, 'SIGKILL'));
  await waitGone(refs, 5000);
}

/** `mariadb -h 10.200.0.82 -u app` from app works: a password-less user from anywhere. */
export async function createAppUser(db: HostRecord): Promise<void> {
  await mustSucceed(db, 'creating user app', `mariadb -e "CREATE USER IF NOT EXISTS 'app'@'%'"`, 30_000);
}
