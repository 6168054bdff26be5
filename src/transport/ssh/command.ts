// One command on a host: waits for its channel, collects its output, and ends it on timeout, abort,
// stop() or too much output by killing its process group from a second channel (remote-command.ts).
// Every path ends in exactly one CommandOutcome; nothing here throws at the caller.
import type { ClientChannel } from 'ssh2';
import { heldTimeoutMs, type CommandOutcome, type CommandRequest, type RunningCommand, type Termination, type TransportError } from '../types.js';
import { KILL_GRACE_MS, wrapCommand } from './remote-command.js';
import { type SshConnection, TransportFailure } from './connection.js';
import { OUTPUT_LIMIT_BYTES } from '../../model/limits.js';
import { OutputCollector } from '../output.js';
import { MarkerFilter } from './marker-filter.js';

// After a kill we wait this long for the channel to report the end before giving up on it.
const SETTLE_MS = KILL_GRACE_MS + 3000;
// After a kill without grace (a second interruption), as long for the host to say it is done.
const HURRIED_SETTLE_MS = 1000;
/**
 * The command has exited (exit-status came) but its channel stays open: something it left behind
 * holds its output. After this long that leftover group is killed and the channel closed, so the
 * command's own exit code stands, never a false "timed out".
 */
const LEFTOVER_GRACE_MS = 200;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class RemoteCommand implements RunningCommand {
  readonly result: Promise<CommandOutcome>;
  private settle!: (outcome: CommandOutcome) => void;
  private readonly output: OutputCollector;
  private readonly stdout: MarkerFilter;
  private readonly stderr: MarkerFilter;
  private readonly queueAbort = new AbortController();
  private readonly startedAt = Date.now();
  private ranAt: number | undefined;
  private channel: ClientChannel | undefined;
  private exit: { code: number | null; signal: string | null } | undefined;
  private pgid: number | undefined;
  private groupAnnounced!: () => void;
  private readonly groupKnown = new Promise<void>((resolve) => (this.groupAnnounced = resolve));
  private termination: Termination | undefined;
  private timers: NodeJS.Timeout[] = [];
  private settled = false;
  private leftoverTimer: NodeJS.Timeout | undefined;
  private readonly bytes = { stdout: 0, stderr: 0 };
  /** A held command (request.heldUntil): whether it may run, once that is known. */
  private released: boolean | undefined;
  /** Its channel is open and its wrapper waits for the release (remote-command.ts RELEASE). */
  private waitingForRelease = false;

  constructor(private readonly connection: SshConnection, private readonly request: CommandRequest, private readonly become: boolean) {
    this.result = new Promise((resolve) => (this.settle = resolve));
    const wrapped = wrapCommand(request.script, { become, timeoutMs: request.timeoutMs, held: request.heldUntil !== undefined });
    this.output = new OutputCollector(() => void this.terminate('output-limit'));
    const onMarker = (rest: string): void => {
      this.pgid = Number(rest) || undefined;
      this.groupAnnounced();
    };
    this.stdout = new MarkerFilter(wrapped.marker, onMarker);
    this.stderr = new MarkerFilter(wrapped.marker, () => undefined);
    if (request.signal?.aborted) void this.terminate('canceled');
    request.signal?.addEventListener('abort', () => void this.terminate('canceled'), { once: true });
    request.heldUntil?.then((go) => this.release(go), () => this.release(false));
    void this.run(wrapped.command);
  }

  private release(go: boolean): void {
    this.released = go;
    if (this.waitingForRelease) this.letGo(this.channel!);
    else if (!go && !this.channel) void this.terminate('withheld');
  }

  /** The released command runs now, with what is left of its timeout; one never released ends unrun. */
  private letGo(channel: ClientChannel): void {
    this.waitingForRelease = false;
    if (this.termination || !this.released) {
      this.termination ??= 'withheld';
      return void channel.end();
    }
    this.ranAt = Date.now();
    channel.end(`\n${this.request.stdin ?? ''}`);
    this.startTimeout();
  }

  private startTimeout(): void {
    const timeoutMs = this.request.heldUntil === undefined ? this.request.timeoutMs : heldTimeoutMs(this.request, Date.now() - this.startedAt);
    // Past setTimeout's range (~24.8 days) Node would fire at once: treat such a timeout as none.
    if (timeoutMs <= MAX_TIMER_MS) this.later(timeoutMs, () => void this.terminate('timeout'));
  }

  waitForOutput(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<boolean> {
    return this.output.waitFor(stream, pattern, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.terminate('stopped');
  }

  /** The operator asked twice: the group is killed without grace, and the outcome waits for it a moment only. */
  killNow(): void {
    if (this.settled) return;
    if (!this.termination) void this.terminate('canceled');
    if (this.pgid !== undefined) void this.connection.killGroup(this.pgid, this.become, true);
    this.later(HURRIED_SETTLE_MS, () => {
      this.channel?.close();
      this.finish(undefined);
    });
  }

  /**
   * Once the command has exited, its channel should close as soon as its output is drained; output
   * still arriving restarts the wait, so only a silent, open channel counts as a leftover's.
   */
  private watchForLeftovers(channel: ClientChannel): void {
    clearTimeout(this.leftoverTimer);
    if (this.settled) return;
    this.leftoverTimer = setTimeout(() => {
      if (this.pgid !== undefined) void this.connection.killGroup(this.pgid, this.become);
      channel.close();
    }, LEFTOVER_GRACE_MS);
  }

  /** Ends the command for `reason`; the first reason wins. Resolves once the outcome is known. */
  async terminate(reason: Termination): Promise<void> {
    if (!this.settled && !this.termination) {
      this.termination = reason;
      if (this.waitingForRelease) {
        // Nothing runs yet: its wrapper ends at the end of its input.
        this.letGo(this.channel!);
      } else if (this.channel) {
        void this.killGroup();
      } else {
        // Not running yet: nothing to wait for. A channel that still arrives is killed by run().
        this.queueAbort.abort();
        this.finish(undefined);
      }
    }
    await this.result;
  }

  private async run(command: string): Promise<void> {
    try {
      await this.connection.openCommand(command, this.queueAbort.signal, (channel) => this.attach(channel));
    } catch (error) {
      return this.finish(error instanceof TransportFailure && !this.termination ? error.transportError : undefined);
    }
    if (this.request.heldUntil !== undefined) return; // held: its release (letGo) runs it, or ends it
    if (this.termination) return void this.killGroup(); // ended while its channel was being opened
    this.startTimeout();
  }

  private attach(channel: ClientChannel): void {
    this.channel = channel;
    if (this.request.heldUntil === undefined) this.ranAt = Date.now();
    const afterExit = (): void => {
      if (this.exit) this.watchForLeftovers(channel);
    };
    channel.on('data', (data: Buffer) => {
      this.collect('stdout', this.stdout.push(data));
      afterExit();
    });
    channel.stderr.on('data', (data: Buffer) => {
      this.collect('stderr', this.stderr.push(data));
      afterExit();
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      this.exit = { code: signal ? null : code, signal: signal ?? null };
      afterExit();
    });
    channel.on('close', () => this.finish(this.verdict()));
    if (this.request.heldUntil === undefined) {
      // Then end-of-file: a command reading its input never waits for more.
      channel.end(this.request.stdin ?? '');
    } else {
      this.waitingForRelease = true;
      if (this.released !== undefined || this.termination) this.letGo(channel);
    }
  }

  /** Keeps exactly the first OUTPUT_LIMIT_BYTES of a stream; the collector stops the command at the limit. */
  private collect(stream: 'stdout' | 'stderr', data: Buffer): void {
    const room = OUTPUT_LIMIT_BYTES - this.bytes[stream];
    if (room <= 0 || data.length === 0) return;
    const kept = data.length > room ? data.subarray(0, room) : data;
    this.bytes[stream] += kept.length;
    this.output.push(stream, kept);
  }

  /** Why the outcome is an error rather than the command's own result, if it is. */
  private verdict(): TransportError | undefined {
    if (this.termination) return undefined;
    if (!this.stdout.markerSeen && !this.stderr.markerSeen) {
      // The wrapper never started: sudo (or the login shell) refused, and said why on stderr.
      const said = (this.stderr.preambleText() || this.stdout.preambleText()).trim().split('\n').join(' / ');
      const code = this.become ? 'SUDO' : 'SPAWN';
      return this.connection.describe(code, said || `the command could not be started (exit ${this.exit?.code ?? this.exit?.signal})`);
    }
    if (!this.exit) return { ...this.connection.describe('DISCONNECTED', 'connection lost while the command ran'), started: true };
    return undefined;
  }

  private async killGroup(): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    // Bound everything: a dead connection must not keep the outcome from settling.
    this.later(SETTLE_MS, () => {
      channel.close();
      this.finish(undefined);
    });
    // The group id is the wrapper's first output: normally here long before anyone wants a kill.
    await Promise.race([this.groupKnown, new Promise((resolve) => this.later(KILL_GRACE_MS, () => resolve(undefined)))]);
    if (this.pgid === undefined) return void channel.close();
    // If the connection is gone, the kill cannot happen: the host-side `timeout` bounds the command.
    await this.connection.killGroup(this.pgid, this.become);
  }

  /** Timers die with the outcome: once settled, nothing of ours may keep the process alive. */
  private later(ms: number, action: () => void): void {
    if (!this.settled) this.timers.push(setTimeout(action, ms));
  }

  private finish(transportError: TransportError | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.timers.forEach(clearTimeout);
    clearTimeout(this.leftoverTimer);
    const { stdout, stderr } = this.output.end();
    const end = Date.now();
    // What never ran (a held command not released) has no exit of its own: its wrapper's is not one.
    const ran = !transportError && this.ranAt !== undefined;
    this.settle({
      exitCode: ran ? this.exit?.code ?? null : null,
      signal: ran ? this.exit?.signal ?? null : null,
      stdout,
      stderr,
      durationMs: end - (this.ranAt ?? this.startedAt),
      ...(this.termination ? { termination: this.termination } : {}),
      ...(transportError ? { transportError } : {}),
    });
  }
}
