// SIGINT/SIGTERM stop the run gracefully: running checks are ended on every host and the partial
// report is still printed. A second signal gives up waiting.
/* eslint-disable no-restricted-properties -- signal handling is process-level by nature */
import { EXIT_CODES } from '../model/exit-codes.js';
import { stderr } from './io.js';

export const interruptController = (): AbortController => {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      stderr(`runbook: ${signal} again, exiting without waiting for cleanup`);
      process.exit(EXIT_CODES.interrupted);
    }
    stderr(`runbook: ${signal} received, stopping running checks (press Ctrl-C again to force)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller;
};
