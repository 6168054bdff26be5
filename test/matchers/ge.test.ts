// `ge`: greater than or equal to; text is read as a number.
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import type { MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';

/** [field type, value, pass, actual as shown]; the expected side is always "1". */
const ROWS: [FieldType, MatchValue, boolean, string][] = [
  ['number', 1, true, '1'],
  ['number', 2, true, '2'],
  ['number', 0, false, '0'],
  ['text', '1\n', true, '1'],
  ['text', '0.99', false, '0.99'],
  ['text', 'one', false, '"one" (not a number)'],
  ['number', null, false, 'nothing (not a number)'],
];

const matcher = (type: FieldType) => compileMatcher({ ge: 1 }, type);

describe('ge', () => {
  test.each(ROWS)('{ ge: 1 } on %s %j -> %s', (type, value, pass, actual) => {
    expect(matcher(type).test(value)).toEqual({
      pass,
      message: 'to be at least',
      negatedMessage: 'not to be at least',
      expected: '1',
      actual,
    });
  });

  test('describes itself as ">= 1" on number and text fields', () => {
    expect(matcher('number').describe).toBe('>= 1');
    expect(matcher('text').describe).toBe('>= 1');
  });
});
