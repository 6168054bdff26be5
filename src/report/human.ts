// The operator's report: one line per question, and for anything that did not pass, the check, the
// reason, the evidence (command, exit code and its meaning, output excerpt) and the hint. A question
// over a fleet says how many of its hosts passed, and lists the hosts whose check ended the same way
// as one line with one host's evidence, so that 200 hosts read as a handful of lines; `--verbose`
// lists every host instead.
import { styleText } from 'node:util';
import { endLine } from './evidence-text.js';
import { replayLines } from './replay-note.js';
import type { Evidence, Excerpt, Status } from '../model/outcome.js';
import type { CheckResult, Finding, QuestionResult, RunReport } from '../model/report.js';
import { describeRequire } from '../model/require.js';
import type { Reporter, Screen } from './types.js';
import { groupHosts, listHostNames, passedOnRetry, whereRan, type HostGroup } from './host-groups.js';
import { counted, summaryCounts } from '../model/counted.js';
import { reasonAfterWhere } from '../model/host-address.js';

const SHORT_EXCERPT_LINES = 8;
/** Hosts named on a group's line: enough to recognise a pattern (a rack, a range), not the inventory. */
const GROUP_NAMES_LISTED = 20;
/** Hosts named on a finding's line, which has its message to fit as well. */
const FINDING_NAMES_LISTED = 10;

const LABEL: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };
const COLOR: Record<Status, Parameters<typeof styleText>[0]> = { pass: 'green', fail: 'red', error: 'yellow', skipped: 'gray' };

const paint = (screen: Screen, format: Parameters<typeof styleText>[0], text: string): string =>
  screen.colors ? styleText(format, text) : text;

const label = (screen: Screen, status: Status): string => paint(screen, COLOR[status], LABEL[status].padEnd(5));

// ---- Checks ------------------------------------------------------------------------------------

const shortExcerpt = (name: string, { text, totalLines }: Excerpt): string[] => {
  if (text === '') return [];
  const lines = text.split('\n');
  const shown = lines.slice(0, SHORT_EXCERPT_LINES);
  const hidden = totalLines - shown.length;
  const more = hidden > 0 ? [`  … ${counted(hidden, 'more line', 'more lines')} (see --reporter json)`] : [];
  return [`${name}:`, ...shown.map((line) => `  ${line}`), ...more];
};

/**
 * `head` and a text that may span lines (a probe's script, a hint written as a YAML block): its
 * later lines stand under its first, so they never read as lines of the report's own.
 */
const labelled = (head: string, text: string): string[] => {
  const [first = '', ...rest] = text.split('\n');
  return [`${head}${first}`, ...rest.map((line) => `${' '.repeat(head.length)}${line}`)];
};

/** A conversation is not a command: no `$` prompt, no exit code, its transcript and what went wrong. */
const conversationLines = (evidence: Evidence): string[] => [
  ...labelled('~ ', evidence.command),
  `${evidence.durationMs} ms from ${evidence.host}`,
  ...shortExcerpt('said', evidence.stdout),
  ...shortExcerpt('problem', evidence.stderr),
];

const evidenceLines = (evidence: Evidence): string[] => {
  if (evidence.conversation) return conversationLines(evidence);
  return [
    ...labelled('$ ', evidence.command),
    endLine(evidence),
    ...shortExcerpt('stdout', evidence.stdout),
    ...shortExcerpt('stderr', evidence.stderr),
  ];
};

const indent = (lines: string[], by: string): string[] => lines.map((line) => `${by}${line}`);

/** What a check that did not pass shows under its line: the evidence, the notes and the hint. */
const detailLines = (check: CheckResult): string[] => [
  ...check.evidence.flatMap(evidenceLines),
  ...check.notes.flatMap((note) => labelled('note: ', note)),
  ...(check.hint ? labelled('hint: ', check.hint) : []),
];

const checkName = (check: CheckResult): string => `${check.id}${check.informational ? ' (informational)' : ''}`;

const checkLines = (screen: Screen, check: CheckResult): string[] => {
  const head = `${label(screen, check.status)} ${checkName(check)} on ${whereRan(check)}: ${reasonAfterWhere(check.reason ?? '', check.target)}`;
  if (check.status === 'skipped') return [head];
  return [head, ...indent(detailLines(check), '      ')];
};

const retriedLine = (screen: Screen, check: CheckResult): string => `${label(screen, 'pass')} ${check.id} on ${whereRan(check)}: ${check.notes.at(-1) ?? ''}`;

/** A pass prints nothing, unless it took retries: then one line says so. */
const retriedLines = (screen: Screen, check: CheckResult): string[] => (passedOnRetry(check) ? [retriedLine(screen, check)] : []);

const singleHostLines = (screen: Screen, check: CheckResult): string[] => (check.status === 'pass' ? retriedLines(screen, check) : checkLines(screen, check));

// ---- Fleet checks ------------------------------------------------------------------------------

const groupHead = (screen: Screen, { first, checks, statement }: HostGroup): string => {
  const names = listHostNames(checks.map((check) => check.hostName ?? check.target), GROUP_NAMES_LISTED);
  return `${label(screen, first.status)} ${checkName(first)} on ${checks.length} hosts (${names}): ${statement}`;
};

/** A group of one reads as a check of its own; a larger one as one line, with the first host's evidence as the example. */
const groupLines = (screen: Screen, group: HostGroup): string[] => {
  if (group.checks.length === 1) return singleHostLines(screen, group.first);
  const head = groupHead(screen, group);
  if (group.first.status === 'pass' || group.first.status === 'skipped') return [head];
  return [head, `      e.g. ${group.first.hostName ?? group.first.target}:`, ...indent(detailLines(group.first), '        ')];
};

/** Passing hosts print nothing (but for retries); the others in groups. */
const groupedFleetLines = (screen: Screen, checks: readonly CheckResult[]): string[] =>
  groupHosts(checks.filter((check) => check.status !== 'pass' || passedOnRetry(check))).flatMap((group) => groupLines(screen, group));

/** `--verbose`: every host's run on its own line, in report order; a pass in one line, without evidence. */
const everyHostLines = (screen: Screen, checks: readonly CheckResult[]): string[] =>
  checks.flatMap((check) => {
    if (check.status !== 'pass') return checkLines(screen, check);
    return [passedOnRetry(check) ? retriedLine(screen, check) : `${label(screen, 'pass')} ${checkName(check)} on ${whereRan(check)}`];
  });

/** A question's checks: those on single hosts as always, then those on a fleet. */
const questionCheckLines = (screen: Screen, question: QuestionResult): string[] => {
  const fleet = question.checks.filter((check) => check.hostName !== undefined);
  const single = question.checks.filter((check) => check.hostName === undefined).flatMap((check) => singleHostLines(screen, check));
  if (fleet.length === 0) return single;
  return [...single, ...(screen.verbose ? everyHostLines(screen, fleet) : groupedFleetLines(screen, fleet))];
};

// ---- Questions, findings, the run -----------------------------------------------------------------

/** A question of severity warning that did not pass reads WARN: it is reported, and it does not fail the run. */
const questionLabel = (screen: Screen, question: QuestionResult): string =>
  question.severity === 'warning' && question.status !== 'pass' ? paint(screen, 'yellow', 'WARN ') : label(screen, question.status);

/** `  48/50 hosts pass (require all)`, for a question over a fleet. */
const hostCount = (question: QuestionResult): string => {
  if (!question.hosts) return '';
  const require = question.require === undefined ? '' : ` (require ${describeRequire(question.require)})`;
  return `  ${question.hosts.pass}/${question.hosts.total} hosts pass${require}`;
};

const questionLines = (screen: Screen, question: QuestionResult, idWidth: number): string[] => {
  const warning = question.severity === 'warning' && question.status !== 'pass' ? `  (warning: ${question.status}, does not fail the run)` : '';
  const head = `${questionLabel(screen, question)} ${paint(screen, 'bold', question.id.padEnd(idWidth))}  ${question.title}${hostCount(question)}${warning}`;
  const shown = questionCheckLines(screen, question);
  if (question.status === 'pass' && shown.length === 0) return [head];
  return [head, ...indent(shown, '    '), ...(question.status !== 'pass' && question.hint ? labelled('    hint: ', question.hint) : [])];
};

/** ` (3 hosts: web07, web31, web40)` after a finding's id, when a rule about a fleet held on those hosts. */
const findingHosts = (finding: Finding): string => {
  if (!finding.hosts) return '';
  const { length } = finding.hosts;
  const names = finding.hosts.slice(0, FINDING_NAMES_LISTED).join(', ') + (length > FINDING_NAMES_LISTED ? ', …' : '');
  return ` (${counted(length, 'host')}: ${names})`;
};

const basedOn = (finding: Finding): string =>
  finding.evidence.map((item) => `${item.check}${item.hostName === undefined ? '' : ` on ${item.hostName}`} (${item.status})`).join(', ');

const findingLines = (screen: Screen, finding: Finding): string[] => [
  `${paint(screen, 'bold', `- ${finding.id}`)}${findingHosts(finding)}: ${finding.message}`,
  `    based on: ${basedOn(finding)}`,
  ...(finding.hint ? labelled('    hint: ', finding.hint) : []),
];

const diagnosisLines = (screen: Screen, findings: readonly Finding[]): string[] =>
  findings.length === 0 ? [] : [paint(screen, 'bold', 'Diagnosis'), ...findings.flatMap((finding) => findingLines(screen, finding)), ''];

/** A shard's report holds part of the hosts, so its counts are not the fleet's: it says so. */
const shardLines = (report: RunReport): string[] => {
  const part = ({ index, total }: { index: number; total: number }): string => `${index}/${total}`;
  if (report.shard) return [`Shard ${part(report.shard)}: this report holds that part of the hosts; merge-reports joins the parts`];
  if (report.mergedShards) return [`Merged from shards ${report.mergedShards.map(part).join(', ')}`];
  return [];
};

export const humanReporter: Reporter = {
  name: 'human',
  summary: 'per question: status and title; for what did not pass, the evidence and the hint',
  render: (report: RunReport, screen: Screen) => {
    const sections = report.runbooks.map((runbook) => {
      const questions = report.questions.filter((question) => question.runbook === runbook.file);
      const idWidth = Math.max(0, ...questions.map((question) => question.id.length));
      return [paint(screen, 'bold', `${runbook.title}  (${runbook.file})`), ...questions.flatMap((question) => questionLines(screen, question, idWidth)), ''];
    });
    const result = `${label(screen, report.status).trim()}${report.interrupted ? ' (interrupted)' : ''}${report.replay ? ' (replayed)' : ''}, exit code ${report.exitCode}`;
    const replay = replayLines(report);
    return [
      ...(replay.length > 0 ? [paint(screen, 'bold', replay[0]!), ...replay.slice(1), ''] : []),
      ...sections.flat(),
      ...diagnosisLines(screen, report.diagnosis),
      ...shardLines(report),
      `${summaryCounts(report.summary)}; ${(report.durationMs / 1000).toFixed(1)} s`,
      `Result: ${result}`,
      '',
    ].join('\n');
  },
};
