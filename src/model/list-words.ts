// Words joined as a sentence lists them.

/** "a", "a and b", "a, b and c". */
export const listWords = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.slice(-1).join('')}`;
