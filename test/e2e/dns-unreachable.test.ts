// A DNS server this host cannot reach at all, for real, through the built CLI: the run happens in a
// network namespace of this test's own with only loopback up, where 10.9.9.9 has no route
// ("network unreachable") and 10.9.8.0/24 a route that rejects ("host unreachable"), so dig fails
// at once and nothing leaves this machine. Beside them, in the same namespace, a port nothing
// listens on (connection-refused) and one whose queries are dropped (timeout): the states stay apart.
// And the shipped dns-resolution.yaml where /etc/resolv.conf names 10.9.9.9: its finding says so.
// Root only (ip netns); elsewhere the suite is skipped with the reason in its title, on CI it runs.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { BIN, inlineFiles, ROOT, validateReport } from '../helpers/run-cli.js';

const isRoot = process.getuid?.() === 0;
const onCi = process.env.CI === 'true';
const NAMESPACE = `rb-dns-unreach-${process.pid}`;
const NO_ROUTE = '10.9.9.9';
/** Inside REJECTED, whose route in the namespace is of type unreachable. */
const REJECTING_ROUTE = '10.9.8.9';
const REJECTED = '10.9.8.0/24';
/** On the namespace's loopback, where nft drops DNS queries as they arrive: a silent server. */
const DROPPING = '127.0.0.2';

const DROP_DNS = `table ip rb_dns_test {
  chain input { type filter hook input priority 0; ip daddr ${DROPPING} udp dport 53 drop; }
}`;

const inNamespace = (...command: string[]) => execa('ip', ['netns', 'exec', NAMESPACE, ...command]);

const createNamespace = async (): Promise<void> => {
  await execa('ip', ['netns', 'add', NAMESPACE]);
  await execa('ip', ['-n', NAMESPACE, 'link', 'set', 'lo', 'up']);
  await execa('ip', ['-n', NAMESPACE, 'route', 'add', 'unreachable', REJECTED]);
  await execa('ip', ['netns', 'exec', NAMESPACE, 'nft', '-f', '-'], { input: DROP_DNS });
};

interface NamespacedRun {
  readonly exitCode: number;
  readonly report: RunReport;
}

/**
 * The CLI run inside the namespace; with `resolvConf`, in a mount namespace of its own too, whose
 * /etc/resolv.conf is that file: the host's resolver (getent, dig +search) asks what it names.
 */
const runInNamespace = async (files: Readonly<Record<string, string>>, args: readonly string[], resolvConf?: string): Promise<NamespacedRun> => {
  const dir = inlineFiles({ ...files, ...(resolvConf === undefined ? {} : { 'resolv.conf': resolvConf }) });
  const cli = ['node', BIN, ...args];
  const command = resolvConf === undefined ? cli : ['unshare', '--mount', 'sh', '-c', 'mount --bind resolv.conf /etc/resolv.conf && exec "$@"', 'sh', ...cli];
  const result = await execa('ip', ['netns', 'exec', NAMESPACE, ...command], { cwd: dir, reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });
  const report = JSON.parse(String(result.stdout)) as RunReport;
  expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
  return { exitCode: result.exitCode ?? -1, report };
};

const RUNBOOK = `version: 1
title: DNS servers near and far
hosts:
  here: local
questions:
  - id: servers-answer
    title: Do the DNS servers answer?
    checks:
      - id: no-route
        on: here
        dns: { name: db.example.com, server: ${NO_ROUTE} }
      - id: rejecting-route
        on: here
        dns: { name: db.example.com, server: ${REJECTING_ROUTE} }
      - id: nothing-listens
        on: here
        dns: { name: db.example.com, server: 127.0.0.1 }
      - id: dropped
        on: here
        dns: { name: db.example.com, server: ${DROPPING}, timeout: 1s }
`;

const checkOf = (report: RunReport, id: string) => report.questions.flatMap((question) => question.checks).find((check) => check.id === id);

describe.skipIf(!isRoot && !onCi)(`dns: a server that cannot be reached, in a network namespace of its own${isRoot ? '' : ' [skipped: needs root for ip netns]'}`, () => {
  beforeAll(createNamespace);
  // Only the namespace this file created: the lab's, and anyone else's, are not ours to touch.
  afterAll(async () => {
    await execa('ip', ['netns', 'delete', NAMESPACE], { reject: false });
  });

  test('the namespace has no route to the servers: nothing asked of them can leave this machine', async () => {
    for (const address of [NO_ROUTE, REJECTING_ROUTE]) {
      await expect(inNamespace('ip', 'route', 'get', address)).rejects.toThrow(/unreachable|No route to host/);
    }
  });

  test('no route, or one that rejects: unreachable, with the server asked; refused and timeout stay themselves; the check fails and the run exits 1', async () => {
    const { exitCode, report } = await runInNamespace({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml', '--reporter', 'json']);
    expect(exitCode).toBe(1);
    expect(report.status).toBe('fail');
    const states = ['no-route', 'rejecting-route', 'nothing-listens', 'dropped'].map((id) => {
      const check = checkOf(report, id)!;
      return { id, status: check.status, reason: check.reason, state: check.observed?.state, server: check.observed?.server, rcode: check.observed?.rcode };
    });
    expect(states).toEqual([
      { id: 'no-route', status: 'fail', reason: 'state expected to equal "resolved", got "unreachable"', state: 'unreachable', server: NO_ROUTE, rcode: null },
      { id: 'rejecting-route', status: 'fail', reason: 'state expected to equal "resolved", got "unreachable"', state: 'unreachable', server: REJECTING_ROUTE, rcode: null },
      { id: 'nothing-listens', status: 'fail', reason: 'state expected to equal "resolved", got "connection-refused"', state: 'connection-refused', server: '127.0.0.1', rcode: null },
      { id: 'dropped', status: 'fail', reason: 'state expected to equal "resolved", got "timeout"', state: 'timeout', server: DROPPING, rcode: null },
    ]);
    expect(checkOf(report, 'no-route')!.evidence[0]!.stdout.text).toContain('failed: network unreachable.');
    expect(checkOf(report, 'rejecting-route')!.evidence[0]!.stdout.text).toContain('failed: host unreachable.');
  });

  test('dns-resolution.yaml on a host whose nameserver it cannot reach: the resolver-unreachable finding, and getent\'s "not found" explained', async () => {
    const runbook = readFileSync(join(ROOT, 'runbooks/dns-resolution.yaml'), 'utf8');
    const { exitCode, report } = await runInNamespace({ 'dns-resolution.yaml': runbook }, ['run', 'dns-resolution.yaml', '--var', 'name=db.example.com', '--reporter', 'json'], `nameserver ${NO_ROUTE}\n`);
    expect(exitCode).toBe(1);
    expect(Object.fromEntries(report.questions.map((question) => [question.id, question.status]))).toEqual({
      'resolver-configured': 'pass',
      'resolver-answers': 'fail',
      'name-resolves': 'fail',
      'right-address': 'skipped',
    });
    expect(checkOf(report, 'ask-nameserver')!.observed).toMatchObject({ state: 'unreachable', server: NO_ROUTE, tool: 'dig' });
    expect(checkOf(report, 'resolve-name')!.observed).toMatchObject({ state: 'unreachable', server: NO_ROUTE, tool: 'getent+dig' });
    expect(checkOf(report, 'resolve-name')!.notes).toEqual([`getent found nothing; dig says ${NO_ROUTE} is unreachable: no route to it from this host, the query was never sent`]);
    expect(report.diagnosis.map((finding) => [finding.id, finding.message])).toEqual([
      ['resolver-unreachable', `this host cannot reach the nameserver ${NO_ROUTE} at all: it has no route to it (or one that rejects), so no DNS query leaves for it`],
    ]);
  });
});
