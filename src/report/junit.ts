// The JUnit XML report, for CI servers (Jenkins, GitLab, GitHub test-report actions): one testsuite
// per question, one testcase per check (on a fleet, per check and host), and the diagnosis as a last testsuite. Its shape is the one
// the Jenkins xunit plugin's junit-10.xsd allows (test/fixtures/junit/), which the tests validate
// every rendering against: that schema has no file/line on a testcase and no skipped/timestamp on
// <testsuites>, so those live in <system-out> and on each <testsuite> instead.
//
// Built with xmlbuilder2, not by concatenating strings: it escapes <, > and quotes in every text and
// attribute (so a host printing `]]>` or `</testcase>` stays text), writes well-formed markup, and
// with `wellFormed` refuses to write characters a parser would reject. Two gaps remain, closed by
// forBuilder() before any text reaches it: XML 1.0 cannot carry some characters at all, and
// xmlbuilder2 leaves an `&` that looks like an entity reference unescaped (see forBuilder()).
import { create } from 'xmlbuilder2';
import { endLine } from './evidence-text.js';
import { replaySentence } from './replay-note.js';
import type { Evidence, Excerpt, Status } from '../model/outcome.js';
import type { CheckResult, Finding, QuestionResult, RunReport } from '../model/report.js';
import { notCountedBecause } from './gating.js';
import type { Reporter } from './types.js';
import { counted } from '../model/counted.js';

type Node = ReturnType<typeof create>;

/** What a testcase reports to the CI server, which for an informational check is not its status. */
interface Verdict {
  readonly status: Status;
  /** The text of <failure>, <error> or <skipped>'s message. */
  readonly message?: string;
  /** Failed expectations, for <failure>'s body. */
  readonly details?: string;
}

interface SuiteCounts {
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
}

// --- text XML 1.0 can carry ---

/** XML 1.0's Char production: tab, newline, carriage return and everything else but C0 controls, surrogates, U+FFFE/FFFF. */
const isXmlChar = (code: number): boolean =>
  code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;

/**
 * Replaces what XML 1.0 forbids with its `\uXXXX` text, so a host's output can neither invalidate
 * the report nor make the builder throw. Iterating a string yields code points, and a surrogate
 * only when it is unpaired, which is exactly the one XML rejects.
 */
export const xmlSafe = (text: string): string =>
  Array.from(text, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return isXmlChar(code) ? char : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }).join('');

/**
 * Text as xmlbuilder2 must be given it to write it back unchanged. Its writer does not escape an `&`
 * followed by `name;` or `#digits;` (a guard against double escaping: xmlbuilder2 issues #110,
 * #117), so a host printing `&foo;` or `&#0;` would make the document invalid and `&amp;` would
 * read back as `&`. Escaping every `&` first leaves only `&amp;`, which the writer keeps as it is;
 * the tests round-trip such text, so a release that changes this rule fails them.
 */
const forBuilder = (text: string): string => xmlSafe(text).replaceAll('&', '&amp;');

const safeAttributes = (attributes: Readonly<Record<string, string | number | undefined>>): Record<string, string> =>
  Object.fromEntries(Object.entries(attributes).flatMap(([name, value]) => (value === undefined ? [] : [[name, forBuilder(String(value))]])));

const element = (parent: Node, name: string, attributes: Readonly<Record<string, string | number | undefined>>, text?: string): Node => {
  const child = parent.ele(name, safeAttributes(attributes));
  if (text !== undefined && text !== '') child.txt(forBuilder(text));
  return child;
};

/** junit-10.xsd's SUREFIRE_TIME allows at most three decimals. */
const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

// --- verdicts ---

const failedExpectations = (check: CheckResult): string =>
  check.expectations.filter((expectation) => !expectation.pass).map((expectation) => expectation.message).join('\n');

/**
 * An informational check that failed or errored without deciding anything is reported as skipped
 * with its outcome as the message: <failure>/<error> would turn the CI red on a run that passed,
 * and <skipped> (unlike a pass) is listed with its message by Jenkins, GitLab and the GitHub
 * actions, so the operator still sees what it found; the evidence is in its <system-out>.
 */
const notCountedVerdict = (check: CheckResult, because: string): Verdict => ({
  status: 'skipped',
  message: `${because}, not counted: ${check.status}${check.reason ? `: ${check.reason}` : ''}`,
});

const verdictOf = (check: CheckResult, question: QuestionResult): Verdict => {
  if (check.status === 'pass') return { status: 'pass' };
  const because = notCountedBecause(check, question);
  if (because && check.status !== 'skipped') return notCountedVerdict(check, because);
  const message = check.reason ?? check.status;
  if (check.status === 'fail') return { status: 'fail', message, details: failedExpectations(check) || message };
  return { status: check.status, message };
};

const addVerdict = (testcase: Node, verdict: Verdict): void => {
  if (verdict.status === 'fail') element(testcase, 'failure', { message: verdict.message, type: 'fail' }, verdict.details);
  if (verdict.status === 'error') element(testcase, 'error', { message: verdict.message, type: 'error' }, verdict.message);
  if (verdict.status === 'skipped') element(testcase, 'skipped', { message: verdict.message });
};

const countVerdicts = (verdicts: readonly Verdict[]): SuiteCounts => ({
  tests: verdicts.length,
  failures: verdicts.filter((verdict) => verdict.status === 'fail').length,
  errors: verdicts.filter((verdict) => verdict.status === 'error').length,
  skipped: verdicts.filter((verdict) => verdict.status === 'skipped').length,
});

// --- what a check saw, for <system-out> ---

const excerptLines = (name: string, { text, totalLines, totalBytes, truncated }: Excerpt): string[] => {
  if (text === '') return [];
  const size = truncated ? ` (excerpt of ${totalLines} lines, ${totalBytes} bytes)` : '';
  return [`${name}${size}:`, ...text.split('\n').map((line) => `  ${line}`)];
};

const exitLine = (evidence: Evidence): string => {
  if (evidence.conversation) return `${evidence.durationMs} ms from ${evidence.host}`;
  return endLine(evidence);
};

/** A conversation (runbook speaking a protocol) has a transcript and a problem, not stdout/stderr. */
const evidenceLines = (evidence: Evidence): string[] => [
  '',
  `${evidence.conversation ? '~' : '$'} ${evidence.command}`,
  exitLine(evidence),
  ...excerptLines(evidence.conversation ? 'said' : 'stdout', evidence.stdout),
  ...excerptLines(evidence.conversation ? 'problem' : 'stderr', evidence.stderr),
];

const listLines = (title: string, entries: readonly [string, string][]): string[] =>
  entries.length === 0 ? [] : [`${title}:`, ...entries.map(([name, value]) => `  ${name}: ${value}`)];

/** `db (admin@10.0.0.5)`, or on a fleet the host and its role, `web07 (root@10.0.0.7:22) of web`. */
const placeOf = (check: CheckResult): string =>
  check.hostName === undefined ? `${check.host} (${check.target})` : `${check.hostName} (${check.target}) of ${check.host}`;

const checkHeadLines = (check: CheckResult): string[] => [
  `${check.id} (${check.kind}${check.informational ? ', informational' : ''}) on ${placeOf(check)}: ${check.status}`,
  ...(check.reason ? [`reason: ${check.reason}`] : []),
  `at ${check.location.file}:${check.location.line}:${check.location.col}`,
  `started ${check.startedAt}, took ${check.durationMs} ms`,
];

const checkOutput = (check: CheckResult): string =>
  [
    ...checkHeadLines(check),
    ...check.evidence.flatMap(evidenceLines),
    ...(check.expectations.length > 0 ? ['', 'expectations:', ...check.expectations.map((result) => `  ${result.pass ? 'ok  ' : 'FAIL'} ${result.message}`)] : []),
    ...listLines('observed', Object.entries(check.observed).map(([field, value]) => [field, String(value)])),
    ...listLines('captures', Object.entries(check.captures)),
    ...(check.missingTools.length > 0 ? [`missing tools: ${check.missingTools.map(({ tool, host }) => `${tool} on ${host}`).join(', ')}`] : []),
    ...check.notes.map((note) => `note: ${note}`),
    ...(check.hint ? [`hint: ${check.hint}`] : []),
  ].join('\n');

// --- questions and findings ---

/** Unique within its suite: a fleet's hosts run the same check, so the host's name stands where the role would. */
const testcaseName = (check: CheckResult): string => `${check.id} on ${check.hostName ?? check.host} (${check.target})`;

/** `hosts: 48/50 pass (require all); 1 fail, 1 error, 0 skipped`: a passing fleet question has no reason to say it in. */
const hostsLine = (question: QuestionResult): string[] => {
  if (!question.hosts) return [];
  const { pass, fail, error, skipped, total } = question.hosts;
  return [`hosts: ${pass}/${total} pass${question.require ? ` (require ${question.require})` : ''}; ${fail} fail, ${error} error, ${skipped} skipped`];
};

const questionOutput = (question: QuestionResult): string =>
  [
    `question ${question.id} (${question.runbook}): ${question.status}${question.reason ? `: ${question.reason}` : ''}`,
    ...hostsLine(question),
    ...(question.hint ? [`hint: ${question.hint}`] : []),
  ].join('\n');

/** ISO 8601 strings of one format sort as their instants do. */
const earliest = (timestamps: readonly string[], fallback: string): string => [...timestamps].sort()[0] ?? fallback;

const addQuestionSuite = (root: Node, question: QuestionResult, runStartedAt: string): SuiteCounts => {
  const verdicts = question.checks.map((check) => verdictOf(check, question));
  const counts = countVerdicts(verdicts);
  const suite = element(root, 'testsuite', {
    name: question.title,
    id: question.id,
    file: question.runbook,
    ...counts,
    time: seconds(question.checks.reduce((sum, check) => sum + check.durationMs, 0)),
    timestamp: earliest(question.checks.map((check) => check.startedAt), runStartedAt),
  });
  question.checks.forEach((check, index) => {
    const testcase = element(suite, 'testcase', { name: testcaseName(check), classname: `${question.runbook}.${question.id}`, time: seconds(check.durationMs) });
    addVerdict(testcase, verdicts[index] ?? { status: 'pass' });
    element(testcase, 'system-out', {}, checkOutput(check));
  });
  element(suite, 'system-out', {}, questionOutput(question));
  return counts;
};

/** Every host a finding holds on: the XML is read by machines, which need no shortening. */
const findingOutput = (finding: Finding): string =>
  [
    finding.message,
    ...(finding.hosts ? [`on ${counted(finding.hosts.length, 'host')}: ${finding.hosts.join(', ')}`] : []),
    ...(finding.hint ? [`hint: ${finding.hint}`] : []),
    'based on:',
    ...finding.evidence.map((item) => `  ${item.check}${item.hostName === undefined ? '' : ` on ${item.hostName}`}: ${item.status}${item.reason ? `: ${item.reason}` : ''}`),
  ].join('\n');

/**
 * Findings go in a last testsuite, "diagnosis", one passing testcase each, named after the finding
 * and its message: junit-10.xsd allows no text on <testsuites>, and a CI server shows a suite's
 * testcases in its test list. They pass because a finding is a conclusion drawn from checks that
 * are already counted (a rule may even fire on passing ones): a <failure> would count a fault twice
 * and could turn a run red that the exit code calls green.
 */
const addDiagnosisSuite = (root: Node, findings: readonly Finding[], runStartedAt: string): SuiteCounts => {
  const counts: SuiteCounts = { tests: findings.length, failures: 0, errors: 0, skipped: 0 };
  const suite = element(root, 'testsuite', { name: 'diagnosis', id: 'diagnosis', ...counts, time: seconds(0), timestamp: runStartedAt });
  for (const finding of findings) {
    const testcase = element(suite, 'testcase', { name: `${finding.id}: ${finding.message}`, classname: `${finding.runbook}.diagnosis`, time: seconds(0) });
    element(testcase, 'system-out', {}, findingOutput(finding));
  }
  return counts;
};

const sumCounts = (counts: readonly SuiteCounts[]): SuiteCounts => ({
  tests: counts.reduce((sum, { tests }) => sum + tests, 0),
  failures: counts.reduce((sum, { failures }) => sum + failures, 0),
  errors: counts.reduce((sum, { errors }) => sum + errors, 0),
  skipped: counts.reduce((sum, { skipped }) => sum + skipped, 0),
});

export const junitReporter: Reporter = {
  name: 'junit',
  summary: 'JUnit XML for CI servers (Jenkins, GitLab, GitHub): a testsuite per question, a testcase per check',
  render: (report: RunReport) => {
    const document = create({ version: '1.0', encoding: 'UTF-8' });
    const root = document.ele('testsuites');
    const counts = [
      ...report.questions.map((question) => addQuestionSuite(root, question, report.startedAt)),
      ...(report.diagnosis.length > 0 ? [addDiagnosisSuite(root, report.diagnosis, report.startedAt)] : []),
    ];
    // The totals are the sums of what the suites say, which is what CI servers recount from the testcases.
    const { tests, failures, errors } = sumCounts(counts);
    // A replay is named so on the one element every CI server shows: a replay is never a live check.
    const name = report.replay ? `runbook ${replaySentence(report.replay)}` : 'runbook';
    root.att(safeAttributes({ name, tests, failures, errors, time: seconds(report.durationMs) }));
    return `${document.end({ prettyPrint: true, wellFormed: true })}\n`;
  },
};
