// iputils ping's summary: "N packets transmitted, M received, [+E errors,] X% packet loss" and
// "rtt min/avg/max/mdev = a/b/c/d ms" (absent when nothing came back).
import type { CommandOutcome } from '../../transport/types.js';
import { firstLine, type Reading } from './attempts.js';

export interface PingSummary {
  readonly sent: number;
  readonly replies: number;
  readonly lossPercent: number;
  readonly rttMs: number | null;
}

const SUMMARY = /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, .*?)?, ([\d.]+)% packet loss/;
const RTT = /= [\d.]+\/([\d.]+)\/[\d.]+\/[\d.]+ ms/;

/** rc 0 some replies, rc 1 none; rc 2 (unknown host, bad option) has no summary: an error. */
export const readPing = (outcome: CommandOutcome): Reading<PingSummary> => {
  const summary = SUMMARY.exec(outcome.stdout);
  if (!summary) return { error: `ping failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || firstLine(outcome.stdout) || 'no message'}` };
  const rtt = RTT.exec(outcome.stdout);
  return {
    value: { sent: Number(summary[1]), replies: Number(summary[2]), lossPercent: Number(summary[3]), rttMs: rtt ? Number(rtt[1]) : null },
  };
};
