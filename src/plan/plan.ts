// The plan stage: from a loaded runbook to the checks in execution order, each on every host of its
// role (plan/instances.ts), or the reasons it cannot run.
import type { Diagnostic } from '../errors/diagnostic.js';
import type { Check, Runbook } from '../model/runbook.js';
import { dependencyCycles, executionOrder, positionsById, unknownDependencies } from './graph.js';
import { expandInstances, membersOf, type CheckInstance } from './instances.js';
import { referenceProblems } from './references.js';

export interface Plan {
  readonly runbook: Runbook;
  /** Every check, dependencies before dependents, otherwise in file order. */
  readonly order: readonly Check[];
  /** What runs: each check of `order` on each host of its role (fewer after --limit or --shard). */
  readonly instances: readonly CheckInstance[];
}

/**
 * The most check runs (a check on each host of its role) one plan holds. A role may hold 100,000
 * hosts (runbook/role-hosts.ts): 300 checks on one of 10,000 took 440 MB to validate, and a
 * few more checks on the largest role would take gigabytes before anything ran.
 */
export const MAX_CHECK_RUNS = 1_000_000;

/** The check whose runs take the plan past MAX_CHECK_RUNS, and the runs counted up to it. */
const tooManyRuns = (runbook: Runbook, order: readonly Check[]): Diagnostic | undefined => {
  let runs = 0;
  for (const check of order) {
    const hosts = membersOf(runbook, check.on).length;
    runs += hosts;
    if (runs > MAX_CHECK_RUNS) {
      return {
        code: 'RB_TOO_LARGE',
        message: `check "${check.id}" on ${hosts} hosts of role "${check.on}" brings the plan to ${runs} check runs (a check on each host of its role), more than ${MAX_CHECK_RUNS}`,
        location: check.location,
        hint: 'split the runbook or the fleet into runs of fewer checks or hosts',
      };
    }
  }
  return undefined;
};

export const buildPlan = (runbook: Runbook): { plan: Plan; diagnostics: Diagnostic[] } => {
  const checks = runbook.questions.flatMap((question) => question.checks);
  const positions = positionsById(checks);
  const order = executionOrder(checks, positions);
  // The order leaves out exactly the checks on a cycle or behind one: when it holds every check,
  // each under an id of its own, there is no cycle to look for.
  const mayHaveCycles = order.length !== checks.length || positions.size !== checks.length;
  const diagnostics = [
    ...unknownDependencies(checks, runbook.questions, positions),
    ...(mayHaveCycles ? dependencyCycles(checks) : []),
    ...referenceProblems(runbook, checks),
  ];
  const tooMany = tooManyRuns(runbook, order);
  if (tooMany) return { plan: { runbook, order, instances: [] }, diagnostics: [...diagnostics, tooMany] };
  return { plan: { runbook, order, instances: expandInstances(runbook, order) }, diagnostics };
};
