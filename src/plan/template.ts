// `${vars.name}` and `${captures.name}` references: found in any string of a check, resolved at run
// time. Any other `${...}` is the shell's own and passes through untouched.
import shellQuote from 'shell-quote';

export type Namespace = 'vars' | 'captures';

export interface Reference {
  readonly namespace: Namespace;
  readonly name: string;
}

const REFERENCE = /\$\{(vars|captures)\.([A-Za-z0-9_-]+)\}/g;

export const findReferences = (text: string): Reference[] =>
  [...text.matchAll(REFERENCE)].map((match) => ({ namespace: match[1] as Namespace, name: match[2]! }));

/** Every string inside a check kind's value, wherever it is nested. */
export const stringsIn = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
};

export type Lookup = (reference: Reference) => string | undefined;

/** Quoting makes a captured `x; rm -rf /` one argument, never code. Unresolved references stay as written. */
export const renderTemplate = (text: string, lookup: Lookup, mode: 'shell' | 'value'): string =>
  text.replace(REFERENCE, (whole, namespace: Namespace, name: string) => {
    const value = lookup({ namespace, name });
    if (value === undefined) return whole;
    return mode === 'shell' ? shellQuote.quote([value]) : value;
  });
