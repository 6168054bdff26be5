// Shared by the comparison matchers (gt, ge, lt, le): text is read as a number, and text that is
// not a number fails with that said, rather than comparing as NaN.
import { patterned } from '../model/json-schema.js';
import { referencePattern } from '../model/references.js';
import { MatcherCompileError, type MatcherDefinition } from './types.js';
import { asNumber, show } from './format.js';
import { checkBound } from './range.js';

/** A number, or a reference to one: `${vars.max}` is substituted while loading, `${captures.max}` as its check runs. */
export const NUMBER_OR_REFERENCE = { type: ['number', 'string'], ...patterned(`^${referencePattern('vars', 'captures')}$`, 'a number, or a variable or a capture such as "${vars.max}"') };

/** The limit as written, or the number a variable's text holds (`--var max=95` gives "95"). */
export const numberArgument = (argument: unknown): number => {
  const limit = typeof argument === 'string' && argument.trim() !== '' ? Number(argument) : argument;
  if (typeof limit !== 'number' || !Number.isFinite(limit)) throw new MatcherCompileError(`must be a number, got ${JSON.stringify(argument)}`);
  return limit;
};

export const comparison = (
  name: string,
  symbol: string,
  words: string,
  holds: (actual: number, limit: number) => boolean,
): MatcherDefinition => ({
  name,
  summary: `the value, read as a number, is ${words} this`,
  accepts: ['text', 'number'],
  schema: NUMBER_OR_REFERENCE,
  compile: (argument, { range }) => {
    const limit = numberArgument(argument);
    checkBound({ name, words, holds }, limit, range);
    return {
      describe: `${symbol} ${limit}`,
      test: (value) => {
        const actual = asNumber(value);
        return {
          pass: actual !== undefined && holds(actual, limit),
          message: `to be ${words}`,
          negatedMessage: `not to be ${words}`,
          expected: String(limit),
          actual: actual === undefined ? `${show(value)} (not a number)` : String(actual),
        };
      },
    };
  },
});
