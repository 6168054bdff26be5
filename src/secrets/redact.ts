// Masks the values of secret variables in everything meant for people or files. A value reaches
// text in more spellings than one: as is, shell-quoted by a command line, JSON-escaped by a report
// or a matcher's `got "..."` (or both); each spelling is masked, the longest first.
import shellQuote from 'shell-quote';
import type { Runbook } from '../model/runbook.js';
import { escapeRegExp } from '../model/regexp.js';

/** What a secret's value is replaced by, whatever its length. */
export const REDACTED = '***';

export type Redact = (text: string) => string;

const jsonEscaped = (text: string): string => JSON.stringify(text).slice(1, -1);

/**
 * The ways a value is written into a command line: quoted as one word (plan/template.ts), or with
 * its characters escaped inside a larger word, in double quotes, or in single quotes.
 */
const shellSpellings = (value: string): string[] => [
  shellQuote.quote([value]),
  value.replace(/([#!"$&'()*,:;<=>?@[\\\]^`{|}~])/g, '\\$1'),
  value.replace(/(["\\$`])/g, '\\$1'),
  value.replace(/'/g, `'"'"'`),
  value.replace(/'/g, `'\\''`),
];

export const spellingsOf = (value: string): string[] => {
  const plain = [value, ...shellSpellings(value)];
  // Escaped once in a JSON report; twice where the report holds a matcher's `got "..."`.
  const escaped = plain.map(jsonEscaped);
  return [...new Set([...plain, ...escaped, ...escaped.map(jsonEscaped)])];
};


/** Every non-empty value is masked, however short: the runbook said it is secret. */
export const redactor = (secrets: readonly string[]): Redact => {
  const spellings = [...new Set(secrets.filter((secret) => secret !== '').flatMap(spellingsOf))].sort((a, b) => b.length - a.length);
  if (spellings.length === 0) return (text) => text;
  const pattern = new RegExp(spellings.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, () => REDACTED);
};

/** The values of a runbook's secret variables, for `redactor`. */
export const secretValues = (runbook: Runbook): string[] => runbook.secretVars.map((name) => String(runbook.vars[name] ?? ''));

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * The same data with every string (keys too) masked, so a report stays valid JSON of the same shape.
 * Anything but plain data (class instances) is kept as is: the last guard in src/cli masks its text.
 */
export const redactData = <T>(value: T, redact: Redact): T => {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactData(item, redact)) as T;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), redactData(item, redact)])) as T;
  return value;
};
