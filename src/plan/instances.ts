// A check runs once per host of its role: each (check, host) pair is an instance, with its own
// outcome, evidence and captures. What an instance waits for: of a check on its own role, the
// instance on the same host (so host07's dependent uses host07's capture, and a failure there
// skips only host07); of a check on another role, every host of that role.
import { groupBy } from '../model/group-by.js';
import type { Check, HostSpec, Runbook } from '../model/runbook.js';
import { runsAfter } from './graph.js';

export interface CheckInstance {
  readonly check: Check;
  readonly host: HostSpec;
  /** Its role is a fleet: reported by host name, counted by host. */
  readonly fleet: boolean;
  /** `check-id@host-name`: unique in a plan. */
  readonly key: string;
}

export const instanceKey = (checkId: string, hostName: string): string => `${checkId}@${hostName}`;

/** The hosts of `role`: none for a role the runbook lacks, even one named as Object's own (`on: toString`). */
export const membersOf = (runbook: Runbook, role: string): readonly HostSpec[] => (Object.hasOwn(runbook.hosts, role) ? runbook.hosts[role]!.members : []);

/** Every check on every host of its role, in execution order, each check's hosts in the role's order. */
export const expandInstances = (runbook: Runbook, order: readonly Check[]): CheckInstance[] => {
  const instances: CheckInstance[] = [];
  // Loops, not flatMap and map: a list per check, made and dropped, for every check of the plan.
  for (let index = 0; index < order.length; index += 1) {
    const check = order[index]!;
    for (const host of membersOf(runbook, check.on)) instances.push({ check, host, fleet: runbook.hosts[check.on]!.fleet, key: instanceKey(check.id, host.name) });
  }
  return instances;
};

/** The instances of each check, by check id. */
export const instancesByCheck = (instances: readonly CheckInstance[]): Map<string, CheckInstance[]> => groupBy(instances, (instance) => instance.check.id);

/** The instances of check `id` that `instance` sees: its own host's on its own role, every host's on another. */
export const seenInstances = (instance: CheckInstance, id: string, byCheck: ReadonlyMap<string, readonly CheckInstance[]>): readonly CheckInstance[] => {
  const all = byCheck.get(id) ?? [];
  if (all[0]?.check.on !== instance.check.on) return all;
  return all.filter((other) => other.host.name === instance.host.name);
};

/** What must finish before `instance` starts: its check's dependencies and `when` targets, as it sees them. */
export const instancePrerequisites = (instance: CheckInstance, byCheck: ReadonlyMap<string, readonly CheckInstance[]>): CheckInstance[] =>
  runsAfter(instance.check).flatMap((id) => seenInstances(instance, id, byCheck));
