// The `run` pipeline: load and plan every file, open transports lazily, execute, and always close
// the transports (also on interruption and errors) before the report is assembled and masked.
// Listeners hear the run from here: run-start, each check's start and end, run-end (execute/events.ts).
import { setMaxListeners } from 'node:events';
import { assembleReport, type RunbookRun } from '../execute/assemble.js';
import { formatDuration } from '../model/duration.js';
import type { EventListener, ExecutionEvent, HostRef, RunbookStart } from '../execute/events.js';
import { instancesByCheck } from '../plan/instances.js';
import { diagnose } from '../execute/diagnose.js';
import { executePlan } from '../execute/scheduler.js';
import type { ReplayMark, RunReport } from '../model/report.js';
import type { Overrides } from '../runbook/normalize.js';
import type { Plan } from '../plan/plan.js';
import type { RoleHosts } from '../model/runbook.js';
import { describeRole } from '../model/host-address.js';
import { redactData, redactor, type Redact } from '../secrets/redact.js';
import { loadPlans, secretsOf } from './load-plans.js';
import type { SshOptions } from '../transport/ssh/pool.js';
import { createTransports, runHosts, type TransportFactory, type TransportSet } from './transports.js';
import { TOOL } from './tool.js';
import type { Shard } from './select-hosts.js';

export interface RunRequest {
  readonly files: readonly string[];
  readonly overrides: Overrides;
}

export interface RunSettings {
  readonly concurrency: number;
  readonly defaultTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly ssh: SshOptions;
  /** Hears the run's events, masked. One that throws is not called again (see `guarded`). */
  readonly onEvent?: EventListener;
  /** Told, once, why `onEvent` was dropped: the listener's owner says so where it writes. */
  readonly onListenerError?: (error: unknown) => void;
  /** `--deadline`: the whole run's limit; what runs then is stopped, what has not started is not. */
  readonly deadlineMs?: number;
  /** `--shard i/n`: said in the report, for merge-reports. */
  readonly shard?: Shard;
  /** Who answers the checks: the hosts (by default), the hosts watched by a recorder, or a recording. */
  readonly transports?: TransportFactory;
  /** A replay says so in the report, and what of the recording it never asked. */
  readonly replay?: () => ReplayMark;
}

/** The interruption and the deadline as one signal, and how to tell the second apart. */
const stopSignals = (request: RunSettings) => {
  if (request.deadlineMs === undefined) return { signal: request.signal, stoppedBecause: () => undefined };
  const deadline = AbortSignal.timeout(request.deadlineMs);
  const text = `the run's deadline (--deadline ${formatDuration(request.deadlineMs)}) passed`;
  return { signal: AbortSignal.any([request.signal, deadline]), stoppedBecause: () => (deadline.aborted && !request.signal.aborted ? text : undefined) };
};

/**
 * The one way events leave a run: masked, and guarded. Progress is a view of the run, never part
 * of it: a listener that throws is dropped (a view that broke once would only show a torn picture)
 * and its owner is told once; the run and its report go on untouched.
 */
const guarded = (request: RunSettings, redact: Redact): EventListener => {
  let listener = request.onEvent;
  return (event) => {
    if (!listener) return;
    try {
      listener(redactData(event, redact));
    } catch (error) {
      listener = undefined;
      request.onListenerError?.(error);
    }
  };
};

/**
 * The roles a plan's checks run on, in the order the runbook declares them, with their targets: a
 * fleet as its host count (`web (50 hosts)`). Cheap: SSH connects on the first command.
 */
const hostsOf = (plan: Plan, transports: TransportSet): HostRef[] => {
  const used = new Set(plan.instances.map((instance) => instance.check.on));
  return Object.entries(plan.runbook.hosts)
    .filter(([role]) => used.has(role))
    .map(([role, hosts]) => roleRef(role, hosts, transports));
};

/** A role as run-start names it: its one host's target, or a fleet's description and size. */
const roleRef = (role: string, hosts: RoleHosts, transports: TransportSet): HostRef =>
  hosts.fleet || hosts.members.length !== 1
    ? { role, target: describeRole(hosts), fleet: hosts.members.length }
    : { role, target: transports.forHost(hosts.members[0]!).description };

const runStart = (plans: readonly Plan[], transports: TransportSet, startedAt: Date): ExecutionEvent => ({
  type: 'run-start',
  startedAt: startedAt.toISOString(),
  checks: plans.reduce((sum, plan) => sum + plan.instances.length, 0),
  runbooks: plans.map((plan) => runbookStart(plan, transports)),
});

/** A runbook as a view lays it out before anything ends: each question's checks, where and on how many hosts. */
const runbookStart = (plan: Plan, transports: TransportSet): RunbookStart => {
  const hostsOfCheck = instancesByCheck(plan.instances);
  return {
    file: plan.runbook.file,
    title: plan.runbook.title,
    checks: plan.instances.length,
    hosts: hostsOf(plan, transports),
    questions: plan.runbook.questions.map((question) => ({
      id: question.id,
      title: question.title,
      checks: question.checks.map((check) => ({
        id: check.id,
        host: roleRef(check.on, plan.runbook.hosts[check.on]!, transports),
        hosts: hostsOfCheck.get(check.id)?.length ?? 0,
        informational: check.informational,
      })),
    })),
  };
};

/** Told from the report, so a view's summary can never disagree with it. */
const runEnd = (report: RunReport): ExecutionEvent => ({
  type: 'run-end',
  status: report.status,
  exitCode: report.exitCode,
  interrupted: report.interrupted,
  durationMs: report.durationMs,
  checks: report.summary.checks,
  questions: report.questions.map((question) => ({ runbook: question.runbook, id: question.id, status: question.status })),
});

/**
 * Runs plans that loadPlans made. The report (and every event) is masked here, before any
 * reporter or listener sees it: secret values reach it through commands, output, reasons,
 * captures, hints and findings alike.
 */
export const runPlans = async (plans: readonly Plan[], request: RunSettings): Promise<RunReport> => {
  const redact = redactor(secretsOf(plans));
  const emit = guarded(request, redact);
  const startedAt = new Date();
  const started = performance.now();
  const elapsedMs = () => Math.round(performance.now() - started);
  // Every running command listens for the interruption: many at once is expected, not a leak.
  const { signal, stoppedBecause } = stopSignals(request);
  setMaxListeners(0, request.signal, signal);
  const transports = await (request.transports ?? createTransports)(runHosts(plans), request.ssh);
  const runs: RunbookRun[] = [];
  try {
    emit(runStart(plans, transports, startedAt));
    for (const plan of plans) {
      const checkRuns = await executePlan(plan, {
        concurrency: request.concurrency,
        defaultTimeoutMs: request.defaultTimeoutMs,
        signal,
        stoppedBecause,
        mask: redact,
        transportFor: (host) => transports.forHost(host),
        elapsedMs,
        onEvent: emit,
      });
      runs.push({ runbook: plan.runbook, results: checkRuns.map((run) => run.result), findings: diagnose(plan.runbook, checkRuns) });
    }
  } finally {
    await transports.close();
  }
  const report = redactData(assembleReport(runs, { tool: TOOL, startedAt, durationMs: performance.now() - started, interrupted: request.signal.aborted, ...(request.shard ? { shard: request.shard } : {}), ...(request.replay ? { replay: request.replay() } : {}) }), redact);
  emit(runEnd(report));
  return report;
};

export const runRunbooks = async (request: RunRequest & RunSettings): Promise<RunReport> =>
  runPlans(await loadPlans(request.files, request.overrides, true), request);
