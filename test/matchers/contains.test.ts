// `contains`: a substring test on text, the most common assertion on command output.
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import type { MatchResult, MatchValue } from '../../src/model/matcher.js';
import type { FieldType } from '../../src/model/runbook.js';
import { type CompileErrorRow, testCompileErrors } from '../helpers/matcher-tables.js';

interface Row {
  readonly expr: unknown;
  readonly type: FieldType;
  readonly value: MatchValue;
  readonly want: true | Omit<MatchResult, 'pass' | 'negatedMessage'>;
}

const fails = (expected: string, actual: string) => ({ message: 'to contain', expected, actual });

const ROWS: Row[] = [
  { expr: { contains: 'LISTEN' }, type: 'text', value: 'tcp LISTEN 0 80\n', want: true },
  { expr: { contains: 'LISTEN' }, type: 'text', value: 'LISTEN', want: true },
  { expr: { contains: 'a\nb' }, type: 'text', value: 'xa\nby', want: true },
  { expr: { contains: 'LISTEN' }, type: 'text', value: 'tcp ESTAB\n', want: fails('"LISTEN"', '"tcp ESTAB\\n"') },
  { expr: { contains: 'listen' }, type: 'text', value: 'LISTEN', want: fails('"listen"', '"LISTEN"') },
  { expr: { contains: 'x' }, type: 'text', value: '', want: fails('"x"', '""') },
  { expr: { contains: 'x' }, type: 'text', value: null, want: fails('"x"', 'nothing') },
  // Host output is shown quoted, with control characters escaped and long values cut.
  { expr: { contains: 'ok' }, type: 'text', value: '\u001b[31mred', want: fails('"ok"', '"\\u001b[31mred"') },
  { expr: { contains: 'ok' }, type: 'text', value: 'y'.repeat(200), want: fails('"ok"', `"${'y'.repeat(115)}…" (200 chars)`) },
];

const DESCRIBE: [unknown, string][] = [
  [{ contains: 'LISTEN' }, 'contains "LISTEN"'],
  [{ contains: 'say "hi"' }, 'contains "say \\"hi\\""'],
];

const COMPILE_ERRORS: CompileErrorRow[] = [
  [{ contains: '0' }, 'number', 'contains applies to text values, this value is a number', []],
  [{ not: { contains: '0' } }, 'number', 'contains applies to text values, this value is a number', ['not']],
];

describe('contains', () => {
  test.for(ROWS)('$expr on $type $value', ({ expr, type, value, want }) => {
    const result = compileMatcher(expr, type).test(value);
    if (want === true) expect(result.pass).toBe(true);
    else expect(result).toEqual({ pass: false, negatedMessage: 'not to contain', ...want });
  });

  test.each(DESCRIBE)('describes %j as %s', (expr, text) => {
    expect(compileMatcher(expr, 'text').describe).toBe(text);
  });

  testCompileErrors(COMPILE_ERRORS);
});

