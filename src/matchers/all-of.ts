// Conjunction; a plain YAML list of matchers means the same. Reports the first matcher that failed.
import type { MatcherDefinition } from './types.js';
import { MatcherCompileError, NESTED_MATCHER } from './types.js';

/** The value an item asks the field to equal, if it is a plain equality: `0`, `{ equals: 0 }`. */
const equalityValue = (expression: unknown): unknown => {
  if (typeof expression === 'number') return expression;
  if (typeof expression !== 'object' || expression === null || Array.isArray(expression)) return undefined;
  const keys = Object.keys(expression);
  return keys.length === 1 && keys[0] === 'equals' ? (expression as { equals: unknown }).equals : undefined;
};

/**
 * `exit_code: [0, 1]` reads as "0 or 1" but asks for both at once, which no value is: the check
 * could never pass. Refused where it is written, with the form that was meant.
 */
const refuseContradiction = (items: readonly unknown[]): void => {
  const values = [...new Set(items.map(equalityValue).filter((value) => value !== undefined).map((value) => JSON.stringify(value)))];
  if (values.length < 2) return;
  // A bare value is a matcher of numbers only: text keeps its `equals`.
  const choices = values.map((value) => (value.startsWith('"') ? `{ equals: ${value} }` : value));
  throw new MatcherCompileError(
    `asks for a value equal to ${values.join(' and ')} at once, which none is: the check could never pass`,
    [],
    `for either, write { any_of: [${choices.join(', ')}] }`,
  );
};

export const allOf: MatcherDefinition = {
  name: 'all_of',
  summary: 'every nested matcher matches (a plain list means the same)',
  accepts: ['text', 'number'],
  schema: { type: 'array', minItems: 1, items: NESTED_MATCHER },
  compile: (argument, context) => {
    refuseContradiction(argument as unknown[]);
    const inner = (argument as unknown[]).map((expression, index) => context.compileChild(expression, [index]));
    return {
      describe: inner.length === 1 ? inner[0]!.describe : `all of (${inner.map((m) => m.describe).join(', ')})`,
      test: (value) => {
        const results = inner.map((matcher) => matcher.test(value));
        const failed = results.find((result) => !result.pass);
        if (failed) return failed;
        return {
          pass: true,
          message: 'to match all of',
          negatedMessage: 'not to match all of',
          expected: inner.map((m) => m.describe).join(', '),
          actual: results[0]?.actual ?? '',
        };
      },
    };
  },
};
