// How a host is written for people: `local`, or `[user@]host[:port]` as after `ssh` (an IPv6
// address in brackets). The loader parses this form; reports and plans print it.
import type { HostSpec } from './runbook.js';

/** `client (root@10.0.0.5:22)`, or just `local` when a role runs where it is named: every report and view says it so. */
export const roleAndTarget = (role: string, target: string): string => (target === role ? role : `${role} (${target})`);

export const describeHost = (spec: HostSpec): string =>
  spec.kind === 'local'
    ? 'local'
    : `${spec.user ? `${spec.user}@` : ''}${spec.host.includes(':') ? `[${spec.host}]` : spec.host}${spec.port ? `:${spec.port}` : ''}`;
