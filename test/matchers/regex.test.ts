// `regex`: JavaScript regular expressions, multiline on purpose (`^` and `$` match at each line, as
// with grep), compiled once at load time so a bad pattern is a load error.
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import { MatcherCompileError } from '../../src/matchers/types.js';
import type { MatchValue } from '../../src/model/matcher.js';
import { catchError, type CompileErrorRow } from '../helpers/matcher-tables.js';

/** [pattern, value, pass, actual as shown]. */
const ROWS: [string, MatchValue, boolean, string][] = [
  ['^b$', 'a\nb\nc\n', true, '"a\\nb\\nc\\n"'],
  ['^LISTEN', 'tcp 0\nLISTEN 0 80\n', true, '"tcp 0\\nLISTEN 0 80\\n"'],
  ['0\\.0\\.0\\.0:3306$', 'tcp 0.0.0.0:3306\nudp x\n', true, '"tcp 0.0.0.0:3306\\nudp x\\n"'],
  ['^$', '', true, '""'],
  ['\\bmysqld\\b', 'mysqld_safe', false, '"mysqld_safe"'],
  ['^a b$', 'xa b', false, '"xa b"'],
  ['listen', 'LISTEN', false, '"LISTEN"'],
  // `.` does not cross lines: no `s` flag.
  ['a.b', 'a\nb', false, '"a\\nb"'],
  ['\\d+', '', false, '""'],
  ['.*', null, false, 'nothing'],
];

const COMPILE_ERRORS: CompileErrorRow[] = [
  [{ regex: 'a(b' }, 'text', 'is not a valid regular expression: ', ['regex']],
  [{ regex: '[z-a]' }, 'text', 'is not a valid regular expression: ', ['regex']],
  [{ regex: '0' }, 'number', 'regex applies to text values, this value is a number', []],
];

describe('regex', () => {
  test.each(ROWS)('/%s/ on %j -> %s', (pattern, value, pass, actual) => {
    expect(compileMatcher({ regex: pattern }, 'text').test(value)).toEqual({
      pass,
      message: 'to match',
      negatedMessage: 'not to match',
      expected: `/${pattern}/`,
      actual,
    });
  });

  test('gives the same answer every time (no lastIndex carried between tests)', () => {
    const matcher = compileMatcher({ regex: 'ok' }, 'text');
    expect([1, 2, 3].map(() => matcher.test('ok ok').pass)).toEqual([true, true, true]);
  });

  test('describes itself as the pattern between slashes', () => {
    expect(compileMatcher({ regex: '^mysqld\\s' }, 'text').describe).toBe('regex /^mysqld\\s/');
  });

  test.each(COMPILE_ERRORS)('rejects %j on a %s field', (expr, type, message, at) => {
    const error = catchError(() => compileMatcher(expr, type));
    expect(error).toBeInstanceOf(MatcherCompileError);
    expect((error as MatcherCompileError).message.startsWith(message)).toBe(true);
    expect((error as MatcherCompileError).at).toEqual(at);
  });
});

