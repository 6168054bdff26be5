// The only place that turns check outcomes into a question's status and a run's status. Reporters
// and the exit code read these results; they never recount.
import { EXIT_CODES, type ReportExitCode } from '../model/exit-codes.js';
import { STATUSES, type Status } from '../model/outcome.js';
import type { CheckResult, Counts } from '../model/report.js';
import type { Verdict } from './reason.js';

/** How bad each status is for a question, which passes only when every check passed. */
const SEVERITY: Readonly<Record<Status, number>> = { fail: 3, error: 2, skipped: 1, pass: 0 };

const WORST_FIRST = [...STATUSES].sort((a, b) => SEVERITY[b] - SEVERITY[a]);

export const worstStatus = (statuses: readonly Status[]): Status =>
  WORST_FIRST.find((status) => statuses.includes(status)) ?? 'pass';

/** Informational checks are reported but do not decide, unless a question has nothing else. */
export const questionVerdict = (checks: readonly CheckResult[]): Verdict => {
  const deciding = checks.some((check) => !check.informational) ? checks.filter((check) => !check.informational) : checks;
  const status = worstStatus(deciding.map((check) => check.status));
  const culprit = deciding.find((check) => check.status === status && status !== 'pass');
  return culprit?.reason ? { status, reason: `${culprit.id}: ${culprit.reason}` } : { status };
};

export const countStatuses = (statuses: readonly Status[]): Counts => ({
  total: statuses.length,
  ...(Object.fromEntries(STATUSES.map((counted) => [counted, statuses.filter((status) => status === counted).length])) as Record<Status, number>),
});

export const exitCodeFor = (statuses: readonly Status[], interrupted: boolean): ReportExitCode => {
  if (interrupted) return EXIT_CODES.interrupted;
  if (statuses.includes('fail')) return EXIT_CODES.fail;
  if (statuses.includes('error')) return EXIT_CODES.error;
  return EXIT_CODES.pass;
};
