// The only place that turns check outcomes into a question's status and a run's status. Reporters
// and the exit code read these results; they never recount.
import { groupBy } from '../model/group-by.js';
import { EXIT_CODES, type ReportExitCode } from '../model/exit-codes.js';
import { STATUSES, type Status } from '../model/outcome.js';
import type { CheckResult, Counts } from '../model/report.js';
import type { Verdict } from './reason.js';
import { DEFAULT_REQUIRE, describeRequire, requiredPasses } from '../model/require.js';

/** How bad each status is for a question, which passes only when every check passed. */
const SEVERITY: Readonly<Record<Status, number>> = { fail: 3, error: 2, skipped: 1, pass: 0 };

const WORST_FIRST = [...STATUSES].sort((a, b) => SEVERITY[b] - SEVERITY[a]);

export const worstStatus = (statuses: readonly Status[]): Status =>
  WORST_FIRST.find((status) => statuses.includes(status)) ?? 'pass';

/** Informational checks are reported but do not decide, unless a question has nothing else. */
const checksVerdict = (checks: readonly CheckResult[]): Verdict => {
  const deciding = checks.some((check) => !check.informational) ? checks.filter((check) => !check.informational) : checks;
  const status = worstStatus(deciding.map((check) => check.status));
  const culprit = deciding.find((check) => check.status === status && status !== 'pass');
  return culprit?.reason ? { status, reason: `${culprit.id}: ${culprit.reason}` } : { status };
};

export interface QuestionVerdict extends Verdict {
  /** When some of its checks ran on a fleet: how many of its hosts ended in each status. */
  readonly hosts?: Counts;
}

/** Hosts named per status in a reason; the rest are counted. */
const HOSTS_NAMED = 5;
/** A host's own reason in a question's reason is cut here: the report has it whole. */
const HOST_REASON_CHARS = 60;

const shortened = (text: string): string => (text.length > HOST_REASON_CHARS ? `${text.slice(0, HOST_REASON_CHARS - 1)}…` : text);

/** Each fleet host's verdict over its own checks of the question, in the order hosts first appear. */
const hostVerdicts = (fleet: readonly CheckResult[]): { host: string; verdict: Verdict }[] =>
  [...groupBy(fleet, (check) => check.hostName!)].map(([host, checks]) => ({ host, verdict: checksVerdict(checks) }));

/** `fail: host07 (port-open: refused), host31 (...); error: host12 (...), and 3 more` */
const failingHosts = (hosts: readonly { host: string; verdict: Verdict }[]): string =>
  WORST_FIRST.filter((status) => status !== 'pass')
    .map((status) => {
      const these = hosts.filter(({ verdict }) => verdict.status === status);
      if (these.length === 0) return '';
      const named = these.slice(0, HOSTS_NAMED).map(({ host, verdict }) => (verdict.reason ? `${host} (${shortened(verdict.reason)})` : host));
      const more = these.length > HOSTS_NAMED ? `, and ${these.length - HOSTS_NAMED} more` : '';
      return `${status}: ${named.join(', ')}${more}`;
    })
    .filter(Boolean)
    .join('; ');

/**
 * The fleet part of a question: it passes when at least `require` of its hosts pass (model/require.ts);
 * otherwise it takes the worst status among the hosts that did not, or fail when too few hosts took part.
 */
const fleetVerdict = (fleet: readonly CheckResult[], require: string): QuestionVerdict => {
  const hosts = hostVerdicts(fleet);
  const counts = countStatuses(hosts.map(({ verdict }) => verdict.status));
  const needed = requiredPasses(require, counts.total);
  const notPassing = hosts.filter(({ verdict }) => verdict.status !== 'pass').map(({ verdict }) => verdict.status);
  const status = counts.pass >= needed && counts.total > 0 ? 'pass' : notPassing.length > 0 ? worstStatus(notPassing) : 'fail';
  if (status === 'pass') return { status, hosts: counts };
  const tooFew = needed > counts.total ? `, but only ${counts.total} took part` : '';
  const failing = failingHosts(hosts);
  return { status, hosts: counts, reason: `${counts.pass}/${counts.total} hosts pass (require ${describeRequire(require)}${tooFew})${failing ? `; ${failing}` : ''}` };
};

/**
 * A question's verdict. Checks on single hosts must all pass, as always; checks on a fleet are
 * judged host by host and the hosts counted against `require`. The worse of the two decides.
 */
export const questionVerdict = (checks: readonly CheckResult[], require = DEFAULT_REQUIRE): QuestionVerdict => {
  const fleet = checks.filter((check) => check.hostName !== undefined);
  if (fleet.length === 0) return checksVerdict(checks);
  const single = checks.filter((check) => check.hostName === undefined);
  const ofFleet = fleetVerdict(fleet, require);
  const ofSingle = single.length > 0 ? checksVerdict(single) : { status: 'pass' as const };
  const status = worstStatus([ofSingle.status, ofFleet.status]);
  const reasons = [ofSingle.reason, ofFleet.reason].filter((reason) => reason !== undefined);
  return { status, ...(status !== 'pass' && reasons.length > 0 ? { reason: reasons.join('; ') } : {}), ...(ofFleet.hosts ? { hosts: ofFleet.hosts } : {}) };
};

/** The statuses that decide a run: a question of severity warning is reported, never counted against it. */
export const gatingStatuses = (questions: readonly { readonly severity?: string; readonly status: Status }[]): Status[] =>
  questions.filter((question) => question.severity !== 'warning').map((question) => question.status);

/**
 * A run's status (and a runbook's, in the report) from its gating questions' statuses: the worst of
 * them, except that a skipped question (its `when` says it does not apply here, as the certificate
 * question of a plain-http service) does not keep the others from passing. Only a run whose every
 * question was skipped is skipped. A question skipped because a check it needs failed or erred
 * brings that fail or error along, so nothing is hidden. An interrupted run is never promoted: what
 * it skipped never started, which is not "does not apply".
 */
export const runStatus = (statuses: readonly Status[], interrupted = false): Status => {
  const worst = worstStatus(statuses);
  return worst === 'skipped' && statuses.includes('pass') && !interrupted ? 'pass' : worst;
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
