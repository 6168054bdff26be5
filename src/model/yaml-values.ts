// Walks over a value read from YAML (strings, numbers, lists, maps, nested): the one place that
// knows its shape, for the stages that look for references in it or rewrite them.

/** Every string inside the value, wherever it is nested, in order. */
export const stringsIn = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
};

/** The same value with each string replaced by what `replace` makes of it (which may be a number); the rest as it was. */
export const mapStrings = (value: unknown, replace: (text: string) => unknown): unknown => {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, replace));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, replace)]));
  return value;
};

/**
 * Whether any string inside the value holds `part`: most values hold no reference, and need no
 * copy. Plain loops: this asks of every expectation of every check, and a list of values, a
 * closure or an iterator per step were most of what it cost on 20,000 checks.
 */
export const someStringHolds = (value: unknown, part: string): boolean => {
  if (typeof value === 'string') return value.includes(part);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) if (someStringHolds(value[index], part)) return true;
    return false;
  }
  for (const key in value) if (Object.hasOwn(value, key) && someStringHolds((value as Record<string, unknown>)[key], part)) return true;
  return false;
};
