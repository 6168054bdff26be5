// Gating a deploy (issue 11), through the built CLI: checks that run again (`retry:`), that wait
// until healthy (`until:`), the runbook's `defaults:`, and a deadline for the whole run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { runCli, validateReport } from '../helpers/run-cli.js';

const runbook = (checks: string, top = ''): string => `version: 1
title: Gate
${top}hosts:
  here: local
questions:
  - id: gate
    title: Is it ready?
    checks:
${checks}`;

/** Passes from its Nth run on: a service that takes a while to come up after a restart. */
const upOnRun = (id: string, n: number, extra: string): string => `      - id: ${id}
        on: here
        run: 'c=$(cat ${id}.count 2>/dev/null || echo 0); c=$((c+1)); echo $c > ${id}.count; echo "attempt $c"; [ $c -ge ${n} ]'
${extra.split('\n').map((line) => `        ${line}`).join('\n')}
`;

const checkOf = (report: RunReport, id: string): CheckResult => report.questions.flatMap((question) => question.checks).find((check) => check.id === id)!;

const run = async (file: string, ...args: string[]) => {
  const result = await runCli({ 'r.yaml': file }, ['run', 'r.yaml', '--quiet', '--reporter', 'json', ...args]);
  expect(validateReport(result.report), JSON.stringify(validateReport.errors)).toBe(true);
  return { exitCode: result.exitCode, report: result.report! };
};

describe('retry: and until:', () => {
  test('retry passes on its third attempt, says so, and keeps each earlier attempt as evidence', async () => {
    const { exitCode, report } = await run(runbook(upOnRun('flaky', 3, 'retry: { attempts: 5, interval: 100ms }')));
    expect(exitCode).toBe(0);
    const flaky = checkOf(report, 'flaky');
    expect(flaky.status).toBe('pass');
    expect(flaky.notes.at(-1)).toMatch(/^passed on attempt 3 of 5, after \d+ms$/);
    expect(flaky.attempts!.map((attempt) => [attempt.status, attempt.reason, attempt.evidence[0]!.stdout.text])).toEqual([
      ['fail', 'exit_code expected to equal 0, got 1', 'attempt 1'],
      ['fail', 'exit_code expected to equal 0, got 1', 'attempt 2'],
    ]);
    expect(flaky.evidence[0]!.stdout.text).toBe('attempt 3');
    const human = await runCli({ 'r.yaml': runbook(upOnRun('flaky', 3, 'retry: { attempts: 5, interval: 100ms }')) }, ['run', 'r.yaml', '--quiet']);
    expect(human.stdout).toMatch(/^ {4}PASS {2}flaky on here \(local\): passed on attempt 3 of 5, after \d+ms$/m);
  });

  test('retry that never passes fails with its last attempt, and says how many it made', async () => {
    const { exitCode, report } = await run(runbook(upOnRun('down', 99, 'retry: { attempts: 3, interval: 50ms }')));
    expect(exitCode).toBe(1);
    expect(checkOf(report, 'down')).toMatchObject({ status: 'fail', reason: 'exit_code expected to equal 0, got 1' });
    expect(checkOf(report, 'down').attempts).toHaveLength(2);
    expect(checkOf(report, 'down').notes.at(-1)).toMatch(/^did not pass in 3 attempts of 3 \(\d+ms\)$/);
  });

  test('until waits for the service; the runbook\'s defaults apply to every check that sets none', async () => {
    const file = runbook(upOnRun('comes-up', 4, '') + upOnRun('own', 2, 'retry: { attempts: 2, interval: 10ms }'), 'defaults:\n  until: { timeout: 20s, interval: 100ms }\n');
    const { exitCode, report } = await run(file);
    expect(exitCode).toBe(0);
    expect(checkOf(report, 'comes-up').notes.at(-1)).toMatch(/^passed on attempt 4 within 20s, after \d+ms$/);
    expect(checkOf(report, 'own').notes.at(-1)).toMatch(/^passed on attempt 2 of 2, after \d+ms$/);
    const plan = await runCli({ 'r.yaml': file }, ['plan', 'r.yaml']);
    expect(plan.stdout).toContain('again: until it passes, within 20s, 100ms apart');
    expect(plan.stdout).toContain('again: up to 2 attempts, 10ms apart');
  });

  test('until gives up when its time is up: no attempt starts after it', async () => {
    const { exitCode, report } = await run(runbook(upOnRun('never', 999, 'until: { timeout: 1s, interval: 200ms }')));
    expect(exitCode).toBe(1);
    const never = checkOf(report, 'never');
    // The elapsed time is at least the last attempt's start (< 1s) plus its run: `980ms` or, on a busy machine, `1.02s`.
    expect(never.notes.at(-1)).toMatch(/^did not pass in \d+ attempts within 1s \((\d+ms|\d+(\.\d+)?s)\)$/);
    expect(never.attempts!.length).toBeGreaterThanOrEqual(1);
    expect(never.attempts!.length).toBeLessThanOrEqual(5);
  });

  test('retry and until on one check is an input error at its place', async () => {
    const result = await runCli({ 'r.yaml': runbook(upOnRun('both', 1, 'retry: { attempts: 2 }\nuntil: { timeout: 5s }')) }, ['validate', 'r.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('r.yaml:13:9: questions[0].checks[0].until and retry both say when to try again: keep one; retry: { attempts: N } tries N times; until: { timeout: 60s } tries until it passes or the time is up [RB_SCHEMA]\n');
  });
});

describe('--deadline', () => {
  test('what runs at the deadline is stopped, what has not started is not: both could not check, exit 3', async () => {
    const file = runbook('      - { id: long, on: here, run: "sleep 30" }\n      - { id: next, on: here, run: "true" }\n');
    const { exitCode, report } = await run(file, '--deadline', '1s', '--concurrency', '1');
    expect(exitCode).toBe(3);
    expect(report.interrupted).toBe(false);
    expect(checkOf(report, 'long')).toMatchObject({ status: 'error', reason: "stopped: the run's deadline (--deadline 1s) passed" });
    expect(checkOf(report, 'next')).toMatchObject({ status: 'error', reason: "not started: the run's deadline (--deadline 1s) passed" });
  });

  test('a check the deadline stops while it may still try again could not check: exit 3, its last failure in a note', async () => {
    // Long intervals: the deadline falls between two attempts, never in one (that is the test above).
    const waits = upOnRun('waits', 999, 'until: { timeout: 60s, interval: 10s }');
    const retries = upOnRun('retries', 999, 'retry: { attempts: 50, interval: 10s }');
    const { exitCode, report } = await run(runbook(waits + retries), '--deadline', '1s');
    expect(exitCode).toBe(3);
    for (const id of ['waits', 'retries']) {
      const check = checkOf(report, id);
      expect(check).toMatchObject({ status: 'error', reason: "stopped before its attempts were spent: the run's deadline (--deadline 1s) passed" });
      expect(check.notes.at(-1)).toBe('the last attempt failed: exit_code expected to equal 0, got 1');
      // Counted once: the attempt the deadline found waiting is the last, not also an earlier one.
      expect(check.notes.at(-2)).toMatch(/^did not pass in 1 attempt (within 1m|of 50) \(\d+ms\)$/);
      expect(check.attempts).toBeUndefined();
    }
  });

  test('a check whose attempts were all spent before the deadline failed: the deadline takes nothing from it', async () => {
    const { exitCode, report } = await run(runbook(upOnRun('spent', 999, 'retry: { attempts: 2, interval: 50ms }') + '      - { id: long, on: here, run: "sleep 30" }\n'), '--deadline', '2s');
    expect(exitCode).toBe(1);
    expect(checkOf(report, 'spent')).toMatchObject({ status: 'fail', reason: 'exit_code expected to equal 0, got 1' });
    expect(checkOf(report, 'spent').notes.at(-1)).toMatch(/^did not pass in 2 attempts of 2 /);
  });
});

describe('--only, --tag and severity: warning', () => {
  const FILE = `version: 1
title: Parts
hosts:
  here: local
questions:
  - id: base
    title: Is the base there?
    checks:
      - { id: base-check, on: here, run: "echo base" }
  - id: app
    title: Does the app answer?
    tags: [app]
    checks:
      - { id: app-check, on: here, run: "echo app", depends_on: [base-check] }
  - id: cache
    title: Is the cache warm?
    severity: warning
    tags: [cache]
    checks:
      - { id: cache-check, on: here, run: "exit 1" }
  - id: other
    title: Something else
    checks:
      - { id: other-check, on: here, run: "touch other-ran" }
diagnosis:
  - id: cache-cold
    when: { check: cache-check, status: fail }
    finding: the cache is cold
  - id: about-other
    when: { check: other-check, status: pass }
    finding: other ran
`;

  test('--only runs that question and, whole, the questions it depends on; nothing else', async () => {
    const result = await runCli({ 'r.yaml': FILE }, ['run', 'r.yaml', '--quiet', '--reporter', 'json', '--only', 'app']);
    expect(result.exitCode).toBe(0);
    expect(result.report!.questions.map((question) => question.id)).toEqual(['base', 'app']);
    expect(result.report!.diagnosis).toEqual([]);
    const plan = await runCli({ 'r.yaml': FILE }, ['plan', 'r.yaml', '--only', 'app']);
    expect(plan.stdout).toMatch(/1\. base-check .*\n[\s\S]*2\. app-check /);
    expect(plan.stdout).not.toContain('other-check');
  });

  test('--tag selects by tag; a warning question that fails is reported but passes the gate', async () => {
    const result = await runCli({ 'r.yaml': FILE }, ['run', 'r.yaml', '--quiet', '--tag', 'cache', '--tag', 'app']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^WARN +cache +Is the cache warm\? {2}\(warning: fail, does not fail the run\)$/m);
    expect(result.stdout).toContain('- cache-cold: the cache is cold');
    expect(result.stdout).toMatch(/Result: PASS, exit code 0/);
    expect(result.stdout).not.toContain('other');
    const json = await runCli({ 'r.yaml': FILE }, ['run', 'r.yaml', '--quiet', '--reporter', 'json']);
    expect(json.exitCode).toBe(0);
    expect(json.report!.questions.find((question) => question.id === 'cache')).toMatchObject({ status: 'fail', severity: 'warning' });
    expect(json.report!.summary.questions).toMatchObject({ fail: 1, pass: 3 });
    expect(validateReport(json.report)).toBe(true);
  });

  test('JUnit, TAP, GitHub and HTML agree: a warning question\'s failure is shown and never counted', async () => {
    const result = await runCli({ 'r.yaml': FILE }, ['run', 'r.yaml', '--quiet', '--tag', 'cache', '--reporter', 'junit:j.xml', '--reporter', 'tap:t.tap', '--reporter', 'html:r.html', '--reporter', 'github']);
    expect(readFileSync(join(result.dir, 'r.html'), 'utf8')).toContain('<span class="tag" data-severity="warning">warning: does not fail the run</span>');
    expect(result.exitCode).toBe(0);
    const junit = readFileSync(join(result.dir, 'j.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites [^>]*failures="0"/);
    expect(junit).toContain('<skipped message="warning, not counted: fail: exit_code expected to equal 0, got 1"/>');
    expect(readFileSync(join(result.dir, 't.tap'), 'utf8')).toMatch(/^ {4}not ok 1 - .*cache-check.* # TODO warning$/m);
    expect(result.stdout).toMatch(/^::warning file=r\.yaml,line=\d+,col=\d+,title=cache-check failed/m);
    expect(result.stdout).not.toMatch(/^::error /m);
  });

  test('an --only or --tag that matches nothing is a usage error with the closest name', async () => {
    const only = await runCli({ 'r.yaml': FILE }, ['run', 'r.yaml', '--only', 'ap']);
    expect([only.exitCode, only.stderr]).toEqual([2, '--only ap: no runbook of this run has a question "ap"; did you mean "app"? [RB_USAGE]\n']);
    const tag = await runCli({ 'r.yaml': FILE }, ['run', 'r.yaml', '--tag', 'cahce']);
    expect([tag.exitCode, tag.stderr]).toEqual([2, '--tag cahce: no question of this run has the tag "cahce"; did you mean "cache"? [RB_USAGE]\n']);
  });
});

describe('help', () => {
  test('every command\'s --help ends with examples; --timeout shows its default as written', async () => {
    for (const command of ['run', 'validate', 'plan']) {
      const result = await runCli({}, [command, '--help']);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`\\nExamples:\\n(  runbook ${command} .*\\n|  RUNBOOK_VAR_.*\\n)+\\n?$`));
    }
    expect((await runCli({}, ['run', '--help'])).stdout).toMatch(/--timeout <duration> .*\(default: 30s\)/);
  });

  test('an unknown option suggests the closest, in one line, exit 2', async () => {
    const result = await runCli({}, ['run', 'x.yaml', '--reportr', 'json']);
    expect([result.exitCode, result.stderr]).toEqual([2, "error: unknown option '--reportr' (Did you mean --reporter?)\n"]);
  });
});
