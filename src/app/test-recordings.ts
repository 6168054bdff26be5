// `runbook test DIR...`: replays each recording against the runbook and compares the verdicts and
// findings with its expect.yaml. A runbook author changes a diagnosis rule and knows in seconds,
// with no host, whether every recorded incident still gets the right answer.
import { resolve, join } from 'node:path';
import type { RunReport } from '../model/report.js';
import type { Overrides } from '../runbook/normalize.js';
import { differences, expectationOf, readExpectation, writeExpectation, type Expectation } from './expectation.js';
import { loadPlans } from './load-plans.js';
import { readRecording, requireRecording } from './recording.js';
import { runPlans } from './run-runbooks.js';
import { replaySetup } from './tape.js';
import type { GivenToRun } from './tape-setup.js';

export interface RecordingTest {
  readonly dir: string;
  /** `-`/`+` line pairs; empty when the replay gave what was expected. */
  readonly differences: readonly string[];
  readonly report: RunReport;
  /** Set with --update: expect.yaml was (re)written from the replay. */
  readonly updated?: boolean;
}

export interface TestOptions {
  /** `--runbook FILE`: replay this runbook instead of the one expect.yaml or the recording names. */
  readonly runbook?: string;
  /** `--update`: write expect.yaml from what the replay gives, instead of comparing. */
  readonly update?: boolean;
  readonly given: GivenToRun;
  readonly signal: AbortSignal;
  readonly concurrency: number;
  readonly defaultTimeoutMs: number;
}

/** The runbooks to replay: --runbook, else expect.yaml's, else the recording's own (paths from its directory). */
const runbooksOf = async (dir: string, options: TestOptions, expectation: Expectation | undefined): Promise<string[]> => {
  if (options.runbook !== undefined) return [options.runbook];
  if (expectation?.runbook !== undefined) return [join(dir, expectation.runbook)];
  const recording = await readRecording(dir);
  return recording.meta.runbooks.map((runbook) => resolve(dir, runbook.path));
};

export const testRecording = async (dir: string, options: TestOptions): Promise<RecordingTest> => {
  // A directory that is no recording is told so, not that its expect.yaml is missing.
  await requireRecording(dir);
  const expectation = options.update ? undefined : await readExpectation(dir);
  const files = await runbooksOf(dir, options, expectation);
  const tape = await replaySetup(dir, options.given);
  const overrides: Overrides = { vars: tape.vars ?? {}, hosts: tape.hosts ?? {}, environment: options.given.environment };
  const plans = await loadPlans(files, overrides, true);
  const report = await runPlans(plans, { ...tape.settings(plans), concurrency: options.concurrency, defaultTimeoutMs: options.defaultTimeoutMs, signal: options.signal, ssh: {} });
  const got = expectationOf(report, expectation?.checks !== undefined);
  if (options.update) {
    const previous = await readExpectation(dir).catch(() => undefined);
    await writeExpectation(dir, { ...(previous?.runbook === undefined ? {} : { runbook: previous.runbook }), ...expectationOf(report, previous?.checks !== undefined) });
    return { dir, differences: [], report, updated: true };
  }
  return { dir, differences: differences(expectation!, got), report };
};
