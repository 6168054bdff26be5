// What a run observed so far, as conditions ask it (src/conditions/): for a check's `when` just
// before it would run, and for the diagnosis after the run.
import { conditionHolds } from '../conditions/registry.js';
import type { Facts } from '../conditions/types.js';
import type { CheckRun } from './run-check.js';

/**
 * What the run observed, as conditions ask it (src/conditions/). Every check asked about is noted in
 * `consulted`, in the order asked: the evidence a finding rests on.
 */
export const factsOf = (runs: ReadonlyMap<string, CheckRun>, consulted = new Set<string>()): Facts => {
  const facts: Facts = {
    status: (check) => {
      consulted.add(check);
      return runs.get(check)?.result.status;
    },
    field: (check, field) => {
      consulted.add(check);
      const run = runs.get(check);
      return run?.result.status === 'skipped' ? undefined : run?.fields[field];
    },
    lackingTools: () => {
      const lacking = [...runs.values()].filter((run) => run.result.missingTools.length > 0).map((run) => run.result.id);
      lacking.forEach((id) => consulted.add(id));
      return lacking;
    },
    holds: (condition) => conditionHolds(condition, facts),
  };
  return facts;
};

