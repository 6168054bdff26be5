// Durations as operators write them (500ms, 5s, 2m, 1h; a bare number is seconds), and back.
import { describe, expect, test } from 'vitest';
import { DURATION_PATTERN, formatDuration, parseDuration, parseDurationText } from '../../src/model/duration.js';

const PARSE: [string | number, number | undefined][] = [
  ['500ms', 500],
  ['5s', 5_000],
  ['1.5s', 1_500],
  ['2m', 120_000],
  ['1h', 3_600_000],
  [' 5s ', 5_000],
  [5, 5_000],
  [0.5, 500],
  [1.5, 1_500],
  // Not durations: no unit in text, spaces or words inside, signs, zero.
  ['5', undefined],
  ['5 s', undefined],
  ['5sec', undefined],
  ['5S', undefined],
  ['-1s', undefined],
  ['+1s', undefined],
  ['', undefined],
  ['0s', undefined],
  ['0ms', undefined],
  [0, undefined],
  [-1, undefined],
];

const FORMAT: [number, string][] = [
  [1, '1ms'],
  [500, '500ms'],
  [999, '999ms'],
  [1_000, '1s'],
  [1_500, '1.5s'],
  [1_234, '1.23s'],
  [90_000, '90s'],
  [60_000, '1m'],
  [120_000, '2m'],
];

const ROUND_TRIP = ['500ms', '5s', '1.5s', '2m', '10m'];

describe('parseDuration', () => {
  test.each(PARSE)('%j -> %s ms', (written, ms) => {
    expect(parseDuration(written)).toBe(ms);
  });
});

describe('formatDuration', () => {
  test.each(FORMAT)('%i ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test.each(ROUND_TRIP)('%s survives a round trip', (text) => {
    expect(formatDuration(parseDuration(text)!)).toBe(text);
  });
});

// The schema's pattern and the parser are one grammar: whatever text the schema lets through parses
// to a positive duration, and whatever it refuses does not.
const WRITTEN = ['500ms', '5s', '1.5s', '2m', '1h', '0.5s', '00.1ms', '007s', '0s', '0.0ms', '00m', '5', '5 s', '5sec', '5S', '-1s', '+1s', '.5s', '5.s', '1e3ms', '', 'ms'];

describe('DURATION_PATTERN', () => {
  test.each(WRITTEN)('%j: the schema accepts it exactly when it parses', (text) => {
    expect(new RegExp(DURATION_PATTERN).test(text)).toBe(parseDuration(text) !== undefined);
  });
});

const TYPED: [string, number | undefined][] = [
  ['5', 5_000],
  ['0.5', 500],
  ['500ms', 500],
  ['2m', 120_000],
  ['0', undefined],
  ['-5', undefined],
  ['five', undefined],
];

describe('parseDurationText (--timeout)', () => {
  test.each(TYPED)('%j -> %s ms', (typed, ms) => {
    expect(parseDurationText(typed)).toBe(ms);
  });
});
