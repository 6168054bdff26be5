// Substring test, the most common assertion on command output.
import { show } from './format.js';
import type { MatcherDefinition } from './types.js';

export const contains: MatcherDefinition = {
  name: 'contains',
  summary: 'the text contains this substring',
  accepts: ['text'],
  schema: { type: 'string', minLength: 1 },
  compile: (argument) => {
    const needle = argument as string;
    return {
      describe: `contains ${JSON.stringify(needle)}`,
      test: (value) => ({
        pass: typeof value === 'string' && value.includes(needle),
        message: 'to contain',
        negatedMessage: 'not to contain',
        expected: JSON.stringify(needle),
        actual: show(value),
      }),
    };
  },
};
