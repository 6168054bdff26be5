// Durations as operators write them: 500ms, 5s, 2m, 1h; a bare number is seconds.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export const parseDuration = (value: string | number): number | undefined => {
  // Rounded up: a tiny positive duration is one millisecond, never zero (which would mean "no time").
  if (typeof value === 'number') return value > 0 ? Math.ceil(value * 1000) : undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]) * UNIT_MS[match[2]!]!;
  return amount > 0 ? Math.ceil(amount) : undefined;
};

export const formatDuration = (ms: number): string =>
  ms < 1000 ? `${ms}ms` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Number((ms / 1000).toFixed(2))}s`;
