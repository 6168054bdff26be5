// Conjunction; a plain YAML list of matchers means the same. Reports the first matcher that failed.
import type { MatcherDefinition } from './types.js';
import { NESTED_MATCHER } from './types.js';

export const allOf: MatcherDefinition = {
  name: 'all_of',
  summary: 'every nested matcher matches (a plain list means the same)',
  accepts: ['text', 'number'],
  schema: { type: 'array', minItems: 1, items: NESTED_MATCHER },
  compile: (argument, context) => {
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
