// Negation: runs the inner matcher and swaps its verdict and its wording.
import type { MatcherDefinition } from './types.js';
import { NESTED_MATCHER } from './types.js';

export const not: MatcherDefinition = {
  name: 'not',
  summary: 'the nested matcher does not match',
  accepts: ['text', 'number'],
  schema: NESTED_MATCHER,
  compile: (argument, context) => {
    const inner = context.compileChild(argument, []);
    return {
      describe: `not (${inner.describe})`,
      test: (value) => {
        const result = inner.test(value);
        return { ...result, pass: !result.pass, message: result.negatedMessage, negatedMessage: result.message };
      },
    };
  },
};
