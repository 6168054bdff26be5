// The plan stage: from a loaded runbook to the checks in execution order, or the reasons it cannot run.
import type { Diagnostic } from '../errors/diagnostic.js';
import type { Check, Runbook } from '../model/runbook.js';
import { dependencyCycles, executionOrder, unknownDependencies } from './graph.js';
import { referenceProblems } from './references.js';

export interface Plan {
  readonly runbook: Runbook;
  /** Every check, dependencies before dependents, otherwise in file order. */
  readonly order: readonly Check[];
}

export const buildPlan = (runbook: Runbook): { plan: Plan; diagnostics: Diagnostic[] } => {
  const checks = runbook.questions.flatMap((question) => question.checks);
  const diagnostics = [
    ...unknownDependencies(checks, runbook.questions),
    ...dependencyCycles(checks),
    ...referenceProblems(runbook, checks),
  ];
  return { plan: { runbook, order: executionOrder(checks) }, diagnostics };
};
