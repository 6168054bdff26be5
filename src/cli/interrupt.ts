// SIGINT/SIGTERM stop the run gracefully: running checks are ended on every host and the partial
// report is still printed. A second signal gives up the grace periods: what still runs is killed
// at once, locally and on the hosts, and the partial report is still written. Only a third gives
// up waiting altogether.
/* eslint-disable no-restricted-properties -- signal handling is process-level by nature */
import { EXIT_CODES } from '../model/exit-codes.js';
import { stderr } from './io.js';

export interface Interruption {
  /** Aborted by the first SIGINT/SIGTERM: stop the run, end what runs with its grace period. */
  readonly signal: AbortSignal;
  /** Aborted by the second: kill what still runs without grace. */
  readonly hurry: AbortSignal;
}

export const interruptions = (): Interruption => {
  const stop = new AbortController();
  const hurry = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (hurry.signal.aborted) {
      stderr(`runbook: ${signal} a third time, exiting without waiting for cleanup`);
      process.exit(EXIT_CODES.interrupted);
    }
    if (stop.signal.aborted) {
      stderr(`runbook: ${signal} again, killing what still runs now (a third time exits without waiting)`);
      hurry.abort();
      return;
    }
    stderr(`runbook: ${signal} received, stopping running checks (press Ctrl-C again to kill them at once)`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: stop.signal, hurry: hurry.signal };
};
