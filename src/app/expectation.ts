// expect.yaml beside a recording: what replaying it must give (`runbook test DIR`). The exit code,
// each question's verdict, the findings, and optionally checks (`id`, or `id@host` on a fleet).
// Written by hand, or by `runbook test DIR --update` from what the replay gave.
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, type Diagnostic } from '../errors/diagnostic.js';
import { STATUSES, type Status } from '../model/outcome.js';
import type { RunReport } from '../model/report.js';
import { FieldReader, readYaml, yamlText } from './recording.js';

export const EXPECT_FILE = 'expect.yaml';

export interface Expectation {
  /** The runbook to replay, from the recording's directory; else the one it was recorded with. */
  readonly runbook?: string;
  readonly exitCode: number;
  readonly questions: Readonly<Record<string, Status>>;
  readonly findings: readonly string[];
  readonly checks?: Readonly<Record<string, Status>>;
}

const statusesAt = (reader: FieldReader, key: string): Record<string, Status> | undefined => {
  const map = reader.texts([key]);
  if (!map) return undefined;
  const wrong = Object.keys(map).filter((name) => reader.choice([key, name], STATUSES) === false);
  return wrong.length > 0 ? undefined : (map as Record<string, Status>);
};

/** The expectation in `dir`, or an InputError with every problem at its line. */
export const readExpectation = async (dir: string): Promise<Expectation> => {
  const file = join(dir, EXPECT_FILE);
  if (!(await stat(file).catch(() => undefined))) {
    throw new InputError([{ code: 'RB_RECORDING', message: `${file} is missing: runbook test compares a replay with it`, hint: `write the verdicts you expect, or run runbook test ${dir} --update to write what the replay gives, then read it` }]);
  }
  const problems: Diagnostic[] = [];
  const source = await readYaml(file, problems);
  if (!source) throw new InputError(problems);
  const reader = new FieldReader(source, problems);
  reader.map([]);
  const runbook = reader.text(['runbook'], true);
  const exitCode = reader.exitCode(['exit_code']);
  const questions = statusesAt(reader, 'questions');
  const findings = reader.at(['findings']) === undefined || reader.at(['findings']) === null ? [] : reader.list(['findings'])?.map((_, index) => reader.text(['findings', index]));
  const checks = reader.at(['checks']) === undefined ? undefined : statusesAt(reader, 'checks');
  if (problems.length > 0 || typeof exitCode !== 'number' || !questions || !findings || findings.includes(undefined)) throw new InputError(problems);
  return { ...(runbook === undefined ? {} : { runbook }), exitCode, questions, findings: findings as string[], ...(checks ? { checks } : {}) };
};

/** A check as expect.yaml names it: its id, with `@host` where it ran on a fleet's hosts. */
const checkName = (check: { readonly id: string; readonly hostName?: string }): string => (check.hostName === undefined ? check.id : `${check.id}@${check.hostName}`);

/** What a replay gave, in the terms of expect.yaml. */
export const expectationOf = (report: RunReport, withChecks: boolean): Expectation => ({
  exitCode: report.exitCode,
  questions: Object.fromEntries(report.questions.map((question) => [question.id, question.status])),
  findings: report.diagnosis.map((finding) => finding.id).sort(),
  ...(withChecks ? { checks: Object.fromEntries(report.questions.flatMap((question) => question.checks.map((check) => [checkName(check), check.status]))) } : {}),
});

/**
 * Each difference as a pair of lines, `-` what was expected and `+` what the replay gave: the
 * questions and checks expect.yaml names (one it names and the replay lacks shows as missing).
 */
export const differences = (expected: Expectation, got: Expectation): string[] => {
  const lines: string[] = [];
  const differ = (name: string, want: string, have: string): void => {
    if (want !== have) lines.push(`- ${name}: ${want}`, `+ ${name}: ${have}`);
  };
  differ('exit_code', String(expected.exitCode), String(got.exitCode));
  for (const [id, status] of Object.entries(expected.questions)) differ(`questions.${id}`, status, got.questions[id] ?? '(not in the report)');
  for (const id of Object.keys(got.questions).filter((name) => !(name in expected.questions))) differ(`questions.${id}`, '(not expected)', got.questions[id]!);
  differ('findings', `[${[...expected.findings].sort().join(', ')}]`, `[${got.findings.join(', ')}]`);
  for (const [id, status] of Object.entries(expected.checks ?? {})) differ(`checks.${id}`, status, got.checks?.[id] ?? '(not in the report)');
  return lines;
};

export const writeExpectation = async (dir: string, expectation: Expectation): Promise<void> => {
  const data = {
    ...(expectation.runbook === undefined ? {} : { runbook: expectation.runbook }),
    exit_code: expectation.exitCode,
    questions: expectation.questions,
    findings: expectation.findings,
    ...(expectation.checks ? { checks: expectation.checks } : {}),
  };
  await writeFile(join(dir, EXPECT_FILE), yamlText('what replaying this recording must give (runbook test); check it by reading, then keep it', data));
};
