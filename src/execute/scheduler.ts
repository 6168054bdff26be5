// Runs a plan: each check starts as soon as its dependencies have finished and a slot is free, so
// independent checks (and hosts) run concurrently. A check whose dependency did not pass is skipped
// with that reason; after an interruption nothing new starts.
import type { Check } from '../model/runbook.js';
import { conditionHolds } from '../conditions/registry.js';
import { runsAfter } from '../plan/graph.js';
import type { Plan } from '../plan/plan.js';
import { checkResult } from './check-result.js';
import { factsOf } from './facts.js';
import type { CheckRef, EventListener } from './events.js';
import { withRetries } from './retry.js';
import { runCheck, type CheckEnvironment, type CheckRun } from './run-check.js';

export interface ExecuteOptions extends Omit<CheckEnvironment, 'captures' | 'vars' | 'hosts'> {
  readonly concurrency: number;
  readonly onEvent?: EventListener;
  /** Milliseconds since the run (not this plan) started: events of several runbooks share one clock. */
  readonly elapsedMs: () => number;
}

class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.free === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.free -= 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

const DEPENDENCY_WORDS = { fail: 'failed', error: 'could not be checked', skipped: 'was skipped' } as const;

const skipped = (check: Check, target: string, reason: string): CheckRun => ({ result: checkResult(check, target, { status: 'skipped', reason }), fields: {} });

/** After an interruption, a check that never started is skipped; after the deadline, it could not be checked. */
const notStarted = (check: Check, target: string, stoppedBecause: string | undefined): CheckRun =>
  stoppedBecause === undefined
    ? skipped(check, target, 'the run was interrupted before it started')
    : { result: checkResult(check, target, { status: 'error', reason: `not started: ${stoppedBecause}` }), fields: {} };

/** A `when` that does not hold skips the check, and says which. */
const unmetWhen = (check: Check, runs: ReadonlyMap<string, CheckRun>): string | undefined =>
  check.when && !conditionHolds(check.when.condition, factsOf(runs)) ? `its when does not hold: ${check.when.text}` : undefined;

const blockingDependency = (check: Check, finished: ReadonlyMap<string, CheckRun>): string | undefined => {
  for (const id of check.dependsOn) {
    const status = finished.get(id)?.result.status;
    if (status && status !== 'pass') return `dependency "${id}" ${DEPENDENCY_WORDS[status]}`;
  }
  return undefined;
};

const refTo = (plan: Plan, check: Check): CheckRef => ({ runbook: plan.runbook.file, id: check.id, question: check.questionId });

export const executePlan = async (plan: Plan, options: ExecuteOptions): Promise<CheckRun[]> => {
  const slots = new Slots(options.concurrency);
  const finished = new Map<string, CheckRun>();
  const captures = new Map<string, string>();
  const running = new Map<string, Promise<CheckRun>>();
  const environment: CheckEnvironment = { ...options, vars: plan.runbook.vars, hosts: plan.runbook.hosts, captures };

  const attempt = async (check: Check): Promise<CheckRun> => {
    await Promise.all(runsAfter(check).flatMap((id) => running.get(id) ?? []));
    const blocked = blockingDependency(check, finished) ?? unmetWhen(check, finished);
    const target = options.transportFor(check.on).description;
    if (blocked) return skipped(check, target, blocked);
    return slots.use(async () => {
      if (options.signal.aborted) return notStarted(check, target, options.stoppedBecause?.());
      options.onEvent?.({ type: 'check-start', check: refTo(plan, check), host: { role: check.on, target }, atMs: options.elapsedMs() });
      return withRetries(check, options.signal, () => runCheck(check, environment));
    });
  };

  for (const check of plan.order) {
    running.set(check.id, attempt(check).then((run) => {
      finished.set(check.id, run);
      for (const [name, value] of Object.entries(run.result.captures)) captures.set(name, value);
      options.onEvent?.({ type: 'check-end', check: refTo(plan, check), result: run.result, atMs: options.elapsedMs() });
      return run;
    }));
  }
  return Promise.all(plan.order.map((check) => running.get(check.id)!));
};
