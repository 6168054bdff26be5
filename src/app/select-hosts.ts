// `--limit PATTERN` and `--shard i/n`: which hosts take part. A limit is Ansible's pattern language
// (runbook/limit.ts) over the run's hosts, where each role is also a group of its hosts (and an
// inventory's groups are groups). A shard is a stable hash of the host's name, so a host stays in
// its shard however the fleet grows. What a chosen host's check waits for runs too, on its own hosts
// (a web host's check after the database's): every verdict is what a full run gives that host.
import { usageError } from '../errors/diagnostic.js';
import type { HostSpec, Runbook, SourceLocation } from '../model/runbook.js';
import { checksAskedBy } from '../model/condition-checks.js';
import { pushAll } from '../model/push-all.js';
import { instancePrerequisites, instancesByCheck, type CheckInstance } from '../plan/instances.js';
import type { Plan } from '../plan/plan.js';
import type { Inventory, InventoryGroup, InventoryHost } from '../runbook/inventory.js';
import { hostMatcher, type HostPredicate } from '../runbook/limit.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
}

export interface HostSelection {
  readonly limit?: string;
  readonly shard?: Shard;
  readonly inventory?: Inventory;
}

/** FNV-1a, 32 bits: the same shard for a name on every machine and in every version. */
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
};

export const shardOf = (hostName: string, total: number): number => (fnv1a(hostName) % total) + 1;

const RUN_HOSTS: SourceLocation = { file: "this run's hosts", line: 1, col: 1 };

/**
 * The run's hosts as an inventory for the limit: the inventory's own groups and hosts, every role
 * as a group of its hosts (unless the inventory has a group of that name), and every host by name.
 */
const limitInventory = (plans: readonly Plan[], inventory: Inventory | undefined): Inventory => {
  const groups = new Map<string, InventoryGroup>(inventory?.groups ?? []);
  const hosts = new Map<string, InventoryHost>(inventory?.hosts ?? []);
  for (const [role, { members }] of plans.flatMap((plan) => Object.entries(plan.runbook.hosts))) {
    const names = members.map((member) => member.name);
    const known = groups.get(role);
    if (!inventory?.groups.has(role)) groups.set(role, { name: role, hosts: [...new Set([...(known?.hosts ?? []), ...names])], children: [] });
    for (const name of names) if (!hosts.has(name)) hosts.set(name, { name, groups: [role], vars: {}, location: RUN_HOSTS });
  }
  // `!web07` alone starts from `all`, as in Ansible: without an inventory, every host of the run.
  if (!groups.has('all')) groups.set('all', { name: 'all', hosts: [...hosts.keys()], children: [] });
  return { file: inventory ? `${inventory.file} or this run's roles` : "this run's hosts and roles", format: inventory?.format ?? 'yaml', groups, hosts, destinationOf: (name) => inventory?.destinationOf(name) ?? { ok: false, error: name } };
};

/** The limit as a message quotes it: a command line may hold 9,000 host names. */
const SHOWN_LIMIT_CHARS = 100;

const limitPredicate = (plans: readonly Plan[], limit: string, inventory: Inventory | undefined): HostPredicate => {
  const matcher = hostMatcher(limit, limitInventory(plans, inventory));
  const shown = limit.length > SHOWN_LIMIT_CHARS ? `${limit.slice(0, SHOWN_LIMIT_CHARS)}…` : limit;
  if (!matcher.ok) throw usageError(`--limit ${shown}: ${matcher.error}`);
  const hosts = plans.flatMap((plan) => plan.instances.map((instance) => instance.host.name));
  // A typo would otherwise gate nothing at all.
  if (!hosts.some(matcher.value)) throw usageError(`--limit ${shown}: no host of this run matches it`);
  return matcher.value;
};

const predicateOf = (plans: readonly Plan[], { limit, shard, inventory }: HostSelection): HostPredicate | undefined => {
  if (limit === undefined && shard === undefined) return undefined;
  const inLimit = limit === undefined ? () => true : limitPredicate(plans, limit, inventory);
  return (name) => inLimit(name) && (shard === undefined || shardOf(name, shard.total) === shard.index);
};

/** The chosen hosts' instances and, transitively, what they wait for. */
const keptInstances = (plan: Plan, chosen: (host: HostSpec) => boolean): Set<string> => {
  const byCheck = instancesByCheck(plan.instances);
  const kept = new Set<string>();
  const pending = plan.instances.filter((instance) => chosen(instance.host));
  for (let instance = pending.pop(); instance; instance = pending.pop()) {
    if (kept.has(instance.key)) continue;
    kept.add(instance.key);
    // Every host of another role it waits for: as many as an inventory's group holds (model/push-all.ts).
    pushAll(pending, instancePrerequisites(instance, byCheck).filter((other) => !kept.has(other.key)));
  }
  return kept;
};

/** The runbook as it runs on these instances: roles hold the hosts that take part, questions and rules what can be decided. */
const narrowed = (runbook: Runbook, instances: readonly CheckInstance[]): Runbook => {
  const ran = new Set(instances.map((instance) => instance.check.id));
  const hostsTaking = new Set(instances.map((instance) => `${instance.check.on}\n${instance.host.name}`));
  const hosts = Object.fromEntries(Object.entries(runbook.hosts).map(([role, spec]) => [role, { ...spec, members: spec.members.filter((member) => hostsTaking.has(`${role}\n${member.name}`)) }]));
  const questions = runbook.questions.filter((question) => question.checks.some((check) => ran.has(check.id)));
  const diagnosis = runbook.diagnosis.filter((rule) => checksAskedBy(rule.when).every((id) => ran.has(id)));
  return { ...runbook, hosts, questions, diagnosis };
};

/**
 * The plans on the selected hosts; without --limit or --shard, the plans as they are. A limit that
 * matches no host at all is a usage error; an empty shard is not (more shards than hosts).
 */
export const selectHosts = (plans: readonly Plan[], selection: HostSelection): Plan[] => {
  const predicate = predicateOf(plans, selection);
  if (!predicate) return [...plans];
  const chosen = (host: HostSpec): boolean => predicate(host.name);
  return plans.map((plan) => {
    const kept = keptInstances(plan, chosen);
    const instances = plan.instances.filter((instance) => kept.has(instance.key));
    const runbook = narrowed(plan.runbook, instances);
    const checks = new Set(instances.map((instance) => instance.check.id));
    return { runbook, order: plan.order.filter((check) => checks.has(check.id)), instances };
  });
};
