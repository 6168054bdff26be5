// End-to-end check of the namespace lab itself, with the real OpenSSH client: every scenario's
// signature row from LAB-NOTES, scenarios in any order, the port that refuses forwarding,
// ProxyJump through bastion, key types, a dead host, a fleet, and a teardown that leaves nothing
// behind. Runs alone: the lab's names and IPs are fixed.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLEAN_ENV } from './command.js';
import { describeLab } from './describe-lab.js';
import { SCENARIOS, type ArticleScenario as Scenario } from './faults.js';
import { startLab, type Lab } from './lab.js';
import { findLeftovers, labNamespaceProcesses, NOTHING_LEFT } from './leftovers.js';
import { isMountPoint } from './netns.js';
import { appLogin, observe } from './probes.js';
import { SIGNATURES } from './signatures.js';
import { sshRun } from './ssh-run.js';
import { CORE_HOSTS, LAB_DB, MYSQL_PORT } from './topology.js';
import { stopwatch } from '../helpers/stopwatch.js';

const { timings, timed } = stopwatch();


describeLab('namespace lab', () => {
  let lab: Lab | undefined;
  const runNetnsWasMount = isMountPoint('/run/netns');
  const the = (): Lab => {
    if (!lab) throw new Error('the lab did not start');
    return lab;
  };
  const ssh = (host: string, command: string, sshOptions: string[] = []) =>
    sshRun(the().sshConfigPath, host, command, { sshOptions });

  beforeAll(async () => {
    // Another process's lab on this machine goes first; a `cli.ts up` lab fails this after waitMs.
    lab = await timed('startLab', () => startLab({ waitMs: 120_000 }));
  }, 240_000);

  afterAll(async () => {
    await lab?.down();
    process.stderr.write(`[runbook lab] timings (ms): ${JSON.stringify(timings)}\n`);
  }, 60_000);

  test('hosts are isolated: no default route, no IPv6, own hostname, sshd as PID 1', async () => {
    for (const name of ['app', 'db', 'bastion'] as const) {
      const inside = await the().exec(name, 'hostname; ip route; ip -6 addr | wc -l; ps -o comm= -p 1');
      expect(inside.stdout.split('\n')).toEqual([name, '10.200.0.0/24 dev eth0 proto kernel scope link src '
        + `${CORE_HOSTS[name].ip} `, '0', 'sshd']);
    }
  }, 30_000);

  describe('scenarios match LAB-NOTES "Observed results"', () => {
    // Twice through healthy: the last step proves every fault can be undone.
    for (const scenario of [...SCENARIOS, 'healthy' as const]) {
      test(scenario, async () => {
        await timed(`setScenario(${scenario})`, () => the().setScenario(scenario));
        await the().setScenario(scenario); // idempotent: a second call changes nothing
        expect(await observe(the().sshConfigPath)).toEqual(SIGNATURES[scenario]);
      }, 60_000);
    }
  });

  test('the database faults follow each other in any order, and come back after a db restart', async () => {
    const login = (): Promise<string> => appLogin(the().sshConfigPath);
    // A lock held while the database is dropped, one holder for another (a table's lock for a
    // row's and back), an account's host and its state changed together, a blocked host let in
    // again by the next mysqld, and each through a restart of mysqld.
    const order: Scenario[] = ['mysql-hung', 'too-many-connections', 'access-denied', 'mysql-down', 'access-denied',
      'mysql-hung', 'too-many-connections', 'mysql-hung', 'wrong-port', 'too-many-connections', 'query-blocked', 'database-missing',
      'query-blocked', 'row-locked', 'query-blocked', 'row-locked', 'user-connection-limit', 'too-many-connections', 'user-connection-limit', 'account-locked', 'access-denied',
      'password-expired', 'account-locked', 'host-blocked', 'access-denied', 'host-blocked', 'mysql-down', 'password-expired',
      'wrong-port', 'host-blocked', 'database-missing', 'healthy'];
    for (const scenario of order) {
      await the().setScenario(scenario);
      expect([scenario, await login()]).toEqual([scenario, SIGNATURES[scenario].mariadb]);
    }
    for (const scenario of ['access-denied', 'too-many-connections', 'query-blocked', 'row-locked', 'host-blocked', 'password-expired'] as const) {
      await the().setScenario(scenario);
      await the().stopSshd('db');
      await the().startSshd('db'); // a fresh datadir: the account is made again, then moved or held
      expect([scenario, await login()]).toEqual([scenario, SIGNATURES[scenario].mariadb]);
    }
    await the().setScenario('healthy');
    expect(await login()).toBe('ok');
  }, 240_000);

  test('too-many-connections leaves root its one SUPER slot and shows no password', async () => {
    await the().setScenario('too-many-connections');
    expect(await the().exec('db', 'mariadb -N -e "SELECT @@max_connections"')).toMatchObject({ exitCode: 0, stdout: '10' });
    const ps = await ssh('db', 'ps -efww');
    expect(ps.stdout.match(/SELECT SLEEP/g)).toHaveLength(11); // the holder script and its ten clients
    expect(ps.stdout).not.toContain(LAB_DB.password);
    await the().setScenario('healthy');
    expect((await ssh('db', 'pgrep -c -x mariadb')).stdout).toBe('0');
  }, 60_000);

  test('port 22 forwards a stream to MariaDB; port 2222 refuses forwarding but runs commands', async () => {
    const forward = (host: string) => execa('ssh', ['-F', the().sshConfigPath, '-W', `${CORE_HOSTS.db.ip}:${MYSQL_PORT}`, host],
      { encoding: 'buffer', stdin: 'ignore', reject: false, timeout: 15_000, env: CLEAN_ENV, extendEnv: false });
    // stdin at EOF: MariaDB greets, reads EOF and closes, so stdout is exactly one packet.
    const greeting = Buffer.from((await forward('app')).stdout);
    expect(greeting.readUIntLE(0, 3)).toBe(greeting.length - 4); // payload length
    expect([greeting[3], greeting[4]]).toEqual([0, 0x0a]); // sequence 0, protocol version 10
    for (const host of ['app-noforward', 'db-noforward']) {
      const refused = await forward(host);
      expect(refused.exitCode).toBe(255);
      expect(Buffer.from(refused.stderr).toString()).toContain('administratively prohibited');
      expect(await ssh(host, 'hostname')).toMatchObject({ exitCode: 0, stdout: host.replace('-noforward', '') });
    }
  }, 30_000);

  test('every client key type logs in, and the hashed known_hosts verifies hosts', async () => {
    for (const key of Object.values(the().clientKeys)) {
      const login = await ssh('app', 'true', ['-v', '-i', key]);
      expect(login.exitCode).toBe(0);
      expect(login.stderr).toContain(`Server accepts key: ${key}`);
    }
    const hashed = await ssh('bastion', 'hostname', ['-o', `UserKnownHostsFile=${the().knownHostsPath}.hashed`]);
    expect(hashed).toMatchObject({ exitCode: 0, stdout: 'bastion' });
  }, 30_000);

  test('db reachable only through bastion (ProxyJump) while sshOnlyViaBastion is on', async () => {
    await the().sshOnlyViaBastion(true);
    for (const direct of await Promise.all(['db', 'db-noforward'].map((host) => ssh(host, 'true', ['-o', 'ConnectTimeout=2'])))) {
      expect(direct.exitCode).toBe(255);
      expect(direct.stderr).toMatch(/timed out/);
    }
    expect(await ssh('db-via-bastion', 'hostname')).toMatchObject({ exitCode: 0, stdout: 'db' });
    await the().sshOnlyViaBastion(false);
    expect(await ssh('db', 'hostname')).toMatchObject({ exitCode: 0, stdout: 'db' });
  }, 30_000);

  test('a stopped host refuses SSH; started again it comes back with the scenario', async () => {
    await the().setScenario('bind-localhost');
    await the().stopSshd('db');
    expect(the().hosts.db.sshdPid).toBe(0);
    const refused = await ssh('db', 'true');
    expect(refused.exitCode).toBe(255);
    expect(refused.stderr).toContain('Connection refused');
    await the().startSshd('db');
    expect((await ssh('db', 'ss -ltn')).stdout).toContain('127.0.0.1:3306');
    await the().setScenario('healthy');
  }, 60_000);

  test('an unreachable host is silent: connections time out until it is reachable again', async () => {
    await the().setReachable('bastion', false);
    const silent = await ssh('bastion', 'true', ['-o', 'ConnectTimeout=2']);
    expect(silent.exitCode).toBe(255);
    expect(silent.stderr).toMatch(/timed out|No route to host/);
    await the().setReachable('bastion', true);
    expect(await ssh('bastion', 'hostname')).toMatchObject({ exitCode: 0, stdout: 'bastion' });
  }, 30_000);

  test('exec runs inside the host, bounded by its timeout', async () => {
    expect(await the().exec('db', 'hostname; ps -o comm= -C mysqld')).toMatchObject({ exitCode: 0, stdout: 'db\nmysqld' });
    const slow = await the().exec('app', 'sleep 30', 1000);
    expect(slow.exitCode).toBe(137);
    expect((await the().exec('app', 'pgrep -x sleep')).exitCode).toBe(1);
  }, 30_000);

  test('a fleet of 3 hosts on its own bridge', async () => {
    const fleet = await the().addFleet(3);
    expect(fleet.map((host) => [host.name, host.ip])).toEqual([
      ['host01', '10.201.0.11'], ['host02', '10.201.0.12'], ['host03', '10.201.0.13']]);
    for (const host of fleet) expect(await ssh(host.name, 'hostname')).toMatchObject({ exitCode: 0, stdout: host.name });
    // No route between the segments: the fleet cannot disturb the fault scenarios.
    expect((await ssh('app', 'ping -c1 -W1 10.201.0.11')).exitCode).not.toBe(0);
  }, 60_000);

  test('down() leaves no namespace, link, process, mount, dir or state behind', async () => {
    // Frozen, mysqld ignores SIGTERM and its launcher cannot reap it: down() must not wait on them.
    await the().setScenario('mysql-hung');
    const processes = labNamespaceProcesses();
    expect(processes.length).toBeGreaterThan(6);
    const dir = the().dir;
    const downMs = Date.now();
    await timed('down', () => the().down());
    expect(Date.now() - downMs).toBeLessThan(5000);
    expect(findLeftovers(dir, processes, runNetnsWasMount)).toEqual(NOTHING_LEFT);
  }, 60_000);
});
