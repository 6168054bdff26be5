// `runbook run` against real OpenSSH hosts in the namespace lab, through the built CLI: ssh_config,
// --host overrides, ProxyJump, host key verification, a dead host, and remote timeouts and
// interruptions that leave nothing running on the host.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab } from '../lab/lab.js';
import { inlineFiles, runCli, startCli } from '../helpers/run-cli.js';
import { ACCEPTED, PAYLOADS, capturedRunbook, matrixRunbook } from '../helpers/injection-matrix.js';

const RUNBOOK = `version: 1
title: Lab over SSH
vars:
  server_ip: 10.200.0.82
hosts:
  client: app
  server: db
questions:
  - id: server-side
    title: Does the server answer?
    checks:
      - id: server-name
        on: server
        run: hostname
        expect:
          stdout: { equals: db }
  - id: client-side
    title: Does the client answer?
    checks:
      - id: client-name
        on: client
        run: hostname
        expect:
          stdout: { equals: app }
`;

const checksOf = (report: { questions: readonly { checks: readonly { id: string; status: string; reason?: string; target: string }[] }[] } | undefined) =>
  Object.fromEntries((report?.questions ?? []).flatMap((q) => q.checks).map((c) => [c.id, c]));

describeLab('runbook run over SSH (lab)', () => {
  let lab: Lab;
  const cli = (args: string[], files: Record<string, string> = { 'r.yaml': RUNBOOK }) =>
    runCli(files, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath, ...args]);

  beforeAll(async () => {
    lab = await startLab({ waitMs: 120_000 });
  });
  afterAll(async () => {
    await lab?.down();
  });

  test('checks run on the hosts named by ssh_config, each reported with its destination', async () => {
    const result = await cli([]);
    expect(result.exitCode, result.stderr).toBe(0);
    const checks = checksOf(result.report);
    expect(checks['server-name']).toMatchObject({ status: 'pass', target: 'root@10.200.0.82:22' });
    expect(checks['client-name']).toMatchObject({ status: 'pass', target: 'root@10.200.0.216:22' });
    expect(result.report!.runbooks[0]!.hosts).toEqual({ client: 'app', server: 'db' });
  });

  test('hostile values stay text over SSH too: every payload in every accepted place, from vars and from a capture', async () => {
    const mark = `/tmp/runbook-pwned-${process.pid}`;
    const hosts = { server: 'db' };
    const matrix = await cli([], { 'r.yaml': matrixRunbook(mark, 'server', hosts) });
    const checks = Object.values(checksOf(matrix.report));
    expect(checks).toHaveLength(PAYLOADS(mark).length * ACCEPTED.length);
    expect(checks.filter((check) => check.status !== 'pass').map((check) => `${check.id}: ${check.reason ?? ''}`)).toEqual([]);
    const payloadFile = `/tmp/runbook-payload-${process.pid}`;
    writeFileSync(payloadFile, PAYLOADS(mark)[0]!);
    try {
      const captured = await cli([], { 'r.yaml': capturedRunbook(mark, 'server', hosts, payloadFile) });
      expect(Object.values(checksOf(captured.report)).filter((check) => check.status !== 'pass')).toEqual([]);
    } finally {
      rmSync(payloadFile, { force: true });
    }
    // The mark would be on the host: ask it there, as well as here.
    const look = await cli([], { 'r.yaml': `version: 1\ntitle: t\nhosts: { server: db }\nquestions:\n  - id: q\n    title: q\n    checks:\n      - { id: no-mark, on: server, run: "test ! -e ${mark}" }\n` });
    expect(look.exitCode, look.stderr).toBe(0);
    expect(existsSync(mark)).toBe(false);
  });

  test('--host points a role elsewhere: the same runbook, another environment', async () => {
    const result = await cli(['--host', 'server=app']);
    expect(result.exitCode).toBe(1);
    expect(checksOf(result.report)['server-name']).toMatchObject({ status: 'fail', target: 'root@10.200.0.216:22' });
  });

  test('a host reachable only through a bastion is reached with ProxyJump', async () => {
    await lab.sshOnlyViaBastion(true);
    try {
      const through = await cli(['--host', 'server=db-via-bastion']);
      expect(through.exitCode, through.stderr).toBe(0);
      const direct = await cli([]);
      expect(direct.exitCode).toBe(3);
      const checks = checksOf(direct.report);
      expect(checks['server-name']).toMatchObject({ status: 'error', reason: expect.stringMatching(/no answer to TCP port 22 within|timed out|refused/i) as unknown });
      expect(checks['client-name']).toMatchObject({ status: 'pass' });
    } finally {
      await lab.sshOnlyViaBastion(false);
    }
  });

  test('a dead host turns its checks into errors while the other host carries on, without hanging', async () => {
    await lab.stopSshd('db');
    try {
      const started = performance.now();
      const result = await cli([]);
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(result.exitCode).toBe(3);
      const checks = checksOf(result.report);
      expect(checks['server-name']).toMatchObject({ status: 'error', reason: expect.stringMatching(/refused|unreachable|timed out/i) as unknown });
      expect(checks['client-name']).toMatchObject({ status: 'pass' });
    } finally {
      await lab.startSshd('db');
    }
  });

  test('an unknown host key is refused by default, with how to trust it; accept-new records it', async () => {
    const dir = inlineFiles({ 'empty_known_hosts': '' });
    const knownHosts = join(dir, 'empty_known_hosts');
    const config = readFileSync(lab.sshConfigPath, 'utf8').replaceAll(lab.knownHostsPath, knownHosts);
    writeFileSync(join(dir, 'ssh_config'), config);
    const refused = await runCli({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', join(dir, 'ssh_config')]);
    expect(refused.exitCode).toBe(3);
    expect(checksOf(refused.report)['server-name']!.reason).toMatch(/ssh-keyscan|accept-new/);
    expect(readFileSync(knownHosts, 'utf8')).toBe('');
    const accepted = await runCli({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml', '--ssh-config', join(dir, 'ssh_config'), '--ssh-strict-host-key-checking', 'accept-new']);
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(readFileSync(knownHosts, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('a remote check timeout kills the remote command: nothing is left on the host', async () => {
    const runbook = RUNBOOK.replace('run: hostname\n        expect:\n          stdout: { equals: db }', 'run: sleep 600\n        timeout: 1s');
    const started = performance.now();
    const result = await cli([], { 'r.yaml': runbook });
    expect(performance.now() - started).toBeLessThan(8000);
    expect(checksOf(result.report)['server-name']).toMatchObject({ status: 'error', reason: 'timed out after 1s on server (root@10.200.0.82:22) (the command was killed)' });
    const left = await lab.exec('db', 'pgrep -x sleep || true');
    expect(left.stdout).toBe('');
  });

  test('SIGINT stops remote commands on every host and exits 130', async () => {
    // Hosts share the controller's /tmp: unique marker names, so no earlier run can fool the wait.
    const tag = `rb-sigint-${process.pid}-${Date.now()}`;
    const runbook = RUNBOOK.replaceAll('run: hostname', `run: touch /tmp/${tag}-$(hostname); exec sleep 600`);
    const dir = inlineFiles({ 'r.yaml': runbook });
    const running = startCli(dir, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath]);
    const markers = ['app', 'db'].map((host) => `/tmp/${tag}-${host}`);
    const deadline = Date.now() + 15_000;
    while (!markers.every((marker) => existsSync(marker)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    running.kill('SIGINT');
    const result = await running;
    markers.forEach((marker) => rmSync(marker, { force: true }));
    expect(result.exitCode).toBe(130);
    for (const host of ['app', 'db']) expect((await lab.exec(host, 'pgrep -x sleep || true')).stdout).toBe('');
  });

  test("a process check over SSH counts the host's processes, never runbook's own commands running beside it", async () => {
    const token = `rb-own-${process.pid}-${Date.now()}`;
    // The host's own process with the token in its command line, started outside runbook: it is found.
    const started = await lab.exec('db', `setsid /bin/sh -c 'sleep 60; : ${token}-outsider' </dev/null >/dev/null 2>&1 & echo $!`);
    const outsider = Number(started.stdout.trim());
    expect(outsider).toBeGreaterThan(1);
    const seen = (id: string, spec: string) => `      - { id: ${id}, on: server, depends_on: [soon], process: ${spec} }\n`;
    const runbook = `version: 1\ntitle: own processes\nhosts:\n  server: db\nquestions:\n  - id: q\n    title: q\n    checks:\n` +
      `      - { id: beside, on: server, run: 'sleep 1; echo ${token}-beside' }\n      - { id: soon, on: server, run: sleep 0.2 }\n` +
      seen('sees-beside', `{ command: ${token}-beside }`) + seen('sees-outsider', `{ command: ${token}-outsider }`) +
      seen('sees-mysqld', '{ name: mysqld|mariadbd }') + seen('sees-sshd', '{ name: sshd }');
    const result = await cli([], { 'r.yaml': runbook }).finally(() => lab.exec('db', `kill ${outsider}`));
    const counts = Object.fromEntries(result.report!.questions[0]!.checks.map((c) => [c.id, [c.status, (c.observed as { count?: number } | undefined)?.count]]));
    // sshd: the listener only; the session serving our connection is runbook's.
    expect(counts).toEqual({ beside: ['pass', undefined], soon: ['pass', undefined], 'sees-beside': ['fail', 0], 'sees-outsider': ['pass', 1], 'sees-mysqld': ['pass', 1], 'sees-sshd': ['pass', 1] });
  });

  test('a program missing inside a pipeline is told over SSH too, where the wrapper runs the command under eval', async () => {
    const runbook = `version: 1\ntitle: t\nhosts:\n  server: db\nquestions:\n  - id: q\n    title: q\n    checks:\n` +
      `      - { id: piped, on: server, run: "no-such-tool-rb -c tracking | awk '{ print $1 }'", expect: { stdout: { equals: Normal } } }\n`;
    const result = await cli([], { 'r.yaml': runbook });
    expect(checksOf(result.report)['piped']).toMatchObject({
      status: 'error',
      reason: 'no-such-tool-rb not installed on server: the pipeline ran without it (exit 0); stderr says so',
      missingTools: [{ tool: 'no-such-tool-rb', host: 'server' }],
    });
    expect(result.exitCode).toBe(3);
  });

  test('a Match exec block of ssh_config that may apply to a host is refused, not skipped: ssh would run the command and might connect elsewhere', async () => {
    const dir = inlineFiles({ 'r.yaml': RUNBOOK });
    const config = readFileSync(lab.sshConfigPath, 'utf8');
    // For ssh, `exec true` holds: it would reach db on port 2222 (the lab's second sshd there).
    writeFileSync(join(dir, 'match-db'), `${config}\nMatch host 10.200.0.82 exec "true"\n  Port 2222\n`);
    writeFileSync(join(dir, 'match-other'), `Match host *.corp exec "true"\n  Port 2222\n\n${config}`);
    const refused = await runCli({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', join(dir, 'match-db')]);
    expect(checksOf(refused.report)['server-name']).toMatchObject({ status: 'error', reason: 'db (root@10.200.0.82:22): ssh_config has `Match host 10.200.0.82 exec "true"`, which runbook cannot evaluate and which may apply to this host; write this host\'s settings in a Host block, or give --ssh-config a file without it' });
    expect(checksOf(refused.report)['client-name']).toMatchObject({ status: 'pass' });
    expect(refused.exitCode).toBe(3);
    const elsewhere = await runCli({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', join(dir, 'match-other')]);
    expect(elsewhere.exitCode, elsewhere.stderr).toBe(0);
  });
});
