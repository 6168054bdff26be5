// A role with many hosts, executed: each check once per host, captures and skips per host, a
// dependency on another role waiting for all its hosts, questions counting hosts against `require:`,
// and diagnosis rules judged host by host. Hosts here are fakes whose answers depend on their name,
// so every per-host rule can be seen to hold (and to fail); the lab tests run the same over SSH.
import { describe, expect, test } from 'vitest';
import { assembleReport } from '../../src/execute/assemble.js';
import { diagnose } from '../../src/execute/diagnose.js';
import { executePlan } from '../../src/execute/scheduler.js';
import type { HostSpec } from '../../src/model/runbook.js';
import type { RunReport } from '../../src/model/report.js';
import { buildPlan } from '../../src/plan/plan.js';
import { parseInventory } from '../../src/runbook/inventory.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import type { CommandOutcome, Transport } from '../../src/transport/types.js';

const hostNames = (count: number): string[] => Array.from({ length: count }, (_, index) => `web${String(index + 1).padStart(2, '0')}`);

/** Every web host is this machine for the inventory (ansible_connection=local); the fakes tell them apart. */
const inventoryOf = (names: readonly string[]) => {
  const { inventory, diagnostics } = parseInventory('hosts.ini', `[web]\n${names.map((name) => `${name} ansible_connection=local`).join('\n')}\n`);
  expect(diagnostics).toEqual([]);
  return inventory;
};

type Answer = (script: string) => Partial<CommandOutcome>;

/** A host that answers each command with `answer(script)`; it records what it was asked. */
const fakeHost = (name: string, answer: Answer, asked: string[]): Transport => ({
  description: `root@${name}:22`,
  start: ({ script }) => {
    asked.push(`${name}: ${script}`);
    const outcome: CommandOutcome = { exitCode: 0, signal: null, stdout: '', stderr: '', durationMs: 1, ...answer(script) };
    return { result: Promise.resolve(outcome), waitForOutput: () => Promise.resolve(false), stop: () => Promise.resolve() };
  },
  openStream: () => Promise.resolve({ failure: 'refused', message: 'refused', durationMs: 0, via: 'fake' }),
  close: () => Promise.resolve(),
});

const run = async (yaml: string, names: readonly string[], answers: (host: string) => Answer): Promise<{ report: RunReport; asked: string[] }> => {
  const loaded = loadRunbookText('fleet.yaml', yaml, { inventory: inventoryOf(names) });
  expect(loaded.diagnostics).toEqual([]);
  const { plan, diagnostics } = buildPlan(loaded.runbook!);
  expect(diagnostics).toEqual([]);
  const asked: string[] = [];
  const transports = new Map<string, Transport>();
  const transportFor = (host: HostSpec): Transport => {
    const known = transports.get(host.name) ?? fakeHost(host.name, answers(host.name), asked);
    transports.set(host.name, known);
    return known;
  };
  const runs = await executePlan(plan, { concurrency: 8, defaultTimeoutMs: 5000, signal: new AbortController().signal, transportFor, elapsedMs: () => 0 });
  const meta = { tool: { name: 'runbook', version: '0' }, startedAt: new Date(0), durationMs: 1, interrupted: false };
  return { report: assembleReport([{ runbook: plan.runbook, results: runs.map((one) => one.result), findings: diagnose(plan.runbook, runs) }], meta), asked };
};

const checksOf = (report: RunReport, id: string) => report.questions.flatMap((question) => question.checks).filter((check) => check.id === id);

const FLEET = `
version: 1
title: web tier
hosts:
  web: {}
  db: local
questions:
  - id: db-up
    title: Is the database up?
    checks:
      - { id: db-ping, on: db, run: db-ping }
  - id: web-serves
    title: Does every web host serve?
    require: REQUIRE
    checks:
      - id: pid
        on: web
        run: pid-of-nginx
        capture: { pid: { from: stdout, regex: '(\\d+)' } }
        depends_on: [db-ping]
      - id: port
        on: web
        run: "port-owner \${captures.pid}"
        depends_on: [pid]
diagnosis:
  - id: nginx-down
    when: { check: pid, status: fail }
    finding: "nginx does not run"
`;

/** Every web host runs nginx as PID 1000 + its number; `port-owner` passes for its own PID only. */
const healthy = (host: string): Answer => (script) => {
  const pid = 1000 + Number(host.slice(3));
  if (script === 'pid-of-nginx') return { stdout: `nginx ${pid}\n` };
  if (script.startsWith('port-owner ')) return { exitCode: script === `port-owner ${pid}` ? 0 : 1 };
  return {};
};

describe('a fleet role', () => {
  test('20 hosts: each check once per host, and each dependent reads the capture of its own host', async () => {
    const names = hostNames(20);
    const { report, asked } = await run(FLEET.replace('REQUIRE', 'all'), names, healthy);
    expect(asked.filter((line) => line.endsWith('db-ping'))).toHaveLength(1);
    for (const name of names) expect(asked).toContain(`${name}: port-owner ${1000 + Number(name.slice(3))}`);
    const ports = checksOf(report, 'port');
    expect(ports.map((check) => check.hostName)).toEqual(names);
    expect(ports.every((check) => check.status === 'pass')).toBe(true);
    expect(checksOf(report, 'pid').map((check) => check.captures.pid)).toEqual(names.map((name) => String(1000 + Number(name.slice(3)))));
    expect(checksOf(report, 'db-ping')[0]).not.toHaveProperty('hostName');
    const question = report.questions.find((one) => one.id === 'web-serves')!;
    expect(question).toMatchObject({ status: 'pass', hosts: { total: 20, pass: 20, fail: 0 }, require: 'all' });
    expect(report.summary.checks.total).toBe(41);
    expect(report.exitCode).toBe(0);
  });

  test('a failed dependency skips the dependent on that host only', async () => {
    const down = new Set(['web03', 'web07']);
    const { report } = await run(FLEET.replace('REQUIRE', 'all'), hostNames(10), (host) => (script) =>
      down.has(host) && script === 'pid-of-nginx' ? { exitCode: 1 } : healthy(host)(script));
    const skipped = checksOf(report, 'port').filter((check) => check.status === 'skipped');
    expect(skipped.map((check) => [check.hostName, check.reason])).toEqual([
      ['web03', 'dependency "pid" failed'],
      ['web07', 'dependency "pid" failed'],
    ]);
    expect(checksOf(report, 'port').filter((check) => check.status === 'pass')).toHaveLength(8);
    const question = report.questions.find((one) => one.id === 'web-serves')!;
    expect(question.status).toBe('fail');
    expect(question.reason).toBe('8/10 hosts pass (require all); fail: web03 (pid: exit_code expected to equal 0, got 1), web07 (pid: exit_code expected to equal 0, got 1)');
    expect(question.hosts).toEqual({ total: 10, pass: 8, fail: 2, error: 0, skipped: 0 });
    // Judged host by host, the rule holds on two hosts: one finding that names them.
    expect(report.diagnosis).toEqual([expect.objectContaining({ id: 'nginx-down', message: 'nginx does not run', hosts: ['web03', 'web07'] })]);
    expect(report.exitCode).toBe(1);
  });

  test.each([
    ['80%', 'pass', 0],
    ['9', 'fail', 1],
    ['any', 'pass', 0],
    ['all', 'fail', 1],
  ])('require: %s with 8 of 10 hosts passing: %s', async (require, status, exitCode) => {
    const down = new Set(['web03', 'web07']);
    const { report } = await run(FLEET.replace('REQUIRE', require), hostNames(10), (host) => (script) =>
      down.has(host) && script === 'pid-of-nginx' ? { exitCode: 1 } : healthy(host)(script));
    expect(report.questions.find((one) => one.id === 'web-serves')).toMatchObject({ status, require });
    expect(report.exitCode).toBe(exitCode);
  });

  test('a dependency on another role waits for it, and its failure skips every host', async () => {
    const { report, asked } = await run(FLEET.replace('REQUIRE', 'all'), hostNames(5), (host) => (script) => (script === 'db-ping' ? { exitCode: 2 } : healthy(host)(script)));
    expect(asked).toEqual(['local: db-ping']);
    expect(checksOf(report, 'pid').map((check) => check.reason)).toEqual(Array(5).fill('dependency "db-ping" failed'));
    expect(report.questions.find((one) => one.id === 'web-serves')).toMatchObject({ status: 'skipped', hosts: { total: 5, skipped: 5 } });
  });

  test('a check on one host after a fleet check waits for every host, and names the one that failed', async () => {
    const yaml = FLEET.replace('REQUIRE', 'all').replace('diagnosis:', `  - id: after
    title: After the fleet
    checks:
      - { id: summary, on: db, run: summary, depends_on: [pid] }
diagnosis:`);
    const { report } = await run(yaml, hostNames(4), (host) => (script) => (host === 'web02' && script === 'pid-of-nginx' ? { exitCode: 1 } : healthy(host)(script)));
    expect(checksOf(report, 'summary')[0]).toMatchObject({ status: 'skipped', reason: 'dependency "pid" failed on web02' });
  });
});
