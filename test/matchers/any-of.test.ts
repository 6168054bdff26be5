// `any_of`: at least one nested matcher matches (an exit code of 0 or 1, mysqld or mariadbd).
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import type { MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';
import { type CompileErrorRow, testCompileErrors } from '../helpers/matcher-tables.js';

const EXIT_0_OR_1 = { any_of: [{ equals: 0 }, { equals: 1 }] };
const DAEMON = { any_of: [{ contains: 'mysqld' }, { contains: 'mariadbd' }] };

/** [expression, field type, value, pass, expected as shown, actual as shown]. */
const ROWS: [unknown, FieldType, MatchValue, boolean, string, string][] = [
  [EXIT_0_OR_1, 'number', 0, true, 'equals 0, equals 1', '0'],
  [EXIT_0_OR_1, 'number', 1, true, 'equals 0, equals 1', '1'],
  [EXIT_0_OR_1, 'number', 2, false, 'equals 0, equals 1', '2'],
  [EXIT_0_OR_1, 'number', null, false, 'equals 0, equals 1', 'nothing'],
  [{ any_of: [0, 1] }, 'number', 1, true, 'equals 0, equals 1', '1'],
  [DAEMON, 'text', '/usr/sbin/mariadbd\n', true, 'contains "mysqld", contains "mariadbd"', '"/usr/sbin/mariadbd\\n"'],
  [DAEMON, 'text', 'postgres\n', false, 'contains "mysqld", contains "mariadbd"', '"postgres\\n"'],
  [{ any_of: [{ regex: '^a' }, { not: { contains: 'b' } }] }, 'text', 'xyz', true, 'regex /^a/, not (contains "b")', '"xyz"'],
  [{ any_of: [[{ contains: 'a' }, { contains: 'b' }], { contains: 'c' }] }, 'text', 'ab', true, 'all of (contains "a", contains "b"), contains "c"', '"ab"'],
  [{ any_of: [[{ contains: 'a' }, { contains: 'b' }], { contains: 'c' }] }, 'text', 'a', false, 'all of (contains "a", contains "b"), contains "c"', '"a"'],
  [{ any_of: [{ gt: 10 }, { lt: 0 }] }, 'text', 'abc', false, '> 10, < 0', '"abc" (not a number)'],
];

const DESCRIBE: [unknown, FieldType, string][] = [
  [EXIT_0_OR_1, 'number', 'any of (equals 0, equals 1)'],
  [{ any_of: [0] }, 'number', 'any of (equals 0)'],
  [DAEMON, 'text', 'any of (contains "mysqld", contains "mariadbd")'],
];

const COMPILE_ERRORS: CompileErrorRow[] = [
  [{ any_of: [{ equals: 1 }, { regex: 'x' }] }, 'number', 'regex applies to text values, this value is a number', ['any_of', 1]],
  [{ any_of: [{ contains: 'a' }, { regex: '(' }] }, 'text', 'is not a valid regular expression: Invalid regular expression: /(/m: Unterminated group', ['any_of', 1, 'regex']],
  [{ any_of: [{ contains: 'a' }, { not: { nope: 1 } }] }, 'text', 'has unknown matcher "nope"', ['any_of', 1, 'not']],
  [{ any_of: [{ contains: 'a' }, 'b'] }, 'text', 'must be one matcher, e.g. {contains: "x"}', ['any_of', 1]],
];

describe('any_of', () => {
  test.each(ROWS)('%j on %s %j -> %s', (expr, type, value, pass, expected, actual) => {
    const result = compileMatcher(expr, type).test(value);
    expect(result).toEqual({ pass, message: 'to match any of', negatedMessage: 'to match none of', expected, actual });
  });

  test.each(DESCRIBE)('describes %j on a %s field as %s', (expr, type, text) => {
    expect(compileMatcher(expr, type).describe).toBe(text);
  });

  testCompileErrors(COMPILE_ERRORS);
});

