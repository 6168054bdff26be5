// The seam between "what to run" and "where it runs": local processes, SSH, and later replay all
// implement Transport. Everyone but app/ sees only these types.

export interface CommandRequest {
  /** A POSIX shell command line, run as `/bin/sh -c SCRIPT` on the host. */
  readonly script: string;
  /** The command and everything it started are ended after this long. */
  readonly timeoutMs: number;
  /** Aborting ends the command and everything it started (SIGINT of the whole run). */
  readonly signal?: AbortSignal;
  /** Run through `sudo -n` (no password prompt: a missing sudo right is an error, not a hang). */
  readonly become?: boolean;
}

/** Why the transport, not the command, ended a command. */
export type Termination = 'timeout' | 'canceled' | 'stopped' | 'output-limit';

export interface TransportError {
  /** Stable code: ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, AUTH, HOSTKEY_UNKNOWN, HOSTKEY_CHANGED, SUDO, SPAWN ... */
  readonly code: string;
  /** One line an operator can act on, e.g. `db (10.200.0.82:22): connection refused`. */
  readonly message: string;
}

/** One shape whether the command succeeded, failed or never ran (execa's `reject: false`). */
export interface CommandOutcome {
  /** null when ended by a signal or never started. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly termination?: Termination;
  /** Set when the command could not be run at all: nothing was observed. */
  readonly transportError?: TransportError;
}

export interface RunningCommand {
  readonly result: Promise<CommandOutcome>;
  /**
   * Resolves true once the stream's output so far matches `pattern`, false if the command ends or
   * `timeoutMs` passes first. Used to start a trigger only when a capture is ready.
   */
  waitForOutput(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<boolean>;
  /** Ends the command and everything it started; `result` then resolves with termination 'stopped'. */
  stop(): Promise<void>;
}

export interface Transport {
  /** Human name for evidence: `local`, or `db (root@10.200.0.82:22)`. */
  readonly description: string;
  start(request: CommandRequest): RunningCommand;
  /** Releases connections; running commands are ended first. Safe to call twice. */
  close(): Promise<void>;
}

export const runCommand = (transport: Transport, request: CommandRequest): Promise<CommandOutcome> =>
  transport.start(request).result;
