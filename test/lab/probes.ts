// The article's checks, run through real OpenSSH against the lab and reduced to the words of
// LAB-NOTES' "Observed results" table, so a test can compare a scenario's whole row at once.
import { execa } from 'execa';
import { CLEAN_ENV } from './command.js';
import { sshRun } from './ssh-run.js';
import { CORE_HOSTS, LAB_DB, SSH_PORTS } from './topology.js';

export type Connect = 'succeeded' | 'refused' | 'timed out' | 'rc 127' | 'unexpected';

export interface Observation {
  /** db: `ps -C mysqld`: is there a process named mysqld? */
  mysqldProcess: boolean;
  /** db: `lsof -nPi4:3306`: "LISTEN *:3306", "LISTEN 127.0.0.1:3306", "nothing" or "rc 127". */
  lsof: string;
  /** db: `ss -ltn` listeners other than sshd's. */
  listeners: string[];
  localNc: Connect;
  ping: 'reply' | 'no reply';
  remoteNc: Connect;
  nmap: 'open' | 'closed' | 'filtered' | 'rc 127' | 'unexpected';
  /** db: tcpdump's flags for app's connection attempt, e.g. "[S] [S.]". */
  tcpdump: string;
  /** app: `mariadb` as the app, e.g. "ok", "ERROR 2002 (115)", "ERROR 1045 (28000)". */
  mariadb: string;
}

const DB = CORE_HOSTS.db.ip;

function connectResult(exitCode: number, stderr: string): Connect {
  if (exitCode === 127) return 'rc 127';
  if (exitCode === 0 && stderr.includes('succeeded')) return 'succeeded';
  if (stderr.includes('Connection refused')) return 'refused';
  return stderr.includes('timed out') ? 'timed out' : 'unexpected';
}

function lsofResult(exitCode: number, stdout: string): string {
  if (exitCode === 127) return 'rc 127';
  const listen = stdout.match(/TCP (\S+) \(LISTEN\)/);
  return exitCode === 0 && listen ? `LISTEN ${listen[1]}` : 'nothing';
}

function nmapResult(exitCode: number, stdout: string): Observation['nmap'] {
  if (exitCode === 127) return 'rc 127';
  const state = stdout.match(/^3306\/tcp\s+(\w+)/m)?.[1];
  return state === 'open' || state === 'closed' || state === 'filtered' ? state : 'unexpected';
}

function listenersOf(stdout: string): string[] {
  const sshd = SSH_PORTS.map((port) => `:${port}`);
  return stdout.split('\n').filter((line) => line.startsWith('LISTEN'))
    .map((line) => line.split(/\s+/)[3] ?? '').filter((address) => !sshd.some((port) => address.endsWith(port)));
}

/**
 * "ERROR code (detail)": the detail is the system errno when the client names one, which tells
 * refused (115) from timed out (110) for 2002 and 2013; otherwise the SQLSTATE the server sent
 * ("ERROR 1045 (28000)"). A server error packet in place of the greeting comes inside the
 * client's own 2002 ("... cannot be verified: 1129 - Host ... is blocked"): "ERROR 1129 (before
 * the greeting)". Messages themselves carry IPs and versions: not stable words.
 */
function mariadbResult(exitCode: number, stderr: string): string {
  if (exitCode === 0) return 'ok';
  const beforeGreeting = /cannot be verified: (\d+) - /.exec(stderr);
  if (beforeGreeting) return `ERROR ${beforeGreeting[1]} (before the greeting)`;
  const error = stderr.match(/^ERROR (\d+) \((\w+)\)(.*)$/m);
  if (!error) return `rc ${exitCode}: ${stderr.trim()}`;
  const errno = error[3]?.match(/(?:\((\d+)\)|system error: (\d+))\s*$/);
  return `ERROR ${error[1]} (${errno?.[1] ?? errno?.[2] ?? error[2]})`;
}

/** app: log in to db as the app and run its query; "ok" or the words of mariadbResult. */
export async function appLogin(sshConfigPath: string): Promise<string> {
  // --connect-timeout: without it a filtered port hangs for the kernel's SYN retries (minutes).
  // lock_wait_timeout: a table lock would hold the query for a day (MariaDB's default), a row lock
  // for 50 s (innodb_lock_wait_timeout); 2 s ends either with 1205, the lock's own words.
  const login = await sshRun(sshConfigPath, 'app', `MYSQL_PWD='${LAB_DB.password}' mariadb --connect-timeout=2 `
    + `-h ${DB} -u ${LAB_DB.user} ${LAB_DB.database} -e 'SET SESSION lock_wait_timeout = 2, innodb_lock_wait_timeout = 2; ${LAB_DB.query}'`);
  return mariadbResult(login.exitCode, login.stderr);
}

/**
 * tcpdump on db must be listening before app connects (it says so on stderr), and is bounded by
 * -c 2 and `timeout` so that it cannot outlive the test on db (LAB-NOTES 8).
 */
export async function tcpdumpFlags(sshConfigPath: string): Promise<string> {
  const capture = execa('ssh', ['-F', sshConfigPath, 'db',
    `timeout 10 tcpdump -n -l -i any -c 2 'host ${CORE_HOSTS.app.ip} and port 3306'`],
  { reject: false, timeout: 20_000, env: CLEAN_ENV, extendEnv: false, stdin: 'ignore' });
  const listening = new Promise<void>((resolve) => {
    let stderr = '';
    capture.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('listening on')) resolve();
    });
  });
  await Promise.race([listening, capture]);
  await sshRun(sshConfigPath, 'app', `nc -z -w2 ${DB} 3306`);
  const result = await capture;
  if (result.exitCode === 127) return 'rc 127';
  return [...String(result.stdout).matchAll(/Flags \[([^\]]+)\]/g)].map((match) => `[${match[1]}]`).join(' ');
}

export async function observe(sshConfigPath: string): Promise<Observation> {
  const ssh = (host: string, command: string) => sshRun(sshConfigPath, host, command);
  const [ps, lsof, ss, localNc, ping, remoteNc, nmap, mariadb] = await Promise.all([
    ssh('db', 'ps -C mysqld -o pid=,comm='),
    ssh('db', 'lsof -nPi4:3306'),
    ssh('db', 'ss -ltn'),
    ssh('db', 'nc -vz -w2 127.0.0.1 3306'),
    ssh('app', `ping -c1 -W1 ${DB}`),
    ssh('app', `nc -vz -w2 ${DB} 3306`),
    ssh('app', `nmap -n -PS3306 -p3306 ${DB}`),
    appLogin(sshConfigPath),
  ]);
  return {
    mysqldProcess: ps.exitCode === 0 && ps.stdout.includes('mysqld'),
    lsof: lsofResult(lsof.exitCode, lsof.stdout),
    listeners: listenersOf(ss.stdout),
    localNc: connectResult(localNc.exitCode, localNc.stderr),
    ping: ping.exitCode === 0 ? 'reply' : 'no reply',
    remoteNc: connectResult(remoteNc.exitCode, remoteNc.stderr),
    nmap: nmapResult(nmap.exitCode, nmap.stdout),
    tcpdump: await tcpdumpFlags(sshConfigPath),
    mariadb,
  };
}
