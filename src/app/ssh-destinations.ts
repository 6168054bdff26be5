// Where each SSH role of a plan really goes, read from ssh_config as a run would read it: its
// HostName, User, Port and ProxyJump hops. `runbook plan --ssh-config FILE` shows it beside the
// role, so an alias (`db`, `db1.prod`) is seen as the machine and the jump host before anything runs.
import { usageError } from '../errors/diagnostic.js';
import type { HostSpec, RoleHosts } from '../model/runbook.js';
import { loadSshConfig } from '../transport/ssh/config-file.js';
import { resolveTarget, type SshTarget } from '../transport/ssh/config.js';
import type SSHConfig from 'ssh-config';
import { escapeControl } from '../model/visible-text.js';

/**
 * A run and a plan refuse an ssh_config they cannot read in the same words: `--ssh-config FILE:
 * cannot read it: ...`. The parser's message quotes the file, which may be binary: its control
 * characters are shown as escapes, never sent to the terminal.
 */
export const unreadableSshConfig = (sshConfigPath: string | undefined, error: unknown): Error =>
  usageError(`${sshConfigPath ? `--ssh-config ${escapeControl(sshConfigPath)}` : 'ssh_config'}: cannot read it: ${escapeControl((error as Error).message)}`);

/** `root@10.0.0.5:22`, then each hop out to the first one: `via admin@10.0.0.10:22`. */
const destinationText = (target: SshTarget): string => {
  const hops: string[] = [];
  for (let hop = target.via; hop; hop = hop.via) hops.push(`${hop.user}@${hop.hostName}:${hop.port}`);
  const at = `${target.user}@${target.hostName}:${target.port}`;
  return `${at}${hops.length > 0 ? ` via ${hops.join(' via ')}` : ''}${target.unsupported ? ` (not reachable as configured: ${target.unsupported})` : ''}`;
};

const destinationOf = (config: SSHConfig, spec: HostSpec): string | undefined => {
  if (spec.kind !== 'ssh') return undefined;
  try {
    return destinationText(resolveTarget(config, { host: spec.host, user: spec.user, port: spec.port }, {}));
  } catch (error) {
    return `(ssh_config: ${(error as Error).message})`;
  }
};

/** Each one-host SSH role's destination by role name; a fleet's hosts are many and keep their names. */
export const sshDestinations = (hosts: Readonly<Record<string, RoleHosts>>, sshConfigPath: string): Map<string, string> => {
  let config: SSHConfig;
  try {
    config = loadSshConfig(sshConfigPath);
  } catch (error) {
    throw unreadableSshConfig(sshConfigPath, error);
  }
  const destinations = new Map<string, string>();
  for (const [role, { members, fleet }] of Object.entries(hosts)) {
    const destination = !fleet && members.length === 1 ? destinationOf(config, members[0]!) : undefined;
    if (destination !== undefined) destinations.set(role, destination);
  }
  return destinations;
};
