// Regular expression test. Multiline on purpose: `^` and `$` match at every line, as with grep.
import { show } from './format.js';
import { MatcherCompileError, type MatcherDefinition } from './types.js';

export const compileRegex = (source: string): RegExp => {
  try {
    return new RegExp(source, 'm');
  } catch (error) {
    throw new MatcherCompileError(`is not a valid regular expression: ${(error as Error).message}`);
  }
};

export const regex: MatcherDefinition = {
  name: 'regex',
  summary: 'the text matches this regular expression (JavaScript syntax; ^ and $ match at each line)',
  accepts: ['text'],
  schema: { type: 'string', minLength: 1 },
  compile: (argument) => {
    const pattern = compileRegex(argument as string);
    return {
      describe: `regex /${pattern.source}/`,
      test: (value) => ({
        pass: typeof value === 'string' && pattern.test(value),
        message: 'to match',
        negatedMessage: 'not to match',
        expected: `/${pattern.source}/`,
        actual: show(value),
      }),
    };
  },
};
