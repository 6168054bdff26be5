// The contract of a matcher: it declares what it applies to and its argument schema, and compiles
// once, while the runbook loads, into a pure function.
import type { CompiledMatcher } from '../model/matcher.js';
import type { FieldType } from '../model/runbook.js';
import type { JsonSchema } from '../model/json-schema.js';

/** The values a numeric field can take (matchers/range.ts): an exit code is an integer from 0 to 255. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
  /** What a value of the field is, for messages: `exit code`, and with its article: `an exit code`. */
  readonly noun: string;
  readonly a: string;
  /** What the values mean, for the hint. */
  readonly meaning: string;
}

export interface CompileContext {
  /** The type of value the compiled matcher will be given. */
  readonly fieldType: FieldType;
  /** The values the field can take, when they are bounded: a value written outside them is refused. */
  readonly range?: IntegerRange;
  /** Compiles a nested matcher expression (for `not`, `all_of`...); `at` is its path below this matcher. */
  compileChild(expression: unknown, at: readonly (string | number)[], fieldType?: FieldType): CompiledMatcher;
}

export interface MatcherDefinition {
  /** The YAML key, e.g. `contains`. */
  readonly name: string;
  readonly summary: string;
  readonly accepts: readonly FieldType[];
  /** Schema of the argument; `{ $ref: '#/definitions/matcher' }` for a nested expression. */
  readonly schema: JsonSchema;
  /** Throws MatcherCompileError for an argument the schema cannot rule out (e.g. a bad regex). */
  compile(argument: unknown, context: CompileContext): CompiledMatcher;
}

export class MatcherCompileError extends Error {
  readonly at: readonly (string | number)[];
  /** What to do about it, when the message alone does not say. */
  readonly hint: string | undefined;

  constructor(message: string, at: readonly (string | number)[] = [], hint?: string) {
    super(message);
    this.name = 'MatcherCompileError';
    this.at = at;
    this.hint = hint;
  }
}

export const NESTED_MATCHER: JsonSchema = { $ref: '#/definitions/matcher' };
export const NUMBER_OR_MATCHER: JsonSchema = { $ref: '#/definitions/numberOrMatcher' };
