// For GitHub Actions: workflow commands that annotate the runbook lines of the checks that failed or
// could not check (https://docs.github.com/actions/reference/workflow-commands-for-github-actions),
// and a Markdown summary for the job's page ($GITHUB_STEP_SUMMARY).
import { roleAndTarget } from '../model/host-address.js';
import { STATUSES, type Evidence, type Excerpt, type Status } from '../model/outcome.js';
import type { CheckResult, Counts, Finding, QuestionResult, RunReport } from '../model/report.js';
import { notCountedBecause } from './gating.js';
import type { Reporter } from './types.js';

/** GitHub shows this many annotations of each kind per step and drops the rest (the log keeps them). */
const ANNOTATIONS_PER_KIND = 10;
const ANNOTATION_EXCERPT_LINES = 5;
const SUMMARY_EXCERPT_LINES = 20;

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

const where = (check: CheckResult): string => roleAndTarget(check.host, check.target);

const exitText = (evidence: Evidence): string => {
  if (evidence.exitCode === null) return evidence.signal ? `ended by ${evidence.signal}` : 'no exit code';
  return `exit ${evidence.exitCode}${evidence.exitMeaning ? ` (${evidence.exitMeaning})` : ''}`;
};

/** The first lines of an excerpt, and how many more the command printed (the excerpt may hold fewer). */
const streamLines = (name: string, excerpt: Excerpt, count: number): string[] => {
  if (excerpt.text === '') return [];
  const shown = excerpt.text.split('\n').slice(0, count);
  const hidden = Math.max(excerpt.totalLines, excerpt.text.split('\n').length) - shown.length;
  return [`${name}:`, ...shown.map((line) => `  ${line}`), ...(hidden > 0 ? [`  … ${hidden} more line${hidden === 1 ? '' : 's'}`] : [])];
};

/** The command, how it ended, and the first lines of what it printed, stderr first: it usually says why. */
const evidenceSketch = (evidence: Evidence, lines: number): string[] => [
  `${evidence.conversation ? '~' : '$'} ${evidence.command}`,
  `${evidence.conversation ? '' : `${exitText(evidence)} `}after ${evidence.durationMs} ms on ${evidence.host}`,
  ...streamLines(evidence.conversation ? 'problem' : 'stderr', evidence.stderr, lines),
  ...streamLines(evidence.conversation ? 'said' : 'stdout', evidence.stdout, lines),
];

const checkMessage = (check: CheckResult): string =>
  [
    check.reason ?? check.status,
    ...check.expectations.filter((expectation) => !expectation.pass && !check.reason?.includes(expectation.message)).map((expectation) => expectation.message),
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

const findingAnnotation = (finding: Finding): Annotation => ({
  level: 'notice',
  properties: { file: finding.runbook, title: `Diagnosis: ${finding.id}` },
  message: [
    finding.message,
    ...(finding.hint ? [`hint: ${finding.hint}`] : []),
    `based on: ${finding.evidence.map((item) => `${item.check} (${item.status})`).join(', ')}`,
  ].join('\n'),
});

const countText = (what: string, counts: Counts): string =>
  `${counts.total} ${what}: ${STATUSES.map((status) => `${counts[status]} ${status}`).join(', ')}`;

const verdictText = (report: RunReport): string => `${report.status}${report.interrupted ? ' (interrupted)' : ''}, exit code ${report.exitCode}`;

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
      `${countText('questions', report.summary.questions)}; ${countText('checks', report.summary.checks)}`,
      ...(more.length > 0 ? [`${more.join('; ')}: all are in the log and the step summary`] : []),
    ].join('\n'),
  };
};

const renderCommands = (report: RunReport): string => {
  const checks = report.questions.flatMap((question) => question.checks.flatMap((check) => checkAnnotation(check, question) ?? []));
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

const passedOf = (question: QuestionResult): string =>
  `${question.checks.filter((check) => check.status === 'pass').length}/${question.checks.length}`;

const questionRow = (question: QuestionResult): string =>
  `| ${ICON[question.status]} ${question.status} | ${inline(question.title)} (${inline(question.id)}) | ${passedOf(question)} |`;

const questionTable = (questions: readonly QuestionResult[]): string[] =>
  questions.length === 0 ? ['No questions ran.'] : ['| Status | Question | Checks passed |', '| --- | --- | --- |', ...questions.map(questionRow)];

/**
 * Evidence as raw HTML: a `<pre>` block runs to its `</pre>` through blank lines, and with `<`
 * escaped the output cannot close it, so nothing in it is read as Markdown or HTML.
 */
const evidenceDetails = (evidence: readonly Evidence[]): string[] => {
  if (evidence.length === 0) return [];
  const text = evidence.flatMap((item) => evidenceSketch(item, SUMMARY_EXCERPT_LINES)).join('\n').replace(/\r\n?/g, '\n');
  return ['<details><summary>Evidence</summary>', '', `<pre>${escapeHtml(visibleControls(text))}</pre>`, '', '</details>', ''];
};

const checkSection = (check: CheckResult): string[] => [
  `${ICON[check.status]} **${inline(check.id)}**${check.informational ? ' (informational)' : ''} on ${inline(where(check))}: ${inline(check.reason ?? check.status)}`,
  '',
  ...(check.hint ? [`Hint: ${inline(check.hint)}`, ''] : []),
  ...evidenceDetails(check.evidence),
];

const questionSection = (question: QuestionResult): string[] => [
  `### ${ICON[question.status]} ${question.status.toUpperCase()}: ${inline(question.title)} (${inline(question.id)})`,
  '',
  ...(question.hint ? [`Hint: ${inline(question.hint)}`, ''] : []),
  ...question.checks.filter((check) => check.status !== 'pass').flatMap(checkSection),
];

const findingItem = (finding: Finding): string[] => [
  `- **${inline(finding.id)}**: ${inline(finding.message)}`,
  ...(finding.hint ? [`  - Hint: ${inline(finding.hint)}`] : []),
  `  - Based on: ${inline(finding.evidence.map((item) => `${item.check} (${item.status})`).join(', '))}`,
];

const diagnosisSection = (findings: readonly Finding[]): string[] =>
  findings.length === 0 ? [] : ['### Diagnosis', '', ...findings.flatMap(findingItem), ''];

const renderStepSummary = (report: RunReport): string =>
  [
    heading(report),
    '',
    `${report.runbooks.length === 1 ? 'Runbook' : 'Runbooks'}: ${report.runbooks.map((runbook) => `${inline(runbook.title)} (${inline(runbook.file)})`).join(', ')}`,
    '',
    `${countText('questions', report.summary.questions)}; ${countText('checks', report.summary.checks)}; ${(report.durationMs / 1000).toFixed(1)} s`,
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
