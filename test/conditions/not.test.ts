// `{ not: CONDITION }`: the nested condition does not hold.
import { expect, test } from 'vitest';
import { evaluate, problemOf } from '../helpers/conditions.js';

test.each([
  [{ status: 'pass' }, false],
  [{ status: 'fail' }, true],
  // The nested field condition is false for a check that observed nothing, so `not` holds.
  [{ status: 'skipped' }, true],
] as const)('not (probe passed, or exited 0) when probe is %j: %s', (observed, holds) => {
  const raw = { not: { any: [{ check: 'probe', status: 'pass' }, { check: 'probe', field: 'exit_code', matches: 0 }] } };
  expect(evaluate(raw, { probe: observed }).holds).toBe(holds);
});

test('its nested condition is compiled in place', () => {
  expect(problemOf({ not: { check: 'probe', field: 'exit_code' } })).toBe('needs status, or field and matches @ when.not');
});
