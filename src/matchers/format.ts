// How matchers show values in messages: quoted, escaped and short, since values come from hosts.
import type { MatchValue } from '../model/matcher.js';

const MAX_SHOWN = 120;

export const show = (value: MatchValue | undefined): string => {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  const quoted = JSON.stringify(value);
  return quoted.length > MAX_SHOWN ? `${quoted.slice(0, MAX_SHOWN - 4)}…" (${value.length} chars)` : quoted;
};

/** Commands end their output with a newline; `equals: ok` should match `echo ok`. */
export const withoutTrailingNewlines = (text: string): string => text.replace(/(\r?\n)+$/, '');

/** Reads text as a number the way an operator would: surrounding whitespace ignored, nothing else. */
export const asNumber = (value: MatchValue): number | undefined => {
  if (typeof value === 'number') return value;
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
};
