// Durations as operators write them: 500ms, 5s, 2m, 1h; a bare number is seconds. The grammar is
// written once, here: the schemas' pattern and fragment and the parser are all built from it.
import { patterned, type JsonSchema } from './json-schema.js';
import { referencePattern } from './references.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const AMOUNT = '[0-9]+(\\.[0-9]+)?';

/** The lookahead rules out zero ("0s", "0.0ms"): a check that may take no time at all cannot run. */
export const DURATION_PATTERN = `^(?=[0.]*[1-9])${AMOUNT}(${Object.keys(UNIT_MS).join('|')})$`;

const DURATION = new RegExp(DURATION_PATTERN);

/**
 * The longest timeout, wait or deadline anything takes: a day. A check that may take longer is not
 * a check, and Node's timers (what every bound here rests on) fire at once from 2^31 ms (24.8 days).
 */
export const MAX_DURATION_MS = 24 * 3_600_000;
export const MAX_DURATION_TEXT = '24h';
const BARE_AMOUNT = new RegExp(`^${AMOUNT}$`);

/**
 * A duration in a schema, without its description (the description is also the "must be ..." text):
 * also `${vars.name}`, whose value is checked as a duration once substituted.
 */
export const DURATION_SCHEMA: JsonSchema = {
  type: ['string', 'number'],
  ...patterned(`${DURATION_PATTERN}|^${referencePattern('vars')}$`, 'a duration such as 500ms, 5s or 2m (a bare number is seconds), or a variable such as "${vars.wait}"'),
  exclusiveMinimum: 0,
  maximum: MAX_DURATION_MS / 1000,
};

/** Milliseconds, whatever their size; undefined for what is no duration (zero, negative, .inf, .nan, bad text). */
const unboundedMs = (value: string | number): number | undefined => {
  // Rounded up: a tiny positive duration is one millisecond, never zero (which would mean "no time").
  if (typeof value === 'number') return value > 0 && Number.isFinite(value) ? Math.ceil(value * 1000) : undefined;
  const text = value.trim();
  const unit = DURATION.exec(text)?.at(-1);
  if (unit === undefined) return undefined;
  const amount = Number(text.slice(0, -unit.length)) * UNIT_MS[unit]!;
  return amount > 0 && Number.isFinite(amount) ? Math.ceil(amount) : undefined;
};

/** As typed on a command line, where every value is text: a bare number is seconds there too. */
const asWritten = (value: string | number): string | number => (typeof value === 'string' && BARE_AMOUNT.test(value.trim()) ? Number(value.trim()) : value);

/** A duration in milliseconds, from 1 ms to MAX_DURATION_MS; undefined otherwise. */
export const parseDuration = (value: string | number): number | undefined => {
  const ms = unboundedMs(value);
  return ms !== undefined && ms <= MAX_DURATION_MS ? ms : undefined;
};

export const parseDurationText = (text: string): number | undefined => parseDuration(asWritten(text));

/** What a value that parseDuration(Text) refused must be instead, after "must be": too long, or no duration at all. */
export const durationExpectation = (value: string | number, examples = '500ms, 5s or 2m'): string => {
  const ms = unboundedMs(asWritten(value));
  return ms !== undefined && ms > MAX_DURATION_MS ? `at most ${MAX_DURATION_TEXT}, the longest any timeout or wait may be` : `a duration such as ${examples}`;
};

/** A value as YAML wrote it, for messages: .inf and .nan are no JSON (JSON.stringify makes them null). */
export const writtenValue = (value: unknown): string => {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  return JSON.stringify(value) ?? String(value);
};

export const formatDuration = (ms: number): string =>
  ms < 1000 ? `${ms}ms` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Number((ms / 1000).toFixed(2))}s`;
