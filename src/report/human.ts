// The operator's report: one line per question, and for anything that did not pass, the check, the
// reason, the evidence (command, exit code and its meaning, output excerpt) and the hint.
import { roleAndTarget } from '../model/host-address.js';
import { styleText } from 'node:util';
import { STATUSES, type Evidence, type Excerpt, type Status } from '../model/outcome.js';
import type { CheckResult, Counts, Finding, QuestionResult, RunReport } from '../model/report.js';
import type { Reporter, Screen } from './types.js';

const SHORT_EXCERPT_LINES = 8;

const LABEL: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };
const COLOR: Record<Status, Parameters<typeof styleText>[0]> = { pass: 'green', fail: 'red', error: 'yellow', skipped: 'gray' };

const paint = (screen: Screen, format: Parameters<typeof styleText>[0], text: string): string =>
  screen.colors ? styleText(format, text) : text;

const label = (screen: Screen, status: Status): string => paint(screen, COLOR[status], LABEL[status].padEnd(5));

const shortExcerpt = (name: string, { text, totalLines }: Excerpt): string[] => {
  if (text === '') return [];
  const lines = text.split('\n');
  const shown = lines.slice(0, SHORT_EXCERPT_LINES);
  const hidden = totalLines - shown.length;
  const more = hidden > 0 ? [`  … ${hidden} more line${hidden === 1 ? '' : 's'} (see --reporter json)`] : [];
  return [`${name}:`, ...shown.map((line) => `  ${line}`), ...more];
};

/** A conversation is not a command: no `$` prompt, no exit code, its transcript and what went wrong. */
const conversationLines = (evidence: Evidence): string[] => [
  `~ ${evidence.command}`,
  `${evidence.durationMs} ms from ${evidence.host}`,
  ...shortExcerpt('said', evidence.stdout),
  ...shortExcerpt('problem', evidence.stderr),
];

const evidenceLines = (evidence: Evidence): string[] => {
  if (evidence.conversation) return conversationLines(evidence);
  const exit = evidence.exitCode === null ? (evidence.signal ? `ended by ${evidence.signal}` : 'no exit code') : `exit ${evidence.exitCode}`;
  const meaning = evidence.exitMeaning && evidence.exitCode !== null ? ` (${evidence.exitMeaning})` : '';
  return [
    `$ ${evidence.command}`,
    `${exit}${meaning} after ${evidence.durationMs} ms on ${evidence.host}`,
    ...shortExcerpt('stdout', evidence.stdout),
    ...shortExcerpt('stderr', evidence.stderr),
  ];
};

const indent = (lines: string[], by: string): string[] => lines.map((line) => `${by}${line}`);

const checkLines = (screen: Screen, check: CheckResult): string[] => {
  const head = `${label(screen, check.status)} ${check.id}${check.informational ? ' (informational)' : ''} on ${roleAndTarget(check.host, check.target)}: ${check.reason ?? ''}`;
  if (check.status === 'skipped') return [head];
  return [
    head,
    ...indent(check.evidence.flatMap(evidenceLines), '      '),
    ...check.notes.map((note) => `      note: ${note}`),
    ...(check.hint ? [`      hint: ${check.hint}`] : []),
  ];
};

/** A check that passed only on a retry says so, in one line: the gate held, but only just. */
const retriedLines = (screen: Screen, check: CheckResult): string[] =>
  check.status === 'pass' && (check.attempts?.length ?? 0) > 0 ? [`${label(screen, 'pass')} ${check.id} on ${roleAndTarget(check.host, check.target)}: ${check.notes.at(-1) ?? ''}`] : [];

/** A question of severity warning that did not pass reads WARN: it is reported, and it does not fail the run. */
const questionLabel = (screen: Screen, question: QuestionResult): string =>
  question.severity === 'warning' && question.status !== 'pass' ? paint(screen, 'yellow', 'WARN ') : label(screen, question.status);

const questionLines = (screen: Screen, question: QuestionResult, idWidth: number): string[] => {
  const warning = question.severity === 'warning' && question.status !== 'pass' ? `  (warning: ${question.status}, does not fail the run)` : '';
  const head = `${questionLabel(screen, question)} ${paint(screen, 'bold', question.id.padEnd(idWidth))}  ${question.title}${warning}`;
  const shown = question.checks.flatMap((check) => (check.status === 'pass' ? retriedLines(screen, check) : checkLines(screen, check)));
  if (question.status === 'pass' && shown.length === 0) return [head];
  return [head, ...indent(shown, '    '), ...(question.status !== 'pass' && question.hint ? [`    hint: ${question.hint}`] : [])];
};

const findingLines = (screen: Screen, finding: Finding): string[] => [
  `${paint(screen, 'bold', `- ${finding.id}`)}: ${finding.message}`,
  `    based on: ${finding.evidence.map((item) => `${item.check} (${item.status})`).join(', ')}`,
  ...(finding.hint ? [`    hint: ${finding.hint}`] : []),
];

const diagnosisLines = (screen: Screen, findings: readonly Finding[]): string[] =>
  findings.length === 0 ? [] : [paint(screen, 'bold', 'Diagnosis'), ...findings.flatMap((finding) => findingLines(screen, finding)), ''];

const countLine = (what: string, counts: Counts): string =>
  `${counts.total} ${what}: ${STATUSES.map((status) => `${counts[status]} ${status}`).join(', ')}`;

export const humanReporter: Reporter = {
  name: 'human',
  summary: 'per question: status and title; for what did not pass, the evidence and the hint',
  render: (report: RunReport, screen: Screen) => {
    const sections = report.runbooks.map((runbook) => {
      const questions = report.questions.filter((question) => question.runbook === runbook.file);
      const idWidth = Math.max(0, ...questions.map((question) => question.id.length));
      return [paint(screen, 'bold', `${runbook.title}  (${runbook.file})`), ...questions.flatMap((question) => questionLines(screen, question, idWidth)), ''];
    });
    const result = `${label(screen, report.status).trim()}${report.interrupted ? ' (interrupted)' : ''}, exit code ${report.exitCode}`;
    return [
      ...sections.flat(),
      ...diagnosisLines(screen, report.diagnosis),
      `${countLine('questions', report.summary.questions)}; ${countLine('checks', report.summary.checks)}; ${(report.durationMs / 1000).toFixed(1)} s`,
      `Result: ${result}`,
      '',
    ].join('\n');
  },
};
