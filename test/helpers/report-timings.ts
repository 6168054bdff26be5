// A JSON report with what differs from run to run taken out: durations and start times (any key
// ending in Ms or _ms: a phase's time is a timing too), the milliseconds that texts quote (and so
// their byte counts), and the replay's mark. What is left must be the same, byte for byte, for a
// run and the replay of its recording.
const isTiming = (key: string): boolean => /(?:Ms|_ms)$/.test(key) || key === 'startedAt' || key === 'replay';

const timingsInText = (text: string): string => text.replace(/\b\d+(?:\.\d+)? ?ms\b/g, 'N ms').replace(/\b\d+(?:\.\d+)? s\b/g, 'N s');

const withoutTimings = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (typeof value === 'object' && value !== null) {
    const kept = Object.fromEntries(Object.entries(value).filter(([key]) => !isTiming(key)).map(([key, item]) => [key, withoutTimings(item)]));
    // An output's size counts the milliseconds its text quoted: count it again without them.
    return typeof kept.text === 'string' && typeof kept.totalBytes === 'number' ? { ...kept, totalBytes: Buffer.byteLength(kept.text) } : kept;
  }
  return typeof value === 'string' ? timingsInText(value) : value;
};

/** The report as text, timings out: compare two of these with toBe. */
export const reportWithoutTimings = (reportText: string): string => `${JSON.stringify(withoutTimings(JSON.parse(reportText)), null, 1)}\n`;
