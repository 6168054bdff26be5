// Where the finished report goes: `--reporter NAME[:FILE]`, repeatable, at most one of them on
// stdout. Checked before anything runs (a typo costs nothing); written after, each reporter on its
// own, so one that fails takes none of the others down and never changes the exit code.
import { didYouMean } from '../errors/did-you-mean.js';
import { errorText, usageError } from '../errors/diagnostic.js';
import type { RunReport } from '../model/report.js';
import { REPORTER_NAMES, REPORTERS, type ReporterName } from '../report/registry.js';
import { appendRendered, colorWanted, entriesRead, entryOf, environment, outputProblem, stderr, stdoutRendered, writeRenderedAtomically } from './io.js';

export interface ReportTarget {
  readonly reporter: ReporterName;
  /** Absent: stdout. */
  readonly file?: string;
  /** How the operator named the file, for messages: `--output FILE` or `--reporter NAME:FILE`. */
  readonly given?: string;
}

const isReporterName = (name: string): name is ReporterName => (REPORTER_NAMES as readonly string[]).includes(name);

/** A format named where its reporter goes (`--reporter xml`): the reporter that writes it. */
const REPORTER_OF_FORMAT: Readonly<Record<string, string>> = {
  xml: 'did you mean "junit"? it writes JUnit XML',
  text: 'did you mean "human"? it writes plain text',
  markdown: 'did you mean "github"? its step summary is Markdown',
  md: 'did you mean "github"? its step summary is Markdown',
};

const reporterHint = (name: string): string =>
  REPORTER_OF_FORMAT[name.toLowerCase()] ?? didYouMean(name, REPORTER_NAMES) ?? `reporters: ${REPORTER_NAMES.join(', ')}`;

/** `junit:out/report.xml` -> junit into that file; `human` -> stdout. A Windows-style `C:` never occurs here. */
const parseTarget = (spec: string): ReportTarget => {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const file = colon < 0 ? undefined : spec.slice(colon + 1);
  if (!isReporterName(name)) throw usageError(`--reporter ${spec}: there is no reporter "${name}"`, reporterHint(name));
  if (file === '') throw usageError(`--reporter ${spec}: a file must follow the colon`, `e.g. --reporter ${name}:report.out, or --reporter ${name} for stdout`);
  return file === undefined ? { reporter: name } : { reporter: name, file };
};

/**
 * The targets of `--reporter` (default: human on stdout). `--output FILE` (kept from before several
 * reporters) is the file of the one reporter given without a file.
 */
export const reportTargets = (specs: readonly string[] | undefined, output: string | undefined): ReportTarget[] => {
  const parsed = (specs && specs.length > 0 ? specs : ['human']).map(parseTarget);
  const onStdout = parsed.filter((target) => target.file === undefined);
  if (output !== undefined && onStdout.length !== 1) {
    throw usageError(`--output ${output}: it names the file of one reporter given without a file, and there are ${onStdout.length}`, 'give each reporter its own file: --reporter NAME:FILE');
  }
  const targets = parsed.map((target) => (output !== undefined && target.file === undefined ? { ...target, file: output, given: `--output ${output}` } : target));
  if (targets.filter((target) => target.file === undefined).length > 1) {
    throw usageError(`--reporter: ${onStdout.map((target) => target.reporter).join(' and ')} would both write to stdout`, 'give all but one a file, e.g. --reporter junit:report.xml');
  }
  const files = targets.flatMap((target) => (target.file === undefined ? [] : [target.file]));
  const twice = files.find((file, index) => files.indexOf(file) !== index);
  if (twice !== undefined) throw usageError(`--reporter: two reports would be written to ${twice}`, 'give each its own file');
  return targets;
};

/** How the operator named a report's file: `--output FILE` or `--reporter NAME:FILE`. */
const targetName = ({ reporter, file, given }: ReportTarget): string => given ?? `--reporter ${reporter}:${file ?? ''}`;

/** What a command reads: a report written over it would lose it. `folder`: a recording, every file below it. */
export interface InputFile {
  readonly path: string;
  /** For messages: `the runbook r.yaml`, `--vars-file prod.yaml`. */
  readonly given: string;
  readonly folder?: boolean;
}

/**
 * The report that would be written over a file the command reads, or over another report, however
 * either is spelt (`./r.yaml`, a linked directory): `run r.yaml --output r.yaml` replaced the runbook
 * with its report, and `--reporter json:a --reporter junit:./a` kept only the second.
 */
const overwriteProblem = async (targets: readonly ReportTarget[], inputs: readonly InputFile[]): Promise<string | undefined> => {
  const taken = new Map<string, string>();
  const folders: { entry: string; given: string }[] = [];
  for (const input of inputs) {
    for (const entry of await entriesRead(input.path)) {
      taken.set(entry, input.given);
      if (input.folder) folders.push({ entry: `${entry}/`, given: input.given });
    }
  }
  for (const target of targets) {
    if (target.file === undefined) continue;
    const entry = await entryOf(target.file);
    const over = taken.get(entry) ?? folders.find((folder) => entry.startsWith(folder.entry))?.given;
    const name = targetName(target);
    if (over !== undefined) return `${name}: the report would be written over ${over}`;
    taken.set(entry, `the report of ${name}`);
  }
  return undefined;
};

/** Before the run: every report file can be written (see outputProblem), and none replaces an input or another report. */
export const checkTargetsWritable = async (targets: readonly ReportTarget[], inputs: readonly InputFile[] = []): Promise<void> => {
  for (const target of targets) {
    const problem = target.file === undefined ? undefined : await outputProblem(target.file);
    if (problem !== undefined) throw usageError(`${targetName(target)}: ${problem}`, 'name a file in a directory you can write to');
  }
  const over = await overwriteProblem(targets, inputs);
  if (over !== undefined) throw usageError(over, 'write each report to a file of its own, which the command does not read');
};

/** Writes one report; a reporter that throws is said on stderr, and the others go on. */
const writeOne = async (report: RunReport, target: ReportTarget, view: ReportView): Promise<boolean> => {
  try {
    const reporter = await REPORTERS[target.reporter]();
    const text = reporter.render(report, { colors: target.file === undefined && colorWanted(view.color), verbose: view.verbose === true });
    if (target.file === undefined) stdoutRendered(text);
    else await writeRenderedAtomically(target.file, text);
    return true;
  } catch (error) {
    stderr(`runbook: the ${target.reporter} report could not be written (${errorText(error)}); the others were, and the exit code is still the run's`);
    return false;
  }
};

/**
 * On GitHub Actions (GITHUB_ACTIONS=true) or with `--reporter github`: the Markdown summary is
 * appended to $GITHUB_STEP_SUMMARY. Without `--reporter github`, the annotations follow the human
 * report on stdout (the runner reads them there and hides them); they never go into JSON or XML.
 */
const githubExtras = async (report: RunReport, targets: readonly ReportTarget[]): Promise<void> => {
  const asked = targets.some((target) => target.reporter === 'github');
  if (!asked && environment('GITHUB_ACTIONS') !== 'true') return;
  const summaryFile = environment('GITHUB_STEP_SUMMARY');
  const reporter = await REPORTERS.github();
  if (summaryFile && reporter.stepSummary) {
    await appendRendered(summaryFile, reporter.stepSummary(report)).catch((error: unknown) => stderr(`runbook: $GITHUB_STEP_SUMMARY could not be written (${errorText(error)})`));
  }
  const humanOnStdout = targets.some((target) => target.reporter === 'human' && target.file === undefined);
  if (!asked && humanOnStdout) await writeOne(report, { reporter: 'github' }, { color: false });
};

/** `--color`/`--no-color` (undefined: as the terminal wants), and `--verbose`: every host of a fleet. */
export interface ReportView {
  readonly color?: boolean | undefined;
  readonly verbose?: boolean | undefined;
}

export const writeReports = async (report: RunReport, targets: readonly ReportTarget[], view: ReportView): Promise<void> => {
  const written: string[] = [];
  for (const target of targets) {
    if ((await writeOne(report, target, view)) && target.file !== undefined) written.push(target.file);
  }
  await githubExtras(report, targets);
  if (written.length > 0) stderr(`runbook: ${report.status}, exit code ${report.exitCode}; ${written.length === 1 ? 'report' : 'reports'} written to ${written.join(', ')}`);
};
