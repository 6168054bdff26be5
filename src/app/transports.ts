// One transport per host for the whole run: the local one for `local` hosts, pooled SSH connections
// for the rest (one per destination, shared by every role and file that names it), all closed at the end.
import { usageError } from '../errors/diagnostic.js';
import type { HostSpec } from '../model/runbook.js';
import { LocalTransport } from '../transport/local/transport.js';
import { SshPool, type SshOptions } from '../transport/ssh/pool.js';
import { refusedTransport, type Transport } from '../transport/types.js';

export interface TransportSet {
  forHost(spec: HostSpec): Transport;
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

/** What makes a run's transports: createTransports, or record and replay (tape.ts) in its place. */
export type TransportFactory = (hosts: readonly HostSpec[], ssh: SshOptions) => TransportSet;

export const createTransports = (hosts: readonly HostSpec[], ssh: SshOptions): TransportSet => {
  const local = new LocalTransport(ssh.hurry);
  const pool = hosts.some((host) => host.kind === 'ssh') ? openPool(ssh) : undefined;
  const made = new Map<string, Transport>();
  const make = (spec: HostSpec): Transport => {
    if (spec.kind === 'unusable') return refusedTransport(spec.name, { code: 'UNUSABLE_HOST', message: `${spec.name}: ${spec.why}` });
    if (spec.kind === 'local' || pool === undefined) return local;
    return pool.transportFor(spec);
  };
  return {
    forHost: (spec) => {
      const key = JSON.stringify(spec);
      const known = made.get(key);
      if (known) return known;
      const transport = make(spec);
      made.set(key, transport);
      return transport;
    },
    close: async () => {
      await Promise.all([local.close(), pool?.close()]);
    },
  };
};
