// Table tests for a check kind, in the manner of ESLint's RuleTester: valid checks load cleanly,
// invalid ones fail with the exact code, line and column.
import { describe, expect, test } from 'vitest';
import { loadRunbookText } from '../../src/runbook/load.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { ErrorCode } from '../../src/errors/codes.js';

export interface InvalidCase {
  /** The check's YAML lines, indented as list items under `checks:` (6 spaces before `- id`). */
  readonly check: string;
  readonly code: ErrorCode;
  readonly line: number;
  readonly col: number;
  readonly message?: RegExp;
}

/** Lines 1-10 are the frame below, so a check given here starts on line 11. */
export const frame = (checks: string): string => `version: 1
title: kind table test
vars:
  port: 3306
hosts:
  here: local
questions:
  - id: q
    title: Q
    checks:
${checks}`;

const diagnosticsOf = (yaml: string) => {
  const loaded = loadRunbookText('t.yaml', frame(yaml));
  return [...loaded.diagnostics, ...(loaded.runbook ? buildPlan(loaded.runbook).diagnostics : [])];
};

export const describeCheckKind = (name: string, cases: { valid: readonly string[]; invalid: readonly InvalidCase[] }): void => {
  describe(`${name}: loading`, () => {
    test.each(cases.valid)('valid: %s', (check) => {
      expect(diagnosticsOf(check)).toEqual([]);
    });
    test.each(cases.invalid)('invalid: $check', ({ check, code, line, col, message }) => {
      const diagnostics = diagnosticsOf(check);
      expect(diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toContainEqual([code, line, col]);
      if (message) expect(diagnostics.map((d) => d.message).join('\n')).toMatch(message);
    });
  });
};
