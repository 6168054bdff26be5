// What each command does, in terms of the app layer; program.ts only declares the options.
import { describePlan, renderPlan } from '../app/describe-plan.js';
import { loadPlans, loadVarsFiles, secretsOf } from '../app/load-plans.js';
import { runPlans } from '../app/run-runbooks.js';
import { usageError } from '../errors/diagnostic.js';
import { EXIT_CODES } from '../model/exit-codes.js';
import { REPORTERS, type ReporterName } from '../report/registry.js';
import { colorWanted, hideSecrets, outputWritable, runbookVarsInEnvironment, setExitCode, stderr, stdout, writeAtomically } from './io.js';
import { interruptController } from './interrupt.js';
import type { ExecutionEvent } from '../execute/events.js';
import { progressLine } from '../progress/lines.js';

export interface CommonOptions {
  readonly var?: Record<string, string>;
  readonly varsFile?: string[];
  readonly host?: Record<string, string>;
}

export interface RunOptions extends CommonOptions {
  readonly sshConfig?: string;
  readonly sshStrictHostKeyChecking?: 'yes' | 'accept-new';
  readonly reporter: ReporterName;
  readonly output?: string;
  readonly concurrency: number;
  readonly timeout: number;
  readonly color?: boolean;
  readonly verbose?: boolean;
}

/**
 * --verbose: the run's events as lines on stderr (stdout stays the report): a header, one line per
 * finished check, a footer. Should writing them fail, the run says so once and goes on without them.
 */
const verboseListener = (options: RunOptions) =>
  options.verbose
    ? {
        onEvent: (event: ExecutionEvent) => {
          const line = progressLine(event);
          if (line !== undefined) stderr(line);
        },
        onListenerError: (error: unknown) => stderr(`runbook: --verbose stopped: ${error instanceof Error ? error.message : String(error)}`),
      }
    : {};

const overridesOf = async (options: CommonOptions) => {
  const varsFile = await loadVarsFiles(options.varsFile ?? []);
  return { vars: options.var ?? {}, environment: runbookVarsInEnvironment(), hosts: options.host ?? {}, ...(varsFile ? { varsFile } : {}) };
};

/** Loads (all problems at once, or nothing) and, before anything is shown or run, masks the secrets from then on. */
const load = async (files: readonly string[], options: CommonOptions) => {
  const plans = await loadPlans(files, await overridesOf(options));
  hideSecrets(secretsOf(plans));
  return plans;
};

export const runAction = async (files: string[], options: RunOptions): Promise<void> => {
  if (options.output !== undefined && !(await outputWritable(options.output))) {
    throw usageError(`--output ${options.output}: its directory does not exist or is not writable`);
  }
  const controller = interruptController();
  const plans = await load(files, options);
  const report = await runPlans(plans, {
    concurrency: options.concurrency,
    defaultTimeoutMs: options.timeout,
    signal: controller.signal,
    ...verboseListener(options),
    ssh: {
      ...(options.sshConfig === undefined ? {} : { sshConfigPath: options.sshConfig }),
      ...(options.sshStrictHostKeyChecking === undefined ? {} : { strictHostKeyChecking: options.sshStrictHostKeyChecking }),
    },
  });
  const text = REPORTERS[options.reporter].render(report, { colors: options.output === undefined && colorWanted(options.color) });
  if (options.output === undefined) stdout(text);
  else {
    await writeAtomically(options.output, text);
    stderr(`runbook: ${report.status}, exit code ${report.exitCode}; report written to ${options.output}`);
  }
  setExitCode(report.exitCode);
};

export const validateAction = async (files: string[], options: CommonOptions): Promise<void> => {
  const plans = await load(files, options);
  for (const plan of plans) {
    const checks = plan.order.length;
    stdout(`${plan.runbook.file}: valid (${plan.runbook.questions.length} questions, ${checks} checks)\n`);
  }
  setExitCode(EXIT_CODES.pass);
};

export const planAction = async (file: string, options: CommonOptions & { json?: boolean; timeout: number }): Promise<void> => {
  const [plan] = await load([file], options);
  const steps = describePlan(plan!, options.timeout);
  stdout(options.json ? `${JSON.stringify({ runbook: plan!.runbook.file, title: plan!.runbook.title, checks: steps }, null, 2)}\n` : renderPlan(plan!, steps));
  setExitCode(EXIT_CODES.pass);
};
