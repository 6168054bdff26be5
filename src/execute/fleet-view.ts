// What one host's check sees of the others: its own host's run of a check on its role, and one run
// standing for all hosts of a check on another role. The scheduler reads it for `when:` and captures,
// the diagnosis for rules judged host by host.
import type { CheckInstance } from '../plan/instances.js';
import { seenInstances } from '../plan/instances.js';
import type { CheckRun } from './run-check.js';
import { worstStatus } from './verdict.js';

/**
 * Several hosts' runs of one check as one: passed only when every host passed, otherwise the worst
 * of them (worstStatus ranks pass last); no fields and no captures, since
 * no one host's values can stand for the others' (a rule that quotes them is judged per host instead).
 */
export const combinedRun = (runs: readonly CheckRun[]): CheckRun => {
  if (runs.length === 1) return runs[0]!;
  const status = worstStatus(runs.map((run) => run.result.status));
  const first = runs.find((run) => run.result.status === status) ?? runs[0]!;
  const missingTools = runs.flatMap((run) => run.result.missingTools);
  return { result: { ...first.result, status, captures: {}, observed: {}, missingTools }, fields: {}, captures: {} };
};

/** By check id, the runs `instance` sees among those finished (instance keys to runs). */
export const viewOf = (
  instance: CheckInstance,
  ids: Iterable<string>,
  byCheck: ReadonlyMap<string, readonly CheckInstance[]>,
  finished: ReadonlyMap<string, CheckRun>,
): Map<string, CheckRun> => {
  const view = new Map<string, CheckRun>();
  for (const id of ids) {
    const runs = seenInstances(instance, id, byCheck).flatMap((seen) => finished.get(seen.key) ?? []);
    if (runs.length > 0) view.set(id, combinedRun(runs));
  }
  return view;
};

/** The captured values in a view: a capture of the same host, or of a role with one host. */
export const capturesIn = (view: ReadonlyMap<string, CheckRun>): Map<string, string> =>
  new Map([...view.values()].flatMap((run) => Object.entries(run.captures)));
