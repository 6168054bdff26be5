// Picks the one reason a check did not pass, in a fixed order: an interruption explains everything
// after it, a timeout explains missing output, a dead host explains a missing tool, and only a
// complete observation can fail an expectation.
import type { Status } from '../model/outcome.js';
import type { CommandOutcome } from '../transport/types.js';
import { formatDuration } from '../model/duration.js';
import { OUTPUT_LIMIT_TEXT } from '../model/limits.js';

export interface Verdict {
  readonly status: Status;
  readonly reason?: string;
}

export interface CommandRecord {
  readonly host: string;
  readonly command: string;
  readonly outcome: CommandOutcome;
  /** Not a command: a conversation over a stream (see Evidence.conversation). */
  readonly conversation?: true;
}

const firstWith = (records: readonly CommandRecord[], test: (outcome: CommandOutcome) => boolean) =>
  records.find((record) => test(record.outcome));

/** Could-not-observe reasons, or undefined when every command ran to its own end. */
export const transportVerdict = (records: readonly CommandRecord[], timeoutMs: number): Verdict | undefined => {
  if (firstWith(records, (o) => o.termination === 'canceled')) return { status: 'error', reason: 'interrupted before it finished' };
  const timedOut = firstWith(records, (o) => o.termination === 'timeout');
  if (timedOut) return { status: 'error', reason: `timed out after ${formatDuration(timeoutMs)} on ${timedOut.host} (the command was killed)` };
  const unreachable = firstWith(records, (o) => o.transportError !== undefined);
  if (unreachable) return { status: 'error', reason: unreachable.outcome.transportError!.message };
  const flooded = firstWith(records, (o) => o.termination === 'output-limit');
  if (flooded) return { status: 'error', reason: `output exceeded ${OUTPUT_LIMIT_TEXT} on ${flooded.host}; the command was stopped` };
  return undefined;
};
