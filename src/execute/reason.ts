// Picks the one reason a check did not pass, in a fixed order, here and nowhere else: an
// interruption explains everything after it, a timeout explains missing output, a dead host
// explains a missing tool, a kind that could not observe explains missing fields, and only a
// complete observation can fail an expectation, then a capture.
import type { ExpectationResult, Status } from '../model/outcome.js';
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
export const transportVerdict = (records: readonly CommandRecord[], timeoutMs: number, stoppedBecause?: string): Verdict | undefined => {
  if (firstWith(records, (o) => o.termination === 'canceled')) return { status: 'error', reason: stoppedBecause ? `stopped: ${stoppedBecause}` : 'interrupted before it finished' };
  const timedOut = firstWith(records, (o) => o.termination === 'timeout');
  if (timedOut) return { status: 'error', reason: `timed out after ${formatDuration(timeoutMs)} on ${timedOut.host} (the command was killed)` };
  const unreachable = records.map((record) => record.outcome.transportError).find((error) => error !== undefined);
  if (unreachable) return { status: 'error', reason: unreachable.message };
  const flooded = firstWith(records, (o) => o.termination === 'output-limit');
  if (flooded) return { status: 'error', reason: `output exceeded ${OUTPUT_LIMIT_TEXT} on ${flooded.host}; the command was stopped` };
  return undefined;
};

/** What one check's run gave to judge, in the order it is judged. */
export interface CheckFacts {
  readonly records: readonly CommandRecord[];
  readonly timeoutMs: number;
  /** The kind could not observe (a tool missing, a bad value): no field can be trusted. */
  readonly observationError?: string;
  readonly expectations: readonly ExpectationResult[];
  /** A capture found nothing to capture. */
  readonly missingCapture?: string;
  /** Why the run stopped its commands, when not for an interruption: `the run's deadline (5m) passed`. */
  readonly stoppedBecause?: string;
}

export const checkVerdict = (facts: CheckFacts): Verdict => {
  const transport = transportVerdict(facts.records, facts.timeoutMs, facts.stoppedBecause);
  if (transport) return transport;
  if (facts.observationError) return { status: 'error', reason: facts.observationError };
  const failed = facts.expectations.find((expectation) => !expectation.pass);
  if (failed) return { status: 'fail', reason: failed.message };
  if (facts.missingCapture) return { status: 'fail', reason: facts.missingCapture };
  return { status: 'pass' };
};
