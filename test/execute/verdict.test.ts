// The one place that turns check outcomes into a question's status, the counts and the exit code:
// fail > error > skipped > pass, the reason taken from the culprit check.
import { describe, expect, test } from 'vitest';
import { countStatuses, exitCodeFor, questionVerdict, runStatus, worstStatus } from '../../src/execute/verdict.js';
import type { Status } from '../../src/model/outcome.js';
import type { CheckResult, Counts } from '../../src/model/report.js';

/**
 * `id:status:reason`, e.g. `b:fail:stdout expected to contain "LISTEN"`; the reason is optional.
 * An id starting with `info-` is an informational check.
 */
const result = (spec: string): CheckResult => {
  const [id, status, ...reason] = spec.split(':');
  return {
    informational: id!.startsWith('info-'),
    startedAt: '2026-01-01T00:00:00.000Z',
    location: { file: 'r.yaml', line: 1, col: 1 },
    observed: {},
    missingTools: [],
    id: id!,
    question: 'q',
    kind: 'command',
    host: 'server',
    target: 'local',
    status: status as Status,
    ...(reason.length > 0 ? { reason: reason.join(':') } : {}),
    durationMs: 1,
    evidence: [],
    expectations: [],
    captures: {},
    notes: [],
  };
};

const VERDICTS: [string[], { status: Status; reason?: string }][] = [
  [[], { status: 'pass' }],
  [['info-ping:fail:replies expected to be at least 1, got 0', 'tcp:pass'], { status: 'pass' }],
  [['info-ping:pass', 'tcp:fail:state expected to equal "open", got "filtered"'], { status: 'fail', reason: 'tcp: state expected to equal "open", got "filtered"' }],
  [['info-ping:fail:no reply', 'info-other:pass'], { status: 'fail', reason: 'info-ping: no reply' }],
  [['a:pass', 'b:pass'], { status: 'pass' }],
  [['a:pass:kept for the record'], { status: 'pass' }],
  [['a:pass', 'b:fail:stdout expected to contain "LISTEN", got ""'], { status: 'fail', reason: 'b: stdout expected to contain "LISTEN", got ""' }],
  [['a:error:timed out after 5s', 'b:fail:exit_code expected to equal 0, got 1'], { status: 'fail', reason: 'b: exit_code expected to equal 0, got 1' }],
  [['a:skipped:dependency "x" failed', 'b:fail:nope', 'c:error:unreachable'], { status: 'fail', reason: 'b: nope' }],
  [['a:fail:first', 'b:fail:second'], { status: 'fail', reason: 'a: first' }],
  [['a:skipped:dependency "x" failed', 'b:error:db (10.0.0.5:22): connection refused'], { status: 'error', reason: 'b: db (10.0.0.5:22): connection refused' }],
  [['a:pass', 'b:skipped:dependency "a-1" errored'], { status: 'skipped', reason: 'b: dependency "a-1" errored' }],
  [['a:error:command not found (exit 127): nc', 'b:pass'], { status: 'error', reason: 'a: command not found (exit 127): nc' }],
  [['a:fail'], { status: 'fail' }],
];

const WORST: [Status[], Status][] = [
  [[], 'pass'],
  [['pass'], 'pass'],
  [['pass', 'skipped'], 'skipped'],
  [['skipped', 'error'], 'error'],
  [['error', 'fail', 'pass'], 'fail'],
  [['fail', 'error', 'skipped', 'pass'], 'fail'],
];

const COUNTS: [Status[], Counts][] = [
  [[], { total: 0, pass: 0, fail: 0, error: 0, skipped: 0 }],
  [['pass', 'fail', 'fail', 'error', 'skipped', 'skipped', 'skipped'], { total: 7, pass: 1, fail: 2, error: 1, skipped: 3 }],
];

const EXIT_CODES: [Status[], boolean, number][] = [
  [[], false, 0],
  [['pass'], false, 0],
  [['pass', 'skipped'], false, 0],
  [['skipped'], false, 0],
  [['error'], false, 3],
  [['pass', 'error', 'skipped'], false, 3],
  [['fail'], false, 1],
  [['error', 'fail'], false, 1],
  [['fail'], true, 130],
  [['error'], true, 130],
  [['pass'], true, 130],
  [[], true, 130],
];

describe('questionVerdict', () => {
  test.each(VERDICTS)('%j -> %j', (checks, verdict) => {
    expect(questionVerdict(checks.map(result))).toEqual(verdict);
  });
});

describe('worstStatus', () => {
  test.each(WORST)('%j -> %s', (statuses, worst) => {
    expect(worstStatus(statuses)).toBe(worst);
  });
});

describe('runStatus', () => {
  // A question that does not apply (skipped) holds no run back; only a run that asked nothing is skipped.
  const RUNS: [Status[], Status][] = [
    [['pass', 'skipped', 'pass'], 'pass'],
    [['skipped', 'skipped'], 'skipped'],
    [['pass', 'skipped', 'fail'], 'fail'],
    [['skipped', 'error'], 'error'],
    [['pass', 'error', 'skipped'], 'error'],
    [['pass'], 'pass'],
    [[], 'pass'],
  ];
  test.each(RUNS)('%j -> %s', (statuses, status) => {
    expect(runStatus(statuses)).toBe(status);
  });

  test('an interrupted run is not promoted: what it skipped never started', () => {
    expect(runStatus(['pass', 'skipped'], true)).toBe('skipped');
    expect(runStatus(['pass', 'pass'], true)).toBe('pass');
  });
});

describe('countStatuses', () => {
  test.each(COUNTS)('%j', (statuses, counts) => {
    expect(countStatuses(statuses)).toEqual(counts);
  });
});

describe('exitCodeFor', () => {
  test.each(EXIT_CODES)('%j, interrupted %s -> %i', (statuses, interrupted, code) => {
    expect(exitCodeFor(statuses, interrupted)).toBe(code);
  });
});
