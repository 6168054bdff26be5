// `{ check: ID, status: ... }` and `{ check: ID, field: F, matches: M }`.
import { describe, expect, test } from 'vitest';
import { evaluate, problemOf } from '../helpers/conditions.js';

describe('check: status', () => {
  test.each([
    [{ check: 'probe', status: 'fail' }, 'fail', true],
    [{ check: 'probe', status: 'fail' }, 'pass', false],
    [{ check: 'probe', status: ['fail', 'error'] }, 'error', true],
    [{ check: 'probe', status: 'skipped' }, 'skipped', true],
  ] as const)('%j when the check ended %s: %s', (raw, status, holds) => {
    expect(evaluate(raw, { probe: { status } })).toEqual({ holds, consulted: ['probe'] });
  });
});

describe('check: field matches', () => {
  test.each([
    [{ check: 'probe', field: 'stdout', matches: { contains: '127.0.0.1:' } }, { status: 'pass', fields: { stdout: 'LISTEN 127.0.0.1:3306' } }, true],
    [{ check: 'probe', field: 'stdout', matches: { contains: '127.0.0.1:' } }, { status: 'pass', fields: { stdout: 'LISTEN *:3306' } }, false],
    [{ check: 'probe', field: 'exit_code', matches: 1 }, { status: 'fail', fields: { exit_code: 1 } }, true],
    // A skipped check observed nothing, whatever a stale value says; a field not observed never matches.
    [{ check: 'probe', field: 'exit_code', matches: { not: 0 } }, { status: 'skipped', fields: { exit_code: 1 } }, false],
    [{ check: 'probe', field: 'exit_code', matches: { not: 0 } }, { status: 'error', fields: {} }, false],
  ] as const)('%j over %j: %s', (raw, observed, holds) => {
    expect(evaluate(raw, { probe: observed }).holds).toBe(holds);
  });
});

describe('check: compile errors with their place', () => {
  test.each([
    [{ check: 'prob', status: 'fail' }, 'names unknown check "prob" @ when.check'],
    [{ check: 'probe', status: 'fail', field: 'stdout' }, 'has both status and field: write two conditions under all @ when'],
    [{ check: 'probe', field: 'stdout' }, 'needs status, or field and matches @ when'],
    [{ check: 'probe', field: 'stdin', matches: { contains: 'x' } }, 'names field "stdin", which check "probe" does not observe @ when.field'],
    [{ check: 'probe', field: 'exit_code', matches: { contains: 'x' } }, expect.stringMatching(/contains applies to text .* @ when\.matches/)],
  ])('%j: %s', (raw, problem) => {
    expect(problemOf(raw)).toEqual(problem);
  });
});
