// `{ tool_missing: true }`: some check lacked a tool on its host; those checks are the evidence.
import { expect, test } from 'vitest';
import { evaluate } from '../helpers/conditions.js';

test('holds when any check lacked a tool, and names those checks', () => {
  expect(evaluate({ tool_missing: true }, { probe: { status: 'pass', lacksTools: true }, other: { status: 'pass' } })).toEqual({ holds: true, consulted: ['probe'] });
});

test('does not hold when every tool was there', () => {
  expect(evaluate({ tool_missing: true }, { probe: { status: 'pass' }, other: { status: 'error' } })).toEqual({ holds: false, consulted: [] });
});
