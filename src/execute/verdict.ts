// The only place that turns check outcomes into a question's status and a run's status. Reporters
// and the exit code read these results; they never recount.
import { EXIT_CODES } from '../model/exit-codes.js';
import type { Status } from '../model/outcome.js';
import type { CheckResult, Counts } from '../model/report.js';

/** Worst first: a question passes only when every check passed. */
const SEVERITY: readonly Status[] = ['fail', 'error', 'skipped', 'pass'];

export const worstStatus = (statuses: readonly Status[]): Status =>
  SEVERITY.find((status) => statuses.includes(status)) ?? 'pass';

/** Informational checks are reported but do not decide, unless a question has nothing else. */
export const questionVerdict = (checks: readonly CheckResult[]): { status: Status; reason?: string } => {
  const deciding = checks.some((check) => !check.informational) ? checks.filter((check) => !check.informational) : checks;
  const status = worstStatus(deciding.map((check) => check.status));
  const culprit = deciding.find((check) => check.status === status && status !== 'pass');
  return culprit?.reason ? { status, reason: `${culprit.id}: ${culprit.reason}` } : { status };
};

export const countStatuses = (statuses: readonly Status[]): Counts => ({
  total: statuses.length,
  pass: statuses.filter((status) => status === 'pass').length,
  fail: statuses.filter((status) => status === 'fail').length,
  error: statuses.filter((status) => status === 'error').length,
  skipped: statuses.filter((status) => status === 'skipped').length,
});

export const exitCodeFor = (statuses: readonly Status[], interrupted: boolean): number => {
  if (interrupted) return EXIT_CODES.interrupted;
  if (statuses.includes('fail')) return EXIT_CODES.fail;
  if (statuses.includes('error')) return EXIT_CODES.error;
  return EXIT_CODES.pass;
};
