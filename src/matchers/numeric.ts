// Shared by the comparison matchers (gt, ge, lt, le): text is read as a number, and text that is
// not a number fails with that said, rather than comparing as NaN.
import type { MatcherDefinition } from './types.js';
import { asNumber, show } from './format.js';

export const comparison = (
  name: string,
  symbol: string,
  words: string,
  holds: (actual: number, limit: number) => boolean,
): MatcherDefinition => ({
  name,
  summary: `the value, read as a number, is ${words} this`,
  accepts: ['text', 'number'],
  schema: { type: 'number' },
  compile: (argument) => {
    const limit = argument as number;
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
