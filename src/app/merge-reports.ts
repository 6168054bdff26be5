// `runbook merge-reports`: the reports of a sharded run (`runbook run --shard i/n`, one per runner)
// joined into the report of the whole run, judged again as one run would judge it: a question's
// `require: 90%` counts the hosts of every shard, and the exit code is the whole run's.
import { InputError, type Diagnostic } from '../errors/diagnostic.js';
import { judgedQuestion } from '../execute/assemble.js';
import { countStatuses, exitCodeFor, gatingStatuses, runStatus } from '../execute/verdict.js';
import { describeFleet } from '../model/host-address.js';
import { groupBy } from '../model/group-by.js';
import { REPORT_VERSION, type CheckResult, type Finding, type QuestionResult, type RunbookSummary, type RunReport } from '../model/report.js';

export interface ReportFile {
  /** As the operator named it: every message about the report says it. */
  readonly file: string;
  readonly report: RunReport;
}

type Shard = NonNullable<RunReport['shard']>;

const usage = (message: string, hint?: string): Diagnostic => ({ code: 'RB_USAGE', message, ...(hint ? { hint } : {}) });

const shardText = ({ index, total }: Shard): string => `${index}/${total}`;

/** A report of another reportVersion may mean other things by the same fields: it is not merged. */
export const reportVersionProblem = (file: string, version: unknown): Diagnostic | undefined =>
  version === REPORT_VERSION ? undefined : usage(`${file}: report version ${JSON.stringify(version)}, but this runbook merges version ${REPORT_VERSION}`, 'make every report with the runbook that merges them');

/** What an unsharded report is: a whole run (or an earlier merge), which no other report adds to. */
const wholeRunProblem = ({ file, report }: ReportFile): Diagnostic => {
  const what = report.mergedShards ? `a merge of shards ${report.mergedShards.map(shardText).join(', ')}` : 'a whole run (made without --shard)';
  return usage(`${file} is ${what}: it merges with no other report`, 'merge the reports of one runbook run --shard i/n, one per shard');
};

/**
 * Every shard of one run, each once: a missing shard would leave its hosts out of the verdict
 * unseen. Which are missing is said only when every input is a shard of one run; otherwise the
 * inputs are wrong in another way, said first.
 */
const shardProblems = (sharded: readonly (ReportFile & { shard: Shard })[], everyInputSharded: boolean): Diagnostic[] => {
  const [reference] = sharded;
  if (!reference) return [];
  const { total } = reference.shard;
  const otherRuns = sharded.filter(({ shard }) => shard.total !== total).map(({ file, shard }) => usage(`${reference.file} is shard ${shardText(reference.shard)}, ${file} is shard ${shardText(shard)}`, 'merge the shards of one run'));
  const beyond = sharded.filter(({ shard }) => shard.index > shard.total).map(({ file, shard }) => usage(`${file} is shard ${shardText(shard)}: there is no such shard`));
  const ofThisRun = sharded.filter(({ shard }) => shard.total === total && shard.index <= total);
  const twice = [...groupBy(ofThisRun, ({ shard }) => shard.index).values()].flatMap(([first, ...again]) =>
    again.map(({ file, shard }) => usage(`${first!.file} and ${file} are both shard ${shardText(shard)}`, "merge each shard's report once")),
  );
  if (!everyInputSharded || otherRuns.length > 0 || beyond.length > 0) return [...otherRuns, ...beyond, ...twice];
  return [...twice, ...missingShards(ofThisRun.map(({ shard }) => shard.index), total).map(missingText)];
};

/**
 * The runs of shard numbers from 1 to `total` that `present` leaves out, found from the shards given
 * alone: a report may say it is shard 1 of 2^53, and enumerating the others would never end.
 */
const missingShards = (present: readonly number[], total: number): { from: number; to: number; total: number }[] => {
  const gaps: { from: number; to: number; total: number }[] = [];
  let next = 1;
  for (const index of [...new Set(present)].sort((a, b) => a - b)) {
    if (index > next) gaps.push({ from: next, to: index - 1, total });
    next = index + 1;
  }
  if (next <= total) gaps.push({ from: next, to: total, total });
  return gaps;
};

const missingText = ({ from, to, total }: { from: number; to: number; total: number }): Diagnostic =>
  from === to
    ? usage(`shard ${from}/${total} is missing: merge every shard's report`)
    : usage(`shards ${from}/${total} to ${to}/${total} are missing (${to - from + 1}): merge every shard's report`);

const runbookFiles = (report: RunReport): string => report.runbooks.map((runbook) => runbook.file).join(', ') || 'no runbook';

/** The first variable two summaries of one runbook give different values, as `name: a against b`. */
const otherVariable = (mine: RunbookSummary, theirs: RunbookSummary): string | undefined => {
  const names = [...new Set([...Object.keys(mine.vars), ...Object.keys(theirs.vars)])];
  const shown = (vars: RunbookSummary['vars'], name: string): string => (Object.hasOwn(vars, name) ? JSON.stringify(vars[name]) : '(not set)');
  const name = names.find((each) => shown(mine.vars, each) !== shown(theirs.vars, each));
  return name === undefined ? undefined : `${name}: ${shown(mine.vars, name)} against ${shown(theirs.vars, name)}`;
};

/**
 * Shards of one run ran the same runbooks, named alike, with the same variables: every shard's
 * report lists each runbook of the run, hosts in it or not. Shards of two runs would be merged
 * into a verdict on neither (each runbook judged on half its hosts, or one file's questions twice).
 */
const sameRunProblems = (sharded: readonly ReportFile[]): Diagnostic[] => {
  const [reference, ...others] = sharded;
  if (!reference) return [];
  const referenceFiles = runbookFiles(reference.report);
  return others.flatMap(({ file, report }): Diagnostic[] => {
    const files = runbookFiles(report);
    if (files !== referenceFiles) {
      return [usage(`${reference.file} ran ${referenceFiles}, ${file} ran ${files}`, 'merge the shards of one run: each runs the same runbooks, named by the same paths (relative ones read alike on every runner)')];
    }
    return report.runbooks.flatMap((summary, at) => {
      const difference = otherVariable(reference.report.runbooks[at]!, summary);
      return difference === undefined ? [] : [usage(`${reference.file} and ${file} ran ${summary.file} with other variables (${difference})`, 'merge the shards of one run: give every shard the same --var, --vars-file and RUNBOOK_VAR_ values')];
    });
  });
};

/** A date that does not parse would make the merged report's start and duration NaN. */
const dateProblems = (inputs: readonly ReportFile[]): Diagnostic[] =>
  inputs.filter(({ report }) => Number.isNaN(Date.parse(report.startedAt))).map(({ file, report }) => usage(`${file}: startedAt ${JSON.stringify(report.startedAt)} is not a date`));

const inputProblems = (inputs: readonly ReportFile[]): Diagnostic[] => {
  if (inputs.length === 0) return [usage('no report to merge', 'give the JSON reports of runbook run --shard i/n --reporter json:FILE')];
  const versions = inputs.flatMap(({ file, report }) => reportVersionProblem(file, report.reportVersion) ?? []);
  const whole = inputs.length > 1 ? inputs.filter(({ report }) => report.shard === undefined).map(wholeRunProblem) : [];
  const sharded = inputs.flatMap(({ file, report }) => (report.shard ? [{ file, report, shard: report.shard }] : []));
  return [...versions, ...whole, ...shardProblems(sharded, sharded.length === inputs.length), ...sameRunProblems(sharded), ...dateProblems(inputs)];
};

/**
 * One order for items listed in several orders, keeping each list's own: the first list's order,
 * and an item first seen in a later list right after the item it follows there (first when it
 * follows none). Each shard lists its questions in runbook order, less those with no host in it,
 * so the merge gives runbook order back whenever the shards together say what it is.
 */
const mergeOrders = <T>(lists: Iterable<readonly T[]>): T[] => {
  const merged: T[] = [];
  for (const list of lists) {
    let after = -1;
    for (const item of list) {
      const at = merged.indexOf(item);
      if (at >= 0) {
        after = at;
      } else {
        after += 1;
        merged.splice(after, 0, item);
      }
    }
  }
  return merged;
};

/** Host names as people number them: web2 before web10. */
const byHost = new Intl.Collator('en', { numeric: true }).compare;

const hostOf = (check: CheckResult): string => check.hostName ?? check.target;

/**
 * A check that ran in several shards (a dependency every shard's checks wait for, such as the
 * database the web hosts need) is kept once, from the first report that has it; then by check
 * (in the merged order of their ids) and by host.
 */
const mergeChecks = (lists: readonly (readonly CheckResult[])[]): CheckResult[] => {
  const kept = new Map<string, CheckResult>();
  for (const check of lists.flat()) {
    const key = `${check.id}\n${hostOf(check)}`;
    if (!kept.has(key)) kept.set(key, check);
  }
  const rank = new Map(mergeOrders(lists.map((checks) => checks.map((check) => check.id))).map((id, at) => [id, at]));
  return [...kept.values()].sort((a, b) => rank.get(a.id)! - rank.get(b.id)! || byHost(hostOf(a), hostOf(b)));
};

/** One question from its part in each shard, judged again on all its checks by its own `require:`. */
const mergeQuestion = (parts: readonly QuestionResult[]): QuestionResult => {
  const first = parts[0]!;
  const require = parts.find((part) => part.require !== undefined)?.require;
  // Only a shard where the question failed carries its hint: the merged question fails too when one did.
  const hint = parts.find((part) => part.hint !== undefined)?.hint;
  return judgedQuestion({ runbook: first.runbook, id: first.id, title: first.title, severity: first.severity, hint, require }, mergeChecks(parts.map((part) => part.checks)));
};

const questionKey = (question: QuestionResult): string => `${question.runbook}\n${question.id}`;

const mergeQuestions = (reports: readonly RunReport[], runbooks: readonly string[]): QuestionResult[] => {
  const parts = groupBy(reports.flatMap((report) => report.questions), questionKey);
  return runbooks.flatMap((runbook) => {
    const orders = reports.map((report) => report.questions.filter((question) => question.runbook === runbook).map(questionKey));
    return mergeOrders(orders).map((key) => mergeQuestion(parts.get(key)!));
  });
};

const findingKey = (finding: Finding): string => JSON.stringify([finding.runbook, finding.id, finding.message, finding.hint ?? null]);

/**
 * Findings are joined, not judged again: the diagnosis rules are not in the reports. A rule that
 * held with the same message in several shards is one finding, on the hosts of all of them, with
 * the evidence of the first.
 */
const mergeFindings = (reports: readonly RunReport[]): Finding[] => {
  const equal = groupBy(reports.flatMap((report) => report.diagnosis), findingKey);
  return mergeOrders(reports.map((report) => report.diagnosis.map(findingKey))).map((key) => {
    const [first, ...others] = equal.get(key)!;
    if (first!.hosts === undefined && others.every((other) => other.hosts === undefined)) return first!;
    return { ...first!, hosts: [...new Set([first!, ...others].flatMap((finding) => finding.hosts ?? []))] };
  });
};

/** A fleet role's hosts as every shard's results name them (each report names only its own shard's). */
const fleetRoles = (questions: readonly QuestionResult[]): Record<string, string> => {
  const byRole = groupBy(questions.flatMap((question) => question.checks).filter((check) => check.hostName !== undefined), (check) => check.host);
  return Object.fromEntries([...byRole].map(([role, checks]) => [role, describeFleet([...new Set(checks.map((check) => check.hostName!))])]));
};

/** Title and variables as the first report says them; fleets' hosts and the status from the merged questions. */
const mergeRunbooks = (reports: readonly RunReport[], files: readonly string[], questions: readonly QuestionResult[], interrupted: boolean): RunbookSummary[] =>
  files.flatMap((file) => {
    const first = reports.flatMap((report) => report.runbooks).find((runbook) => runbook.file === file);
    const own = questions.filter((question) => question.runbook === file);
    return first ? [{ ...first, hosts: { ...first.hosts, ...fleetRoles(own) }, status: runStatus(gatingStatuses(own), interrupted) }] : [];
  });

/** From the first shard's start to the last one's end: the runners ran side by side. */
const timeSpan = (reports: readonly RunReport[]): { startedAt: string; durationMs: number } => {
  const starts = reports.map((report) => Date.parse(report.startedAt));
  const ends = reports.map((report, at) => starts[at]! + report.durationMs);
  const start = Math.min(...starts);
  return { startedAt: new Date(start).toISOString(), durationMs: Math.round(Math.max(...ends) - start) };
};

/**
 * The report of the whole run from the reports of its shards (or one whole run's report, as it is).
 * Every problem with the inputs at once, each naming its file, as an InputError.
 */
export const mergeReports = (inputs: readonly ReportFile[]): RunReport => {
  const problems = inputProblems(inputs);
  if (problems.length > 0) throw new InputError(problems);
  const reports = inputs.map(({ report }) => report);
  // The questions' runbooks too: a question is never dropped for a summary its report lacks.
  const files = mergeOrders(reports.map((report) => [...report.runbooks.map((runbook) => runbook.file), ...report.questions.map((question) => question.runbook)]));
  const questions = mergeQuestions(reports, files);
  const gating = gatingStatuses(questions);
  const interrupted = reports.some((report) => report.interrupted);
  // A lone earlier merge, merged again (into other reporters), still says which shards it holds.
  const shards = reports.flatMap((report) => report.shard ?? report.mergedShards ?? []).sort((a, b) => a.index - b.index);
  return {
    reportVersion: REPORT_VERSION,
    tool: reports[0]!.tool,
    ...timeSpan(reports),
    status: runStatus(gating, interrupted),
    exitCode: exitCodeFor(gating, interrupted),
    interrupted,
    ...(shards.length > 0 ? { mergedShards: shards } : {}),
    summary: {
      questions: countStatuses(questions.map((question) => question.status)),
      checks: countStatuses(questions.flatMap((question) => question.checks.map((check) => check.status))),
    },
    runbooks: mergeRunbooks(reports, files, questions, interrupted),
    questions,
    diagnosis: mergeFindings(reports),
  };
};
