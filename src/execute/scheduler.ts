// Runs a plan: each check on each host of its role (an instance) starts as soon as what it waits
// for has finished and a slot is free, so independent checks and hosts run concurrently. Slots are
// taken only once the host's connection is up: a dead host waits out its connect timeout without
// holding a slot, and never blocks the others. A check whose dependency did not pass is skipped
// with that reason, on that host only; after an interruption nothing new starts.
import type { HostSpec } from '../model/runbook.js';
import { conditionHolds } from '../conditions/registry.js';
import { instancePrerequisites, instancesByCheck, seenInstances, type CheckInstance } from '../plan/instances.js';
import type { Plan } from '../plan/plan.js';
import { readableChecks } from '../plan/reads.js';
import { refusedTransport, type Transport } from '../transport/types.js';
import { checkResult, placementOf } from './check-result.js';
import { factsOf } from './facts.js';
import type { CheckRef, EventListener, HostRef } from './events.js';
import { capturesIn, viewOf } from './fleet-view.js';
import { withRetries } from './retry.js';
import { runCheck, type CheckEnvironment, type CheckRun } from './run-check.js';

export interface ExecuteOptions extends Pick<CheckEnvironment, 'defaultTimeoutMs' | 'signal' | 'mask' | 'stoppedBecause'> {
  /** Commands in flight at once, across all hosts. */
  readonly concurrency: number;
  transportFor(host: HostSpec): Transport;
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

/** Every host of a check's role starts it; `target` and `hostName` say which one in every result. */
const skipped = (instance: CheckInstance, target: string, reason: string): CheckRun => ({
  result: checkResult(instance.check, placementOf(instance, target), { status: 'skipped', reason }),
  fields: {},
  captures: {},
});

/** After an interruption, a check that never started is skipped; after the deadline, it could not be checked. */
const notStarted = (instance: CheckInstance, target: string, stoppedBecause: string | undefined): CheckRun =>
  stoppedBecause === undefined
    ? skipped(instance, target, 'the run was interrupted before it started')
    : { result: checkResult(instance.check, placementOf(instance, target), { status: 'error', reason: `not started: ${stoppedBecause}` }), fields: {}, captures: {} };

/** A `when` that does not hold skips the check, and says which. */
const unmetWhen = (instance: CheckInstance, view: ReadonlyMap<string, CheckRun>): string | undefined => {
  const { when } = instance.check;
  return when && !conditionHolds(when.condition, factsOf(view)) ? `its when does not hold: ${when.text}` : undefined;
};

/** On another role's hosts, the first that did not pass is named: "failed on web07". */
const blockingDependency = (instance: CheckInstance, byCheck: ReadonlyMap<string, readonly CheckInstance[]>, finished: ReadonlyMap<string, CheckRun>): string | undefined => {
  for (const id of instance.check.dependsOn) {
    const seen = seenInstances(instance, id, byCheck);
    const blocking = seen.map((other) => finished.get(other.key)?.result).find((result) => result && result.status !== 'pass');
    if (!blocking || blocking.status === 'pass') continue;
    const where = seen.length > 1 ? ` on ${blocking.hostName ?? blocking.target}` : '';
    return `dependency "${id}" ${DEPENDENCY_WORDS[blocking.status]}${where}`;
  }
  return undefined;
};

const refTo = (plan: Plan, instance: CheckInstance): CheckRef => ({ runbook: plan.runbook.file, id: instance.check.id, question: instance.check.questionId });

export const hostRef = (instance: CheckInstance, target: string): HostRef => ({ role: instance.check.on, target, ...(instance.fleet ? { name: instance.host.name } : {}) });

/**
 * The transport for a role as this instance sees it: its own host for its own role; the one host of
 * another role (a capture's trigger host, say). A fleet cannot stand in for one host: that is an
 * error of the check, said where it shows.
 */
const transportsOf = (plan: Plan, instance: CheckInstance, options: ExecuteOptions) => (role: string): Transport => {
  if (role === instance.check.on) return options.transportFor(instance.host);
  const members = plan.runbook.hosts[role]?.members ?? [];
  if (members.length === 1) return options.transportFor(members[0]!);
  const message = members.length === 0 ? `host role "${role}" has no host in this run` : `host role "${role}" has ${members.length} hosts: a check on "${instance.check.on}" cannot use one of them`;
  return refusedTransport(`${role} (${members.length} hosts)`, { code: 'FLEET_ROLE', message });
};

const becomeOf = (plan: Plan, instance: CheckInstance) => (role: string): boolean =>
  role === instance.check.on ? instance.host.become : (plan.runbook.hosts[role]?.members[0]?.become ?? false);

export const executePlan = async (plan: Plan, options: ExecuteOptions): Promise<CheckRun[]> => {
  const slots = new Slots(options.concurrency);
  const byCheck = instancesByCheck(plan.instances);
  const finished = new Map<string, CheckRun>();
  const running = new Map<string, Promise<CheckRun>>();
  // What a check may read: its `when` targets, and the captures it uses of what it depends on, directly or not.
  const visible = readableChecks(plan.order);

  const attempt = async (instance: CheckInstance): Promise<CheckRun> => {
    await Promise.all(instancePrerequisites(instance, byCheck).flatMap((other) => running.get(other.key) ?? []));
    const transportFor = transportsOf(plan, instance, options);
    const transport = transportFor(instance.check.on);
    const view = viewOf(instance, visible.get(instance.check.id) ?? [], byCheck, finished);
    const blocked = blockingDependency(instance, byCheck, finished) ?? unmetWhen(instance, view);
    if (blocked) return skipped(instance, transport.description, blocked);
    // The connection is made outside the slots: set-ups overlap (bounded by --connections), and a
    // host that does not answer holds no slot while it waits.
    await transport.warmUp?.(options.signal);
    return slots.use(async () => {
      if (options.signal.aborted) return notStarted(instance, transport.description, options.stoppedBecause?.());
      options.onEvent?.({ type: 'check-start', check: refTo(plan, instance), host: hostRef(instance, transport.description), atMs: options.elapsedMs() });
      const environment: CheckEnvironment = {
        ...options,
        vars: plan.runbook.vars,
        captures: capturesIn(view),
        transportFor,
        becomeFor: becomeOf(plan, instance),
        instance: { runbook: plan.runbook.file, host: instance.host.name },
        ...(instance.fleet ? { hostName: instance.host.name } : {}),
      };
      return withRetries(instance.check, options.signal, () => runCheck(instance.check, environment), options.stoppedBecause);
    });
  };

  for (const instance of plan.instances) {
    running.set(instance.key, attempt(instance).then((run) => {
      finished.set(instance.key, run);
      options.onEvent?.({ type: 'check-end', check: refTo(plan, instance), result: run.result, atMs: options.elapsedMs() });
      return run;
    }));
  }
  return Promise.all(plan.instances.map((instance) => running.get(instance.key)!));
};
