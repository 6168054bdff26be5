// TAP version 14 (https://testanything.org/tap-version-14-specification.html): one test point per
// question, preceded by its checks (on a fleet, one per check and host) as a 4-space indented subtest. A TAP 13 harness reads the same
// stream: it sees one test point per question and ignores the indented lines and `# Subtest` comments.
import { roleAndTarget } from '../model/host-address.js';
import { replayLines } from './replay-note.js';
import { Document, visit } from 'yaml';
import type { Evidence, ExpectationResult, Excerpt } from '../model/outcome.js';
import type { CheckResult, Finding, QuestionResult, RunReport } from '../model/report.js';
import { notCountedBecause } from './gating.js';
import type { Reporter } from './types.js';
import { counted } from '../model/counted.js';

const SUBTEST_INDENT = '    ';
/** TAP 14 places a YAML diagnostic 2 spaces past its test point. */
const YAML_INDENT = '  ';
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029\u0085]/;

/** One line of text with no control character left raw: TAP is read line by line. */
const oneLine = (text: string): string =>
  text
    .split(LINE_BREAK)
    .join(' ')
    .replace(/\t/g, ' ')
    .replace(/\p{Cc}/gu, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** The spec's "Escaping": `\` and `#` in descriptions and directive reasons, so `#` opens no directive. */
const tapText = (text: string): string => oneLine(text).replace(/[\\#]/g, (char) => `\\${char}`);

/**
 * Descriptions end with the kebab-case id in parentheses: a description ending in `{` would open a
 * buffered subtest for node-tap's parser, and TAP has no escape for `{`.
 */
const questionName = (question: QuestionResult): string => `${tapText(question.title)} (${question.id})`;

/** On a fleet the host's name stands where the role would: every host's point is told apart by its description. */
const checkName = (check: CheckResult): string =>
  tapText(`${check.id} on ${roleAndTarget(check.hostName ?? check.host, check.target)}`);

/** Separators YAML 1.1 and some line splitters take for line breaks, with their YAML double-quoted escapes. */
const UNICODE_BREAK_ESCAPES: Readonly<Record<string, string>> = { '\u0085': '\\N', '\u2028': '\\L', '\u2029': '\\P' };
const HAS_UNICODE_BREAK = /[\u0085\u2028\u2029]/;
const EVERY_UNICODE_BREAK = /[\u0085\u2028\u2029]/g;

/**
 * The YAML of a diagnostic block, built by the `yaml` library so any text is quoted or escaped as
 * YAML needs. The YAML 1.1 schema quotes strings that 1.1 readers would take for booleans, numbers or
 * dates (`yes`, `0755`); the output is valid YAML 1.2 as well. Strings holding Unicode line
 * separators are double-quoted so the separators can be written as escapes.
 */
const toYaml = (data: object): string => {
  const document = new Document(data, { schema: 'yaml-1.1' });
  visit(document, {
    Scalar: (_key, node) => {
      if (typeof node.value === 'string' && HAS_UNICODE_BREAK.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  // Only double-quoted scalars hold these characters now, where their escapes mean the same.
  return document.toString({ lineWidth: 0 }).replace(EVERY_UNICODE_BREAK, (char) => UNICODE_BREAK_ESCAPES[char] ?? char);
};

/** `---` ... `...`, every line indented, blank lines too, so a block scalar cannot end the block early. */
const yamlBlock = (data: object): string[] => {
  const body = toYaml(data).replace(/\n$/, '').split('\n');
  return ['---', ...body, '...'].map((line) => `${YAML_INDENT}${line}`);
};

const excerptData = (name: string, excerpt: Excerpt): Record<string, unknown> => {
  if (excerpt.text === '') return {};
  const total = excerpt.truncated ? { [`${name}Total`]: { lines: excerpt.totalLines, bytes: excerpt.totalBytes } } : {};
  return { [name]: excerpt.text, ...total };
};

const evidenceData = (evidence: Evidence): Record<string, unknown> => ({
  host: evidence.host,
  command: evidence.command,
  ...(evidence.conversation ? { conversation: true } : { exitCode: evidence.exitCode }),
  ...(evidence.exitMeaning ? { exitMeaning: evidence.exitMeaning } : {}),
  ...(evidence.signal ? { signal: evidence.signal } : {}),
  ...(evidence.notRun ? { notRun: true } : {}),
  ...(evidence.stopped ? { stopped: true } : {}),
  durationMs: evidence.durationMs,
  ...excerptData('stdout', evidence.stdout),
  ...excerptData('stderr', evidence.stderr),
});

const expectationData = ({ field, matcher, expected, actual }: ExpectationResult): Record<string, string> => ({ field, matcher, expected, actual });

/** What a check that did not pass observed. `at` is where the check is written, as node-tap names it. */
const checkDiagnostics = (check: CheckResult): Record<string, unknown> => {
  const failed = check.expectations.filter((expectation) => !expectation.pass);
  return {
    severity: check.status,
    message: check.reason ?? check.status,
    check: check.id,
    kind: check.kind,
    host: check.host,
    target: check.target,
    ...(check.hostName === undefined ? {} : { hostName: check.hostName }),
    ...(check.informational ? { informational: true } : {}),
    ...(check.hint ? { hint: check.hint } : {}),
    ...(failed.length > 0 ? { expectations: failed.map(expectationData) } : {}),
    ...(check.evidence.length > 0 ? { evidence: check.evidence.map(evidenceData) } : {}),
    ...(check.missingTools.length > 0 ? { missingTools: check.missingTools } : {}),
    ...(check.notes.length > 0 ? { notes: check.notes } : {}),
    at: check.location,
  };
};

const checkPoint = (check: CheckResult, number: number, notCounted: string | undefined): string[] => {
  const description = `${number} - ${checkName(check)}`;
  if (check.status === 'pass') return [`ok ${description}`];
  if (check.status === 'skipped') return [`ok ${description} # SKIP ${tapText(check.reason ?? 'skipped')}`];
  // An informational check that does not decide its question, or one of a warning question, must
  // not fail the stream, as it fails neither the run nor the exit code: TAP's TODO is the failure
  // that does not count (spec, "TODO tests"). The diagnostic keeps its true severity, fail or error.
  const todo = notCounted === undefined ? '' : ` # TODO ${notCounted}`;
  return [`not ok ${description}${todo}`, ...yamlBlock(checkDiagnostics(check))];
};

const subtest = (question: QuestionResult): string[] => {
  if (question.checks.length === 0) return [];
  const points = question.checks.flatMap((check, index) => checkPoint(check, index + 1, notCountedBecause(check, question)));
  return [`# Subtest: ${questionName(question)}`, ...[`1..${question.checks.length}`, ...points].map((line) => `${SUBTEST_INDENT}${line}`)];
};

const questionDiagnostics = (question: QuestionResult): Record<string, unknown> => ({
  severity: question.status,
  message: question.reason ?? question.status,
  question: question.id,
  runbook: question.runbook,
  ...(question.hosts ? { hosts: question.hosts } : {}),
  ...(question.require === undefined ? {} : { require: question.require }),
  ...(question.hint ? { hint: question.hint } : {}),
});

/** The correlated test point that closes the subtest carries the question's own status (spec, "Subtests"). */
const questionPoint = (question: QuestionResult, number: number): string[] => {
  const description = `${number} - ${questionName(question)}`;
  if (question.status === 'pass') return [`ok ${description}`];
  if (question.status === 'skipped') return [`ok ${description} # SKIP ${tapText(question.reason ?? 'skipped')}`];
  return [`not ok ${description}`, ...yamlBlock(questionDiagnostics(question))];
};

/** `#` comment lines, indented past the `#` so none can read as `# Subtest` or a directive. */
const commentLines = (text: string, indent: string): string[] => text.split(LINE_BREAK).map((line) => `#${indent}${oneLine(line)}`);

const basedOn = (finding: Finding): string =>
  finding.evidence.map((item) => `${item.check}${item.hostName === undefined ? '' : ` on ${item.hostName}`} (${item.status})`).join(', ');

/** Every host a finding holds on, in one comment line: a harness keeps it whole, a reader can grep it. */
const findingHosts = (finding: Finding): string[] =>
  finding.hosts ? commentLines(`on ${counted(finding.hosts.length, 'host')}: ${finding.hosts.join(', ')}`, '     ') : [];

const findingLines = (finding: Finding): string[] => [
  ...commentLines(`${finding.id}: ${finding.message}`, '   '),
  ...findingHosts(finding),
  ...commentLines(`based on: ${basedOn(finding)}`, '     '),
  ...(finding.hint ? commentLines(`hint: ${finding.hint}`, '     ') : []),
];

const diagnosisLines = (findings: readonly Finding[]): string[] => (findings.length === 0 ? [] : ['# Diagnosis', ...findings.flatMap(findingLines)]);

const runbookComment = (report: RunReport, file: string): string[] => {
  const runbook = report.runbooks.find((candidate) => candidate.file === file);
  return commentLines(runbook ? `${runbook.title} (${runbook.file})` : file, ' ');
};

/** A comment naming each runbook before its first question, as the human report heads its sections. */
const questionLines = (report: RunReport): string[] =>
  report.questions.flatMap((question, index) => [
    ...(index === 0 || report.questions[index - 1]?.runbook !== question.runbook ? runbookComment(report, question.runbook) : []),
    ...subtest(question),
    ...questionPoint(question, index + 1),
  ]);

/** An interrupted run stopped early: `Bail out!` says so, and fails the stream as the exit code does. */
const bailOut = (report: RunReport): string[] => (report.interrupted ? [`Bail out! run interrupted, exit code ${report.exitCode}`] : []);

export const tapReporter: Reporter = {
  name: 'tap',
  summary: 'TAP version 14: a test point per question, a subtest point per check, YAML diagnostics',
  render: (report) =>
    [
      'TAP version 14',
      `1..${report.questions.length}`,
      ...replayLines(report).map((line) => `# ${line}`),
      ...questionLines(report),
      ...diagnosisLines(report.diagnosis),
      ...bailOut(report),
      '',
    ].join('\n'),
};
