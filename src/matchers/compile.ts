// Turns a YAML matcher expression into a CompiledMatcher at load time, so a matcher applied to the
// wrong kind of value or a bad regex is an input error with a location, not a failed check.
import type { CompiledMatcher } from '../model/matcher.js';
import type { FieldType } from '../model/runbook.js';
import { MATCHERS, type MatcherName } from './registry.js';
import { MatcherCompileError, type CompileContext } from './types.js';

type Path = readonly (string | number)[];

const isMatcherName = (name: string): name is MatcherName => Object.hasOwn(MATCHERS, name);

const childContext = (fieldType: FieldType, at: Path): CompileContext => ({
  fieldType,
  compileChild: (child, below, childType) => compileAt(child, childType ?? fieldType, [...at, ...below]),
});

const compileAt = (expression: unknown, fieldType: FieldType, at: Path): CompiledMatcher => {
  // A plain list is all_of without the key: its items' paths must not name a key absent from the file.
  if (Array.isArray(expression)) return MATCHERS.all_of.compile(expression, childContext(fieldType, at));
  // A variable's value substituted for a bare number (`count: ${vars.min}`) may be its text.
  if (typeof expression === 'string' && fieldType === 'number' && expression.trim() !== '' && Number.isFinite(Number(expression))) {
    return compileAt(Number(expression), fieldType, at);
  }
  if (typeof expression === 'number') {
    if (fieldType !== 'number') throw new MatcherCompileError(`a bare number compares numbers; this value is text: write {equals: "${expression}"} or {gt: ...}`, at);
    return compileAt({ equals: expression }, fieldType, at);
  }
  const entries = typeof expression === 'object' && expression !== null ? Object.entries(expression as Record<string, unknown>) : [];
  const [entry] = entries;
  if (entries.length !== 1 || !entry) throw new MatcherCompileError('must be one matcher, e.g. {contains: "x"}', at);
  const [name, argument] = entry;
  if (!isMatcherName(name)) throw new MatcherCompileError(`has unknown matcher "${name}"`, at);
  const definition = MATCHERS[name];
  if (!definition.accepts.includes(fieldType)) {
    throw new MatcherCompileError(`${name} applies to ${definition.accepts.join(' or ')} values, this value is a ${fieldType}`, at);
  }
  try {
    return definition.compile(argument, childContext(fieldType, [...at, name]));
  } catch (error) {
    if (error instanceof MatcherCompileError && error.at.length === 0) throw new MatcherCompileError(error.message, [...at, name]);
    throw error;
  }
};

/** `at` in a thrown MatcherCompileError is relative to the expression's own position. */
export const compileMatcher = (expression: unknown, fieldType: FieldType): CompiledMatcher =>
  compileAt(expression, fieldType, []);
