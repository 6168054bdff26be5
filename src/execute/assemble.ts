// Builds the RunReport from check results: question verdicts, counts, status and exit code are
// decided here once, for every reporter.
import { groupBy } from '../model/group-by.js';
import { DEFAULT_REQUIRE } from '../model/require.js';
import { REPORT_VERSION, type CheckResult, type Finding, type QuestionResult, type ReplayMark, type RunbookSummary, type RunReport } from '../model/report.js';
import type { Runbook } from '../model/runbook.js';
import { describeRole } from '../model/host-address.js';
import { countStatuses, exitCodeFor, gatingStatuses, questionVerdict, runStatus } from './verdict.js';

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
  readonly shard?: { readonly index: number; readonly total: number };
  readonly replay?: ReplayMark;
}

/** A question none of whose checks ran on any host (all left out by --limit or --shard) is not reported. */
const questionResults = ({ runbook, results }: RunbookRun): QuestionResult[] => {
  const resultsOf = groupBy(results, (result) => result.id);
  return runbook.questions.filter((question) => question.checks.some((check) => resultsOf.has(check.id))).map((question) => {
    const checks = question.checks.flatMap((check) => resultsOf.get(check.id) ?? []);
    const { id, title, hint, require } = question;
    return judgedQuestion({ runbook: runbook.file, id, title, hint, require, severity: question.severity === 'warning' ? 'warning' : undefined }, checks);
  });
};

/** What a question's entry in the report says of it: the same for a run and for merged shards. */
export interface QuestionSource {
  readonly runbook: string;
  readonly id: string;
  readonly title: string;
  readonly severity?: 'warning' | undefined;
  readonly hint?: string | undefined;
  readonly require?: string | undefined;
}

/** A question with its checks' results, judged (execute/verdict.ts): the hint only when it failed (as a check's: run-check.ts), require only over a fleet. */
export const judgedQuestion = (question: QuestionSource, checks: readonly CheckResult[]): QuestionResult => {
  const require = question.require ?? DEFAULT_REQUIRE;
  const verdict = questionVerdict(checks, require);
  return {
    runbook: question.runbook,
    id: question.id,
    title: question.title,
    status: verdict.status,
    ...(question.severity === 'warning' ? { severity: 'warning' as const } : {}),
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    ...(verdict.status === 'fail' && question.hint ? { hint: question.hint } : {}),
    ...(verdict.hosts ? { hosts: verdict.hosts, require } : {}),
    checks: [...checks],
  };
};


const summarize = (run: RunbookRun, questions: readonly QuestionResult[], interrupted: boolean): RunbookSummary => ({
  file: run.runbook.file,
  title: run.runbook.title,
  status: runStatus(gatingStatuses(questions), interrupted),
  vars: run.runbook.vars,
  hosts: Object.fromEntries(Object.entries(run.runbook.hosts).map(([role, spec]) => [role, describeRole(spec)])),
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
    status: runStatus(gating, meta.interrupted),
    exitCode: exitCodeFor(gating, meta.interrupted),
    interrupted: meta.interrupted,
    ...(meta.shard ? { shard: meta.shard } : {}),
    ...(meta.replay ? { replay: meta.replay } : {}),
    summary: {
      questions: countStatuses(questionStatuses),
      checks: countStatuses(questions.flatMap((question) => question.checks.map((check) => check.status))),
    },
    runbooks: perRunbook.map(({ run, questions: own }) => summarize(run, own, meta.interrupted)),
    questions,
    diagnosis: runs.flatMap((run) => run.findings),
  };
};
