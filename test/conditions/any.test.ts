// `{ any: [...] }`: at least one nested condition holds; every one is asked, for the evidence.
import { expect, test } from 'vitest';
import { evaluate } from '../helpers/conditions.js';

const RULE = { any: [{ check: 'probe', status: 'fail' }, { check: 'other', status: 'fail' }] };

test.each([
  ['fail', 'pass', true],
  ['pass', 'fail', true],
  ['pass', 'pass', false],
] as const)('probe %s, other %s: %s, and both checks are evidence', (probe, other, holds) => {
  expect(evaluate(RULE, { probe: { status: probe }, other: { status: other } })).toEqual({ holds, consulted: ['probe', 'other'] });
});
