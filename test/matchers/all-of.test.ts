// `all_of`: every nested matcher matches; a plain YAML list means the same. A failure reports the
// first nested matcher that failed, in its own words.
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import type { MatchResult, MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';
import { type CompileErrorRow, testCompileErrors } from '../helpers/matcher-tables.js';

const A_AND_B = { all_of: [{ contains: 'a' }, { contains: 'b' }] };
const ONE_TO_THREE = [{ ge: 1 }, { le: 3 }];

interface Row {
  readonly expr: unknown;
  readonly type: FieldType;
  readonly value: MatchValue;
  readonly want: MatchResult;
}

const contains = (pass: boolean, needle: string, actual: string): MatchResult =>
  ({ pass, message: 'to contain', negatedMessage: 'not to contain', expected: `"${needle}"`, actual });

const ROWS: Row[] = [
  {
    expr: A_AND_B,
    type: 'text',
    value: 'ab',
    want: { pass: true, message: 'to match all of', negatedMessage: 'not to match all of', expected: 'contains "a", contains "b"', actual: '"ab"' },
  },
  { expr: A_AND_B, type: 'text', value: 'b', want: contains(false, 'a', '"b"') },
  { expr: A_AND_B, type: 'text', value: 'a', want: contains(false, 'b', '"a"') },
  { expr: A_AND_B, type: 'text', value: null, want: contains(false, 'a', 'nothing') },
  // A plain list is all_of.
  {
    expr: ONE_TO_THREE,
    type: 'number',
    value: 2,
    want: { pass: true, message: 'to match all of', negatedMessage: 'not to match all of', expected: '>= 1, <= 3', actual: '2' },
  },
  {
    expr: ONE_TO_THREE,
    type: 'number',
    value: 5,
    want: { pass: false, message: 'to be at most', negatedMessage: 'not to be at most', expected: '3', actual: '5' },
  },
  {
    expr: ONE_TO_THREE,
    type: 'text',
    value: 'none',
    want: { pass: false, message: 'to be at least', negatedMessage: 'not to be at least', expected: '1', actual: '"none" (not a number)' },
  },
  {
    expr: [0],
    type: 'number',
    value: 0,
    want: { pass: true, message: 'to match all of', negatedMessage: 'not to match all of', expected: 'equals 0', actual: '0' },
  },
  {
    expr: { all_of: [{ any_of: [{ contains: 'mysqld' }, { contains: 'mariadbd' }] }, { not: { contains: 'defunct' } }] },
    type: 'text',
    value: 'mariadbd <defunct>',
    want: { pass: false, message: 'not to contain', negatedMessage: 'to contain', expected: '"defunct"', actual: '"mariadbd <defunct>"' },
  },
];

const DESCRIBE: [unknown, FieldType, string][] = [
  [A_AND_B, 'text', 'all of (contains "a", contains "b")'],
  [[{ contains: 'a' }, { contains: 'b' }], 'text', 'all of (contains "a", contains "b")'],
  [{ all_of: [{ contains: 'a' }] }, 'text', 'contains "a"'],
  [[0], 'number', 'equals 0'],
  [{ all_of: [ONE_TO_THREE, { not: 2 }] }, 'number', 'all of (all of (>= 1, <= 3), not (equals 2))'],
];

const COMPILE_ERRORS: CompileErrorRow[] = [
  [{ all_of: [{ gt: 1 }, { contains: 'x' }] }, 'number', 'contains applies to text values, this value is a number', ['all_of', 1]],
  [{ all_of: [{ contains: 'a' }, { regex: '(' }] }, 'text', 'is not a valid regular expression: Invalid regular expression: /(/m: Unterminated group', ['all_of', 1, 'regex']],
  [{ all_of: [{ any_of: [{ contains: 'a' }, {}] }] }, 'text', 'must be one matcher, e.g. {contains: "x"}', ['all_of', 0, 'any_of', 1]],
];

describe('all_of', () => {
  test.for(ROWS)('$expr on $type $value', ({ expr, type, value, want }) => {
    expect(compileMatcher(expr, type).test(value)).toEqual(want);
  });

  test.each(DESCRIBE)('describes %j on a %s field as %s', (expr, type, text) => {
    expect(compileMatcher(expr, type).describe).toBe(text);
  });

  testCompileErrors(COMPILE_ERRORS);
});

