// `lt`: strictly less than; text is read as a number (not a number is never less).
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import type { MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';

/** [field type, value, pass, actual as shown]; the expected side is always "100". */
const ROWS: [FieldType, MatchValue, boolean, string][] = [
  ['number', 99, true, '99'],
  ['number', 100, false, '100'],
  ['text', '  42\n', true, '42'],
  ['text', '-5', true, '-5'],
  ['text', '100', false, '100'],
  ['text', 'Infinity', false, '"Infinity" (not a number)'],
  ['text', 'abc', false, '"abc" (not a number)'],
  ['number', null, false, 'nothing (not a number)'],
];

const matcher = (type: FieldType) => compileMatcher({ lt: 100 }, type);

describe('lt', () => {
  test.each(ROWS)('{ lt: 100 } on %s %j -> %s', (type, value, pass, actual) => {
    expect(matcher(type).test(value)).toEqual({
      pass,
      message: 'to be less than',
      negatedMessage: 'not to be less than',
      expected: '100',
      actual,
    });
  });

  test('describes itself as "< 100" on number and text fields', () => {
    expect(matcher('number').describe).toBe('< 100');
    expect(matcher('text').describe).toBe('< 100');
  });
});
