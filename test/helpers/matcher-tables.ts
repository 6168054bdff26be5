// Shared pieces of the per-matcher tables: compile errors are asserted the same way everywhere.
import { expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import { MatcherCompileError } from '../../src/matchers/types.js';
import type { FieldType } from '../../src/model/runbook.js';

export type CompileErrorRow = [expression: unknown, fieldType: FieldType, message: string, at: (string | number)[]];

/** Runs `action` and returns what it threw; fails when it throws nothing. */
export const catchError = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

/** Each row: compiling the expression throws a MatcherCompileError with this message at this path. */
export const testCompileErrors = (rows: readonly CompileErrorRow[]): void => {
  test.each(rows)('rejects %j on a %s field', (expression, fieldType, message, at) => {
    const error = catchError(() => compileMatcher(expression, fieldType));
    expect(error).toBeInstanceOf(MatcherCompileError);
    expect(error).toMatchObject({ message, at });
  });
};
