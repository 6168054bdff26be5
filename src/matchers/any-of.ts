// Disjunction, e.g. an exit code of 0 or 1, or a process named mysqld or mariadbd.
import type { MatcherDefinition } from './types.js';
import { NESTED_MATCHER } from './types.js';

export const anyOf: MatcherDefinition = {
  name: 'any_of',
  summary: 'at least one nested matcher matches',
  accepts: ['text', 'number'],
  schema: { type: 'array', minItems: 1, items: NESTED_MATCHER },
  compile: (argument, context) => {
    const inner = (argument as unknown[]).map((expression, index) => context.compileChild(expression, [index]));
    const describe = `any of (${inner.map((m) => m.describe).join(', ')})`;
    return {
      describe,
      test: (value) => {
        const results = inner.map((matcher) => matcher.test(value));
        return {
          pass: results.some((result) => result.pass),
          message: 'to match any of',
          negatedMessage: 'to match none of',
          expected: inner.map((m) => m.describe).join(', '),
          actual: results[0]?.actual ?? '',
        };
      },
    };
  },
};
