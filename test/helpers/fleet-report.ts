// Fleet RunReports built by hand, for the reporter tests (test/report/fleet-*.test.ts): one question
// over N web hosts (`web001` at `root@10.201.0.1:22`, …), each host's run of `port-open` passing
// unless told otherwise, with reasons and evidence that name the host the way real runs do. Built
// by hand rather than by running the executor, so that these tests pin the reporters alone.
import { EXIT_CODES } from '../../src/model/exit-codes.js';
import type { Evidence, ExpectationResult, Status } from '../../src/model/outcome.js';
import type { CheckResult, Counts, Finding, QuestionResult, RunReport } from '../../src/model/report.js';
import { describeRequire, requiredPasses } from '../../src/model/require.js';

/** How a host's run ended when it did not simply pass. */
export type HostOutcome = 'refused' | 'timeout' | 'skipped' | 'retried';

export interface FleetOptions {
  readonly hosts: number;
  /** By host name (`web007`); the hosts not named pass. */
  readonly outcomes?: Readonly<Record<string, HostOutcome>>;
  /** The question's `require:`, `all` unless given. */
  readonly require?: string;
  readonly findings?: readonly Finding[];
  readonly shard?: RunReport['shard'];
}

export const FILE = 'runbooks/fleet.yaml';
const STARTED_AT = Date.UTC(2026, 0, 1);

export const hostName = (index: number): string => `web${String(index).padStart(3, '0')}`;

export const addressOf = (index: number): string => `10.201.${Math.floor(index / 256)}.${index % 256}`;

export const targetOf = (index: number): string => `root@${addressOf(index)}:22`;

/** The host names of these indexes: `namesOf([7, 31])` is `['web007', 'web031']`. */
export const namesOf = (indexes: readonly number[]): string[] => indexes.map(hostName);

/** The same outcome for each of these hosts, to spread into `outcomes`. */
export const outcomesOf = (names: readonly string[], outcome: HostOutcome): Record<string, HostOutcome> =>
  Object.fromEntries(names.map((name) => [name, outcome]));

const excerpt = (text: string) => ({ text, totalLines: text === '' ? 0 : text.split('\n').length, totalBytes: text.length, truncated: false });

const ncEvidence = (index: number, exitCode: number | null, stderr: string, durationMs: number): Evidence => ({
  host: `web (${targetOf(index)})`,
  command: `nc -z -w 2 ${addressOf(index)} 80`,
  exitCode,
  ...(exitCode === 1 ? { exitMeaning: 'general error' } : {}),
  durationMs,
  stdout: excerpt(''),
  stderr: excerpt(stderr),
});

const exitCodeExpectation = (actual: string): ExpectationResult => ({
  field: 'exit_code',
  matcher: 'equals',
  pass: actual === '0',
  expected: '0',
  actual,
  message: `exit_code expected 0, got ${actual}`,
});

/** What differs between outcomes; the rest of a CheckResult is the same for every host. */
type RunOf = Pick<CheckResult, 'status' | 'evidence' | 'expectations' | 'notes' | 'durationMs'> & Partial<Pick<CheckResult, 'reason' | 'hint' | 'attempts'>>;

const runOf = (index: number, outcome: HostOutcome | undefined): RunOf => {
  const quiet = { evidence: [], expectations: [], notes: [] };
  switch (outcome) {
    case undefined:
      return { ...quiet, status: 'pass', durationMs: 12, evidence: [ncEvidence(index, 0, '', 12)], expectations: [exitCodeExpectation('0')] };
    case 'refused':
      return {
        ...quiet,
        status: 'fail',
        reason: `connection to ${addressOf(index)} port 80 refused`,
        hint: 'start nginx: systemctl start nginx',
        durationMs: 12,
        evidence: [ncEvidence(index, 1, `nc: connect to ${addressOf(index)} port 80 (tcp) failed: Connection refused`, 12)],
        expectations: [exitCodeExpectation('1')],
      };
    case 'timeout':
      return { ...quiet, status: 'error', reason: `timed out after 5 s waiting for ${hostName(index)} (${targetOf(index)})`, durationMs: 5000, evidence: [ncEvidence(index, null, '', 5000)] };
    case 'skipped':
      return { ...quiet, status: 'skipped', reason: 'dependency "ssh-up" failed', durationMs: 0 };
    case 'retried':
      return {
        ...quiet,
        status: 'pass',
        durationMs: 1012,
        notes: ['passed on attempt 2 of 3'],
        attempts: [{ status: 'fail', reason: `connection to ${addressOf(index)} port 80 refused`, startedAt: new Date(STARTED_AT).toISOString(), durationMs: 12, evidence: [] }],
      };
  }
};

export const hostCheck = (index: number, outcome?: HostOutcome): CheckResult => ({
  id: 'port-open',
  question: 'web-up',
  kind: 'command',
  host: 'web',
  target: targetOf(index),
  hostName: hostName(index),
  ...runOf(index, outcome),
  captures: {},
  observed: {},
  missingTools: [],
  informational: false,
  startedAt: new Date(STARTED_AT + index * 10).toISOString(),
  location: { file: FILE, line: 14, col: 9 },
});

const countOf = (statuses: readonly Status[]): Counts => ({
  total: statuses.length,
  pass: statuses.filter((status) => status === 'pass').length,
  fail: statuses.filter((status) => status === 'fail').length,
  error: statuses.filter((status) => status === 'error').length,
  skipped: statuses.filter((status) => status === 'skipped').length,
});

const WORST_FIRST: readonly Status[] = ['fail', 'error', 'skipped'];

/** As execute/verdict.ts writes it: `167/200 hosts pass (require all); fail: web001 (port-open: …), …, and 26 more; error: …`. */
const fleetReason = (checks: readonly CheckResult[], counts: Counts, require: string): string => {
  const named = WORST_FIRST.flatMap((status) => {
    const these = checks.filter((check) => check.status === status);
    if (these.length === 0) return [];
    const shown = these.slice(0, 5).map((check) => `${check.hostName} (port-open: ${check.reason})`);
    return [`${status}: ${shown.join(', ')}${these.length > 5 ? `, and ${these.length - 5} more` : ''}`];
  });
  return [`${counts.pass}/${counts.total} hosts pass (require ${describeRequire(require)})`, ...named].join('; ');
};

const questionOf = (checks: readonly CheckResult[], require: string): QuestionResult => {
  const hosts = countOf(checks.map((check) => check.status));
  const status = hosts.pass >= requiredPasses(require, hosts.total) ? 'pass' : (WORST_FIRST.find((worst) => hosts[worst] > 0) ?? 'fail');
  return {
    runbook: FILE,
    id: 'web-up',
    title: 'Does every web host answer?',
    status,
    ...(status === 'pass' ? {} : { reason: fleetReason(checks, hosts, require), hint: 'the load balancer drops a host that does not answer on :80' }),
    hosts,
    require,
    checks,
  };
};

export const fleetReport = ({ hosts, outcomes = {}, require = 'all', findings = [], shard }: FleetOptions): RunReport => {
  const checks = Array.from({ length: hosts }, (_, offset) => hostCheck(offset + 1, outcomes[hostName(offset + 1)]));
  const question = questionOf(checks, require);
  return {
    reportVersion: 1,
    tool: { name: 'runbook', version: '0.0.0' },
    startedAt: new Date(STARTED_AT).toISOString(),
    durationMs: 6500,
    status: question.status,
    exitCode: question.status === 'fail' ? EXIT_CODES.fail : question.status === 'error' ? EXIT_CODES.error : EXIT_CODES.pass,
    interrupted: false,
    ...(shard ? { shard } : {}),
    summary: { questions: countOf([question.status]), checks: countOf(checks.map((check) => check.status)) },
    runbooks: [{ file: FILE, title: 'Web fleet', status: question.status, vars: {}, hosts: { web: `${hosts} hosts: web001, web002, web003, …` } }],
    questions: [question],
    diagnosis: [...findings],
  };
};

/** A rule about the fleet that held on these hosts, resting on the first one's check. */
export const fleetFinding = (hosts: readonly string[]): Finding => ({
  runbook: FILE,
  id: 'nginx-down',
  message: 'nginx does not listen on :80',
  hint: 'systemctl start nginx',
  evidence: [{ check: 'port-open', status: 'fail', reason: 'connection refused', hostName: hosts[0]! }],
  hosts,
});
