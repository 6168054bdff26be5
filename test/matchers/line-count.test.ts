// `line_count`: counts lines (a final newline ends a line, empty output has none) and applies an
// integer or a numeric matcher to the count.
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import { countLines } from '../../src/matchers/line-count.js';
import type { MatchResult, MatchValue } from '../../src/model/matcher.js';
import { type CompileErrorRow, testCompileErrors } from '../helpers/matcher-tables.js';

const COUNTS: [string, number][] = [
  ['', 0],
  ['\n', 0],
  ['a', 1],
  ['a\n', 1],
  ['a\nb\n', 2],
  ['a\nb', 2],
  ['a\r\nb\r\n', 2],
  ['a\n\nb\n', 3],
  ['a\nb\n\n\n', 2],
];

interface Row {
  readonly expr: unknown;
  readonly value: MatchValue;
  readonly want: true | Omit<MatchResult, 'pass'>;
}

const ROWS: Row[] = [
  { expr: { line_count: 2 }, value: 'a\nb\n', want: true },
  { expr: { line_count: 0 }, value: '', want: true },
  { expr: { line_count: { ge: 1 } }, value: 'LISTEN\n', want: true },
  { expr: { line_count: { any_of: [0, 1] } }, value: 'x\n', want: true },
  { expr: { line_count: { not: { equals: 0 } } }, value: 'x\n', want: true },
  {
    expr: { line_count: 2 },
    value: '',
    want: { message: 'to have a line count to equal', negatedMessage: 'to have a line count not to equal', expected: '2', actual: '0' },
  },
  {
    expr: { line_count: 1 },
    value: 'a\nb\n',
    want: { message: 'to have a line count to equal', negatedMessage: 'to have a line count not to equal', expected: '1', actual: '2' },
  },
  {
    expr: { line_count: { ge: 1 } },
    value: '\n',
    want: { message: 'to have a line count to be at least', negatedMessage: 'to have a line count not to be at least', expected: '1', actual: '0' },
  },
  {
    expr: { line_count: { lt: 2 } },
    value: 'a\nb\nc',
    want: { message: 'to have a line count to be less than', negatedMessage: 'to have a line count not to be less than', expected: '2', actual: '3' },
  },
];

const DESCRIBE: [unknown, string][] = [
  [{ line_count: 2 }, 'line count equals 2'],
  [{ line_count: { ge: 1 } }, 'line count >= 1'],
  [{ line_count: [{ ge: 1 }, { le: 3 }] }, 'line count all of (>= 1, <= 3)'],
];

const COMPILE_ERRORS: CompileErrorRow[] = [
  [{ line_count: 1 }, 'number', 'line_count applies to text values, this value is a number', []],
  // The count is a number: text matchers cannot apply to it.
  [{ line_count: { contains: '1' } }, 'text', 'contains applies to text values, this value is a number', ['line_count']],
  [{ line_count: { any_of: [1, { regex: '1' }] } }, 'text', 'regex applies to text values, this value is a number', ['line_count', 'any_of', 1]],
  [{ line_count: 'two' }, 'text', 'must be one matcher, e.g. {contains: "x"}', ['line_count']],
];

describe('line_count', () => {
  test.each(COUNTS)('countLines(%j) = %i', (text, count) => {
    expect(countLines(text)).toBe(count);
  });

  test.for(ROWS)('$expr on $value', ({ expr, value, want }) => {
    const result = compileMatcher(expr, 'text').test(value);
    if (want === true) expect(result.pass).toBe(true);
    else expect(result).toEqual({ pass: false, ...want });
  });

  test('fails on no text at all (nothing to count)', () => {
    expect(compileMatcher({ line_count: 0 }, 'text').test(null)).toMatchObject({ pass: false, actual: 'nothing' });
  });

  test.each(DESCRIBE)('describes %j as %s', (expr, text) => {
    expect(compileMatcher(expr, 'text').describe).toBe(text);
  });

  testCompileErrors(COMPILE_ERRORS);
});

