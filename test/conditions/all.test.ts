// `{ all: [...] }`: every nested condition holds; every one is asked, for the evidence.
import { expect, test } from 'vitest';
import { evaluate, problemOf } from '../helpers/conditions.js';

const RULE = { all: [{ check: 'probe', status: 'fail' }, { check: 'other', status: 'pass' }] };

test.each([
  ['fail', 'pass', true],
  ['fail', 'fail', false],
  ['pass', 'pass', false],
] as const)('probe %s, other %s: %s, and both checks are evidence', (probe, other, holds) => {
  expect(evaluate(RULE, { probe: { status: probe }, other: { status: other } })).toEqual({ holds, consulted: ['probe', 'other'] });
});

test('a nested condition that cannot compile is reported at its own place', () => {
  expect(problemOf({ all: [{ check: 'probe', status: 'fail' }, { check: 'nope', status: 'fail' }] })).toBe('names unknown check "nope" @ when.all.1.check');
});
