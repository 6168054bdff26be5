// Runs commands on this machine. Each command gets its own process group, so a timeout, an
// interruption or stop() ends the command and everything it started, not only the shell.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { AFTER_KILL_LOOKS_MS, AFTER_TERM_LOOKS_MS } from '../leftovers.js';
import { OutputCollector } from '../output.js';
import { OpenStreams, openSocket } from '../tcp-stream.js';
import { startOnRelease, type CommandOutcome, type CommandRequest, type RunningCommand, type StreamOpening, type StreamRequest, type Termination, type Transport, type TransportError } from '../types.js';

/** Time between SIGTERM and SIGKILL: enough for a clean exit, short enough not to stall a run. */
const KILL_GRACE_MS = 2000;
/** After SIGKILL, output pipes held by an escaped grandchild are closed so the run never hangs. */
const PIPE_GRACE_MS = 1000;

/**
 * detached: its own process group, killed as a whole. stdin: a pipe that gets the request's input
 * (usually none) and is closed at once, so a command that reads it sees its end and never hangs the run. LC_ALL=C: tools print the same words and numbers on every host, so output parses alike.
 */
const SPAWN_OPTIONS = { reject: false, detached: true, stdin: 'pipe', buffer: false, env: { LC_ALL: 'C' } } as const;

const signalGroup = (pid: number | undefined, signal: NodeJS.Signals): void => {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
};

/** The state and group of a process as /proc/PID/stat gives them, counted after its name, which may hold ") " itself. */
const stateAndGroup = (stat: string): { state: string; group: number } => {
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return { state: fields[0]!, group: Number(fields[2]) };
};

const liveMemberOf = (pid: number) => (entry: string): boolean => {
  if (!/^\d+$/.test(entry)) return false;
  try {
    const { state, group } = stateAndGroup(readFileSync(`/proc/${entry}/stat`, 'utf8'));
    return group === pid && state !== 'Z';
  } catch {
    return false; // gone meanwhile
  }
};

/**
 * Whether a live process is left in the group. Signal 0 first, which sees zombies too: where it
 * finds something, /proc (where there is one) tells a live member from a zombie, which an init
 * that never reaps (this CLI as a container's PID 1) would keep forever.
 */
const groupAlive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
  } catch {
    return false;
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  return entries.some(liveMemberOf(pid));
};

/** Looks for the group after each wait; true as soon as it is gone. */
const goneWithin = async (pid: number, waitsMs: readonly number[]): Promise<boolean> => {
  for (const ms of waitsMs) {
    await sleep(ms);
    if (!groupAlive(pid)) return true;
  }
  return false;
};

/** sudo -n refuses with exit 1 and a "sudo:" line; that is a could-not-run, not the command's verdict. */
const sudoRefusal = (request: CommandRequest, exitCode: number | null, stderr: string): TransportError | undefined => {
  const line = /^sudo: .*$/m.exec(stderr)?.[0];
  return request.become && exitCode === 1 && line ? { code: 'SUDO', message: `sudo refused: ${line.slice(6)}` } : undefined;
};

const spawnError = (error: unknown): TransportError | undefined => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? { code: 'SPAWN', message: `cannot start the command: ${code}` } : undefined;
};

class LocalCommand implements RunningCommand {
  readonly result: Promise<CommandOutcome>;
  private termination: Termination | undefined;
  private readonly child: ResultPromise<typeof SPAWN_OPTIONS>;
  private readonly output: OutputCollector;
  private killTimers: NodeJS.Timeout[] = [];
  /** Set once the shell has exited: settles when what it left in its group is gone. */
  private leftoversEnded: Promise<void> | undefined;

  constructor(private readonly request: CommandRequest) {
    const started = performance.now();
    const argv = request.become ? ['sudo', '-n', '/bin/sh', '-c', request.script] : ['/bin/sh', '-c', request.script];
    this.output = new OutputCollector(() => this.end('output-limit'));
    this.child = execa(argv[0]!, argv.slice(1), SPAWN_OPTIONS);
    this.child.stdout?.on('data', (chunk: Buffer) => this.output.push('stdout', chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.output.push('stderr', chunk));
    // A command that exits without reading its input closes the pipe under us: EPIPE is no error here.
    this.child.stdin?.on('error', () => undefined);
    this.child.stdin?.end(request.stdin ?? '');
    this.child.once('exit', () => {
      this.leftoversEnded = this.endLeftovers();
    });
    const timer = setTimeout(() => this.end('timeout'), request.timeoutMs);
    const onAbort = () => this.end('canceled');
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted) onAbort();
    this.result = this.child.then(async (result) => {
      const durationMs = performance.now() - started;
      clearTimeout(timer);
      for (const killTimer of this.killTimers) clearTimeout(killTimer);
      request.signal?.removeEventListener('abort', onAbort);
      // Reported once what the command left in its group is gone: nothing of it outlives the check.
      await this.leftoversEnded;
      return this.outcome(result, durationMs);
    });
  }

  waitForOutput(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<boolean> {
    return this.output.waitFor(stream, pattern, timeoutMs);
  }

  async stop(): Promise<void> {
    this.end('stopped');
    await this.result;
  }

  /** The operator asked twice: no grace any more, the group is killed and its pipes closed now. */
  killNow(): void {
    this.end('canceled');
    signalGroup(this.child.pid, 'SIGKILL');
    this.closePipes();
  }

  /**
   * Ends what the shell left in its group (`nohup x &`, a daemon holding our output): TERM, KILL
   * what is still there 0.2 s later, closing our end of the pipes then, so the command's exit code
   * stands, never a false "timed out" while a leftover keeps the output open. Resolves once the
   * group is gone (leftovers.ts), or a process stuck in the kernel has outlasted the looks.
   */
  private async endLeftovers(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined || !groupAlive(pid)) return;
    signalGroup(pid, 'SIGTERM');
    if (await goneWithin(pid, AFTER_TERM_LOOKS_MS)) return;
    signalGroup(pid, 'SIGKILL');
    this.closePipes();
    await goneWithin(pid, AFTER_KILL_LOOKS_MS);
  }

  private closePipes(): void {
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }

  /** The first reason wins: a command stopped after it timed out still reports the timeout. */
  private end(reason: Termination): void {
    if (this.termination !== undefined) return;
    this.termination = reason;
    const pid = this.child.pid;
    signalGroup(pid, 'SIGTERM');
    this.killTimers.push(setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS));
    this.killTimers.push(setTimeout(() => this.closePipes(), KILL_GRACE_MS + PIPE_GRACE_MS));
  }

  private outcome(result: { exitCode?: number | undefined; signal?: string | undefined; cause?: unknown; failed: boolean }, durationMs: number): CommandOutcome {
    const { stdout, stderr } = this.output.end();
    const exitCode = result.exitCode ?? null;
    const transportError = (result.exitCode === undefined && !result.signal ? spawnError(result.cause) : undefined) ?? sudoRefusal(this.request, exitCode, stderr);
    return {
      exitCode,
      signal: result.signal ?? null,
      stdout,
      stderr,
      durationMs: Math.round(durationMs),
      ...(this.termination ? { termination: this.termination } : {}),
      ...(transportError ? { transportError } : {}),
    };
  }
}

export class LocalTransport implements Transport {
  readonly description = 'local';
  private readonly running = new Set<LocalCommand>();
  private readonly streams = new OpenStreams();

  /** `hurry`: aborted when the operator interrupts a second time; every running command is killed at once. */
  constructor(hurry?: AbortSignal) {
    hurry?.addEventListener('abort', () => {
      for (const command of this.running) command.killNow();
    }, { once: true });
  }

  /** A held command is spawned on its release: a local process starts in a few ms, with nothing to make ready. */
  start(request: CommandRequest): RunningCommand {
    return startOnRelease(request, (released) => {
      const command = new LocalCommand(released);
      this.running.add(command);
      void command.result.finally(() => this.running.delete(command));
      return command;
    });
  }

  async openStream(request: StreamRequest): Promise<StreamOpening> {
    return this.streams.track(await openSocket(request));
  }

  async close(): Promise<void> {
    this.streams.destroyAll();
    await Promise.all([...this.running].map((command) => command.stop()));
  }
}
