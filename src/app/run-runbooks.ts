// The `run` pipeline: load and plan every file, open transports lazily, execute, and always close
// the transports (also on interruption and errors) before the report is assembled and masked.
import { setMaxListeners } from 'node:events';
import { assembleReport, type RunbookRun } from '../execute/assemble.js';
import type { EventListener } from '../execute/events.js';
import { diagnose } from '../execute/diagnose.js';
import { executePlan } from '../execute/scheduler.js';
import type { RunReport } from '../model/report.js';
import type { Overrides } from '../runbook/normalize.js';
import type { Plan } from '../plan/plan.js';
import { redactData, redactor } from '../secrets/redact.js';
import { loadPlans, secretsOf } from './load-plans.js';
import type { SshOptions } from '../transport/ssh/pool.js';
import { createTransports } from './transports.js';
import { TOOL } from './tool.js';

export interface RunRequest {
  readonly files: readonly string[];
  readonly overrides: Overrides;
}

export interface RunSettings {
  readonly concurrency: number;
  readonly defaultTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly ssh: SshOptions;
  readonly onEvent?: EventListener;
}

/**
 * Runs plans that loadPlans made. The report (and every progress event) is masked here, before any
 * reporter sees it: secret values reach it through commands, output, reasons, captures, hints and
 * findings alike.
 */
export const runPlans = async (plans: readonly Plan[], request: RunSettings): Promise<RunReport> => {
  const redact = redactor(secretsOf(plans));
  const { onEvent } = request;
  const startedAt = new Date();
  const started = performance.now();
  // Every running command listens for the interruption: many at once is expected, not a leak.
  setMaxListeners(0, request.signal);
  const transports = createTransports(plans.flatMap((plan) => Object.values(plan.runbook.hosts)), request.ssh);
  const runs: RunbookRun[] = [];
  try {
    for (const plan of plans) {
      const checkRuns = await executePlan(plan, {
        concurrency: request.concurrency,
        defaultTimeoutMs: request.defaultTimeoutMs,
        signal: request.signal,
        mask: redact,
        transportFor: (role) => transports.forHost(role, plan.runbook.hosts[role]),
        ...(onEvent ? { onEvent: (event) => onEvent(redactData(event, redact)) } : {}),
      });
      runs.push({ runbook: plan.runbook, results: checkRuns.map((run) => run.result), findings: diagnose(plan.runbook, checkRuns) });
    }
  } finally {
    await transports.close();
  }
  const report = assembleReport(runs, { tool: TOOL, startedAt, durationMs: performance.now() - started, interrupted: request.signal.aborted });
  return redactData(report, redact);
};

export const runRunbooks = async (request: RunRequest & RunSettings): Promise<RunReport> =>
  runPlans(await loadPlans(request.files, request.overrides), request);
