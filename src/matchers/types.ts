// The contract of a matcher: it declares what it applies to and its argument schema, and compiles
// once, while the runbook loads, into a pure function.
import type { CompiledMatcher } from '../model/matcher.js';
import type { FieldType } from '../model/runbook.js';
import type { JsonSchema } from '../model/json-schema.js';

export interface CompileContext {
  /** The type of value the compiled matcher will be given. */
  readonly fieldType: FieldType;
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

  constructor(message: string, at: readonly (string | number)[] = []) {
    super(message);
    this.name = 'MatcherCompileError';
    this.at = at;
  }
}

export const NESTED_MATCHER: JsonSchema = { $ref: '#/definitions/matcher' };
export const NUMBER_OR_MATCHER: JsonSchema = { $ref: '#/definitions/numberOrMatcher' };
