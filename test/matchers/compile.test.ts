// compileMatcher: the expression forms every matcher shares (one-key map, plain list = all_of,
// integer shorthand on number fields) and the compile errors with their `at` path.
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import { MATCHERS, MATCHER_NAMES, type MatcherName } from '../../src/matchers/registry.js';
import { MatcherCompileError } from '../../src/matchers/types.js';
import type { MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';
import { catchError } from '../helpers/matcher-tables.js';

/** A valid argument per matcher, and a value of each field type it passes on. */
const SAMPLES: Record<MatcherName, { expr: unknown; text?: string; number?: number }> = {
  all_of: { expr: { all_of: [{ ge: 1 }] }, text: '1', number: 1 },
  any_of: { expr: { any_of: [{ ge: 1 }] }, text: '1', number: 1 },
  contains: { expr: { contains: 'x' }, text: 'x' },
  equals: { expr: { equals: 1 }, text: '1\n', number: 1 },
  ge: { expr: { ge: 1 }, text: '1', number: 1 },
  gt: { expr: { gt: 1 }, text: '2', number: 2 },
  le: { expr: { le: 1 }, text: '1', number: 1 },
  line_count: { expr: { line_count: 1 }, text: 'x\n' },
  lt: { expr: { lt: 1 }, text: '0', number: 0 },
  not: { expr: { not: { ge: 1 } }, text: '0', number: 0 },
  regex: { expr: { regex: '^x$' }, text: 'x\n' },
};

const FIELD_TYPES: FieldType[] = ['text', 'number'];

const APPLICABILITY = MATCHER_NAMES.flatMap((name) => FIELD_TYPES.map((type) => [name, type] as const));

const SHORTHANDS: [unknown, FieldType, MatchValue, boolean, string][] = [
  [0, 'number', 0, true, 'equals 0'],
  [0, 'number', null, false, 'equals 0'],
  [3, 'number', 0, false, 'equals 3'],
  [[{ contains: 'a' }, { contains: 'b' }], 'text', 'ba', true, 'all of (contains "a", contains "b")'],
  [[{ contains: 'a' }, { contains: 'b' }], 'text', 'b', false, 'all of (contains "a", contains "b")'],
  [[0, { not: 1 }], 'number', 0, true, 'all of (equals 0, not (equals 1))'],
];

const ERRORS: [unknown, FieldType, string][] = [
  [{}, 'text', 'must be one matcher, e.g. {contains: "x"}'],
  [{ contains: 'a', regex: 'b' }, 'text', 'must be one matcher, e.g. {contains: "x"}'],
  ['ok', 'text', 'must be one matcher, e.g. {contains: "x"}'],
  [null, 'text', 'must be one matcher, e.g. {contains: "x"}'],
  // The integer shorthand is for number fields only: on text, say which matcher you mean.
  [0, 'text', 'a bare number compares numbers; this value is text: write {equals: "0"} or {gt: ...}'],
  [{ contians: 'x' }, 'text', 'has unknown matcher "contians"'],
  [{ equal: 0 }, 'number', 'has unknown matcher "equal"'],
  // Keys of Object.prototype are not matchers.
  [{ toString: 'x' }, 'text', 'has unknown matcher "toString"'],
  [{ constructor: 'x' }, 'text', 'has unknown matcher "constructor"'],
];

describe('compileMatcher', () => {
  test.each(APPLICABILITY)('%s on a %s field compiles exactly when the matcher accepts that type', (name, type) => {
    const sample = SAMPLES[name];
    if (MATCHERS[name].accepts.includes(type)) {
      const value = type === 'text' ? sample.text : sample.number;
      expect(value, `sample ${type} value for ${name}`).toBeDefined();
      expect(compileMatcher(sample.expr, type).test(value ?? null).pass).toBe(true);
    } else {
      expect(() => compileMatcher(sample.expr, type)).toThrow(`${name} applies to ${MATCHERS[name].accepts.join(' or ')} values, this value is a ${type}`);
    }
  });

  test.each(SHORTHANDS)('shorthand %j on %s %j -> %s', (expr, type, value, pass, describe) => {
    const matcher = compileMatcher(expr, type);
    expect(matcher.describe).toBe(describe);
    expect(matcher.test(value).pass).toBe(pass);
  });

  test.each(ERRORS)('rejects %j on a %s field at its own position', (expr, type, message) => {
    const error = catchError(() => compileMatcher(expr, type));
    expect(error).toBeInstanceOf(MatcherCompileError);
    expect(error).toMatchObject({ message, at: [] });
  });
});

