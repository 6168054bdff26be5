// Faults in the middle of a run, against real OpenSSH hosts in the lab, through the built CLI:
// a host whose sshd dies, that goes silent behind a firewall, or that freezes (SIGSTOP) while its
// command runs ends as `error` with the reason, the other host completes, and the run ends soon
// after (keepalives, not the check's timeout). SIGINT and SIGTERM, once and twice, during a remote
// sleep and a tcpdump: nothing is left on any host, the partial report says interrupted, exit 130.
import { readdirSync, readlinkSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab } from '../lab/lab.js';
import { waitUntil } from '../lab/proc.js';
import { inlineFiles, startCli } from '../helpers/run-cli.js';

interface ReportedCheck {
  id: string;
  status: string;
  reason?: string;
}

interface Report {
  interrupted: boolean;
  exitCode: number;
  questions: { checks: ReportedCheck[] }[];
}

const checksOf = (report: Report): Record<string, ReportedCheck> =>
  Object.fromEntries(report.questions.flatMap((question) => question.checks).map((check) => [check.id, check]));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lab's own poll (lab/proc.ts), failing the test when the run never gets there. */
const waitFor = async (condition: () => boolean): Promise<void> => {
  if (!(await waitUntil(condition, 15_000))) throw new Error('timed out waiting for the run to get there');
};

/** Every process in the host's PID namespace (sshd is its PID 1), seen from here. */
const processesOf = (sshdPid: number): number[] => {
  const namespace = readlinkSync(`/proc/${sshdPid}/ns/pid`);
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/pid`) === namespace;
    } catch {
      return false;
    }
  });
};

const signalAll = (pids: readonly number[], signal: NodeJS.Signals): void => {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
};

describeLab('faults in the middle of a run (lab)', () => {
  let lab: Lab;
  /** The lab's ssh_config with keepalives of 1 s × 2 first: a host gone silent is noticed in about 2 s. */
  let sshConfig: string;

  beforeAll(async () => {
    lab = await startLab({ waitMs: 120_000 });
    sshConfig = `Host *\n  ServerAliveInterval 1\n  ServerAliveCountMax 2\n  ConnectTimeout 3\n\n${readFileSync(lab.sshConfigPath, 'utf8')}`;
  });
  afterAll(async () => {
    await lab?.down();
  });

  /** db runs a command long enough to be hit; app one that ends a little later on its own. */
  const runbook = (tag: string): string => `version: 1
title: Faults
hosts: { victim: db, healthy: app }
questions:
  - id: q
    title: Do both answer?
    checks:
      - { id: hit, on: victim, run: "touch /tmp/${tag}-db; sleep 8; echo done", timeout: 60s }
      - { id: spared, on: healthy, run: "touch /tmp/${tag}-app; sleep 3; hostname", expect: { stdout: { equals: app } } }
`;

  const faults: [string, (host: string) => Promise<() => Promise<void>>][] = [
    ['loses its sshd', async (host) => {
      await lab.stopSshd(host);
      return () => lab.startSshd(host);
    }],
    ['is firewalled (silent)', async (host) => {
      await lab.setReachable(host, false);
      return () => lab.setReachable(host, true);
    }],
    ['freezes (SIGSTOP)', (host) => {
      const frozen = processesOf(lab.hosts[host as keyof Lab['hosts']].sshdPid);
      signalAll(frozen, 'SIGSTOP');
      return Promise.resolve(() => Promise.resolve(signalAll(frozen, 'SIGCONT')));
    }],
  ];

  test.each(faults)('a host that %s mid-command: error with the reason, the other completes, the run ends at once', async (_name, inject) => {
    const tag = `rb-fault-${process.pid}-${Date.now()}`;
    const dir = inlineFiles({ 'r.yaml': runbook(tag), 'ssh_config': sshConfig });
    const running = startCli(dir, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', 'ssh_config']);
    const markers = ['db', 'app'].map((host) => `/tmp/${tag}-${host}`);
    await waitFor(() => markers.every((marker) => existsSync(marker)));
    const faultAt = Date.now();
    const restore = await inject('db');
    try {
      const result = await running;
      const report = JSON.parse(String(result.stdout)) as Report;
      const checks = checksOf(report);
      expect(checks['hit']).toMatchObject({ status: 'error', reason: expect.stringMatching(/connection|keepalive|closed|reset|lost/i) as unknown });
      expect(checks['spared']).toMatchObject({ status: 'pass' });
      expect(result.exitCode).toBe(3);
      // Not the check's 60 s timeout, nor its 8 s sleep: keepalives (2 s) or the connection's end.
      expect(Date.now() - faultAt).toBeLessThan(7000);
    } finally {
      markers.forEach((marker) => rmSync(marker, { force: true }));
      await restore();
    }
  });

  /** Runs one check on the db host over SSH; returns its report entry and the wall time. */
  async function runOnServer(check: string): Promise<{ check: unknown; elapsedMs: number }> {
    const text = `version: 1
title: Leftover
hosts: { server: db }
questions:
  - id: q
    title: Q
    checks:
      - ${check}
`;
    const started = Date.now();
    const result = await startCli(inlineFiles({ 'r.yaml': text }), ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath]);
    const only = Object.values(checksOf(JSON.parse(String(result.stdout)) as Report))[0];
    return { check: only, elapsedMs: Date.now() - started };
  }

  /**
   * PIDs of live processes on a host whose command line matches; zombies (state Z) do not count.
   * The pattern names what the runbook started: our own cleanup's short `sleep 0.1` may still be
   * finishing on the host as the run ends, and is not a leftover.
   */
  async function liveOn(host: 'db' | 'app', pattern: string): Promise<string> {
    const found = await lab.exec(host, `for p in $(pgrep -f "${pattern}"); do grep -q "^State:.Z" /proc/$p/status || echo $p; done`);
    return found.stdout;
  }

  test('a leftover holding its output does not turn a finished remote command into a timeout, and is ended', async () => {
    const run = await runOnServer(`{ id: holder, on: server, run: "(trap '' TERM; exec sleep 47) & echo ok; exit 3", timeout: 20s, expect: { exit_code: 3, stdout: { equals: ok } } }`);
    expect(run.check).toMatchObject({ status: 'pass' });
    expect(run.elapsedMs).toBeLessThan(15_000); // never the check's 20 s timeout
    expect(await liveOn('db', 'sleep 4[7]')).toBe('');
  });

  test('what a remote command leaves in its group (nohup x &), TERM-deaf too, ends with it; its exit code stands', async () => {
    const run = await runOnServer(`{ id: nohup, on: server, run: "nohup sleep 48 >/dev/null 2>&1 & (trap '' TERM; exec sleep 49) >/dev/null 2>&1 & exit 4", expect: { exit_code: 4 } }`);
    expect(run.check).toMatchObject({ status: 'pass' });
    expect(run.elapsedMs).toBeLessThan(10_000);
    expect(await liveOn('db', 'sleep 4[89]')).toBe('');
  });

  describe.each([
    ['SIGINT', 1],
    ['SIGTERM', 1],
    ['SIGINT', 2],
    ['SIGTERM', 2],
  ] as const)('%s ×%i during a remote sleep and a tcpdump', (signal, times) => {
    test('nothing is left on any host, the partial report says interrupted, exit 130', async () => {
      const tag = `rb-signal-${process.pid}-${Date.now()}`;
      // The sleep ignores TERM, so only the second signal's KILL (or the first's after its grace) ends it.
      const text = `version: 1
title: Interrupted
hosts: { client: app, server: db }
questions:
  - id: q
    title: Q
    checks:
      - { id: stubborn, on: client, run: "trap '' TERM; touch /tmp/${tag}-sleep; sleep 600; sleep 600" }
      - id: capture
        on: server
        packet_capture:
          filter: port 3306
          client: 10.200.0.216
          duration: 60s
          trigger: { on: client, run: "touch /tmp/${tag}-trigger; sleep 600" }
`;
      const dir = inlineFiles({ 'r.yaml': text });
      const running = startCli(dir, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath]);
      const markers = [`/tmp/${tag}-sleep`, `/tmp/${tag}-trigger`];
      await waitFor(() => markers.every((marker) => existsSync(marker)));
      running.kill(signal);
      if (times === 2) {
        await sleep(300);
        running.kill(signal);
      }
      const result = await running;
      markers.forEach((marker) => rmSync(marker, { force: true }));
      expect(result.exitCode).toBe(130);
      const report = JSON.parse(String(result.stdout)) as Report;
      expect(report.interrupted).toBe(true);
      expect(Object.values(checksOf(report)).map((check) => [check.id, check.status])).toEqual([['stubborn', 'error'], ['capture', 'error']]);
      expect(await liveOn('app', 'sleep 60[0]')).toBe('');
      expect((await lab.exec('db', 'pgrep -x tcpdump || true')).stdout).toBe('');
    });
  });
});
