// A role's hosts, from what the runbook (or `--host ROLE=...`) writes:
//   server: root@10.0.0.2          one host
//   web: [web1, root@web2:2222]    a fleet, as listed
//   web: "web[01:50].prod"         a fleet: Ansible's range, zero-padding kept
//   web: "@prod-web"               a fleet: a group of --inventory (also `--host web=@prod-web`)
//   web: {}                        a fleet: the inventory group named like the role
// Inventory hosts keep their inventory name, and are reached as ansible_host/user/port say.
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { expandHostPattern } from '../model/host-pattern.js';
import { listSome } from '../model/list-words.js';
import type { HostSpec, RoleHosts, SourceLocation } from '../model/runbook.js';
import { parseHostAddress } from './hosts.js';
import type { Inventory } from './inventory.js';
import { asRecord, type Raw, type RunbookSource } from './source.js';

/**
 * The most hosts the roles of one load hold in all: the runbook's and its included runbooks', a
 * host counted once in each role it is in. A range makes at most 10,000 (model/host-pattern.ts),
 * but 100 roles of one range each (6 KB) made a million hosts (2 s, 310 MB to validate), 1,000
 * of them ten million (24 s, 2.7 GB), and 100 includes of a file with ten such roles 11 s before
 * a single check was read. As many as one inventory may hold (inventory.ts MAX_INVENTORY_HOSTS).
 */
export const MAX_ROLE_HOSTS = 100_000;

/**
 * What the roles of one load have taken of MAX_ROLE_HOSTS. The role that crosses it is refused at
 * its place, and no role's hosts are made after it (the runbook cannot run): one line, not one
 * per role.
 */
export class HostBudget {
  #hosts = 0;

  get spent(): boolean {
    return this.#hosts > MAX_ROLE_HOSTS;
  }

  get total(): number {
    return this.#hosts;
  }

  /** Counts `hosts` more; false when they take the load past the limit. */
  take(hosts: number): boolean {
    this.#hosts += hosts;
    return !this.spent;
  }
}

/** Where a role's value came from: the runbook (a position in it) or the command line. */
type Origin = { readonly location: SourceLocation } | { readonly flag: string };

interface RoleContext {
  readonly role: string;
  readonly become: boolean;
  readonly inventory: Inventory | undefined;
  readonly origin: Origin;
  readonly problems: Diagnostic[];
  readonly budget: HostBudget;
}

const problem = (context: RoleContext, message: string, hint?: string, code?: 'RB_TOO_LARGE'): void => {
  const { origin } = context;
  const where = 'flag' in origin ? { code: code ?? ('RB_USAGE' as const), message: `${origin.flag}: ${message}` } : { code: code ?? ('RB_INVENTORY' as const), message: `hosts.${context.role}: ${message}`, location: origin.location };
  context.problems.push({ ...where, ...(hint ? { hint } : {}) });
};

/** A range in brackets that is not an IPv6 address: `web[01:50]`, not `[fe80::1]`. */
const isRange = (text: string): boolean => /\[[^\]]*\]/.test(text.replace(/^(?:[^@]*@)?\[[0-9A-Fa-f:.]+\]/, ''));

/** An inventory host: its name, reached at its destination, or unusable with the inventory's reason. */
const inventoryHost = (context: RoleContext, inventory: Inventory, name: string): HostSpec => {
  const destination = inventory.destinationOf(name);
  if (!destination.ok) return { role: context.role, kind: 'unusable', name, become: false, why: destination.error };
  const become = context.become || destination.value.become;
  return parseHostAddress(context.role, destination.value.destination, become, name) ?? { role: context.role, kind: 'unusable', name, become, why: `"${destination.value.destination}" is not [user@]host[:port]` };
};

const groupHosts = (context: RoleContext, group: string): HostSpec[] => {
  const { inventory } = context;
  if (!inventory) {
    problem(context, `the inventory group "${group}" needs an inventory`, 'give it with --inventory FILE (Ansible YAML or INI)');
    return [];
  }
  const found = inventory.groups.get(group);
  if (!found) {
    problem(context, `${inventory.file} has no group "${group}"`, didYouMean(group, [...inventory.groups.keys()]) ?? `groups: ${listSome([...inventory.groups.keys()])}`);
    return [];
  }
  if (found.hosts.length === 0) problem(context, `the group "${group}" of ${inventory.file} has no hosts`);
  if (!withinBudget(context, `@${group}`, found.hosts.length)) return [];
  return found.hosts.map((name) => inventoryHost(context, inventory, name));
};

/** Whether `count` more hosts fit in what the load may hold; said at the role once when they do not. */
const withinBudget = (context: RoleContext, text: string, count: number): boolean => {
  if (context.budget.take(count)) return true;
  problem(context, `"${text}" brings the roles to ${context.budget.total} hosts, more than ${MAX_ROLE_HOSTS} in all (a host counted in each role it is in, included runbooks' roles too)`, 'split the fleet into runs of fewer hosts, or give a role a smaller range or group', 'RB_TOO_LARGE');
  return false;
};

/** One written value: `local`, a destination, a range of them, or `@GROUP`. */
const hostsOfText = (context: RoleContext, text: string): HostSpec[] => {
  if (context.budget.spent) return [];
  if (text.startsWith('@')) return groupHosts(context, text.slice(1));
  const names = isRange(text) ? expandHostPattern(text) : { ok: true as const, value: [text] };
  if (!names.ok) {
    problem(context, names.error);
    return [];
  }
  if (!withinBudget(context, text, names.value.length)) return [];
  return names.value.flatMap((address) => {
    const spec = parseHostAddress(context.role, address, context.become);
    if (!spec) problem(context, `${'flag' in context.origin ? '' : `"${address}" is `}not "local", [user@]host[:port], a range such as web[01:50] or @GROUP`);
    return spec ? [spec] : [];
  });
};

/** A host named twice in one role would run every check twice and report it once. */
const withoutRepeats = (context: RoleContext, members: HostSpec[]): HostSpec[] => {
  const seen = new Set<string>();
  return members.filter((member) => {
    if (!seen.has(member.name)) return seen.add(member.name);
    problem(context, `the host "${member.name}" is named twice`, 'list each host once');
    return false;
  });
};

const fleetOf = (context: RoleContext, texts: readonly string[]): RoleHosts => ({ members: withoutRepeats(context, texts.flatMap((text) => hostsOfText(context, text))), fleet: true });

/** A text stands for one host only when it is one destination: a range or a group is a fleet, even of one. */
const rolesOfText = (context: RoleContext, text: string): RoleHosts =>
  text.startsWith('@') || isRange(text) ? fleetOf(context, [text]) : { members: hostsOfText(context, text), fleet: false };

/** `address` may be one text or a list; none (`web: {}`) is the inventory group of the role's name. */
const rolesOfEntry = (context: RoleContext, entry: unknown): RoleHosts => {
  if (typeof entry === 'string') return rolesOfText(context, entry);
  if (Array.isArray(entry)) return fleetOf(context, entry.filter((item): item is string => typeof item === 'string'));
  const { address } = asRecord(entry);
  if (address === undefined) return fleetOf(context, [`@${context.role}`]);
  return rolesOfEntry(context, address);
};

export interface RoleSources {
  /** `--host role=value`: replaces the runbook's value of that role. */
  readonly overrides: Readonly<Record<string, string>>;
  readonly inventory?: Inventory;
  /** False for a part the schema already reported: it is not read again. */
  readonly isClean: (path: readonly (string | number)[]) => boolean;
  /** What the roles of the whole load may still hold, included runbooks' counted. */
  readonly budget: HostBudget;
}

/** Every role's hosts; each problem at the role's position (or the flag that gave its value). */
export const buildRoles = (source: RunbookSource, raw: Raw, { overrides, inventory, isClean, budget }: RoleSources, problems: Diagnostic[]): Record<string, RoleHosts> => {
  const roles: Record<string, RoleHosts> = {};
  for (const [role, entry] of Object.entries(raw)) {
    // Own keys only: a role named `constructor` has no `--host` override, whatever Object.prototype holds.
    const override = Object.hasOwn(overrides, role) ? overrides[role] : undefined;
    if (override === undefined && !isClean(['hosts', role])) continue;
    const become = asRecord(entry).become === true;
    const origin: Origin = override === undefined ? { location: source.locate(['hosts', role]) } : { flag: `--host ${role}=${override}` };
    const context: RoleContext = { role, become, inventory, origin, problems, budget };
    roles[role] = override === undefined ? rolesOfEntry(context, entry) : rolesOfText(context, override);
  }
  return roles;
};
