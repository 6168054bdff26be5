// The --verbose lines: what each of the run's events is worth on stderr. The per-check line's format
// is also matched by test/e2e/verbose.test.ts and quoted in the README.
import { describe, expect, test } from 'vitest';
import type { ExecutionEvent } from '../../src/execute/events.js';
import type { CheckResult, Counts } from '../../src/model/report.js';
import { progressLine } from '../../src/progress/lines.js';
import { checkResultWith } from '../helpers/check-result.js';

const result = (fields: Partial<CheckResult>): CheckResult =>
  checkResultWith({ id: 'client-query', question: 'q', host: 'client', target: 'root@10.200.0.216:22', durationMs: 2020, location: { file: 'r.yaml', line: 1, col: 1 }, ...fields });

const counts = (fields: Partial<Counts>): Counts => ({ total: 0, pass: 0, fail: 0, error: 0, skipped: 0, ...fields });

const CHECK = { runbook: 'runbooks/x.yaml', id: 'client-query', question: 'q' };

describe('--verbose lines', () => {
  test('run-start: a header with each file, its number of checks and the hosts they run on', () => {
    const event: ExecutionEvent = {
      type: 'run-start',
      startedAt: '2025-01-01T00:00:00.000Z',
      checks: 9,
      runbooks: [{ file: 'runbooks/x.yaml', title: 'X', checks: 9, hosts: [{ role: 'client', target: 'root@10.0.0.5:22' }, { role: 'here', target: 'local' }], questions: [] }],
    };
    expect(progressLine(event)).toBe('running runbooks/x.yaml: 9 checks on client (root@10.0.0.5:22), here (local)');
  });

  test('run-start with several files: one line, the files joined by "; ", one check not "1 checks"', () => {
    const event: ExecutionEvent = {
      type: 'run-start',
      startedAt: '2025-01-01T00:00:00.000Z',
      checks: 3,
      runbooks: [
        { file: 'a.yaml', title: 'A', checks: 1, hosts: [{ role: 'local', target: 'local' }], questions: [] },
        { file: 'b.yaml', title: 'B', checks: 2, hosts: [{ role: 'db', target: 'db.example' }], questions: [] },
      ],
    };
    expect(progressLine(event)).toBe('running a.yaml: 1 check on local; b.yaml: 2 checks on db (db.example)');
  });

  test('check-start: no line (only whole lines for finished checks, which may interleave)', () => {
    expect(progressLine({ type: 'check-start', check: CHECK, host: { role: 'client', target: 'local' }, atMs: 3 })).toBeUndefined();
  });

  test('check-end: status padded to 7, id, host and target, time, and the reason when there is one', () => {
    const failed = result({ status: 'fail', reason: 'state expected to equal "ESTABLISHED", got "SYN-SENT"' });
    expect(progressLine({ type: 'check-end', check: CHECK, result: failed, atMs: 2100 })).toBe(
      'fail    client-query on client (root@10.200.0.216:22), 2020 ms: state expected to equal "ESTABLISHED", got "SYN-SENT"',
    );
    expect(progressLine({ type: 'check-end', check: CHECK, result: result({ host: 'local', target: 'local', durationMs: 5 }), atMs: 6 })).toBe(
      'pass    client-query on local, 5 ms',
    );
  });

  test('run-end: a footer with status, exit code, checks, time and the statuses that occurred', () => {
    const event: ExecutionEvent = { type: 'run-end', status: 'fail', exitCode: 1, interrupted: false, durationMs: 1234, checks: counts({ total: 3, pass: 1, fail: 1, skipped: 1 }), questions: [] };
    expect(progressLine(event)).toBe('fail, exit code 1, 3 checks in 1234 ms: 1 pass, 1 fail, 1 skipped');
  });

  test('run-end of an interrupted run says so', () => {
    const event: ExecutionEvent = { type: 'run-end', status: 'skipped', exitCode: 130, interrupted: true, durationMs: 40, checks: counts({ total: 1, skipped: 1 }), questions: [] };
    expect(progressLine(event)).toBe('skipped, exit code 130 (interrupted), 1 check in 40 ms: 1 skipped');
  });
});
