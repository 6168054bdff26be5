// `gt`: strictly greater than; text is read as a number, and text that is not one fails saying so.
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import type { MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';

/** [field type, value, pass, actual as shown]; the expected side is always "5". */
const ROWS: [FieldType, MatchValue, boolean, string][] = [
  ['number', 6, true, '6'],
  ['number', 5, false, '5'],
  ['number', -1, false, '-1'],
  ['text', '6\n', true, '6'],
  ['text', ' 10 ', true, '10'],
  ['text', '5.5', true, '5.5'],
  ['text', '1e3', true, '1000'],
  ['text', '5\n', false, '5'],
  ['text', 'abc', false, '"abc" (not a number)'],
  ['text', '12abc', false, '"12abc" (not a number)'],
  ['text', '', false, '"" (not a number)'],
  ['text', '   \n', false, '"   \\n" (not a number)'],
  ['text', '6\n7\n', false, '"6\\n7\\n" (not a number)'],
  // A killed process has no exit code: it is not a number, never silently 0.
  ['number', null, false, 'nothing (not a number)'],
  ['text', null, false, 'nothing (not a number)'],
];

const matcher = (type: FieldType) => compileMatcher({ gt: 5 }, type);

describe('gt', () => {
  test.each(ROWS)('{ gt: 5 } on %s %j -> %s', (type, value, pass, actual) => {
    expect(matcher(type).test(value)).toEqual({
      pass,
      message: 'to be greater than',
      negatedMessage: 'not to be greater than',
      expected: '5',
      actual,
    });
  });

  test('describes itself as "> 5" on number and text fields', () => {
    expect(matcher('number').describe).toBe('> 5');
    expect(matcher('text').describe).toBe('> 5');
  });
});
