// `runbook merge-reports`: the JSON reports of a sharded run joined into one, written by any
// reporters, and the whole run's exit code, as `runbook run` without --shard would have given.
import { mergeReports } from '../app/merge-reports.js';
import { readReports } from '../app/read-reports.js';
import { setExitCode } from './io.js';
import { checkTargetsWritable, reportTargets, writeReports } from './reporting.js';

export interface MergeOptions {
  /** `NAME` or `NAME:FILE`, as given (reporting.ts reads them). */
  readonly reporter?: string[];
  readonly output?: string;
  readonly color?: boolean;
  readonly verbose?: boolean;
}

export const mergeReportsAction = async (files: string[], options: MergeOptions): Promise<void> => {
  // The targets first, as for run: a typo in --reporter costs nothing.
  const targets = reportTargets(options.reporter, options.output);
  await checkTargetsWritable(targets, files.map((file) => ({ path: file, given: `the report ${file}` })));
  const report = mergeReports(await readReports(files));
  await writeReports(report, targets, { color: options.color, verbose: options.verbose });
  setExitCode(report.exitCode);
};
