// Turns a YAML matcher expression into a CompiledMatcher at load time, so a matcher applied to the
// wrong kind of value or a bad regex is an input error with a location, not a failed check.
import type { CompiledMatcher } from '../model/matcher.js';
import type { FieldType } from '../model/runbook.js';
import { MATCHERS, type MatcherName } from './registry.js';
import { checkEqualityValue } from './range.js';
import { MatcherCompileError, type CompileContext, type IntegerRange } from './types.js';

type Path = readonly (string | number)[];

const isMatcherName = (name: string): name is MatcherName => Object.hasOwn(MATCHERS, name);

/**
 * A nested matcher keeps the field's range, unless it reads another value (line_count's count).
 * A class, not a literal with a closure and a spread: one is made for every expectation compiled.
 */
class ChildContext implements CompileContext {
  readonly range?: IntegerRange;

  constructor(readonly fieldType: FieldType, private readonly at: Path, range: IntegerRange | undefined) {
    if (range) this.range = range;
  }

  compileChild(child: unknown, below: Path, childType?: FieldType): CompiledMatcher {
    return compileAt(child, childType ?? this.fieldType, this.at.concat(below), childType ? undefined : this.range);
  }
}

/** Problems found by a matcher are at its own key unless it names a place below it. */
const placed = (error: unknown, at: Path): unknown =>
  error instanceof MatcherCompileError && error.at.length === 0 ? new MatcherCompileError(error.message, at, error.hint) : error;

const compileAt = (expression: unknown, fieldType: FieldType, at: Path, range?: IntegerRange): CompiledMatcher => {
  // A plain list is all_of without the key: its items' paths must not name a key absent from the file.
  if (Array.isArray(expression)) return MATCHERS.all_of.compile(expression, new ChildContext(fieldType, at, range));
  // A variable's value substituted for a bare number (`count: ${vars.min}`) may be its text.
  if (typeof expression === 'string' && fieldType === 'number' && expression.trim() !== '' && Number.isFinite(Number(expression))) {
    return compileAt(Number(expression), fieldType, at, range);
  }
  if (typeof expression === 'number') {
    if (fieldType !== 'number') throw new MatcherCompileError(`a bare number compares numbers; this value is text: write {equals: "${expression}"} or {gt: ...}`, at);
    try {
      checkEqualityValue(expression, range);
    } catch (error) {
      throw placed(error, at);
    }
    return compileAt({ equals: expression }, fieldType, at, range);
  }
  // Its one key by index: entries and their destructuring made three lists and two iterators per expectation.
  const keys = typeof expression === 'object' && expression !== null ? Object.keys(expression) : [];
  if (keys.length !== 1) throw new MatcherCompileError('must be one matcher, e.g. {contains: "x"}', at);
  const name = keys[0]!;
  const argument = (expression as Record<string, unknown>)[name];
  if (!isMatcherName(name)) throw new MatcherCompileError(`has unknown matcher "${name}"`, at);
  const definition = MATCHERS[name];
  if (!definition.accepts.includes(fieldType)) {
    throw new MatcherCompileError(`${name} applies to ${definition.accepts.join(' or ')} values, this value is a ${fieldType}`, at);
  }
  const below = at.concat(name); // of its length: a spread leaves room to grow, and is made for every expectation
  try {
    return definition.compile(argument, new ChildContext(fieldType, below, range));
  } catch (error) {
    throw placed(error, below);
  }
};

/**
 * `at` in a thrown MatcherCompileError is relative to the expression's own position. With a
 * `range`, every value written for the field must be one it can take (matchers/range.ts).
 */
export const compileMatcher = (expression: unknown, fieldType: FieldType, range?: IntegerRange): CompiledMatcher =>
  compileAt(expression, fieldType, [], range);
