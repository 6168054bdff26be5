// The probe kinds against the real lab, through the real pipeline (load, plan, execute over SSH,
// report): for each fault scenario, what each kind observes, which tools it fell back on, and
// what it costs in time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runRunbooks } from '../../src/app/run-runbooks.js';
import type { CheckResult } from '../../src/model/report.js';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab, type Scenario } from '../lab/lab.js';

const RUNBOOK = `version: 1
title: probe kinds in the lab
vars:
  app_ip: 10.200.0.216
  db_ip: 10.200.0.82
  port: 3306
hosts:
  app: app
  db: db
questions:
  - id: server
    title: on db
    checks:
      - id: process
        on: db
        process: { name: mysqld|mariadbd, user: mysql }
        capture:
          pid: { from: pid }
      - id: listening-port
        on: db
        listening: { port: "\${vars.port}" }
      - id: listening-pid
        on: db
        depends_on: [process]
        listening: { pid: "\${captures.pid}" }
      - id: connect-local
        on: db
        tcp_connect: { host: 127.0.0.1, port: "\${vars.port}" }
  - id: network
    title: from app
    checks:
      - id: ping
        on: app
        ping: { host: "\${vars.db_ip}" }
      - id: connect
        on: app
        tcp_connect: { host: "\${vars.db_ip}", port: "\${vars.port}", timeout: 2s }
      - id: scan
        on: app
        port_scan: { host: "\${vars.db_ip}", port: "\${vars.port}" }
      - id: capture
        on: db
        packet_capture:
          filter: host \${vars.app_ip} and port \${vars.port}
          client: \${vars.app_ip}
          trigger: { on: app, run: "nc -vz -w2 \${vars.db_ip} \${vars.port}" }
`;

describeLab('probe kinds in the lab', () => {
  let lab: Lab;
  let dir: string;

  beforeAll(async () => {
    lab = await startLab({ waitMs: 120_000 });
    dir = mkdtempSync(join(tmpdir(), 'runbook-kinds-'));
    writeFileSync(join(dir, 'kinds.yaml'), RUNBOOK);
  });

  afterAll(async () => {
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the runbook one check at a time (the capture must not see the other checks' connections). */
  const run = async (scenario: Scenario): Promise<Record<string, CheckResult>> => {
    await lab.setScenario(scenario);
    const report = await runRunbooks({
      files: [join(dir, 'kinds.yaml')],
      overrides: {},
      concurrency: 1,
      defaultTimeoutMs: 30_000,
      signal: new AbortController().signal,
      ssh: { sshConfigPath: lab.sshConfigPath },
    });
    return Object.fromEntries(report.questions.flatMap((question) => question.checks).map((check) => [check.id, check]));
  };

  describe('healthy', () => {
    let checks: Record<string, CheckResult>;
    beforeAll(async () => {
      checks = await run('healthy');
    });

    test('every kind passes on its default expectation', () => {
      expect(Object.values(checks).map((check) => [check.id, check.status, check.reason])).toEqual(Object.keys(checks).map((id) => [id, 'pass', undefined]));
    });

    test('what each kind observed', () => {
      expect(checks.process!.observed).toMatchObject({ count: 1, names: 'mysqld', users: 'mysql', pid: expect.stringMatching(/^\d+$/) });
      expect(checks['listening-port']!.observed).toMatchObject({ count: 1, addresses: '0.0.0.0:3306', scope: 'any', tool: 'lsof' });
      expect(checks['listening-pid']!.observed).toMatchObject({ ports: '3306', pids: checks.process!.observed.pid });
      expect(checks.ping!.observed).toMatchObject({ sent: 1, replies: 1, loss_percent: 0 });
      expect(checks.connect!.observed).toMatchObject({ state: 'open', tool: 'nc' });
      expect(checks.scan!.observed).toEqual({ state: 'open', host_up: 'yes' });
      expect(checks.capture!.observed).toMatchObject({ reply: 'syn-ack' });
      expect(checks.capture!.observed.lines).toMatch(/10\.200\.0\.82\.3306 > 10\.200\.0\.216\.\d+: Flags \[S\.\]/);
    });

    test('the capture is stopped as soon as the reply is in, and leaves no tcpdump behind', async () => {
      expect(checks.capture!.durationMs).toBeLessThan(2000);
      expect((await lab.exec('db', 'pgrep -x tcpdump')).exitCode).toBe(1);
    });
  });

  test('mysql-down: nothing runs, nothing listens, connections are refused (RST)', async () => {
    const checks = await run('mysql-down');
    expect(checks.process!).toMatchObject({ status: 'fail', observed: { count: 0 } });
    expect(checks['listening-port']!).toMatchObject({ status: 'fail', observed: { count: 0, scope: 'none', tool: 'lsof' } });
    expect(checks['listening-pid']!.status).toBe('skipped');
    expect(checks['connect-local']!.observed).toMatchObject({ state: 'refused' });
    expect(checks.connect!.observed).toMatchObject({ state: 'refused' });
    expect(checks.scan!.observed).toEqual({ state: 'closed', host_up: 'yes' });
    expect(checks.capture!).toMatchObject({ status: 'pass', observed: { reply: 'rst', client_packets: 1, server_packets: 1 } });
  });

  test('bind-localhost: listens on 127.0.0.1 only; local connections work, remote ones are refused', async () => {
    const checks = await run('bind-localhost');
    expect(checks['listening-port']!.observed).toMatchObject({ count: 1, addresses: '127.0.0.1:3306', scope: 'loopback' });
    expect(checks['connect-local']!).toMatchObject({ status: 'pass', observed: { state: 'open' } });
    expect(checks.connect!).toMatchObject({ status: 'fail', observed: { state: 'refused' } });
    expect(checks.scan!.observed).toMatchObject({ state: 'closed' });
    expect(checks.capture!.observed).toMatchObject({ reply: 'rst' });
  });

  test('port-filtered: filtered within the connect timeout + 1 s; the SYN reaches db unanswered', async () => {
    const checks = await run('port-filtered');
    expect(checks.connect!).toMatchObject({ status: 'fail', observed: { state: 'filtered', tool: 'nc' } });
    expect(checks.connect!.observed.duration_ms).toBeGreaterThanOrEqual(1900);
    expect(checks.connect!.durationMs).toBeLessThan(3000);
    expect(checks.scan!.observed).toEqual({ state: 'filtered', host_up: 'yes' });
    expect(checks.capture!).toMatchObject({ status: 'pass', observed: { reply: 'none', server_packets: 0 } });
    expect(checks.capture!.observed.client_packets).toBeGreaterThanOrEqual(1);
    // Not its own 2 s (nc -w2): the trigger is stopped once the SYN has gone 1.5 s unanswered.
    expect(checks.capture!.notes).toEqual(["trigger on app stopped: the client's SYN went 1.5 s without an answer"]);
    expect(checks['listening-port']!.observed).toMatchObject({ scope: 'any' });
  });

  test('wrong-port: nothing on 3306, but mysqld (by pid) listens on 3307', async () => {
    const checks = await run('wrong-port');
    expect(checks['listening-port']!.observed).toMatchObject({ count: 0, scope: 'none' });
    expect(checks['listening-pid']!).toMatchObject({ status: 'pass', observed: { count: 1, ports: '3307', addresses: '0.0.0.0:3307' } });
    expect(checks.connect!.observed).toMatchObject({ state: 'refused' });
  });

  test('icmp-blocked: ping gets nothing, TCP works', async () => {
    const checks = await run('icmp-blocked');
    expect(checks.ping!).toMatchObject({ status: 'fail', observed: { replies: 0, loss_percent: 100, rtt_ms: null } });
    expect(checks.connect!.observed).toMatchObject({ state: 'open' });
    expect(checks.scan!.observed).toMatchObject({ state: 'open', host_up: 'yes' });
  });

  test('tools-missing: fallbacks answer where they exist, with notes and the missing tools; the rest are errors', async () => {
    const checks = await run('tools-missing');
    expect(checks['listening-port']!).toMatchObject({
      status: 'pass',
      observed: { count: 1, addresses: '0.0.0.0:3306', tool: 'ss' },
      notes: ['lsof not installed on db; ss -ltnpH answered'],
      missingTools: [{ tool: 'lsof', host: 'db' }],
    });
    expect(checks.connect!).toMatchObject({
      status: 'pass',
      observed: { state: 'open', tool: 'bash' },
      notes: ['nc not installed on app; bash /dev/tcp answered'],
      missingTools: [{ tool: 'nc', host: 'app' }],
    });
    expect(checks.scan!).toMatchObject({ status: 'error', reason: 'nmap not installed on app', missingTools: [{ tool: 'nmap', host: 'app' }] });
    expect(checks.capture!).toMatchObject({ status: 'error', reason: 'tcpdump not installed on db', missingTools: [{ tool: 'tcpdump', host: 'db' }] });
    expect(checks.process!.status).toBe('pass');
    expect(checks.ping!.status).toBe('pass');
  });
});
