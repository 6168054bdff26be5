// Turns one schema-valid check into the model: matchers compiled, captures' regexes compiled, the
// timeout parsed. Problems become diagnostics pointing at the exact key.
import { checkKindOf, type CheckKindKey } from '../checks/registry.js';
import type { CheckKind } from '../checks/types.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { compileMatcher } from '../matchers/compile.js';
import { middleOf, rangeOfField } from '../matchers/range.js';
import { compileRegex } from '../matchers/regex.js';
import { MatcherCompileError, type IntegerRange } from '../matchers/types.js';
import type { CompiledMatcher } from '../model/matcher.js';
import { DEFAULT_RETRY_INTERVAL_MS, type CaptureBinding, type CaptureSpec, type Check, type Expectation, type FieldType, type RetryPolicy, type SourceLocation } from '../model/runbook.js';
import { shellPlaceProblems } from '../model/shell-places.js';
import { durationExpectation, parseDuration, parseDurationText, writtenValue } from '../model/duration.js';
import { formatPath, placesWithin, type Path, type RunbookSource } from './source.js';
import type { SchemaCheck } from './validate.js';
import { pushAll } from '../model/push-all.js';
import { capturesIn, substituteIn, substituteText, substituteVars, type Vars } from './substitute.js';

type Raw = Record<string, unknown>;

const matcherProblem = (source: RunbookSource, path: Path, error: unknown): Diagnostic => {
  if (!(error instanceof MatcherCompileError)) throw error;
  const at = [...path, ...error.at];
  return { code: 'RB_MATCHER', message: `${formatPath(at)} ${error.message}`, location: source.locate(at), ...(error.hint ? { hint: error.hint } : {}) };
};

type ExpectRecord = Readonly<Record<string, unknown>>;

/** An expectation to compile, and where it comes from. */
interface Expected {
  readonly field: string;
  readonly expression: unknown;
  /**
   * Where it points: the spec key implying it, or the check; absent for the author's own, at
   * `expect.FIELD`, whose path is made only when a problem or a capture needs it (atOf).
   */
  readonly at?: Path;
  readonly target: 'key' | 'value';
  /** The kind's record holding it (its defaults, kept or implied ones); absent for the author's own. */
  readonly ofKind?: ExpectRecord;
}

/** Adds the record's expectations for the fields not yet settled; pushed, as this runs for every check. */
const addFromKind = (expected: Expected[], record: ExpectRecord, at: Path, target: Expected['target'], settled: (field: string) => boolean): Expected[] => {
  for (const field of Object.keys(record)) if (!settled(field)) expected.push({ field, expression: record[field], at, target, ofKind: record });
  return expected;
};

/** What the spec's own keys imply (`contains` under `file:`), for the fields the author's `expect` leaves alone. */
const impliedBy = (kind: CheckKind<unknown>, spec: unknown, stated: (field: string) => boolean, { path, kindKey }: CheckContext): Expected[] => {
  if (!kind.impliedExpect || typeof spec !== 'object' || spec === null) return [];
  const implied: Expected[] = [];
  for (const [key, record] of Object.entries(kind.impliedExpect)) if (Object.hasOwn(spec, key)) addFromKind(implied, record, [...path, kindKey, key], 'key', stated);
  return implied;
};

/** Where an expectation points (Expected.at). */
const atOf = ({ at, field }: Expected, path: Path): Path => at ?? path.concat('expect', field);

const NOTHING_STATED = (): boolean => false;

/**
 * The author's expectations; then, for the fields they leave alone, what the spec implies and the
 * kind's kept ones. Without an `expect`: the kind's defaults, then what the spec implies. For one
 * field, what the spec implies replaces the kind's own: it says more about this check.
 */
const expectationsOf = (kind: CheckKind<unknown>, declared: Raw | undefined, spec: unknown, context: CheckContext): Expected[] => {
  const { path } = context;
  const stated = declared === undefined ? NOTHING_STATED : (field: string): boolean => Object.hasOwn(declared, field);
  const implied = impliedBy(kind, spec, stated, context);
  const settled = implied.length === 0 ? stated : (field: string) => stated(field) || implied.some((expected) => expected.field === field);
  if (!declared) return addFromKind([], kind.defaultExpect, path, 'value', settled).concat(implied);
  const expected: Expected[] = [];
  for (const field of Object.keys(declared)) expected.push({ field, expression: declared[field], target: 'value' });
  pushAll(expected, implied);
  return kind.keptExpect ? addFromKind(expected, kind.keptExpect, path, 'value', settled) : expected;
};

/**
 * What stands for each captured value while the file loads: a number, so that a numeric matcher
 * compiles too, and one that the plan's description can turn back into its reference.
 */
const placeholder = (index: number): string => `-98765${1000 + index}`;

/**
 * A matcher whose expression may read captures of earlier checks. Compiled now with placeholders,
 * so a bad shape is still an error at load; compiled again with the real values as its check runs.
 * The plan describes it with its references, as written.
 */
/** A binding before its expression is placed: placedExpectation places it. */
type UnplacedBinding = Omit<CaptureBinding, 'location'>;

const compileWithCaptures = (expression: unknown, type: FieldType, range: IntegerRange | undefined): { matcher: CompiledMatcher; withCaptures?: UnplacedBinding } => {
  const names = capturesIn(expression);
  if (names.length === 0) return { matcher: compileMatcher(expression, type, range) };
  // The values written beside the captures must fit the field's range; a capture, known only as
  // its check runs, stands in as a value every comparison within the range lets through.
  if (range) compileMatcher(substituteIn(expression, 'captures', () => String(middleOf(range))), type, range);
  const bind = (captured: (name: string) => string | undefined) => compileMatcher(substituteIn(expression, 'captures', captured), type);
  const shape = bind((name) => placeholder(names.indexOf(name)));
  const describe = names.reduce((text, name, index) => text.replaceAll(placeholder(index), `\${captures.${name}}`), shape.describe);
  return { matcher: { ...shape, describe }, withCaptures: { names, bind } };
};

type CompiledExpectation = ReturnType<typeof compileWithCaptures>;

/**
 * The expectation, its expression placed only where it reads captures: the planner names that
 * place when one is out of scope, and nothing else names an expectation's place (two places per
 * check, and the paths they are found by, were a fifth of the model of 20,000 checks).
 */
const placedExpectation = ({ matcher, withCaptures }: CompiledExpectation, field: string, place: () => SourceLocation, ofCapture = false): Expectation => {
  // Written out, not spread from the compiled matcher: a spread per expectation cost 20,000 checks dear.
  const expectation: { -readonly [K in keyof Expectation]: Expectation[K] } = { field, matcher };
  if (ofCapture) expectation.ofCapture = true;
  if (withCaptures) expectation.withCaptures = { ...withCaptures, location: place() };
  return expectation;
};

/** placedExpectation's place, made only for an expectation that reads captures: one closure fewer per expectation. */
const placeOf = (source: RunbookSource, at: Path, target?: 'key' | 'value') => (): SourceLocation => source.locate(at, target);

/** The place of an expectation that reads no capture, which placedExpectation never asks for. */
const NOWHERE = (): SourceLocation => {
  throw new Error('an expectation without captures has no place of its own');
};

/**
 * A kind's own expectations (its defaults, kept and implied ones) compiled once per record and
 * field: the same for each of its checks, and compiled matchers are never changed. A record is
 * constant, declared in its kind's file, so it holds one expression per field.
 */
const kindMatchers = new WeakMap<ExpectRecord, Map<string, CompiledExpectation>>();

const compileKindExpectation = (kind: CheckKind<unknown>, record: ExpectRecord, field: string): CompiledExpectation => {
  let compiled = kindMatchers.get(record);
  if (!compiled) kindMatchers.set(record, (compiled = new Map<string, CompiledExpectation>()));
  let matcher = compiled.get(field);
  if (!matcher) compiled.set(field, (matcher = compileWithCaptures(record[field], kind.fields[field]!, rangeOfField(field))));
  return matcher;
};

/**
 * A kind's own expectation that reads no capture is the same for each of its checks, placed
 * nowhere: one object for all of them (40 bytes a check kept until the run ends).
 */
const sharedExpectations = new WeakMap<CompiledExpectation, Expectation>();

const sharedExpectation = (compiled: CompiledExpectation, field: string): Expectation => {
  let expectation = sharedExpectations.get(compiled);
  if (!expectation) sharedExpectations.set(compiled, (expectation = placedExpectation(compiled, field, NOWHERE)));
  return expectation;
};

const compileExpectations = (source: RunbookSource, kind: CheckKind<unknown>, raw: Raw, context: CheckContext, problems: Diagnostic[]) => {
  const expectations: Expectation[] = [];
  const declared = raw.expect === undefined ? undefined : (substituteVars(raw.expect, context.vars) as Raw);
  const expected = expectationsOf(kind, declared, raw[context.kindKey], context);
  // An index loop: in code not yet optimized, `for...of` makes an iterator and a result per step, for every check.
  for (let index = 0; index < expected.length; index += 1) {
    const one = expected[index]!;
    const { field, expression, target, ofKind } = one;
    try {
      const compiled = ofKind ? compileKindExpectation(kind, ofKind, field) : compileWithCaptures(expression, kind.fields[field]!, rangeOfField(field));
      const place = compiled.withCaptures ? placeOf(source, atOf(one, context.path), target) : NOWHERE;
      expectations.push(ofKind && !compiled.withCaptures ? sharedExpectation(compiled, field) : placedExpectation(compiled, field, place));
    } catch (error) {
      problems.push(matcherProblem(source, atOf(one, context.path), error));
    }
  }
  return expectations;
};

/** A capture regex with no group; written as a field's name (`pid: stdout`), the form that takes the field whole. */
const noGroupMessage = (kind: CheckKind<unknown>, value: unknown): string => {
  const asField = typeof value === 'string' && Object.hasOwn(kind.fields, value) ? `; to capture the whole of ${value}, write { from: ${value} }` : '';
  return `needs a capture group, e.g. "pid=(\\d+)": its first group is the value${asField}`;
};

/** Counts a regex's capture groups by matching it against nothing in an alternation. */
const groupCount = (pattern: RegExp): number => new RegExp(`${pattern.source}|`).exec('')!.length - 1;

const compileCaptures = (source: RunbookSource, kind: CheckKind<unknown>, raw: Raw, { path, vars }: CheckContext, problems: Diagnostic[]) => {
  const captures: CaptureSpec[] = [];
  if (raw.capture === undefined) return captures;
  const firstText = Object.keys(kind.fields).find((field) => kind.fields[field] === 'text') ?? Object.keys(kind.fields)[0]!;
  for (const [name, value] of Object.entries(raw.capture as Raw)) {
    const at = [...path, 'capture', name];
    const spec = typeof value === 'string' ? { from: firstText, regex: value } : (value as { from?: string; regex?: string });
    const location = source.locate(at, 'key');
    if (spec.regex === undefined) {
      captures.push({ name, from: spec.from ?? firstText, location });
      continue;
    }
    try {
      const regex = compileRegex(substituteText(spec.regex, vars));
      if (groupCount(regex) === 0) throw new MatcherCompileError(noGroupMessage(kind, value));
      captures.push({ name, from: spec.from ?? firstText, regex, location });
    } catch (error) {
      problems.push(matcherProblem(source, typeof value === 'string' ? at : [...at, 'regex'], error));
    }
  }
  return captures;
};

/** `capture: { seconds: { regex: ..., expect: { lt: 0.5 } } }`: a matcher on a captured value, which is text. */
const compileCaptureExpectations = (source: RunbookSource, raw: Raw, { path, vars }: CheckContext, problems: Diagnostic[]) => {
  const expectations: Expectation[] = [];
  if (raw.capture === undefined) return expectations;
  for (const [name, value] of Object.entries(raw.capture as Raw)) {
    const expression = (value as { expect?: unknown } | null)?.expect;
    if (expression === undefined) continue;
    const at = [...path, 'capture', name, 'expect'];
    try {
      expectations.push(placedExpectation(compileWithCaptures(substituteVars(expression, vars), 'text', undefined), name, () => source.locate(at), true));
    } catch (error) {
      problems.push(matcherProblem(source, at, error));
    }
  }
  return expectations;
};

/** The kind's own load-time checks, for the parts of its spec that passed the schema. */
const kindProblems = (source: RunbookSource, kind: CheckKind<unknown>, spec: unknown, specPath: Path, problems: Diagnostic[]): void => {
  for (const { at, message } of kind.problems?.(spec) ?? []) {
    const where = [...specPath, ...at];
    problems.push({ code: 'RB_SCHEMA', message: `${formatPath(where)} ${message}`, location: source.locate(where) });
  }
  for (const { at, text } of kind.shellTexts(spec)) {
    // A text with no reference is in no wrong place (shell-places.ts), and most commands have none.
    if (!text.includes('${')) continue;
    const where = [...specPath, ...at];
    for (const message of shellPlaceProblems(text)) problems.push({ code: 'RB_UNSAFE_REFERENCE', message: `${formatPath(where)} ${message}`, location: source.locate(where) });
  }
};

/** Where the check is in the file, the key of its kind (the schema let exactly one through), the run's variables. */
export interface CheckContext {
  readonly path: Path;
  readonly kindKey: CheckKindKey;
  readonly questionId: string;
  readonly vars: Vars;
  /** The runbook's `defaults:` (timeout, retry, until), where the schema let them through. */
  readonly defaults?: { readonly raw: Raw; readonly path: Path };
}

/** A duration written at `at` (`5s`, a number of seconds, or a variable holding one); reported when it is none. */
const durationAt = (source: RunbookSource, written: unknown, at: Path, vars: Vars, problems: Diagnostic[]): number | undefined => {
  const value = substituteVars(written, vars);
  // A variable may hold a boolean (`wait: true`): anything but a number is read as its text.
  const given = typeof value === 'number' ? value : String(value).trim();
  const ms = typeof given === 'number' ? parseDuration(given) : parseDurationText(given);
  if (ms === undefined) {
    // "from ${vars.wait}" only when a reference gave the value.
    const from = Object.is(written, value) ? '' : ` from ${typeof written === 'string' ? written : writtenValue(written)}`;
    problems.push({ code: 'RB_SCHEMA', message: `${formatPath(at)} must be ${durationExpectation(given)}, got ${writtenValue(value)}${from}`, location: source.locate(at) });
  }
  return ms;
};

/** Where a setting comes from: the check itself, else the runbook's `defaults:`. */
const settingOf = (raw: Raw, key: string, { path, defaults }: Pick<CheckContext, 'path' | 'defaults'>): { value: unknown; at: Path } | undefined => {
  if (raw[key] !== undefined) return { value: raw[key], at: [...path, key] };
  if (defaults && defaults.raw[key] !== undefined) return { value: defaults.raw[key], at: [...defaults.path, key] };
  return undefined;
};

/** The check's timeout, written or from a variable (whose text "5" is seconds, as on the command line). */
const timeoutOf = (source: RunbookSource, raw: Raw, context: CheckContext, problems: Diagnostic[]): number | undefined => {
  const setting = settingOf(raw, 'timeout', context);
  return setting === undefined ? undefined : durationAt(source, setting.value, setting.at, context.vars, problems);
};

const intervalAt = (source: RunbookSource, written: Raw, at: Path, vars: Vars, problems: Diagnostic[]): number =>
  written.interval === undefined ? DEFAULT_RETRY_INTERVAL_MS : (durationAt(source, written.interval, [...at, 'interval'], vars, problems) ?? DEFAULT_RETRY_INTERVAL_MS);

/** `retry:` or `until:`, the check's own, else the runbook's default (a check with one of them takes neither default). */
const retryOf = (source: RunbookSource, raw: Raw, context: CheckContext, problems: Diagnostic[]): RetryPolicy | undefined => {
  // A check that says either one takes neither default: its own word on retrying is the whole of it.
  const own = raw.retry !== undefined || raw.until !== undefined;
  const from: Pick<CheckContext, 'path' | 'defaults'> = own ? { path: context.path } : context;
  const retry = settingOf(raw, 'retry', from);
  const until = settingOf(raw, 'until', from);
  if (retry && until) {
    problems.push({ code: 'RB_SCHEMA', message: `${formatPath(until.at)} and retry both say when to try again: keep one`, location: source.locate(until.at, 'key'), hint: 'retry: { attempts: N } tries N times; until: { timeout: 60s } tries until it passes or the time is up' });
    return undefined;
  }
  if (retry) {
    const written = retry.value as Raw;
    return { kind: 'retry', attempts: written.attempts as number, intervalMs: intervalAt(source, written, retry.at, context.vars, problems) };
  }
  if (until) {
    const written = until.value as Raw;
    const timeoutMs = durationAt(source, written.timeout, [...until.at, 'timeout'], context.vars, problems);
    return timeoutMs === undefined ? undefined : { kind: 'until', timeoutMs, intervalMs: intervalAt(source, written, until.at, context.vars, problems) };
  }
  return undefined;
};

/** Shared by every check with none: an empty list of its own costs a check 32 bytes. */
const NONE: readonly never[] = Object.freeze([]);

/**
 * A list kept with the check, of its length: one filled by push keeps room for 17 (152 bytes for
 * one expectation), and 20,000 checks keep every list they hold until the run ends.
 */
const exactly = <T>(items: readonly T[]): readonly T[] => (items.length === 0 ? NONE : items.length === 1 ? [items[0]!] : items.slice());

export const compileCheck = (source: RunbookSource, raw: Raw, context: CheckContext, problems: Diagnostic[], isClean: SchemaCheck['isClean']): Check => {
  const { path, kindKey, questionId } = context;
  const kind = checkKindOf({ kind: kindKey });
  const dependsOn = (raw.depends_on as string[] | undefined) ?? [];
  const timeoutMs = isClean(path, 'timeout') ? timeoutOf(source, raw, context, problems) : undefined;
  const retry = isClean(path, 'retry') && isClean(path, 'until') ? retryOf(source, raw, context, problems) : undefined;
  if (isClean(path, kindKey)) kindProblems(source, kind, raw[kindKey], path.concat(kindKey), problems);
  const capturesClean = isClean(path, 'capture');
  const own: readonly Expectation[] = isClean(path, 'expect') ? compileExpectations(source, kind, raw, context, problems) : NONE;
  // concat makes a list of its length; only `own`, filled by push, needs the copy.
  const expectations = capturesClean && raw.capture !== undefined ? own.concat(compileCaptureExpectations(source, raw, context, problems)) : exactly(own);
  // Built whole, then the optional fields set: a spread per optional field was most of the cost
  // of this function on a cold run over 20,000 checks.
  const check: { -readonly [K in keyof Check]: Check[K] } = {
    id: raw.id as string,
    questionId,
    on: raw.on as string,
    kind: kindKey,
    spec: raw[kindKey],
    expectations,
    captures: capturesClean ? exactly(compileCaptures(source, kind, raw, context, problems)) : NONE,
    dependsOn,
    location: source.locateIn(path, 'id'),
    places: placesWithin(source, path),
    informational: raw.informational === true,
  };
  if (timeoutMs !== undefined) check.timeoutMs = timeoutMs;
  if (retry !== undefined) check.retry = retry;
  if (typeof raw.hint === 'string') check.hint = raw.hint;
  if (typeof raw.become === 'boolean') check.become = raw.become;
  return check;
};
