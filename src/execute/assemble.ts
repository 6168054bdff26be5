// Builds the RunReport from check results: question verdicts, counts, status and exit code are
// decided here once, for every reporter.
import { REPORT_VERSION, type CheckResult, type Finding, type QuestionResult, type RunbookSummary, type RunReport } from '../model/report.js';
import type { Runbook } from '../model/runbook.js';
import { describeHost } from '../model/host-address.js';
import { countStatuses, exitCodeFor, questionVerdict, worstStatus } from './verdict.js';

export interface RunbookRun {
  readonly runbook: Runbook;
  readonly results: readonly CheckResult[];
  readonly findings: readonly Finding[];
}

export interface RunMeta {
  readonly tool: { readonly name: string; readonly version: string };
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly interrupted: boolean;
}

const questionResults = ({ runbook, results }: RunbookRun): QuestionResult[] =>
  runbook.questions.map((question) => {
    const checks = question.checks.map((check) => results.find((result) => result.id === check.id)!);
    const verdict = questionVerdict(checks);
    return {
      runbook: runbook.file,
      id: question.id,
      title: question.title,
      status: verdict.status,
      ...(question.severity === 'warning' ? { severity: 'warning' as const } : {}),
      ...(verdict.reason ? { reason: verdict.reason } : {}),
      ...(verdict.status !== 'pass' && question.hint ? { hint: question.hint } : {}),
      checks,
    };
  });

/** The statuses that decide the run: a question of severity warning is reported, never counted against it. */
const gatingStatuses = (questions: readonly QuestionResult[]) => questions.filter((question) => question.severity !== 'warning').map((question) => question.status);

const summarize = (run: RunbookRun, questions: readonly QuestionResult[]): RunbookSummary => ({
  file: run.runbook.file,
  title: run.runbook.title,
  status: worstStatus(gatingStatuses(questions)),
  vars: run.runbook.vars,
  hosts: Object.fromEntries(Object.entries(run.runbook.hosts).map(([role, spec]) => [role, describeHost(spec)])),
});

export const assembleReport = (runs: readonly RunbookRun[], meta: RunMeta): RunReport => {
  const perRunbook = runs.map((run) => ({ run, questions: questionResults(run) }));
  const questions = perRunbook.flatMap(({ questions }) => questions);
  const questionStatuses = questions.map((question) => question.status);
  const gating = gatingStatuses(questions);
  return {
    reportVersion: REPORT_VERSION,
    tool: meta.tool,
    startedAt: meta.startedAt.toISOString(),
    durationMs: Math.round(meta.durationMs),
    status: worstStatus(gating),
    exitCode: exitCodeFor(gating, meta.interrupted),
    interrupted: meta.interrupted,
    summary: {
      questions: countStatuses(questionStatuses),
      checks: countStatuses(questions.flatMap((question) => question.checks.map((check) => check.status))),
    },
    runbooks: perRunbook.map(({ run, questions: own }) => summarize(run, own)),
    questions,
    diagnosis: runs.flatMap((run) => run.findings),
  };
};
