// The plainest progress view: one line per finished check, for `--verbose` on stderr (and for logs
// where no terminal redraws anything). It listens to the executor's events only; the report on
// stdout is untouched.
import type { ExecutionEvent } from '../execute/events.js';
import type { CheckResult } from '../model/report.js';

const where = (result: CheckResult): string => (result.target === result.host ? result.host : `${result.host} (${result.target})`);

/** `fail  client-query on client (root@10.200.0.216:22), 2020 ms: state expected ...` */
export const finishedCheckLine = (result: CheckResult): string =>
  `${result.status.padEnd(7)} ${result.id} on ${where(result)}, ${result.durationMs} ms${result.reason ? `: ${result.reason}` : ''}`;

/** The line an event is worth, if any: only finished checks, so lines never interleave half-done. */
export const progressLine = (event: ExecutionEvent): string | undefined =>
  event.type === 'check-end' ? finishedCheckLine(event.result) : undefined;
