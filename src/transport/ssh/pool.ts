// The SSH side of Transport: hosts resolved as `ssh HOST` would resolve them, one pooled connection
// per destination shared by every check on it, and close() that leaves nothing running anywhere.
import type SSHConfig from 'ssh-config';
import type { SshHostSpec } from '../../model/runbook.js';
import { DEFAULT_CONNECTIONS } from '../../model/limits.js';
import { failed, ok, type Result } from '../../model/result.js';
import type { Client } from 'ssh2';
import { refusedCommand, type CommandRequest, type RunningCommand, type StreamOpening, type StreamRequest, type Transport, type TransportError } from '../types.js';
import { ConnectionBudget } from './connection-budget.js';
import { RemoteCommand } from './command.js';
import { destinationKey, resolveTarget, type SshTarget, type StrictMode } from './config.js';
import { loadSshConfig } from './config-file.js';
import { SshConnection, TransportFailure } from './connection.js';
import { boundedOpening, failureFromText, OpenStreams } from '../tcp-stream.js';
import { acknowledgePromptly } from './prompt-ack.js';

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
  /** `--connections`: connections open or being set up at once, across hosts (default DEFAULT_CONNECTIONS). */
  connections?: number;
  /** Aborted when the operator interrupts a second time: every running command is killed without grace. */
  hurry?: AbortSignal;
}


// RFC 4254 §5.1: the server's reason for refusing a channel. OpenSSH says 1 for AllowTcpForwarding no.
const ADMINISTRATIVELY_PROHIBITED = 1;

/**
 * Asks the host's sshd to open a TCP connection to HOST:PORT and hand us its stream (direct-tcpip).
 * sshd connects without a bound of its own (a dropped SYN takes the kernel's minutes), so the
 * caller's timeout decides; a channel that opens after that is destroyed by boundedOpening.
 */
const forwardFrom = (client: Client, request: StreamRequest, via: string): Promise<StreamOpening> =>
  boundedOpening(request, via, (settle) => {
    const refused = (error: Error & { reason?: unknown }): void => {
      const why = error.message.replace(/^\(SSH\) Channel open failure: ?/, '') || 'no reason given';
      const failure = error.reason === ADMINISTRATIVELY_PROHIBITED ? 'prohibited' : failureFromText(why);
      // OpenSSH's own client words it so: "administratively prohibited: open failed".
      settle({ failure, message: failure === 'prohibited' ? `sshd refuses TCP forwarding (administratively prohibited: ${why})` : why, durationMs: 0, via });
    };
    try {
      client.forwardOut('127.0.0.1', 0, request.host, request.port, (error, channel) => {
        if (error) return refused(error);
        acknowledgePromptly(channel);
        settle({ stream: channel, durationMs: 0, via });
      });
    } catch (error) {
      refused(error instanceof Error ? error : new Error(String(error))); // "Not connected": it ended under us
    }
    return () => undefined; // a pending channel open cannot be withdrawn; a late one is destroyed
  });

/** Where a role's commands go: a pooled connection, or the reason there can be none. */
type Route = Result<{ readonly connection: SshConnection; readonly target: SshTarget }, TransportError>;

class SshTransport implements Transport {
  readonly description: string;
  private readonly running = new Set<RemoteCommand>();
  private readonly streams = new OpenStreams();
  private closed = false;

  constructor(private readonly spec: SshHostSpec, private readonly route: Route, private readonly onClose: () => Promise<void>) {
    this.description = route.ok ? `${route.value.target.user}@${route.value.target.hostName}:${route.value.target.port}` : spec.host;
  }

  start(request: CommandRequest): RunningCommand {
    if (!this.route.ok) return refusedCommand(this.route.error);
    if (this.closed) return refusedCommand({ code: 'CLOSED', message: `${this.description}: transport is closed` });
    const { connection, target } = this.route.value;
    // Already root: sudo would add nothing but a dependency on sudo being installed.
    const become = (request.become ?? this.spec.become) && target.user !== 'root';
    const command = new RemoteCommand(connection, request, become);
    this.running.add(command);
    void command.result.finally(() => this.running.delete(command));
    return command;
  }

  async warmUp(signal: AbortSignal): Promise<void> {
    if (this.route.ok && !this.closed) await this.route.value.connection.warmUp(signal);
  }

  async openStream(request: StreamRequest): Promise<StreamOpening> {
    const via = `ssh -W ${request.host}:${request.port} from ${this.description}`;
    const refusedAtOnce = (transportError: TransportError): StreamOpening => ({ transportError, durationMs: 0, via });
    if (!this.route.ok) return refusedAtOnce(this.route.error);
    if (this.closed) return refusedAtOnce({ code: 'CLOSED', message: `${this.description}: transport is closed` });
    let client: Client;
    try {
      client = await this.route.value.connection.connected();
    } catch (error) {
      return refusedAtOnce(error instanceof TransportFailure ? error.transportError : { code: 'SSH', message: `${this.description}: ${String(error)}` });
    }
    const done = this.route.value.connection.streamOpened();
    const opening = this.streams.track(await forwardFrom(client, request, via));
    if ('stream' in opening) opening.stream.once('close', done);
    else done();
    return opening;
  }

  /** Kills every running command's group at once, without the grace period (a second interruption). */
  killAllNow(): void {
    for (const command of this.running) command.killNow();
  }

  /** Ends every running command (their process groups on the host included). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((command) => command.stop()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.streams.destroyAll();
    await this.stopAll();
    await this.onClose();
  }
}

export class SshPool {
  private readonly config: SSHConfig;
  private readonly maxChannels: number;
  private readonly budget: ConnectionBudget;
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
    this.budget = new ConnectionBudget(options.connections ?? DEFAULT_CONNECTIONS);
    options.hurry?.addEventListener('abort', () => {
      for (const transport of this.transports) transport.killAllNow();
    }, { once: true });
  }

  transportFor(spec: SshHostSpec): Transport {
    const route = this.route(spec);
    const transport: SshTransport = new SshTransport(spec, route, () => this.release(transport, route));
    if (route.ok) this.transports.add(transport);
    return transport;
  }

  private route(spec: SshHostSpec): Route {
    if (this.closing) return failed({ code: 'CLOSED', message: `${spec.role}: the SSH pool is closed` });
    let target: SshTarget;
    try {
      target = resolveTarget(this.config, { host: spec.host, user: spec.user, port: spec.port }, this.options);
    } catch (error) {
      return failed({ code: 'CONFIG', message: `${spec.role} (${spec.host}): ${(error as Error).message}` });
    }
    const key = destinationKey(target);
    const entry = this.connections.get(key) ?? { connection: new SshConnection(target, this.maxChannels, this.budget), users: 0 };
    entry.users += 1;
    this.connections.set(key, entry);
    return ok({ connection: entry.connection, target });
  }

  /** The last transport of a destination to close also closes its connection. */
  private async release(transport: SshTransport, route: Route): Promise<void> {
    this.transports.delete(transport);
    if (!route.ok || this.closing) return;
    const key = destinationKey(route.value.target);
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
