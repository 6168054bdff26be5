// One transport per host for the whole run: the local one for `local` hosts, pooled SSH connections
// for the rest (one per destination, shared by every role and file that names it), all closed at the end.
import { checkKindOf } from '../checks/registry.js';
import type { Plan } from '../plan/plan.js';
import type { HostSpec } from '../model/runbook.js';
import type { LocalTransport } from '../transport/local/transport.js';
import { SshPool, type SshOptions } from '../transport/ssh/pool.js';
import { refusedTransport, type Transport } from '../transport/types.js';
import { unreadableSshConfig } from './ssh-destinations.js';

export interface TransportSet {
  forHost(spec: HostSpec): Transport;
  close(): Promise<void>;
}

/** Reading ssh_config up front: a missing or unreadable --ssh-config stops the run before it starts. */
const openPool = (options: SshOptions): SshPool => {
  try {
    return new SshPool(options);
  } catch (error) {
    throw unreadableSshConfig(options.sshConfigPath, error);
  }
};

/** What makes a run's transports: createTransports, or record and replay (tape.ts) in its place. */
export type TransportFactory = (hosts: readonly HostSpec[], ssh: SshOptions) => TransportSet | Promise<TransportSet>;

/** Every host a run may ask for: each instance's, and those of the roles its check reaches besides its own (a capture's trigger host). */
export const runHosts = (plans: readonly Plan[]): HostSpec[] =>
  plans.flatMap((plan) =>
    plan.instances.flatMap((instance) => [
      instance.host,
      ...checkKindOf(instance.check).otherHosts(instance.check.spec).flatMap((role) => plan.runbook.hosts[role]?.members ?? []),
    ]),
  );

/** The local transport, and execa with it, only for a run that has a local host (an SSH-only run started about 25 ms sooner). */
const localTransport = async (hurry: AbortSignal | undefined): Promise<LocalTransport> => new (await import('../transport/local/transport.js')).LocalTransport(hurry);

/**
 * `hosts`: every host the run may ask for, a capture's trigger host included (runHosts). One it was
 * not given is refused: a host is never answered by another transport (before, an SSH trigger host
 * in a run with no other SSH host ran its command here, on the local machine).
 */
export const createTransports = async (hosts: readonly HostSpec[], ssh: SshOptions): Promise<TransportSet> => {
  const local = hosts.some((host) => host.kind === 'local') ? await localTransport(ssh.hurry) : undefined;
  const pool = hosts.some((host) => host.kind === 'ssh') ? openPool(ssh) : undefined;
  const made = new Map<string, Transport>();
  const make = (spec: HostSpec): Transport => {
    if (spec.kind === 'unusable') return refusedTransport(spec.name, { code: 'UNUSABLE_HOST', message: `${spec.name}: ${spec.why}` });
    const transport = spec.kind === 'local' ? local : pool?.transportFor(spec);
    return transport ?? refusedTransport(spec.name, { code: 'UNUSABLE_HOST', message: `${spec.name}: not among the hosts this run was set up for` });
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
      await Promise.all([local?.close(), pool?.close()]);
    },
  };
};
