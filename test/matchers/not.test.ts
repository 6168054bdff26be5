// `not`: runs the nested matcher and swaps its verdict and its wording ("not to contain").
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import type { MatchResult, MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';
import { type CompileErrorRow, testCompileErrors } from '../helpers/matcher-tables.js';

interface Row {
  readonly expr: unknown;
  readonly type: FieldType;
  readonly value: MatchValue;
  readonly want: MatchResult;
}

const ROWS: Row[] = [
  {
    expr: { not: { contains: 'error' } },
    type: 'text',
    value: 'all good\n',
    want: { pass: true, message: 'not to contain', negatedMessage: 'to contain', expected: '"error"', actual: '"all good\\n"' },
  },
  {
    expr: { not: { contains: 'error' } },
    type: 'text',
    value: 'an error\n',
    want: { pass: false, message: 'not to contain', negatedMessage: 'to contain', expected: '"error"', actual: '"an error\\n"' },
  },
  {
    expr: { not: { equals: 0 } },
    type: 'number',
    value: 0,
    want: { pass: false, message: 'not to equal', negatedMessage: 'to equal', expected: '0', actual: '0' },
  },
  {
    expr: { not: 0 },
    type: 'number',
    value: 2,
    want: { pass: true, message: 'not to equal', negatedMessage: 'to equal', expected: '0', actual: '2' },
  },
  // A killed process (no exit code) did not exit 0.
  {
    expr: { not: { equals: 0 } },
    type: 'number',
    value: null,
    want: { pass: true, message: 'not to equal', negatedMessage: 'to equal', expected: '0', actual: 'nothing' },
  },
  {
    expr: { not: { regex: '^root ' } },
    type: 'text',
    value: 'mysql 1\nroot 2\n',
    want: { pass: false, message: 'not to match', negatedMessage: 'to match', expected: '/^root /', actual: '"mysql 1\\nroot 2\\n"' },
  },
  {
    expr: { not: { not: { contains: 'x' } } },
    type: 'text',
    value: 'x',
    want: { pass: true, message: 'to contain', negatedMessage: 'not to contain', expected: '"x"', actual: '"x"' },
  },
  {
    expr: { not: { any_of: [{ equals: 0 }, { equals: 1 }] } },
    type: 'number',
    value: 1,
    want: { pass: false, message: 'to match none of', negatedMessage: 'to match any of', expected: 'equals 0, equals 1', actual: '1' },
  },
  // A plain list is all_of: `not` of it passes as soon as one item fails, and says which.
  {
    expr: { not: [{ contains: 'a' }, { contains: 'b' }] },
    type: 'text',
    value: 'a',
    want: { pass: true, message: 'not to contain', negatedMessage: 'to contain', expected: '"b"', actual: '"a"' },
  },
  {
    expr: { not: [{ contains: 'a' }, { contains: 'b' }] },
    type: 'text',
    value: 'ab',
    want: { pass: false, message: 'not to match all of', negatedMessage: 'to match all of', expected: 'contains "a", contains "b"', actual: '"ab"' },
  },
  {
    expr: { not: { line_count: 0 } },
    type: 'text',
    value: '',
    want: { pass: false, message: 'to have a line count not to equal', negatedMessage: 'to have a line count to equal', expected: '0', actual: '0' },
  },
  // Kept as is (see the report): text that is not a number is "not greater than 5", so `not` passes.
  {
    expr: { not: { gt: 5 } },
    type: 'text',
    value: 'abc',
    want: { pass: true, message: 'not to be greater than', negatedMessage: 'to be greater than', expected: '5', actual: '"abc" (not a number)' },
  },
];

const DESCRIBE: [unknown, FieldType, string][] = [
  [{ not: { contains: 'error' } }, 'text', 'not (contains "error")'],
  [{ not: 0 }, 'number', 'not (equals 0)'],
  [{ not: { not: { gt: 1 } } }, 'number', 'not (not (> 1))'],
  [{ not: [{ ge: 1 }, { le: 2 }] }, 'number', 'not (all of (>= 1, <= 2))'],
];

const COMPILE_ERRORS: CompileErrorRow[] = [
  [{ not: { contains: 'x' } }, 'number', 'contains applies to text values, this value is a number', ['not']],
  [{ not: { not: { regex: 'x' } } }, 'number', 'regex applies to text values, this value is a number', ['not', 'not']],
  [{ not: { regex: '(' } }, 'text', 'is not a valid regular expression: Invalid regular expression: /(/m: Unterminated group', ['not', 'regex']],
  [{ not: {} }, 'text', 'must be one matcher, e.g. {contains: "x"}', ['not']],
  [{ not: 'error' }, 'text', 'must be one matcher, e.g. {contains: "x"}', ['not']],
  [{ not: { contians: 'x' } }, 'text', 'has unknown matcher "contians"', ['not']],
];

describe('not', () => {
  test.for(ROWS)('$expr on $type $value', ({ expr, type, value, want }) => {
    expect(compileMatcher(expr, type).test(value)).toEqual(want);
  });

  test.each(DESCRIBE)('describes %j on a %s field as %s', (expr, type, text) => {
    expect(compileMatcher(expr, type).describe).toBe(text);
  });

  testCompileErrors(COMPILE_ERRORS);
});

