// The `run` pipeline: load and plan every file, open transports lazily, execute, and always close
// the transports (also on interruption and errors) before the report is assembled.
import { setMaxListeners } from 'node:events';
import { assembleReport, type RunbookRun } from '../execute/assemble.js';
import type { EventListener } from '../execute/events.js';
import { diagnose } from '../execute/diagnose.js';
import { executePlan } from '../execute/scheduler.js';
import type { RunReport } from '../model/report.js';
import type { Overrides } from '../runbook/normalize.js';
import { loadPlans } from './load-plans.js';
import type { SshOptions } from '../transport/ssh.js';
import { createTransports } from './transports.js';
import { TOOL } from './tool.js';

export interface RunRequest {
  readonly files: readonly string[];
  readonly overrides: Overrides;
  readonly concurrency: number;
  readonly defaultTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly ssh: SshOptions;
  readonly onEvent?: EventListener;
}

export const runRunbooks = async (request: RunRequest): Promise<RunReport> => {
  const plans = await loadPlans(request.files, request.overrides);
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
        transportFor: (role) => transports.forHost(plan.runbook.hosts[role]),
        ...(request.onEvent ? { onEvent: request.onEvent } : {}),
      });
      runs.push({ runbook: plan.runbook, results: checkRuns.map((run) => run.result), findings: diagnose(plan.runbook, checkRuns) });
    }
  } finally {
    await transports.close();
  }
  return assembleReport(runs, { tool: TOOL, startedAt, durationMs: performance.now() - started, interrupted: request.signal.aborted });
};
