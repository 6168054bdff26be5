// `equals`: exact equality; text compares without its trailing newline, numbers compare as numbers.
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import type { MatchResult, MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';

interface Row {
  readonly expr: unknown;
  readonly type: FieldType;
  readonly value: MatchValue;
  readonly want: true | Omit<MatchResult, 'pass' | 'negatedMessage'>;
}

const fails = (expected: string, actual: string) => ({ message: 'to equal', expected, actual });

const ROWS: Row[] = [
  // Text: `echo ok` prints "ok\n", and `equals: ok` must match it.
  { expr: { equals: 'ok' }, type: 'text', value: 'ok\n', want: true },
  { expr: { equals: 'ok' }, type: 'text', value: 'ok\r\n', want: true },
  { expr: { equals: 'ok' }, type: 'text', value: 'ok\n\n', want: true },
  { expr: { equals: 'ok' }, type: 'text', value: 'ok', want: true },
  { expr: { equals: 'a\nb' }, type: 'text', value: 'a\nb\n', want: true },
  { expr: { equals: '' }, type: 'text', value: '\n', want: true },
  // A YAML block scalar (`equals: |`) ends with a newline too, like the output it describes.
  { expr: { equals: 'a\nb\n' }, type: 'text', value: 'a\nb\n', want: true },
  { expr: { equals: 'ok' }, type: 'text', value: 'ok ', want: fails('"ok"', '"ok "') },
  { expr: { equals: 'ok' }, type: 'text', value: ' ok\n', want: fails('"ok"', '" ok\\n"') },
  { expr: { equals: 'ok' }, type: 'text', value: 'ok\nmore\n', want: fails('"ok"', '"ok\\nmore\\n"') },
  { expr: { equals: 'ok' }, type: 'text', value: 'OK', want: fails('"ok"', '"OK"') },
  { expr: { equals: 'ok' }, type: 'text', value: null, want: fails('"ok"', 'nothing') },
  // A number against numeric text compares as numbers, surrounding whitespace ignored.
  { expr: { equals: 3 }, type: 'text', value: '3\n', want: true },
  { expr: { equals: 3 }, type: 'text', value: ' 3 ', want: true },
  { expr: { equals: 3 }, type: 'text', value: '3.0', want: true },
  { expr: { equals: 3 }, type: 'text', value: '3x', want: fails('3', '"3x"') },
  { expr: { equals: 0 }, type: 'text', value: '', want: fails('0', '""') },
  { expr: { equals: 3 }, type: 'text', value: '3\n4\n', want: fails('3', '"3\\n4\\n"') },
  { expr: { equals: true }, type: 'text', value: 'true\n', want: true },
  { expr: { equals: false }, type: 'text', value: 'true', want: fails('false', '"true"') },
  // Number fields (exit codes). null is a process killed by a signal: it equals nothing.
  { expr: { equals: 0 }, type: 'number', value: 0, want: true },
  { expr: { equals: 0 }, type: 'number', value: 1, want: fails('0', '1') },
  { expr: { equals: 0 }, type: 'number', value: null, want: fails('0', 'nothing') },
  { expr: { equals: '0' }, type: 'number', value: 0, want: true },
  { expr: { equals: '0' }, type: 'number', value: null, want: fails('"0"', 'nothing') },
  { expr: 0, type: 'number', value: 0, want: true },
  { expr: 2, type: 'number', value: 0, want: fails('2', '0') },
];

const DESCRIBE: [unknown, FieldType, string][] = [
  [{ equals: 'ok' }, 'text', 'equals "ok"'],
  [{ equals: 0 }, 'number', 'equals 0'],
  [0, 'number', 'equals 0'],
  [{ equals: true }, 'text', 'equals true'],
];

describe('equals', () => {
  test.for(ROWS)('$expr on $type $value', ({ expr, type, value, want }) => {
    const result = compileMatcher(expr, type).test(value);
    if (want === true) expect(result).toMatchObject({ pass: true, message: 'to equal' });
    else expect(result).toEqual({ pass: false, negatedMessage: 'not to equal', ...want });
  });

  test.each(DESCRIBE)('describes %j on a %s field as %s', (expr, type, text) => {
    expect(compileMatcher(expr, type).describe).toBe(text);
  });
});
