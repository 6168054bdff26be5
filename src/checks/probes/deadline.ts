// A probe's own wait (nc -w, ping -W, nmap --host-timeout, the mysql client's bounds) must end before
// the check's timeout does: then a silent port reads as "filtered" in the tool's own words, instead
// of the check being killed as "timed out" with nothing observed.

/** Time left for the tool to print what happened and for its answer to travel back. */
export const REPORT_MARGIN_MS = 500;

/** `ms`, or less when the check's timeout comes first (never below 1 ms). */
export const withinCheck = (ms: number, remainingMs: number): number => Math.max(1, Math.min(ms, remainingMs - REPORT_MARGIN_MS));

/**
 * Whole seconds for tools that take nothing finer (nc -w): rounded up as asked, but rounded down
 * when the check's timeout is what bounds it, so the tool still ends first.
 */
export const wholeSecondsWithin = (ms: number, remainingMs: number): number => {
  const bounded = withinCheck(ms, remainingMs);
  return Math.max(1, bounded < ms ? Math.floor(bounded / 1000) : Math.ceil(bounded / 1000));
};
