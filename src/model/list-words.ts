// Words joined as a sentence lists them.

/** How many names a hint lists: a file may define 100,000 groups, and the line must stay readable. */
export const NAMES_LISTED = 10;

/** `web01, web02` or, past `limit`, the first ones and `… and 11 more`. */
export const listSome = (names: readonly string[], limit = NAMES_LISTED): string =>
  names.length <= limit ? names.join(', ') : `${names.slice(0, limit).join(', ')}, … and ${names.length - limit} more`;

/** "a", "a and b", "a, b and c". */
export const listWords = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.slice(-1).join('')}`;
