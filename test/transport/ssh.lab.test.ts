// The SSH transport against the lab's real sshd (OpenSSH 9.2): ssh_config resolution, ProxyJump,
// agent and key-file auth, host key verification, pooling under MaxSessions, unreachable and
// dying hosts, sudo, and that a timeout, stop, abort or close() leaves no process on any host.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { SshHostSpec } from '../../src/model/runbook.js';
import { SshPool, type SshOptions } from '../../src/transport/ssh/pool.js';
import type { CommandOutcome, CommandRequest, Transport } from '../../src/transport/types.js';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab } from '../lab/lab.js';
import {
  createTestUsers, encryptedCopy, fingerprintOf, newKey, startAgent, startSecondSshd, writeSshConfig,
} from './ssh-lab-fixtures.js';
import { stopwatch } from '../helpers/stopwatch.js';
import { setTimeout as sleep } from 'node:timers/promises';

const APP = '10.200.0.216';
const DB = '10.200.0.82';
const BASTION = '10.200.0.10';
const { timings, timed } = stopwatch();

const spec = (host: string, extra: Partial<SshHostSpec> = {}): SshHostSpec =>
  ({ role: host, kind: 'ssh', name: host, host, become: false, ...extra });

const run = (transport: Transport, script: string, extra: Partial<CommandRequest> = {}): Promise<CommandOutcome> =>
  transport.start({ script, timeoutMs: 10_000, ...extra }).result;


const ok = (outcome: CommandOutcome): CommandOutcome => {
  expect(outcome.transportError).toBeUndefined();
  return outcome;
};

describeLab('SSH transport against the lab', () => {
  let lab: Lab;
  let dir = '';
  let socketsBefore = 0;
  const pools: SshPool[] = [];
  const pool = (options: SshOptions = {}): SshPool => {
    const created = new SshPool({ sshConfigPath: lab.sshConfigPath, agentSocket: '', ...options });
    pools.push(created);
    return created;
  };
  /** Processes on a lab host whose command line starts with `prefix` (so pgrep's own shell never counts). */
  const processes = async (host: string, prefix: string): Promise<string> =>
    (await lab.exec(host, `pgrep -af '^${prefix.replace(/\./g, '[.]')}' || true`)).stdout.trim();
  const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

  beforeAll(async () => {
    // Another lab test file may hold the one lab: wait our turn rather than fail.
    lab = await timed('startLab', () => startLab({ waitMs: 300_000 }));
    dir = mkdtempSync(join(tmpdir(), 'runbook-ssh-lab-'));
    socketsBefore = sockets();
  }, 400_000);

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  afterAll(async () => {
    await lab?.down();
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`[ssh transport] timings (ms): ${JSON.stringify(timings)}\n`);
  });

  describe('commands', () => {
    test('exit code, stdout and stderr exactly as printed; signals; no stdin', async () => {
      const app = pool().transportFor(spec('app'));
      expect(app.description).toBe(`root@${APP}:22`);
      const first = await timed('first command incl. connect', () =>
        run(app, `printf 'a\\n\\tb "q" \\303\\274'; printf 'e1\\ne2' >&2; exit 3`));
      expect(first).toMatchObject({ exitCode: 3, signal: null, stdout: 'a\n\tb "q" ü', stderr: 'e1\ne2' });
      expect(await timed('warm command', () => run(app, 'hostname'))).toMatchObject({ exitCode: 0, stdout: 'app\n' });
      expect(await run(app, 'kill -TERM $$')).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
      expect(await run(app, 'cat; echo done')).toMatchObject({ exitCode: 0, stdout: 'done\n' });
      expect(first.termination).toBeUndefined();
    });

    test('the shell says what it says to sh -c, at the script\'s own lines: no "eval:" of the wrapper', async () => {
      const app = pool().transportFor(spec('app'));
      expect(await run(app, 'true\nno-such-tool-rb --version')).toMatchObject({ exitCode: 127, stderr: '/bin/sh: 2: no-such-tool-rb: not found\n' });
      expect(await run(app, 'echo x; exit 4 # a comment on the last line')).toMatchObject({ exitCode: 4, stdout: 'x\n' });
      expect(await run(app, 'if true; then echo')).toMatchObject({ exitCode: 2, stdout: '', stderr: expect.stringMatching(/Syntax error: .*expecting "fi"/) as unknown });
    });

    test('one connection per destination, shared by concurrent first commands and by roles', async () => {
      const created = pool();
      const web = created.transportFor(spec('app'));
      const same = created.transportFor({ ...spec('app'), role: 'web' });
      const outcomes = await Promise.all([...Array(5)].map((_, i) => run(i % 2 ? web : same, 'echo hi')));
      expect(outcomes.map((o) => ok(o).stdout)).toEqual(Array(5).fill('hi\n'));
      const connections = ok(await run(web, "ps -o args= -C sshd | grep -c '^sshd: root@notty'"));
      expect(connections.stdout.trim()).toBe('1');
    });

    test('25 concurrent commands on one host with MaxSessions 10 all succeed, at most 9 at once', async () => {
      const app = pool().transportFor(spec('app'));
      ok(await run(app, 'true'));
      // Each command counts the marked sleeps alive while it runs: the peak is the channel cap in use.
      const script = "sleep 0.4 & pgrep -fc '^sleep 0.4$'; wait";
      const outcomes = await timed('25 commands, 9 channels', () => Promise.all([...Array(25)].map(() => run(app, script))));
      const peak = Math.max(...outcomes.map((o) => Number(ok(o).stdout)));
      expect(outcomes.every((o) => o.exitCode === 0)).toBe(true);
      expect(peak).toBeLessThanOrEqual(9);
      expect(peak).toBeGreaterThanOrEqual(5);
      expect(timings['25 commands, 9 channels']).toBeGreaterThanOrEqual(3 * 400);
    });

    test('waitForOutput sees tcpdump listening; false on timeout and once the command ended', async () => {
      const app = pool().transportFor(spec('app'));
      const capture = app.start({ script: "tcpdump -n -i eth0 -c 1 'tcp port 9'", timeoutMs: 30_000 });
      expect(await timed('tcpdump listening', () => capture.waitForOutput('stderr', /listening on/, 5000))).toBe(true);
      expect(await capture.waitForOutput('stdout', /never printed/, 200)).toBe(false);
      await capture.stop();
      const stopped = await capture.result;
      expect(stopped).toMatchObject({ termination: 'stopped' });
      // Only tcpdump's own words: the wrapper's shell says nothing of the signal that stopped it.
      expect(stopped.stderr).toMatch(/packets dropped by kernel\n?$/);
      expect(stopped.stderr).not.toContain('Terminated');
      expect(await capture.waitForOutput('stdout', /never printed/, 5000)).toBe(false);
      expect(await processes('app', 'tcpdump')).toBe('');
    });

    describe('held commands (heldUntil): made ready, run only on their release', () => {
      /** A promise and what settles it, as a capture's "listening on" does for its trigger. */
      const gate = () => {
        let open!: (go: boolean) => void;
        const until = new Promise<boolean>((resolve) => (open = resolve));
        return { until, open };
      };
      const marker = (name: string): string => `/tmp/rb-held-${process.pid}-${name}`;
      const exists = async (path: string): Promise<boolean> => (await lab.exec('app', `test -e ${path} && echo yes || true`)).stdout.trim() === 'yes';

      test('released, it runs then and not before; its input follows the release', async () => {
        const app = pool().transportFor(spec('app'));
        const { until, open } = gate();
        const started = app.start({ script: `touch ${marker('ran')}; printf 'in:'; cat; date +%s%N`, timeoutMs: 10_000, stdin: 'secret\n', heldUntil: until });
        // Its channel and shells are ready by now: the wrapper waits for the release line.
        await sleep(500);
        expect(await exists(marker('ran'))).toBe(false);
        const releasedAtNs = BigInt(Date.now()) * 1_000_000n;
        open(true);
        const outcome = ok(await started.result);
        expect(outcome).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^in:secret\n\d+\n$/) });
        expect(BigInt(outcome.stdout.split('\n')[1]!)).toBeGreaterThanOrEqual(releasedAtNs);
        expect(outcome.termination).toBeUndefined();
        await lab.exec('app', `rm -f ${marker('ran')}`);
      });

      test.each([
        ['never released', 'withheld'],
        ['stopped while held', 'stopped'],
      ] as const)('%s: nothing runs, the outcome says %s, nothing is left on the host', async (how, termination) => {
        const app = pool().transportFor(spec('app'));
        const { until, open } = gate();
        const path = marker(termination);
        const started = app.start({ script: `touch ${path}; exec sleep 60`, timeoutMs: 10_000, heldUntil: until });
        await sleep(300);
        if (how === 'never released') open(false);
        else await started.stop();
        expect(await started.result).toMatchObject({ exitCode: null, stdout: '', stderr: '', termination });
        expect(await exists(path)).toBe(false);
        expect(await processes('app', 'sleep 60')).toBe('');
        expect(await processes('app', '/bin/sh -c read -r rb_go')).toBe('');
      });

      test('released before its channel is open, it runs as soon as the channel is', async () => {
        const app = pool().transportFor(spec('app'));
        expect(ok(await run(app, 'echo ready', { heldUntil: Promise.resolve(true) }))).toMatchObject({ exitCode: 0, stdout: 'ready\n' });
        expect(await run(app, 'echo never', { heldUntil: Promise.resolve(false) })).toMatchObject({ stdout: '', termination: 'withheld' });
      });
    });
  });

  describe('ending commands leaves nothing behind', () => {
    test('a 1 s timeout on sleep 600 ends it in about 1 s and kills it on the host', async () => {
      const app = pool().transportFor(spec('app'));
      ok(await run(app, 'true'));
      const started = performance.now();
      const outcome = await run(app, 'sleep 600.1', { timeoutMs: 1000 });
      timings['timeout 1 s -> outcome'] = Math.round(performance.now() - started);
      expect(outcome).toMatchObject({ termination: 'timeout', exitCode: null, signal: 'SIGTERM' });
      expect(timings['timeout 1 s -> outcome']).toBeLessThan(1500);
      expect(await processes('app', 'sleep 600.1')).toBe('');
    });

    test('stop(), an aborted signal and the output limit end the whole group', async () => {
      const app = pool().transportFor(spec('app'));
      const stopped = app.start({ script: 'sleep 600.2 & sleep 600.2; echo never', timeoutMs: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await stopped.stop();
      expect(await stopped.result).toMatchObject({ termination: 'stopped', stdout: '' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      expect(await run(app, 'sleep 600.3', { signal: controller.signal })).toMatchObject({ termination: 'canceled' });
      const flood = await run(app, 'yes | head -c 20000000; sleep 600.4', { timeoutMs: 60_000 });
      expect(flood.termination).toBe('output-limit');
      expect(flood.stdout.length).toBe(16 * 1024 * 1024);
      expect(await processes('app', 'sleep 600')).toBe('');
    });
  });

  test('a command stopped while queued behind the channel cap never runs', async () => {
    const app = pool({ maxChannelsPerConnection: 2 }).transportFor(spec('app'));
    const running = app.start({ script: 'echo started; sleep 600.8', timeoutMs: 60_000 });
    expect(await running.waitForOutput('stdout', /started/, 5000)).toBe(true);
    const marker = join(dir, 'queued-ran'); // hosts share the controller's file system (LAB-NOTES 3)
    const queued = app.start({ script: `touch ${marker}`, timeoutMs: 60_000 });
    await queued.stop();
    expect(await queued.result).toMatchObject({ termination: 'stopped', exitCode: null, stdout: '' });
    await running.stop();
    expect(ok(await run(app, `test -e ${marker}; echo $?`)).stdout).toBe('1\n');
    expect(await processes('app', 'sleep 600.8')).toBe('');
  });

  describe('ssh_config resolution', () => {
    test('Host wildcards, first match wins, explicit user and port beat the file', async () => {
      const config = writeSshConfig(lab, dir, 'patterns', `
Host lab-app-*
  HostName ${APP}
  IdentityFile ${lab.clientKeys.ed25519}
Host lab-app-shadowed
  HostName ${DB}
Host wrong-port-and-user
  HostName ${DB}
  Port 2
  User nobody-here
  IdentityFile ${lab.clientKeys.ed25519}
`);
      const created = pool({ sshConfigPath: config });
      expect(ok(await run(created.transportFor(spec('lab-app-shadowed')), 'hostname')).stdout).toBe('app\n');
      const explicit = created.transportFor(spec('wrong-port-and-user', { user: 'root', port: 22 }));
      expect(explicit.description).toBe(`root@${DB}:22`);
      expect(ok(await run(explicit, 'hostname')).stdout).toBe('db\n');
    });

    test('ProxyJump: db reachable only through bastion, one hop or a chain', async () => {
      await lab.sshOnlyViaBastion(true);
      try {
        const created = pool({ connectTimeoutMs: 1500 });
        const direct = await timed('filtered db: connect timeout', () => run(created.transportFor(spec('db')), 'true'));
        expect(direct.transportError).toMatchObject({ code: 'ETIMEDOUT' });
        const viaBastion = ok(await timed('db via bastion (2 connects)', () =>
          run(created.transportFor(spec('db-via-bastion')), 'hostname; echo "$SSH_CLIENT"')));
        expect(viaBastion.stdout).toMatch(new RegExp(`^db\\n${BASTION} `));
        // db sees the last hop: through app then bastion it is let in, the other way round it is not.
        const chainConfig = writeSshConfig(lab, dir, 'chain', `
Host db-chain-ok
  HostName ${DB}
  ProxyJump root@${APP},root@${BASTION}
Host db-chain-blocked
  HostName ${DB}
  ProxyJump root@${BASTION},root@${APP}
Host *
  IdentityFile ${lab.clientKeys.ed25519}
  IdentitiesOnly yes
`);
        const chain = pool({ sshConfigPath: chainConfig, connectTimeoutMs: 1500 });
        const through = ok(await run(chain.transportFor(spec('db-chain-ok')), 'echo "$SSH_CLIENT"'));
        expect(through.stdout.startsWith(`${BASTION} `)).toBe(true);
        const blocked = await run(chain.transportFor(spec('db-chain-blocked')), 'true');
        expect(blocked.transportError?.code).toBe('ETIMEDOUT');
        expect(blocked.transportError?.message).toContain('db-chain-blocked');
      } finally {
        await lab.sshOnlyViaBastion(false);
      }
    });
  });

  describe('authentication', () => {
    test.each(['ed25519', 'ecdsa', 'rsa'] as const)('key file of type %s', async (type) => {
      const key = lab.clientKeys[type];
      const config = writeSshConfig(lab, dir, `key-${type}`, `Host app-${type}\n  HostName ${APP}\n  IdentityFile ${key}\n  IdentitiesOnly yes\n`);
      ok(await run(pool({ sshConfigPath: config }).transportFor(spec(`app-${type}`)), 'true'));
      const log = readFileSync(join(lab.dir, 'hosts', 'app', 'sshd.log'), 'utf8');
      expect(log).toContain(fingerprintOf(key));
    });

    test('without IdentityFile, the default ~/.ssh/id_* files are tried, as by ssh', async () => {
      const home = join(dir, 'fake-home');
      mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
      copyFileSync(lab.clientKeys.rsa, join(home, '.ssh', 'id_rsa'));
      const config = writeSshConfig(lab, dir, 'defaults', `Host app-defaults\n  HostName ${APP}\n`);
      const realHome = process.env['HOME'];
      process.env['HOME'] = home; // ssh_config paths are resolved when the transport is made
      let transport: Transport;
      try {
        transport = pool({ sshConfigPath: config }).transportFor(spec('app-defaults'));
      } finally {
        process.env['HOME'] = realHome;
      }
      ok(await run(transport, 'true'));
    });

    test('ssh-agent: used when no key file works; under IdentitiesOnly only for configured keys', async () => {
      const agent = await startAgent(dir, 'agent');
      try {
        agent.add(lab.clientKeys.ed25519);
        const stranger = newKey(dir, 'not-authorized');
        const locked = encryptedCopy(lab.clientKeys.ed25519, dir);
        const config = writeSshConfig(lab, dir, 'agent', `
Host agent-plus-stranger
  HostName ${APP}
  IdentityFile ${stranger}
Host only-stranger
  HostName ${APP}
  IdentityFile ${stranger}
  IdentitiesOnly yes
Host only-locked-copy
  HostName ${APP}
  IdentityFile ${locked}
  IdentitiesOnly yes
`);
        // One pool each: the three names are one destination, and a pool shares its connection.
        const withAgent = (host: string): Promise<CommandOutcome> =>
          run(pool({ sshConfigPath: config, agentSocket: agent.socket }).transportFor(spec(host)), 'true');
        ok(await withAgent('agent-plus-stranger'));
        ok(await withAgent('only-locked-copy'));
        const refused = await withAgent('only-stranger');
        expect(refused.transportError).toMatchObject({ code: 'AUTH' });
        expect(refused.transportError?.message).toContain(`only-stranger (root@${APP}:22): authentication failed for user root: the server refused the agent's copies of the configured keys and ${stranger}; the public key must be in ~root/.ssh/authorized_keys`);
        const noAgent = await run(pool({ sshConfigPath: config }).transportFor(spec('agent-plus-stranger')), 'true');
        expect(noAgent.transportError?.code).toBe('AUTH');
      } finally {
        await Promise.all(pools.splice(0).map((p) => p.close()));
        await agent.stop();
      }
    });
  });

  describe('host keys', () => {
    const appKey = (): string => readFileSync(lab.knownHostsPath, 'utf8').split('\n').find((l) => l.startsWith('app,'))?.split(' ').slice(1, 3).join(' ') ?? '';
    const hostsFile = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const appWith = (knownHosts: string, options: SshOptions = {}, port = 22): Promise<CommandOutcome> => {
      const config = writeSshConfig(lab, dir, `kh-${port}`, `Host target\n  HostName ${APP}\n  Port ${port}\n  IdentityFile ${lab.clientKeys.ed25519}\n`, knownHosts);
      return run(pool({ sshConfigPath: config, ...options }).transportFor(spec('target')), 'hostname');
    };

    test('an unknown host is refused with the command that would trust it', async () => {
      const file = hostsFile('empty', '');
      const outcome = await appWith(file);
      expect(outcome.transportError?.code).toBe('HOSTKEY_UNKNOWN');
      expect(outcome.transportError?.message).toContain(`ssh-keyscan -p 22 -t ssh-ed25519 ${APP} >> ${file}`);
      expect(outcome.transportError?.message).toContain('--ssh-strict-host-key-checking accept-new');
    });

    test('a changed key is refused loudly, naming file:line, also under accept-new', async () => {
      const other = readFileSync(`${newKey(dir, 'impostor')}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
      const file = hostsFile('changed', `# first line\n${APP} ${other}\n`);
      for (const options of [{}, { strictHostKeyChecking: 'accept-new' as const }]) {
        const outcome = await appWith(file, options);
        expect(outcome.transportError?.code).toBe('HOSTKEY_CHANGED');
        expect(outcome.transportError?.message).toContain(`${file}:2`);
      }
      expect(readFileSync(file, 'utf8')).toBe(`# first line\n${APP} ${other}\n`);
    });

    test('a @revoked key is refused', async () => {
      const outcome = await appWith(hostsFile('revoked', `@revoked * ${appKey()}\n${APP} ${appKey()}\n`));
      expect(outcome.transportError?.code).toBe('HOSTKEY_REVOKED');
    });

    test('accept-new records the key in a new private file, hashed when HashKnownHosts says so', async () => {
      const file = join(dir, 'fresh', 'dir', 'known_hosts');
      ok(await appWith(file, { strictHostKeyChecking: 'accept-new' }));
      expect(readFileSync(file, 'utf8')).toBe(`${APP} ${appKey()}\n`);
      expect(statSync(join(dir, 'fresh', 'dir')).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(ok(await appWith(file, { strictHostKeyChecking: 'yes' })).stdout).toBe('app\n');
      const hashedConfig = writeSshConfig(lab, dir, 'hash', `Host target\n  HostName ${APP}\n  HashKnownHosts yes\n  IdentityFile ${lab.clientKeys.ed25519}\n`, join(dir, 'hashed_new'));
      ok(await run(pool({ sshConfigPath: hashedConfig, strictHostKeyChecking: 'accept-new' }).transportFor(spec('target')), 'true'));
      expect(readFileSync(join(dir, 'hashed_new'), 'utf8')).toMatch(/^\|1\|/);
      expect(execFileSync('ssh-keygen', ['-F', APP, '-f', join(dir, 'hashed_new')], { encoding: 'utf8' })).toContain(appKey());
    });

    test('known_hosts hashed by ssh-keygen -H works', async () => {
      expect(ok(await appWith(`${lab.knownHostsPath}.hashed`)).stdout).toBe('app\n');
    });

    test('a host known only by its ECDSA key is asked for that type, not reported changed', async () => {
      const ecdsa = join(dir, 'host_ecdsa_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', ecdsa]);
      const stop = await startSecondSshd(lab, 2223, ecdsa);
      try {
        const entry = readFileSync(`${ecdsa}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
        const outcome = await appWith(hostsFile('ecdsa-only', `[${APP}]:2223 ${entry}\n`), {}, 2223);
        expect(ok(outcome).stdout).toBe('app\n');
      } finally {
        await Promise.all(pools.splice(0).map((p) => p.close()));
        await stop();
      }
    });

    test('a non-22 port needs a [host]:port entry', async () => {
      const stop = await startSecondSshd(lab, 2222);
      try {
        const plainOnly = await appWith(hostsFile('plain-only', `${APP} ${appKey()}\n`), {}, 2222);
        expect(plainOnly.transportError?.code).toBe('HOSTKEY_UNKNOWN');
        expect(plainOnly.transportError?.message).toContain(`[${APP.toLowerCase()}]:2222`);
        const withPort = await appWith(hostsFile('with-port', `[${APP}]:2222 ${appKey()}\n`), {}, 2222);
        expect(ok(withPort).stdout).toBe('app\n');
      } finally {
        await Promise.all(pools.splice(0).map((p) => p.close()));
        await stop();
      }
    });
  });

  describe('unreachable and dying hosts', () => {
    test('a stopped host fails fast, again at once, while the other host works', async () => {
      await lab.stopSshd('db');
      try {
        const created = pool();
        const [db, app] = await timed('refused db + app', () =>
          Promise.all([run(created.transportFor(spec('db')), 'true'), run(created.transportFor(spec('app')), 'hostname')]));
        expect(db?.transportError).toEqual({ code: 'ECONNREFUSED', message: `db (root@${DB}:22): connection refused` });
        expect(ok(app).stdout).toBe('app\n');
        const viaBastion = await run(created.transportFor(spec('db-via-bastion')), 'true');
        expect(viaBastion.transportError?.code).toBe('ECONNREFUSED');
        expect(viaBastion.transportError?.message).toMatch(/^db-via-bastion \(root@10\.200\.0\.82:22\): jump host could not connect/);
        const again = await timed('refused db, remembered', () => run(created.transportFor(spec('db')), 'true'));
        expect(again.transportError?.code).toBe('ECONNREFUSED');
        expect(timings['refused db + app']).toBeLessThan(1000);
        expect(timings['refused db, remembered']).toBeLessThan(50);
      } finally {
        await lab.startSshd('db');
      }
    });

    test('an address nobody answers ARP for is EHOSTUNREACH', async () => {
      const config = writeSshConfig(lab, dir, 'nobody', `Host nobody\n  HostName 10.200.0.250\n  IdentityFile ${lab.clientKeys.ed25519}\n`);
      const outcome = await timed('no such lab host: EHOSTUNREACH', () =>
        run(pool({ sshConfigPath: config, connectTimeoutMs: 8000 }).transportFor(spec('nobody')), 'true'));
      expect(outcome.transportError).toEqual({ code: 'EHOSTUNREACH', message: 'nobody (root@10.200.0.250:22): host unreachable' });
    });

    test('a silent host times out within the connect timeout', async () => {
      await lab.setReachable('app', false);
      try {
        const outcome = await timed('silent app: 1.5 s connect timeout', () =>
          run(pool({ connectTimeoutMs: 1500 }).transportFor(spec('app')), 'true'));
        expect(outcome.transportError?.code).toBe('ETIMEDOUT');
        expect(timings['silent app: 1.5 s connect timeout']).toBeLessThan(2500);
      } finally {
        await lab.setReachable('app', true);
      }
    });

    test('a connection lost mid-run ends its commands; the next command reconnects, once', async () => {
      const db = pool().transportFor(spec('db'));
      const lose = async (): Promise<CommandOutcome> => {
        const running = db.start({ script: 'echo started; sleep 600.5', timeoutMs: 60_000 });
        expect(await running.waitForOutput('stdout', /started/, 5000)).toBe(true);
        await lab.stopSshd('db');
        await lab.startSshd('db');
        return running.result;
      };
      expect((await lose()).transportError).toMatchObject({ code: 'DISCONNECTED' });
      expect(ok(await run(db, 'hostname')).stdout).toBe('db\n');
      expect((await lose()).transportError?.code).toBe('DISCONNECTED');
      expect((await run(db, 'true')).transportError?.message).toContain('connection lost again');
    });
  });

  describe('become', () => {
    test('sudo -n with rights runs as root and its kill works; without rights: SUDO with sudo\'s words', async () => {
      const users = createTestUsers(`${lab.clientKeys.ed25519}.pub`);
      try {
        const config = writeSshConfig(lab, dir, 'become', `Host app\n  HostName ${APP}\n  IdentityFile ${lab.clientKeys.ed25519}\n`);
        const created = pool({ sshConfigPath: config });
        const sudoer = created.transportFor(spec('app', { user: users.withSudo, become: true }));
        const plain = created.transportFor(spec('app', { user: users.withoutSudo }));
        expect(ok(await run(plain, 'id -un')).stdout).toBe(`${users.withoutSudo}\n`);
        if (!statSync('/usr/bin/sudo', { throwIfNoEntry: false })) {
          const missing = await run(sudoer, 'id -u');
          expect(missing.transportError?.code).toBe('SUDO');
          expect(missing.transportError?.message).toMatch(/sudo.*not found/);
          return;
        }
        expect(ok(await run(sudoer, 'id -u')).stdout).toBe('0\n');
        expect(ok(await run(sudoer, 'id -u', { become: false })).stdout).not.toBe('0\n');
        const refused = await run(plain, 'id -u', { become: true });
        expect(refused.transportError).toEqual({
          code: 'SUDO', message: `app (${users.withoutSudo}@${APP}:22): sudo: a password is required`,
        });
        const killed = await run(sudoer, 'sleep 600.6', { timeoutMs: 1000 });
        expect(killed).toMatchObject({ termination: 'timeout' });
        expect(await processes('app', 'sleep 600.6')).toBe('');
      } finally {
        await Promise.all(pools.splice(0).map((p) => p.close()));
        users.remove();
      }
    });
  });

  describe('close()', () => {
    test('ends running commands on every host (through a jump too) and leaves no socket open', async () => {
      const created = pool();
      const app = created.transportFor(spec('app'));
      const db = created.transportFor(spec('db-via-bastion'));
      const running = [app, db].map((t) => t.start({ script: 'echo started; sleep 600.7', timeoutMs: 60_000 }));
      for (const command of running) expect(await command.waitForOutput('stdout', /started/, 5000)).toBe(true);
      await timed('close() with 2 running', () => created.close());
      for (const command of running) expect(await command.result).toMatchObject({ termination: 'stopped' });
      await created.close(); // idempotent
      expect(await processes('app', 'sleep 600.7')).toBe('');
      expect(await processes('db', 'sleep 600.7')).toBe('');
      expect(sockets()).toBe(socketsBefore);
      expect((await run(app, 'true')).transportError?.code).toBe('CLOSED');
    });
  });
});
