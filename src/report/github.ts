// For GitHub Actions: workflow commands that annotate the runbook lines of the checks that failed or
// could not check (https://docs.github.com/actions/reference/workflow-commands-for-github-actions),
// and a Markdown summary for the job's page ($GITHUB_STEP_SUMMARY). A fleet's hosts whose check
// ended alike make one annotation and one summary entry, grouped as the human report groups them:
// GitHub shows only ten error annotations per step, which one check failing on 200 hosts would use up.
import type { Evidence, Excerpt, Status } from '../model/outcome.js';
import { endLine } from './evidence-text.js';
import { replayLines } from './replay-note.js';
import type { CheckResult, Finding, QuestionResult, RunReport } from '../model/report.js';
import { notCountedBecause } from './gating.js';
import { groupHosts, listHostNames, whereRan as where, type HostGroup } from './host-groups.js';
import type { Reporter } from './types.js';
import { counted, summaryCounts } from '../model/counted.js';
import { reasonAfterWhere } from '../model/host-address.js';

/** GitHub shows this many annotations of each kind per step and drops the rest (the log keeps them). */
const ANNOTATIONS_PER_KIND = 10;
const ANNOTATION_EXCERPT_LINES = 5;
const SUMMARY_EXCERPT_LINES = 20;
/** Hosts named in a group's annotation or summary line; the rest are counted. */
const GROUP_NAMES_LISTED = 20;

// ---- Workflow commands ---------------------------------------------------------------------------

/**
 * The escaping of actions/toolkit (packages/core/src/command.ts, `escapeData` and `escapeProperty`),
 * which the runner undoes (src/Runner.Common/ActionCommand.cs, `UnescapeData`/`UnescapeProperty`,
 * `%25` last). `%` goes first so the escapes added after it stay intact. With line breaks escaped, a
 * command is one line whatever the text holds, and a `::` in it cannot start another command.
 */
const escapeData = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A property also escapes `:` and `,`, which end the properties and separate them. */
const escapeProperty = (text: string): string => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

type Level = 'error' | 'warning' | 'notice';

interface Annotation {
  readonly level: Level;
  readonly properties: Readonly<Record<string, string | number>>;
  readonly message: string;
}

const command = ({ level, properties, message }: Annotation): string => {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`;
};

/** The first lines of an excerpt, and how many more the command printed (the excerpt may hold fewer). */
const streamLines = (name: string, excerpt: Excerpt, count: number): string[] => {
  if (excerpt.text === '') return [];
  const shown = excerpt.text.split('\n').slice(0, count);
  const hidden = Math.max(excerpt.totalLines, excerpt.text.split('\n').length) - shown.length;
  return [`${name}:`, ...shown.map((line) => `  ${line}`), ...(hidden > 0 ? [`  … ${counted(hidden, 'more line', 'more lines')}`] : [])];
};

/** The command, how it ended, and the first lines of what it printed, stderr first: it usually says why. */
const evidenceSketch = (evidence: Evidence, lines: number): string[] => [
  `${evidence.conversation ? '~' : '$'} ${evidence.command}`,
  evidence.conversation ? `after ${evidence.durationMs} ms on ${evidence.host}` : endLine(evidence),
  ...streamLines(evidence.conversation ? 'problem' : 'stderr', evidence.stderr, lines),
  ...streamLines(evidence.conversation ? 'said' : 'stdout', evidence.stdout, lines),
];

/** Failed expectations the reason does not already quote. */
const unsaidExpectations = (check: CheckResult): string[] =>
  check.expectations.filter((expectation) => !expectation.pass && !check.reason?.includes(expectation.message)).map((expectation) => expectation.message);

const checkMessage = (check: CheckResult): string =>
  [
    check.reason ?? check.status,
    ...unsaidExpectations(check),
    `on ${where(check)}`,
    ...(check.hint ? [`hint: ${check.hint}`] : []),
    ...check.evidence.flatMap((evidence) => evidenceSketch(evidence, ANNOTATION_EXCERPT_LINES)),
  ].join('\n');

/**
 * A check that failed or could not check, where it decides its question, fails the gate: an error.
 * An informational one that does not decide, or one of a warning question, is a warning: shown, not failing.
 */
const checkAnnotation = (check: CheckResult, question: QuestionResult): Annotation | undefined => {
  if (check.status !== 'fail' && check.status !== 'error') return undefined;
  const what = check.status === 'fail' ? 'failed' : 'could not check';
  return {
    level: notCountedBecause(check, question) === undefined ? 'error' : 'warning',
    properties: {
      file: check.location.file,
      line: check.location.line,
      col: check.location.col,
      title: `${check.id} ${what}${check.informational ? ' (informational)' : ''}: ${question.title}`,
    },
    message: checkMessage(check),
  };
};

const hostNamesOf = (checks: readonly CheckResult[]): string[] => checks.map((check) => check.hostName ?? check.target);

/** Hosts whose check ended alike: what they share, who they are, and the first one's evidence as the example. */
const groupMessage = ({ first, checks, statement }: HostGroup): string =>
  [
    statement,
    `on ${checks.length} hosts: ${listHostNames(hostNamesOf(checks), GROUP_NAMES_LISTED)}`,
    `e.g. ${where(first)}: ${first.reason ?? first.status}`,
    ...unsaidExpectations(first),
    ...(first.hint ? [`hint: ${first.hint}`] : []),
    ...first.evidence.flatMap((evidence) => evidenceSketch(evidence, ANNOTATION_EXCERPT_LINES)),
  ].join('\n');

/** One annotation per group, on the check's line; a group of one host is annotated as any check. */
const groupAnnotation = (group: HostGroup, question: QuestionResult): Annotation | undefined => {
  const single = checkAnnotation(group.first, question);
  if (group.checks.length === 1 || !single) return single;
  const what = group.first.status === 'fail' ? 'failed' : 'could not check';
  const informational = group.first.informational ? ' (informational)' : '';
  return {
    ...single,
    properties: { ...single.properties, title: `${group.first.id} ${what} on ${group.checks.length} hosts${informational}: ${question.title}` },
    message: groupMessage(group),
  };
};

/** A question's checks on single hosts one by one, then its fleet's in groups. */
const questionAnnotations = (question: QuestionResult): Annotation[] => {
  const single = question.checks.filter((check) => check.hostName === undefined).flatMap((check) => checkAnnotation(check, question) ?? []);
  const failing = question.checks.filter((check) => check.hostName !== undefined && (check.status === 'fail' || check.status === 'error'));
  return [...single, ...groupHosts(failing).flatMap((group) => groupAnnotation(group, question) ?? [])];
};

const basedOn = (finding: Finding): string =>
  finding.evidence.map((item) => `${item.check}${item.hostName === undefined ? '' : ` on ${item.hostName}`} (${item.status})`).join(', ');

const findingHosts = (hosts: readonly string[] | undefined): string[] =>
  hosts ? [`on ${counted(hosts.length, 'host')}: ${listHostNames(hosts, GROUP_NAMES_LISTED)}`] : [];

const findingAnnotation = (finding: Finding): Annotation => ({
  level: 'notice',
  properties: { file: finding.runbook, title: `Diagnosis: ${finding.id}` },
  message: [
    finding.message,
    ...findingHosts(finding.hosts),
    ...(finding.hint ? [`hint: ${finding.hint}`] : []),
    `based on: ${basedOn(finding)}`,
  ].join('\n'),
});

const verdictText = (report: RunReport): string => `${report.status}${report.interrupted ? ' (interrupted)' : ''}${report.replay ? ' (replayed, no host asked)' : ''}, exit code ${report.exitCode}`;

/** The notices GitHub would drop are named in the summary, so nothing disappears without a word. */
const summaryAnnotation = (report: RunReport, annotations: readonly Annotation[], findingsLeftOut: number): Annotation => {
  const over = (['error', 'warning'] as const)
    .map((level) => ({ level, count: annotations.filter((annotation) => annotation.level === level).length }))
    .filter(({ count }) => count > ANNOTATIONS_PER_KIND)
    .map(({ level, count }) => `${count} ${level} annotations, GitHub shows ${ANNOTATIONS_PER_KIND}`);
  const leftOut = findingsLeftOut > 0 ? [`${findingsLeftOut} more diagnosis findings`] : [];
  const more = [...over, ...leftOut];
  return {
    level: 'notice',
    properties: { title: `runbook: ${verdictText(report)}` },
    message: [
      summaryCounts(report.summary),
      ...(more.length > 0 ? [`${more.join('; ')}: all are in the log and the step summary`] : []),
    ].join('\n'),
  };
};

const renderCommands = (report: RunReport): string => {
  const checks = report.questions.flatMap(questionAnnotations);
  // Findings stop one short of the notice limit, so the run's own notice, last, is always shown.
  const shownFindings = report.diagnosis.slice(0, ANNOTATIONS_PER_KIND - 1).map(findingAnnotation);
  const summary = summaryAnnotation(report, checks, report.diagnosis.length - shownFindings.length);
  return [...checks, ...shownFindings, summary].map(command).join('\n') + '\n';
};

// ---- Step summary (GitHub-flavoured Markdown) ----------------------------------------------------

const ICON: Record<Status, string> = { pass: '✅', fail: '❌', error: '⚠️', skipped: '⏭️' };

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Control characters shown, not sent: they could rewrite a terminal or confuse the renderer. */
const visibleControls = (text: string): string =>
  text.replace(/[^\P{Cc}\n\r\t]/gu, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);

/**
 * Untrusted text inline in Markdown (a paragraph, a list item, a table cell): the punctuation that
 * makes Markdown (code, emphasis, links, strikethrough, table cells) backslash-escaped, HTML's three
 * specials as entities, and line breaks as `<br>` so the text stays inside its cell or item. Callers
 * never start a line with it, so the line-start syntax (headings, lists, quotes) cannot apply.
 */
const inline = (text: string): string =>
  escapeHtml(visibleControls(text).replace(/[\\`*_[\]|~]/g, (char) => `\\${char}`))
    .replace(/\t/g, ' ')
    .split(/\r\n|[\n\r\u2028\u2029\u0085]/)
    .join('<br>');

const heading = (report: RunReport): string =>
  `## ${ICON[report.status]} runbook: ${report.status.toUpperCase()}${report.interrupted ? ' (interrupted)' : ''}, exit code ${report.exitCode}`;

const passedOf = (checks: readonly CheckResult[]): string => `${checks.filter((check) => check.status === 'pass').length}/${checks.length}`;

/** `3/4`, or for a fleet `48/50 hosts` (and its checks on single hosts after it, if it has any). */
const passedCell = (question: QuestionResult): string => {
  if (!question.hosts) return passedOf(question.checks);
  const single = question.checks.filter((check) => check.hostName === undefined);
  return `${question.hosts.pass}/${question.hosts.total} hosts${single.length > 0 ? `, ${passedOf(single)} other checks` : ''}`;
};

const questionRow = (question: QuestionResult): string =>
  `| ${ICON[question.status]} ${question.status} | ${inline(question.title)} (${inline(question.id)}) | ${passedCell(question)} |`;

const questionTable = (questions: readonly QuestionResult[]): string[] =>
  questions.length === 0 ? ['No questions ran.'] : ['| Status | Question | Checks passed |', '| --- | --- | --- |', ...questions.map(questionRow)];

/**
 * Evidence as raw HTML: a `<pre>` block runs to its `</pre>` through blank lines, and with `<`
 * escaped the output cannot close it, so nothing in it is read as Markdown or HTML.
 */
const evidenceDetails = (evidence: readonly Evidence[], title = 'Evidence'): string[] => {
  if (evidence.length === 0) return [];
  const text = evidence.flatMap((item) => evidenceSketch(item, SUMMARY_EXCERPT_LINES)).join('\n').replace(/\r\n?/g, '\n');
  return [`<details><summary>${escapeHtml(visibleControls(title))}</summary>`, '', `<pre>${escapeHtml(visibleControls(text))}</pre>`, '', '</details>', ''];
};

const checkSection = (check: CheckResult): string[] => [
  `${ICON[check.status]} **${inline(check.id)}**${check.informational ? ' (informational)' : ''} on ${inline(where(check))}: ${inline(check.reason === undefined ? check.status : reasonAfterWhere(check.reason, check.target))}`,
  '',
  ...(check.hint ? [`Hint: ${inline(check.hint)}`, ''] : []),
  ...evidenceDetails(check.evidence),
];

/** A group of one host reads as any check; a larger one names its hosts, and shows the first one's evidence. */
const groupSection = (group: HostGroup): string[] => {
  const { first, checks, statement } = group;
  if (checks.length === 1) return checkSection(first);
  const names = listHostNames(hostNamesOf(checks), GROUP_NAMES_LISTED);
  return [
    `${ICON[first.status]} **${inline(first.id)}**${first.informational ? ' (informational)' : ''} on ${checks.length} hosts (${inline(names)}): ${inline(statement)}`,
    '',
    ...(first.hint ? [`Hint: ${inline(first.hint)}`, ''] : []),
    ...evidenceDetails(first.evidence, `Evidence of ${where(first)}`),
  ];
};

const questionSection = (question: QuestionResult): string[] => {
  const notPassed = question.checks.filter((check) => check.status !== 'pass');
  return [
    `### ${ICON[question.status]} ${question.status.toUpperCase()}: ${inline(question.title)} (${inline(question.id)})`,
    '',
    ...(question.reason && question.hosts ? [inline(question.reason), ''] : []),
    ...(question.hint ? [`Hint: ${inline(question.hint)}`, ''] : []),
    ...notPassed.filter((check) => check.hostName === undefined).flatMap(checkSection),
    ...groupHosts(notPassed.filter((check) => check.hostName !== undefined)).flatMap(groupSection),
  ];
};

/** The summary names every host a finding holds on: it is the page people read after the run. */
const findingItem = (finding: Finding): string[] => [
  `- **${inline(finding.id)}**: ${inline(finding.message)}`,
  ...(finding.hosts ? [`  - On ${counted(finding.hosts.length, 'host')}: ${inline(finding.hosts.join(', '))}`] : []),
  ...(finding.hint ? [`  - Hint: ${inline(finding.hint)}`] : []),
  `  - Based on: ${inline(basedOn(finding))}`,
];

const diagnosisSection = (findings: readonly Finding[]): string[] =>
  findings.length === 0 ? [] : ['### Diagnosis', '', ...findings.flatMap(findingItem), ''];

const renderStepSummary = (report: RunReport): string =>
  [
    heading(report),
    '',
    ...replayLines(report).flatMap((line) => [`> ${inline(line)}`, '']),
    `${report.runbooks.length === 1 ? 'Runbook' : 'Runbooks'}: ${report.runbooks.map((runbook) => `${inline(runbook.title)} (${inline(runbook.file)})`).join(', ')}`,
    '',
    `${summaryCounts(report.summary)}; ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    ...questionTable(report.questions),
    '',
    ...report.questions.filter((question) => question.status !== 'pass').flatMap(questionSection),
    ...diagnosisSection(report.diagnosis),
    // Ends with a blank line: another run in the same step appends its own summary after it.
    '',
  ].join('\n');

export const githubReporter: Reporter & Required<Pick<Reporter, 'stepSummary'>> = {
  name: 'github',
  summary: 'GitHub Actions: annotations on the failing checks\' lines, and a Markdown step summary',
  render: renderCommands,
  stepSummary: renderStepSummary,
};
