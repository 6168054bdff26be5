// Exact equality: numbers compare as numbers, text compares without its trailing newline.
import type { MatchValue } from '../model/matcher.js';
import { asNumber, show, withoutTrailingNewlines } from './format.js';
import { checkEqualityValue } from './range.js';
import type { MatcherDefinition } from './types.js';

const same = (value: MatchValue, expected: string | number | boolean): boolean => {
  if (typeof expected === 'number') return asNumber(value) === expected;
  if (typeof value !== 'string') return value !== null && String(value) === String(expected);
  // Both sides: a YAML block (`equals: |`) ends with a newline just as the command's output does.
  return withoutTrailingNewlines(value) === withoutTrailingNewlines(String(expected));
};

export const equals: MatcherDefinition = {
  name: 'equals',
  summary: 'the value is exactly this (text without its trailing newline, or a number)',
  accepts: ['text', 'number'],
  schema: { type: ['string', 'number', 'boolean'] },
  compile: (argument, { range }) => {
    checkEqualityValue(argument, range);
    const expected = argument as string | number | boolean;
    return {
      describe: `equals ${JSON.stringify(expected)}`,
      test: (value) => ({
        pass: same(value, expected),
        message: 'to equal',
        negatedMessage: 'not to equal',
        expected: JSON.stringify(expected),
        actual: show(value),
      }),
    };
  },
};
