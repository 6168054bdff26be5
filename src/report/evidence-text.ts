// How a command ended, in the same words in every report: a check's evidence reads alike in the
// terminal, in JUnit, in HTML and in a GitHub annotation.
import type { Evidence } from '../model/outcome.js';

/** `exit 1 (general failure)`, `ended by SIGKILL`, `no exit code` (the connection was lost), or `not run`. */
export const exitText = (evidence: Evidence): string => {
  if (evidence.notRun) return 'not run';
  if (evidence.exitCode === null) return evidence.signal ? `ended by ${evidence.signal}` : 'no exit code';
  return `exit ${evidence.exitCode}${evidence.exitMeaning ? ` (${evidence.exitMeaning})` : ''}`;
};

/**
 * The line under a command: how it ended, after how long, where. A command that never ran has no
 * duration of its own (the milliseconds were the transport's), and "no exit code after 3 ms" read as
 * if it had run.
 */
export const endLine = (evidence: Evidence): string =>
  evidence.notRun ? `not run on ${evidence.host}` : `${exitText(evidence)} after ${evidence.durationMs} ms on ${evidence.host}`;
