// Parsers for option values: each bad value is a usage error naming the option and what it expects.
import { InvalidArgumentError } from 'commander';
import { durationExpectation, parseDurationText } from '../model/duration.js';

export const collectPair = (flag: string) => (value: string, previous: Record<string, string> = {}): Record<string, string> => {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`${flag} expects name=value, got "${value}"`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};

/** A repeatable option's values, in the order given. */
export const collectList = (value: string, previous: string[] = []): string[] => [...previous, value];

export const parsePositiveInteger = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}"`);
  return parsed;
};

export const parseDurationOption = (value: string): number => {
  const parsed = parseDurationText(value);
  if (parsed === undefined) throw new InvalidArgumentError(`expected ${durationExpectation(value)}, got "${value}"`);
  return parsed;
};

/** `--shard 2/3`: the second of three parts; `JOB_COMPLETION_INDEX` users write `$((JOB_COMPLETION_INDEX+1))/3`. */
export const parseShard = (value: string): { index: number; total: number } => {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  // Beyond 2^53 a number is no longer the one written: two shards would read as the same.
  if (!match || !Number.isSafeInteger(total) || index < 1 || index > total) throw new InvalidArgumentError(`expected i/n with 1 <= i <= n <= ${Number.MAX_SAFE_INTEGER}, e.g. 1/3, got "${value}"`);
  return { index, total };
};
