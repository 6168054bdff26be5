// `le`: less than or equal to; text is read as a number.
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import type { MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';

/** [field type, value, pass, actual as shown]; the expected side is always "0". */
const ROWS: [FieldType, MatchValue, boolean, string][] = [
  ['number', 0, true, '0'],
  ['number', -1, true, '-1'],
  ['number', 1, false, '1'],
  ['text', '0\n', true, '0'],
  ['text', '0.5', false, '0.5'],
  ['text', 'NaN', false, '"NaN" (not a number)'],
  ['text', '', false, '"" (not a number)'],
  ['number', null, false, 'nothing (not a number)'],
];

const matcher = (type: FieldType) => compileMatcher({ le: 0 }, type);

describe('le', () => {
  test.each(ROWS)('{ le: 0 } on %s %j -> %s', (type, value, pass, actual) => {
    expect(matcher(type).test(value)).toEqual({
      pass,
      message: 'to be at most',
      negatedMessage: 'not to be at most',
      expected: '0',
      actual,
    });
  });

  test('describes itself as "<= 0" on number and text fields', () => {
    expect(matcher('number').describe).toBe('<= 0');
    expect(matcher('text').describe).toBe('<= 0');
  });
});
