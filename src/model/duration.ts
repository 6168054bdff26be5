// Durations as operators write them: 500ms, 5s, 2m, 1h; a bare number is seconds. The grammar is
// written once, here: the schemas' pattern and fragment and the parser are all built from it.
import { patterned, type JsonSchema } from './json-schema.js';
import { referencePattern } from './references.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const AMOUNT = '[0-9]+(\\.[0-9]+)?';

/** The lookahead rules out zero ("0s", "0.0ms"): a check that may take no time at all cannot run. */
export const DURATION_PATTERN = `^(?=[0.]*[1-9])${AMOUNT}(${Object.keys(UNIT_MS).join('|')})$`;

const DURATION = new RegExp(DURATION_PATTERN);
const BARE_AMOUNT = new RegExp(`^${AMOUNT}$`);

/**
 * A duration in a schema, without its description (the description is also the "must be ..." text):
 * also `${vars.name}`, whose value is checked as a duration once substituted.
 */
export const DURATION_SCHEMA: JsonSchema = {
  type: ['string', 'number'],
  ...patterned(`${DURATION_PATTERN}|^${referencePattern('vars')}$`, 'a duration such as 500ms, 5s or 2m (a bare number is seconds), or a variable such as "${vars.wait}"'),
  exclusiveMinimum: 0,
};

export const parseDuration = (value: string | number): number | undefined => {
  // Rounded up: a tiny positive duration is one millisecond, never zero (which would mean "no time").
  if (typeof value === 'number') return value > 0 ? Math.ceil(value * 1000) : undefined;
  const text = value.trim();
  const unit = DURATION.exec(text)?.at(-1);
  if (unit === undefined) return undefined;
  const amount = Number(text.slice(0, -unit.length)) * UNIT_MS[unit]!;
  return amount > 0 ? Math.ceil(amount) : undefined;
};

/** As typed on a command line, where every value is text: a bare number is seconds there too. */
export const parseDurationText = (text: string): number | undefined => parseDuration(BARE_AMOUNT.test(text) ? Number(text) : text);

export const formatDuration = (ms: number): string =>
  ms < 1000 ? `${ms}ms` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Number((ms / 1000).toFixed(2))}s`;
