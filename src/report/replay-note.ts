// Every reporter says that a replayed run asked no host: a replay must never pass for a live check.
import type { ReplayMark, RunReport } from '../model/report.js';

/** The one sentence each reporter shows, in its own form (a recording edited by hand may hold no time). */
export const replaySentence = (replay: ReplayMark): string =>
  `REPLAY: answered from the recording in ${replay.from}${replay.recordedAt === '' ? '' : ` (recorded ${replay.recordedAt})`}; no host was asked`;

/** What the recording holds that no check asked for this time: the runbook changed, or asks otherwise. */
export const unusedLines = (replay: ReplayMark): string[] =>
  replay.unused.map(({ check, host, attempt }) => `not asked in this replay: ${attempt} of check ${check} on ${host}`);

/** The sentence and the unused recordings, for a report that holds a replay; nothing otherwise. */
export const replayLines = (report: RunReport): string[] => (report.replay ? [replaySentence(report.replay), ...unusedLines(report.replay)] : []);
