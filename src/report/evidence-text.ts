// How a command ended, in the same words in every report: a check's evidence reads alike in the
// terminal, in JUnit, in HTML and in a GitHub annotation.
import type { Evidence } from '../model/outcome.js';

/** How a command runbook stopped on purpose ended: its signal, or the exit code it gave on the way out. */
const stoppedText = (evidence: Evidence): string => {
  const how = evidence.exitCode === null ? evidence.signal : `exit ${evidence.exitCode}`;
  return `stopped by runbook${how ? ` (${how})` : ''}`;
};

/**
 * `exit 1 (general failure)`, `ended by SIGKILL`, `no exit code` (the connection was lost), `not run`,
 * or `stopped by runbook (SIGTERM)` for a capture ended once its trigger had run.
 */
export const exitText = (evidence: Evidence): string => {
  if (evidence.notRun) return 'not run';
  if (evidence.stopped) return stoppedText(evidence);
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
