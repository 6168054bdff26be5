// "1 check", "3 checks", "0 processes": a count with its noun, for every line a person reads.
import { STATUSES } from './outcome.js';
import type { Counts, RunReport } from './report.js';

/** `count` and the noun, singular for exactly one (English: 0 takes the plural). */
export const counted = (count: number, singular: string, plural = `${singular}s`): string => `${count} ${count === 1 ? singular : plural}`;

/** `6 questions: 5 pass, 1 fail, 0 error, 0 skipped`: every status, in the report's order, zeros too. */
export const countsLine = (singular: string, counts: Counts): string =>
  `${counted(counts.total, singular)}: ${STATUSES.map((status) => `${counts[status]} ${status}`).join(', ')}`;

/** A run's questions and checks, counted: `6 questions: 5 pass, ...; 12 checks: 11 pass, ...`. */
export const summaryCounts = (summary: RunReport['summary']): string => `${countsLine('question', summary.questions)}; ${countsLine('check', summary.checks)}`;
