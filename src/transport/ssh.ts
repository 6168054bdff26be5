// The SSH side of Transport: hosts resolved as `ssh HOST` would resolve them, one pooled connection
// per destination shared by every check on it, and close() that leaves nothing running anywhere.
import type SSHConfig from 'ssh-config';
import type { SshHostSpec } from '../model/runbook.js';
import type { CommandOutcome, CommandRequest, RunningCommand, Transport, TransportError } from './types.js';
import { RemoteCommand } from './ssh-command.js';
import { destinationKey, resolveTarget, type SshTarget, type StrictMode } from './ssh-config.js';
import { loadSshConfig } from './ssh-config-file.js';
import { SshConnection } from './ssh-connection.js';

export interface SshOptions {
  /** Like `ssh -F FILE`; default ~/.ssh/config (if it exists) then /etc/ssh/ssh_config, as ssh reads them. */
  sshConfigPath?: string;
  /** Overrides ssh_config's StrictHostKeyChecking. There is deliberately no 'no'. */
  strictHostKeyChecking?: StrictMode;
  /** Default: ssh_config ConnectTimeout, else 10 s. */
  connectTimeoutMs?: number;
  /** Default: process.env.SSH_AUTH_SOCK; '' for no agent. ssh_config's IdentityAgent still wins, as in ssh. */
  agentSocket?: string;
  /** Default 10, OpenSSH's MaxSessions; one channel is kept for kills. */
  maxChannelsPerConnection?: number;
}

const failed = (transportError: TransportError): RunningCommand => {
  const outcome: CommandOutcome = { exitCode: null, signal: null, stdout: '', stderr: '', durationMs: 0, transportError };
  return { result: Promise.resolve(outcome), waitForOutput: () => Promise.resolve(false), stop: () => Promise.resolve() };
};

/** Where a role's commands go: a pooled connection, or the reason there can be none. */
type Route = { readonly connection: SshConnection; readonly target: SshTarget } | { readonly error: TransportError };

class SshTransport implements Transport {
  readonly description: string;
  private readonly running = new Set<RemoteCommand>();
  private closed = false;

  constructor(private readonly spec: SshHostSpec, private readonly route: Route, private readonly onClose: () => Promise<void>) {
    const where = 'error' in route ? spec.host : `${route.target.user}@${route.target.hostName}:${route.target.port}`;
    this.description = where;
  }

  start(request: CommandRequest): RunningCommand {
    if ('error' in this.route) return failed(this.route.error);
    if (this.closed) return failed({ code: 'CLOSED', message: `${this.description}: transport is closed` });
    // Already root: sudo would add nothing but a dependency on sudo being installed.
    const become = (request.become ?? this.spec.become) && this.route.target.user !== 'root';
    const command = new RemoteCommand(this.route.connection, request, become);
    this.running.add(command);
    void command.result.finally(() => this.running.delete(command));
    return command;
  }

  /** Ends every running command (their process groups on the host included). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((command) => command.stop()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopAll();
    await this.onClose();
  }
}

export class SshPool {
  private readonly config: SSHConfig;
  private readonly maxChannels: number;
  private readonly connections = new Map<string, { connection: SshConnection; users: number }>();
  private readonly transports = new Set<SshTransport>();
  private closing: Promise<void> | undefined;

  /** Reads ssh_config now: a missing `-F` file is an error at startup, as for ssh. */
  constructor(private readonly options: SshOptions) {
    this.maxChannels = options.maxChannelsPerConnection ?? 10;
    if (!Number.isInteger(this.maxChannels) || this.maxChannels < 2) {
      throw new RangeError(`maxChannelsPerConnection must be an integer >= 2 (one is kept for kills), got ${this.maxChannels}`);
    }
    this.config = loadSshConfig(options.sshConfigPath);
  }

  transportFor(spec: SshHostSpec): Transport {
    const route = this.route(spec);
    const transport: SshTransport = new SshTransport(spec, route, () => this.release(transport, route));
    if (!('error' in route)) this.transports.add(transport);
    return transport;
  }

  private route(spec: SshHostSpec): Route {
    if (this.closing) return { error: { code: 'CLOSED', message: `${spec.role}: the SSH pool is closed` } };
    let target: SshTarget;
    try {
      target = resolveTarget(this.config, { host: spec.host, user: spec.user, port: spec.port }, this.options);
    } catch (error) {
      return { error: { code: 'CONFIG', message: `${spec.role} (${spec.host}): ${(error as Error).message}` } };
    }
    const key = destinationKey(target);
    const entry = this.connections.get(key) ?? { connection: new SshConnection(target, this.maxChannels), users: 0 };
    entry.users += 1;
    this.connections.set(key, entry);
    return { connection: entry.connection, target };
  }

  /** The last transport of a destination to close also closes its connection. */
  private async release(transport: SshTransport, route: Route): Promise<void> {
    this.transports.delete(transport);
    if ('error' in route || this.closing) return;
    const key = destinationKey(route.target);
    const entry = this.connections.get(key);
    if (!entry || --entry.users > 0) return;
    this.connections.delete(key);
    await entry.connection.close();
  }

  /** Ends running commands first (their groups on the hosts), then every connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.transports].map((transport) => transport.close()));
      await Promise.all([...this.connections.values()].map(({ connection }) => connection.close()));
      this.connections.clear();
    })();
    return this.closing;
  }
}
