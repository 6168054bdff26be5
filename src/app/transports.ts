// One transport per host for the whole run: the local one for `local` roles, pooled SSH connections
// for the rest (one per destination, shared by every role and file that names it), all closed at the end.
import { usageError } from '../errors/diagnostic.js';
import type { HostSpec } from '../model/runbook.js';
import { LocalTransport } from '../transport/local.js';
import { SshPool, type SshOptions } from '../transport/ssh.js';
import type { Transport } from '../transport/types.js';

export interface TransportSet {
  forHost(spec: HostSpec | undefined): Transport;
  close(): Promise<void>;
}

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
    forHost: (spec) => {
      if (spec === undefined || spec.kind === 'local' || pool === undefined) return local;
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
