// One transport per host for the whole run: the local one for `local` roles, pooled SSH connections
// for the rest (one per destination, shared by every role and file that names it), all closed at the end.
import { usageError } from '../errors/diagnostic.js';
import type { HostSpec } from '../model/runbook.js';
import { LocalTransport } from '../transport/local/transport.js';
import { SshPool, type SshOptions } from '../transport/ssh/pool.js';
import { refusedCommand, type Transport } from '../transport/types.js';

export interface TransportSet {
  /** `spec` undefined: a role the runbook does not declare (see `undeclared`). */
  forHost(role: string, spec: HostSpec | undefined): Transport;
  close(): Promise<void>;
}

/**
 * The planner refuses undeclared roles before anything runs, so this is a bug in runbook itself:
 * its checks are errors that say so, never commands run on this machine by mistake.
 */
const undeclared = (role: string): Transport => {
  const transportError = { code: 'UNDECLARED_ROLE', message: `host role "${role}" is not declared under hosts (an internal error: please report it)` };
  return {
    description: `${role} (undeclared)`,
    start: () => refusedCommand(transportError),
    openStream: () => Promise.resolve({ transportError, durationMs: 0, via: `a stream from ${role}` }),
    close: () => Promise.resolve(),
  };
};

/** Reading ssh_config up front: a missing or unreadable --ssh-config stops the run before it starts. */
const openPool = (options: SshOptions): SshPool => {
  try {
    return new SshPool(options);
  } catch (error) {
    const where = options.sshConfigPath ? `--ssh-config ${options.sshConfigPath}` : 'ssh_config';
    throw usageError(`${where}: cannot read it: ${(error as Error).message}`);
  }
};

export const createTransports = (hosts: readonly HostSpec[], ssh: SshOptions): TransportSet => {
  const local = new LocalTransport();
  const pool = hosts.some((host) => host.kind === 'ssh') ? openPool(ssh) : undefined;
  const remote = new Map<string, Transport>();
  return {
    forHost: (role, spec) => {
      if (spec === undefined) return undeclared(role);
      if (spec.kind === 'local' || pool === undefined) return local;
      const key = JSON.stringify(spec);
      const known = remote.get(key);
      if (known) return known;
      const transport = pool.transportFor(spec);
      remote.set(key, transport);
      return transport;
    },
    close: async () => {
      await Promise.all([local.close(), pool?.close()]);
    },
  };
};
