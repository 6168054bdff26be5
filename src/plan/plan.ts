// The plan stage: from a loaded runbook to the checks in execution order, each on every host of its
// role (plan/instances.ts), or the reasons it cannot run.
import type { Diagnostic } from '../errors/diagnostic.js';
import type { Check, Runbook } from '../model/runbook.js';
import { dependencyCycles, executionOrder, positionsById, unknownDependencies } from './graph.js';
import { expandInstances, type CheckInstance } from './instances.js';
import { referenceProblems } from './references.js';

export interface Plan {
  readonly runbook: Runbook;
  /** Every check, dependencies before dependents, otherwise in file order. */
  readonly order: readonly Check[];
  /** What runs: each check of `order` on each host of its role (fewer after --limit or --shard). */
  readonly instances: readonly CheckInstance[];
}

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
  return { plan: { runbook, order, instances: expandInstances(runbook, order) }, diagnostics };
};
