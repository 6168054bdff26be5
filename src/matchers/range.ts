// The values a numeric field can take, so that an expectation no observed value could ever meet
// is an input error at load, not a check that silently never passes (`exit_code: 1e29`, `256`,
// `-1`, `1.5`) or always passes (`not: 256`). One rule for every number written for the field,
// compared for equality or as a bound: it is a value the field can take. A comparison no value
// passes (`gt: 255`) is refused too; one every value passes (`ge: 0`, "any exit code") is fine.
import { MatcherCompileError, type IntegerRange } from './types.js';

/** What a process's exit status can be, locally and over SSH alike. */
export const EXIT_CODE: IntegerRange = { min: 0, max: 255, noun: 'exit code', a: 'an exit code', meaning: 'an exit code is 0 for success, 1 to 255 for failure (128+N when signal N ended the command)' };

/**
 * The fields whose values are bounded, by name: `exit_code` is a command's exit status whichever
 * kind observes it.
 */
const FIELD_RANGES: Readonly<Record<string, IntegerRange>> = { exit_code: EXIT_CODE };

export const rangeOfField = (field: string): IntegerRange | undefined => (Object.hasOwn(FIELD_RANGES, field) ? FIELD_RANGES[field] : undefined);

/** A value inside the range that every comparison with a bound inside it lets through: what a capture stands in as while loading. */
export const middleOf = ({ min, max }: IntegerRange): number => Math.floor((min + max) / 2);

const shown = (value: unknown): string => (typeof value === 'number' ? String(value) : JSON.stringify(value));

const outside = (value: unknown, range: IntegerRange): MatcherCompileError =>
  new MatcherCompileError(`must be ${range.a}, an integer from ${range.min} to ${range.max}, got ${shown(value)}`, [], range.meaning);

/** The number a value written for equality stands for: a number, or text an observed value would print as (`"0"`, not `"00"`). */
const numberWritten = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?(0|[1-9][0-9]*)$/.test(value)) return Number(value);
  return undefined;
};

const inRange = (value: number, { min, max }: IntegerRange): boolean => Number.isInteger(value) && value >= min && value <= max;

/** `equals: 256` (or a bare 256, an any_of item): a value the field never takes. */
export const checkEqualityValue = (value: unknown, range: IntegerRange | undefined): void => {
  if (!range) return;
  const number = numberWritten(value);
  if (number === undefined || !inRange(number, range)) throw outside(value, range);
};

/** `lt: 256` says what `le: 255` does: the bound one past the range, and its inclusive twin inside it. */
const INCLUSIVE_TWIN: Readonly<Record<string, { readonly name: string; readonly step: number }>> = { lt: { name: 'le', step: -1 }, gt: { name: 'ge', step: 1 } };

const twinHint = (comparison: string, bound: number, range: IntegerRange): string | undefined => {
  const twin = Object.hasOwn(INCLUSIVE_TWIN, comparison) ? INCLUSIVE_TWIN[comparison] : undefined;
  return twin && inRange(bound + twin.step, range) ? `write ${twin.name}: ${bound + twin.step}, which says the same of ${range.a}` : undefined;
};

/**
 * `gt: 255` or `lt: 1e29`: a bound is a value of the field, like every value written for it
 * (`lt: 256` is `le: 255`, said so in the hint), and some value must pass the comparison.
 */
export const checkBound = (comparison: { name: string; words: string; holds: (actual: number, limit: number) => boolean }, bound: number, range: IntegerRange | undefined): void => {
  if (!range) return;
  if (!inRange(bound, range)) {
    const error = outside(bound, range);
    throw new MatcherCompileError(error.message, [], twinHint(comparison.name, bound, range) ?? error.hint);
  }
  if (!comparison.holds(range.min, bound) && !comparison.holds(range.max, bound)) {
    throw new MatcherCompileError(`can never hold: no ${range.noun} is ${comparison.words} ${bound}`, [], range.meaning);
  }
};
