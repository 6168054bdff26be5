// One SSH connection per destination: opened on first use (every concurrent caller shares the one
// attempt), reused by every command on that host, reopened at most once after it is lost, and a
// failure to connect is remembered so that each later command fails at once instead of waiting again.
import type { Client, ClientChannel } from 'ssh2';
import type { TransportError } from '../types.js';
import { ChannelQueue, type Release } from './channel-queue.js';
import type { BudgetedConnection, ConnectionBudget } from './connection-budget.js';
import { describeTarget, type SshTarget } from './config.js';
import { ConnectError, connectTarget, endLink, type Link } from './connect.js';
import { GroupKiller } from './kill.js';
import { AFTER_KILL_WAIT_MS } from '../leftovers.js';
import { KILL_GRACE_MS } from './remote-command.js';

/**
 * The kill helper's own grace (TERM, then KILL after 2 s), its wait for the KILLed to go, and a
 * margin for the channel round trip.
 */
const KILL_SETTLE_MS = KILL_GRACE_MS + AFTER_KILL_WAIT_MS + 1000;

export class TransportFailure extends Error {
  constructor(readonly transportError: TransportError) {
    super(transportError.message);
  }
}

const CLOSE_WAIT_MS = 2000;
const OPEN_RETRIES = 10;
const OPEN_RETRY_MS = 20;

export class SshConnection implements BudgetedConnection {
  lastUsedAt = performance.now();
  private openStreams = 0;
  /** A link this side closed because it was idle and another host needed the place: no loss. */
  private readonly closedIdle = new WeakSet<Link>();
  private attempt: Promise<Link> | undefined;
  private link: Link | undefined;
  private failure: TransportError | undefined;
  private reconnectsLeft = 1;
  private closed = false;
  // One slot is kept for control channels (kills): with every slot held by commands waiting to be
  // killed, a kill queued behind them would wait forever.
  private readonly commandSlots: ChannelQueue;
  private readonly controlSlots = new ChannelQueue(1);
  private readonly killer = new GroupKiller((command) => this.openControl(command));

  /** `budget`: shared by the pool's connections, it bounds how many are open or being set up (--connections). */
  constructor(readonly target: SshTarget, maxChannels: number, private readonly budget: ConnectionBudget) {
    this.commandSlots = new ChannelQueue(maxChannels - 1);
  }

  /**
   * A command channel: waits for the connection, then for a free slot (or until `signal` aborts).
   * `attach` runs as soon as the channel exists: a quick command's exit status can arrive in the
   * same chunk as the channel confirmation, before any promise continuation could listen for it.
   */
  async openCommand(command: string, signal: AbortSignal, attach: (channel: ClientChannel) => void): Promise<ClientChannel> {
    // Slot first: a command that waited for one must not be handed a connection lost meanwhile.
    const release = this.whenDone(await this.commandSlots.acquire(signal));
    const client = await this.client().catch((error: unknown) => {
      release();
      throw error;
    });
    return this.exec(client, command, release, attach);
  }

  /**
   * The live connection, once open (bounded by its own ConnectTimeout), for channels that are not
   * sessions: a forwarded TCP channel (`ssh -W`) does not count against sshd's MaxSessions.
   */
  connected(): Promise<Client> {
    return this.client();
  }

  /**
   * A stream opened over this connection keeps it in use until `done` (the stream's close): an idle
   * connection may be closed for another host.
   */
  streamOpened(): Release {
    this.openStreams += 1;
    return this.whenDone(() => (this.openStreams -= 1));
  }

  isIdle(): boolean {
    return this.link !== undefined && this.commandSlots.inUse === 0 && this.controlSlots.inUse === 0 && this.openStreams === 0;
  }

  closeIdle(): void {
    const { link } = this;
    if (!link) return;
    this.closedIdle.add(link);
    this.link = undefined;
    this.attempt = undefined;
    void endLink(link, CLOSE_WAIT_MS);
  }

  /** `release`, then the note that this connection may now be idle (once, however often it is called). */
  private whenDone(release: Release): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
      this.lastUsedAt = performance.now();
      this.budget.noteIdle(this);
    };
  }

  /** Resolves once the connection is up or has failed (never rejects), or when `signal` aborts. */
  async warmUp(signal: AbortSignal): Promise<void> {
    if (this.link || this.failure || this.closed || signal.aborted) return;
    // Every check of every host waiting here listens on the run's one signal: each stops listening once settled.
    let stopWaiting = (): void => undefined;
    const aborted = new Promise<void>((resolve) => {
      const onAbort = (): void => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      stopWaiting = () => signal.removeEventListener('abort', onAbort);
    });
    await Promise.race([this.client().then(() => undefined, () => undefined), aborted]);
    stopWaiting();
  }

  /** Ends a command's process group on the host (TERM, then KILL after a grace period, or at once `now`). */
  killGroup(pgid: number, become: boolean, now = false): Promise<void> {
    return this.killer.kill(pgid, become, now);
  }

  /** A control channel on the live connection only: a kill is pointless on a fresh one. */
  private async openControl(command: string): Promise<ClientChannel> {
    const client = this.link?.client;
    if (!client || this.closed) throw this.failWith('DISCONNECTED', 'connection is gone');
    return this.exec(client, command, this.whenDone(await this.controlSlots.acquire()));
  }

  /**
   * sshd frees a session only in a later pass of its main loop than the one that read our close, so
   * a channel opened right after another closed can still be refused as over MaxSessions (a plain
   * "open failed"): a refusal by the server is retried after a pause, and reported only if it lasts.
   */
  private async exec(client: Client, command: string, release: Release, attach?: (channel: ClientChannel) => void): Promise<ClientChannel> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.execOnce(client, command, release, attach);
      } catch (error) {
        const refused = typeof (error as { reason?: unknown }).reason === 'number';
        const lost = this.link?.client !== client;
        if (!refused || attempt >= OPEN_RETRIES || lost) {
          release();
          throw lost
            ? this.failWith('DISCONNECTED', 'connection lost before the command started')
            : this.failWith('CHANNEL', `cannot open a channel: ${(error as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, OPEN_RETRY_MS * (attempt + 1)));
      }
    }
  }

  private execOnce(client: Client, command: string, release: Release, attach?: (channel: ClientChannel) => void): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        client.exec(command, (error, channel) => {
          if (error) return reject(error);
          channel.once('close', release); // the slot stands for sshd's session: free once it is gone
          attach?.(channel);
          resolve(channel);
        });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error))); // "Not connected": it ended under us
      }
    });
  }

  private client(): Promise<Client> {
    if (this.closed) return Promise.reject(this.failWith('CLOSED', 'the SSH pool is closed'));
    if (this.failure) return Promise.reject(new TransportFailure(this.failure));
    if (this.link) return Promise.resolve(this.link.client);
    this.attempt ??= this.setUp().then(
      (link) => this.adopt(link),
      (error: unknown) => {
        this.attempt = undefined;
        this.failure = error instanceof ConnectError ? error.transportError : { code: 'SSH', message: String(error) };
        throw new TransportFailure(this.failure);
      },
    );
    return this.attempt.then((link) => link.client);
  }

  /** A place in the pool's budget first (--connections): the ConnectTimeout counts from there. */
  private async setUp(): Promise<Link> {
    await this.budget.acquire(this);
    try {
      return await connectTarget(this.target);
    } catch (error) {
      this.budget.release(this);
      throw error;
    }
  }

  private adopt(link: Link): Link {
    if (this.closed) void endLink(link, CLOSE_WAIT_MS);
    this.link = link;
    void link.closed.then(() => {
      void endLink(link, CLOSE_WAIT_MS);
      if (this.closedIdle.has(link)) return;
      this.budget.release(this);
      if (this.link !== link) return;
      this.link = undefined;
      this.attempt = undefined;
      // Lost while in use: the next command may reconnect, once; after that the host counts as down.
      if (this.reconnectsLeft-- <= 0 && !this.closed) this.failure = this.describe('DISCONNECTED', 'connection lost again');
    });
    return link;
  }

  async close(): Promise<void> {
    // Kills under way finish first: closing under them would leave the kill helper itself (and a
    // TERM-ignoring group it was about to KILL) running on the host after we are gone.
    await Promise.race([this.killer.settled(), new Promise((resolve) => setTimeout(resolve, KILL_SETTLE_MS).unref())]);
    this.closed = true;
    const reason = this.failWith('CLOSED', 'the SSH pool is closed');
    this.commandSlots.rejectAll(reason);
    this.controlSlots.rejectAll(reason);
    const link = this.link ?? (await this.attempt?.catch(() => undefined));
    if (link) await endLink(link, CLOSE_WAIT_MS);
    this.budget.release(this);
  }

  describe(code: string, what: string): TransportError {
    return { code, message: `${describeTarget(this.target)}: ${what}` };
  }

  private failWith(code: string, what: string): TransportFailure {
    return new TransportFailure(this.describe(code, what));
  }
}
