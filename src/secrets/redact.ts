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
 * Fields whose values are the tool's own words, never data: a status, a question's severity, a
 * check's kind, an event's type, a problem's code, a time the tool took. Masked, a secret that is
 * one of those words or part of one (`fail`, `ail`, `12` of a date) changed what a report or an
 * event says happened: a status a reporter has no label for, a start no merge can read.
 */
const OWN_WORDS = new Set(['status', 'severity', 'kind', 'type', 'code', 'startedAt']);

/** Maps whose values come from the runbook's texts or from the hosts: everything in them is data. */
const DATA_MAPS = new Set(['observed', 'captures', 'vars', 'hosts']);

const keptAsIs = (key: string, item: unknown, inData: boolean): boolean => !inData && OWN_WORDS.has(key) && typeof item === 'string';

/**
 * The same data with every string value masked but the tool's own words (OWN_WORDS), so a report
 * keeps its shape and says the same. Keys are never masked: they are the report's own names, or
 * names the runbook gave (variables, captures, roles), never a value. A secret that was part of a
 * key (`x` of `exitCode`) renamed it, and the run's exit code was lost: a failing run exited 0.
 * Anything but plain data (class instances) is kept as is: the last guard in src/cli masks its text.
 */
export const redactData = <T>(value: T, redact: Redact, inData = false): T => {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactData(item, redact, inData)) as T;
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, keptAsIs(key, item, inData) ? item : redactData(item, redact, inData || DATA_MAPS.has(key))])) as T;
  }
  return value;
};
