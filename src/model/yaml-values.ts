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

/** Whether any string inside the value holds `part`: most values hold no reference, and need no copy. */
export const someStringHolds = (value: unknown, part: string): boolean => {
  if (typeof value === 'string') return value.includes(part);
  if (Array.isArray(value)) return value.some((item) => someStringHolds(item, part));
  if (typeof value === 'object' && value !== null) return Object.values(value).some((item) => someStringHolds(item, part));
  return false;
};
