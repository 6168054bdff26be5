// What each command does, in terms of the app layer; program.ts only declares the options.
// What only one command needs is imported where it runs: `validate` loads no SSH, no terminal
// view and no plan picture (npm run bench measures the start-up of each command).
import type { PlannedCheck } from '../app/describe-plan.js';
import type { Plan } from '../plan/plan.js';
import { loadInventory, loadPlans, loadVarsFiles, secretsOf } from '../app/load-plans.js';
import { NO_TAPE, type TapeSetup } from '../app/tape-setup.js';
import { selectPlans } from '../app/select.js';
import { selectHosts, type Shard } from '../app/select-hosts.js';
import type { Inventory } from '../runbook/inventory.js';
import { errorText } from '../errors/diagnostic.js';
import { EXIT_CODES } from '../model/exit-codes.js';
import { hideSecrets, onCi, progressStream, runbookVarsInEnvironment, setExitCode, stderr, stderrIsSizedTerminal, stdout, stdoutRendered } from './io.js';
import { checkTargetsWritable, reportTargets, writeReports, type InputFile } from './reporting.js';
import { interruptions } from './interrupt.js';
import type { ExecutionEvent } from '../execute/events.js';
import { progressLine } from '../progress/lines.js';
import { counted } from '../model/counted.js';

export interface CommonOptions {
  readonly var?: Record<string, string>;
  readonly varsFile?: string[];
  readonly host?: Record<string, string>;
  readonly inventory?: string;
}

export interface SelectionOptions {
  readonly only?: string[];
  readonly tag?: string[];
  readonly limit?: string;
  readonly shard?: Shard;
}

const selectionOf = (options: SelectionOptions) => ({ only: options.only ?? [], tags: options.tag ?? [] });

/** Questions first (--only, --tag), then hosts (--limit, --shard) of what remains. */
const select = (plans: readonly Plan[], options: SelectionOptions, inventory: Inventory | undefined): Plan[] =>
  selectHosts(selectPlans(plans, selectionOf(options)), {
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.shard === undefined ? {} : { shard: options.shard }),
    ...(inventory ? { inventory } : {}),
  });

export interface RunOptions extends CommonOptions, SelectionOptions {
  readonly sshConfig?: string;
  readonly sshStrictHostKeyChecking?: 'yes' | 'accept-new';
  /** `NAME` or `NAME:FILE`, as given (reporting.ts reads them). */
  readonly reporter?: string[];
  readonly output?: string;
  readonly concurrency: number;
  readonly connections: number;
  readonly timeout: number;
  readonly color?: boolean;
  readonly verbose?: boolean;
  readonly quiet?: boolean;
  readonly deadline?: number;
  readonly record?: string;
  readonly replay?: string;
}

const NO_PROGRESS = { listener: {}, finished: () => Promise.resolve() };

/** Lines on stderr: a header, one line per finished check, a footer. Should writing fail, said once. */
const progressLines = () => ({
  listener: {
    onEvent: (event: ExecutionEvent) => {
      const line = progressLine(event);
      if (line !== undefined) stderr(line);
    },
    onListenerError: (error: unknown) => stderr(`runbook: the progress lines stopped: ${errorText(error)}`),
  },
  finished: () => Promise.resolve(),
});

/**
 * Progress on stderr (stdout stays the report): the live view on a terminal, plain lines when
 * stderr is a file, a pipe or a terminal of no known width, on CI, or with --verbose; nothing with --quiet.
 */
const progressFor = async (options: RunOptions) => {
  if (options.quiet) return NO_PROGRESS;
  if (options.verbose || !stderrIsSizedTerminal() || onCi()) return progressLines();
  const { liveProgress } = await import('../progress/live.js');
  const live = liveProgress(progressStream());
  return {
    listener: { onEvent: live.onEvent, onListenerError: (error: unknown) => stderr(`runbook: the live progress stopped: ${errorText(error)}`) },
    finished: live.finished,
  };
};

const overridesOf = async (options: CommonOptions, inventory: Inventory | undefined) => {
  const varsFile = await loadVarsFiles(options.varsFile ?? []);
  return { vars: options.var ?? {}, environment: runbookVarsInEnvironment(), hosts: options.host ?? {}, ...(varsFile ? { varsFile } : {}), ...(inventory ? { inventory } : {}) };
};

/**
 * Loads (all problems at once, or nothing) and, before anything is shown or run, masks the secrets
 * from then on. `forRun`: every check's result will carry its place, found from the quick reading
 * (load-plans.ts), with no second reading of the file in mid-run.
 */
const load = async (files: readonly string[], options: CommonOptions, forRun = false) => {
  const inventory = options.inventory === undefined ? undefined : await loadInventory(options.inventory);
  const plans = await loadPlans(files, await overridesOf(options, inventory), forRun);
  hideSecrets(secretsOf(plans));
  return { plans, inventory };
};

/** Record and replay are loaded only when asked for. */
const tapeFor = async (files: readonly string[], options: RunOptions): Promise<TapeSetup> => {
  if (options.replay === undefined && options.record === undefined) return NO_TAPE;
  const { replaySetup, recordSetup } = await import('../app/tape.js');
  const given = { vars: options.var ?? {}, hosts: options.host ?? {}, environment: runbookVarsInEnvironment() };
  return options.replay !== undefined ? replaySetup(options.replay, given) : recordSetup(options.record!, files, given);
};

/** What a run reads from files the operator names, which no report of it may replace. */
const runInputs = (files: readonly string[], options: RunOptions): InputFile[] => [
  ...files.map((file) => ({ path: file, given: `the runbook ${file}` })),
  ...(options.varsFile ?? []).map((file) => ({ path: file, given: `--vars-file ${file}` })),
  ...(options.inventory === undefined ? [] : [{ path: options.inventory, given: `--inventory ${options.inventory}` }]),
  ...(options.sshConfig === undefined ? [] : [{ path: options.sshConfig, given: `--ssh-config ${options.sshConfig}` }]),
  ...(options.replay === undefined ? [] : [{ path: options.replay, given: `the recording --replay ${options.replay}`, folder: true }]),
  ...(options.record === undefined ? [] : [{ path: options.record, given: `the recording --record ${options.record}`, folder: true }]),
];

export const runAction = async (files: string[], options: RunOptions): Promise<void> => {
  const targets = reportTargets(options.reporter, options.output);
  await checkTargetsWritable(targets, runInputs(files, options));
  const tape = await tapeFor(files, options);
  const interrupted = interruptions();
  const effective: RunOptions = { ...options, ...(tape.vars ? { var: tape.vars } : {}), ...(tape.hosts ? { host: tape.hosts } : {}) };
  const { plans: loaded, inventory } = await load(files, effective, true);
  const plans = select(loaded, effective, inventory);
  const progress = await progressFor(options);
  const { runPlans } = await import('../app/run-runbooks.js');
  const report = await runPlans(plans, {
    ...tape.settings(plans),
    concurrency: options.concurrency,
    ...(options.shard === undefined ? {} : { shard: options.shard }),
    defaultTimeoutMs: options.timeout,
    signal: interrupted.signal,
    ...(options.deadline === undefined ? {} : { deadlineMs: options.deadline }),
    ...progress.listener,
    ssh: {
      connections: options.connections,
      hurry: interrupted.hurry,
      ...(options.sshConfig === undefined ? {} : { sshConfigPath: options.sshConfig }),
      ...(options.sshStrictHostKeyChecking === undefined ? {} : { strictHostKeyChecking: options.sshStrictHostKeyChecking }),
    },
  });
  await progress.finished();
  await writeReports(report, targets, { color: options.color, verbose: options.verbose });
  setExitCode(report.exitCode);
  // As for a report file: a recording that cannot be written is said, and the run's exit code stands.
  await tape.save(plans).catch((error: unknown) => stderr(`runbook: the recording could not be written to ${options.record ?? ''}: ${errorText(error)}`));
};

export const validateAction = async (files: string[], options: CommonOptions): Promise<void> => {
  const { plans } = await load(files, options);
  for (const plan of plans) {
    const checks = plan.order.length;
    stdout(`${plan.runbook.file}: valid (${counted(plan.runbook.questions.length, 'question')}, ${counted(checks, 'check')})\n`);
  }
  setExitCode(EXIT_CODES.pass);
};

export type PlanFormat = 'text' | 'json' | 'mermaid' | 'dot';

const PLAN_RENDERERS: Record<PlanFormat, () => Promise<(plan: Plan, steps: readonly PlannedCheck[]) => string>> = {
  text: async () => (await import('../app/describe-plan.js')).renderPlan,
  json: () => Promise.resolve((plan, steps) => `${JSON.stringify({ runbook: plan.runbook.file, title: plan.runbook.title, checks: steps }, null, 2)}\n`),
  mermaid: async () => (await import('../app/plan-picture.js')).planMermaid,
  dot: async () => (await import('../app/plan-picture.js')).planDot,
};

export type PlanOptions = CommonOptions & SelectionOptions & { json?: boolean; format: PlanFormat; timeout: number; sshConfig?: string };

export const planAction = async (file: string, options: PlanOptions): Promise<void> => {
  const { plans, inventory } = await load([file], options);
  const [plan] = select(plans, options, inventory);
  const { describePlan } = await import('../app/describe-plan.js');
  // ssh_config is read only when asked: a plan otherwise shows the hosts as written, and loads no SSH code.
  const destinations = options.sshConfig === undefined ? undefined : (await import('../app/ssh-destinations.js')).sshDestinations(plan!.runbook.hosts, options.sshConfig);
  const render = await PLAN_RENDERERS[options.json ? 'json' : options.format]();
  stdoutRendered(render(plan!, describePlan(plan!, options.timeout, destinations)));
  setExitCode(EXIT_CODES.pass);
};
