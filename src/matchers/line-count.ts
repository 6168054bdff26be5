// Counts the lines of a text and applies a numeric matcher to the count ("exactly one LISTEN line").
import { NUMBER_OR_MATCHER, type MatcherDefinition } from './types.js';
import { withoutTrailingNewlines } from './format.js';

/** A final newline ends the last line, it does not start an empty one; empty output has no lines. */
export const countLines = (text: string): number => {
  const body = withoutTrailingNewlines(text);
  return body === '' ? 0 : body.split(/\r?\n/).length;
};

export const lineCount: MatcherDefinition = {
  name: 'line_count',
  summary: 'the number of lines matches (an integer, or a matcher such as {ge: 1})',
  accepts: ['text'],
  schema: NUMBER_OR_MATCHER,
  compile: (argument, context) => {
    const inner = context.compileChild(argument, [], 'number');
    return {
      describe: `line count ${inner.describe}`,
      test: (value) => {
        const result = typeof value === 'string' ? inner.test(countLines(value)) : { ...inner.test(null), pass: false };
        return { ...result, message: `to have a line count ${result.message}`, negatedMessage: `to have a line count ${result.negatedMessage}` };
      },
    };
  },
};
