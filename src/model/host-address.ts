// How a host is written for people: `local`, or `[user@]host[:port]` as after `ssh` (an IPv6
// address in brackets). The loader parses this form; reports and plans print it.
import type { HostSpec, RoleHosts } from './runbook.js';
import { counted } from './counted.js';

/** `client (root@10.0.0.5:22)`, or just `local` when a role runs where it is named: every report and view says it so. */
export const roleAndTarget = (role: string, target: string): string => (target === role ? role : `${role} (${target})`);

/**
 * A reason as read right after the host it ran on: the transport's reasons start by naming the
 * host they could not reach, `db (root@10.0.0.5:2223): connection refused`, which a line that
 * reads "on server (root@10.0.0.5:2223): ..." has just said. The reason itself keeps it: in JSON
 * and JUnit it stands alone.
 */
export const reasonAfterWhere = (reason: string, target: string): string => {
  const named = ` (${target}): `;
  const at = reason.indexOf(named);
  return at > 0 && !/\s/.test(reason.slice(0, at)) ? reason.slice(at + named.length) : reason;
};

export const describeHost = (spec: HostSpec): string =>
  spec.kind === 'local'
    ? 'local'
    : spec.kind === 'unusable'
      ? spec.name
      : `${spec.user ? `${spec.user}@` : ''}${spec.host.includes(':') ? `[${spec.host}]` : spec.host}${spec.port ? `:${spec.port}` : ''}`;

/** Names shown of a fleet before "…": a summary line, not the inventory. */
const NAMES_SHOWN = 3;

/** One host as above; a fleet as `3 hosts: web01, web02, web03` or `50 hosts: web01, web02, web03, …`. */
export const describeRole = (role: RoleHosts): string =>
  !role.fleet && role.members.length === 1 ? describeHost(role.members[0]!) : describeFleet(role.members.map((member) => member.name));

/** `3 hosts: web01, web02, web03`, `50 hosts: web01, web02, web03, …`. */
export const describeFleet = (names: readonly string[]): string => {
  const shown = names.slice(0, NAMES_SHOWN).join(', ') + (names.length > NAMES_SHOWN ? ', …' : '');
  return `${counted(names.length, 'host')}${names.length > 0 ? `: ${shown}` : ''}`;
};
