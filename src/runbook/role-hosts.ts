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
import type { HostSpec, RoleHosts, SourceLocation } from '../model/runbook.js';
import { parseHostAddress } from './hosts.js';
import type { Inventory } from './inventory.js';
import { asRecord, type Raw, type RunbookSource } from './source.js';

/** Where a role's value came from: the runbook (a position in it) or the command line. */
type Origin = { readonly location: SourceLocation } | { readonly flag: string };

interface RoleContext {
  readonly role: string;
  readonly become: boolean;
  readonly inventory: Inventory | undefined;
  readonly origin: Origin;
  readonly problems: Diagnostic[];
}

const problem = (context: RoleContext, message: string, hint?: string): void => {
  const { origin } = context;
  const where = 'flag' in origin ? { code: 'RB_USAGE' as const, message: `${origin.flag}: ${message}` } : { code: 'RB_INVENTORY' as const, message: `hosts.${context.role}: ${message}`, location: origin.location };
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
    problem(context, `${inventory.file} has no group "${group}"`, didYouMean(group, [...inventory.groups.keys()]) ?? `groups: ${[...inventory.groups.keys()].join(', ')}`);
    return [];
  }
  if (found.hosts.length === 0) problem(context, `the group "${group}" of ${inventory.file} has no hosts`);
  return found.hosts.map((name) => inventoryHost(context, inventory, name));
};

/** One written value: `local`, a destination, a range of them, or `@GROUP`. */
const hostsOfText = (context: RoleContext, text: string): HostSpec[] => {
  if (text.startsWith('@')) return groupHosts(context, text.slice(1));
  const names = isRange(text) ? expandHostPattern(text) : { ok: true as const, value: [text] };
  if (!names.ok) {
    problem(context, names.error);
    return [];
  }
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
}

/** Every role's hosts; each problem at the role's position (or the flag that gave its value). */
export const buildRoles = (source: RunbookSource, raw: Raw, { overrides, inventory, isClean }: RoleSources, problems: Diagnostic[]): Record<string, RoleHosts> => {
  const roles: Record<string, RoleHosts> = {};
  for (const [role, entry] of Object.entries(raw)) {
    // Own keys only: a role named `constructor` has no `--host` override, whatever Object.prototype holds.
    const override = Object.hasOwn(overrides, role) ? overrides[role] : undefined;
    if (override === undefined && !isClean(['hosts', role])) continue;
    const become = asRecord(entry).become === true;
    const origin: Origin = override === undefined ? { location: source.locate(['hosts', role]) } : { flag: `--host ${role}=${override}` };
    const context: RoleContext = { role, become, inventory, origin, problems };
    roles[role] = override === undefined ? rolesOfEntry(context, entry) : rolesOfText(context, override);
  }
  return roles;
};
