// The seam between "what to run" and "where it runs": local processes, SSH, and later replay all
// implement Transport. Everyone but app/ sees only these types.
import type { Duplex } from 'node:stream';

/**
 * Who asks for a command or a stream: the check, on which host of its role, and the role of the
 * host that runs it (a capture's trigger runs on another). Record and replay file attempts under it.
 */
export interface AttemptOrigin {
  /** The runbook file, as the report names it. */
  readonly runbook: string;
  readonly check: string;
  /** The host of the check's role this instance runs on (a fleet's member, or the role's one host). */
  readonly host: string;
  /** The role of the host the attempt runs on. */
  readonly role: string;
}

/**
 * The mark in the command line of every wrapper runbook runs a command under on an SSH host
 * (ssh/remote-command.ts), fresh for each command: a process table read on the host tells by it
 * which processes are runbook's own, other checks' commands included (checks/process.ts).
 */
export const commandMarker = (randomHex16: string): string => `RUNBOOK-${randomHex16}`;
export const COMMAND_MARKER = /\bRUNBOOK-[0-9a-f]{16}\b/;

export interface CommandRequest {
  /** A POSIX shell command line, run as `/bin/sh -c SCRIPT` on the host. */
  readonly script: string;
  /** The command and everything it started are ended after this long. */
  readonly timeoutMs: number;
  /** Aborting ends the command and everything it started (SIGINT of the whole run). */
  readonly signal?: AbortSignal;
  /** Run through `sudo -n` (no password prompt: a missing sudo right is an error, not a hang). */
  readonly become?: boolean;
  /**
   * Written to the command's standard input, which is then closed (without it, stdin is empty).
   * The way to hand a command a secret: unlike its command line, nobody else on the host sees it.
   */
  readonly stdin?: string;
  /**
   * Held: the command runs only once this resolves true, and never if it resolves false (its
   * outcome is then `withheld`). A transport may make it ready meanwhile: over SSH its channel is
   * opened and its wrapper started, so that on release only the command itself is left to start
   * (a capture's trigger fires a few ms after tcpdump listens, not the 50-200 ms a channel and its
   * shells take on a busy host). Its timeout still counts from the request: released, it has what
   * is left of it (heldTimeoutMs).
   */
  readonly heldUntil?: Promise<boolean>;
  readonly origin?: AttemptOrigin;
  readonly step?: AttemptStep;
}

/**
 * Which step of its probe an attempt is (`runbook plan` names steps so), and whether it is a
 * fallback, tried because the steps before could not answer: a recording says which one answered.
 */
export interface AttemptStep {
  readonly label: string;
  readonly fallback: boolean;
}

/**
 * Why the transport, not the command, ended a command. `withheld`: a held command never released
 * (CommandRequest.heldUntil): nothing ran, so it is no evidence and no recording.
 */
export type Termination = 'timeout' | 'canceled' | 'stopped' | 'output-limit' | 'withheld';

export interface TransportError {
  /** Stable code: ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, AUTH, HOSTKEY_UNKNOWN, HOSTKEY_CHANGED, SUDO, SPAWN ... */
  readonly code: string;
  /** One line an operator can act on, e.g. `db (10.200.0.82:22): connection refused`. */
  readonly message: string;
  /** The command had started when the transport failed (the connection was lost while it ran): it is not "not run". */
  readonly started?: true;
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

/** A TCP connection opened from the host to HOST:PORT, as a client on that host would open it. */
export interface StreamRequest {
  readonly host: string;
  readonly port: number;
  /** Waiting longer than this for the connection means the SYN went unanswered: `timeout`. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly origin?: AttemptOrigin;
  readonly step?: AttemptStep;
}

/**
 * Why no stream was opened, in the words a TCP client uses: `refused` (RST), `timeout` (silence),
 * `unreachable` (no route), `unresolved` (no such name), `prohibited` (the host's sshd does not
 * forward: the caller falls back to a tool on the host), `other`.
 */
export type StreamFailure = 'refused' | 'timeout' | 'unreachable' | 'unresolved' | 'prohibited' | 'other';

export type StreamOpening =
  | { readonly stream: Duplex; readonly durationMs: number; readonly via: string }
  | { readonly failure: StreamFailure; readonly message: string; readonly durationMs: number; readonly via: string }
  | { readonly transportError: TransportError; readonly durationMs: number; readonly via: string };

export interface Transport {
  /** Human name for evidence: `local`, or `db (root@10.200.0.82:22)`. */
  readonly description: string;
  start(request: CommandRequest): RunningCommand;
  /**
   * Opens a TCP stream from this host (a socket locally; over SSH a forwarded channel, what
   * `ssh -W HOST:PORT` does), so a protocol can be spoken from where the host's clients speak it.
   * Never rejects. The stream is the caller's to end; close() destroys any still open.
   */
  openStream(request: StreamRequest): Promise<StreamOpening>;
  /**
   * Resolves once commands can start at once: the connection is up, or known to have failed (then
   * they fail at once). Never rejects. The scheduler waits here before it gives a command a slot.
   */
  warmUp?(signal: AbortSignal): Promise<void>;
  /** Releases connections; running commands are ended first. Safe to call twice. */
  close(): Promise<void>;
}

export const runCommand = (transport: Transport, request: CommandRequest): Promise<CommandOutcome> =>
  transport.start(request).result;

/** Nothing of the command ran: the transport could not start it (a host unreachable, sudo refused...). */
export const neverRan = (outcome: CommandOutcome): boolean => outcome.transportError !== undefined && !outcome.transportError.started;

/** The outcome of what never ran (a command or a stream), for `transportError`'s reason. */
export const notRun = (transportError: TransportError, durationMs = 0): CommandOutcome => ({ exitCode: null, signal: null, stdout: '', stderr: '', durationMs, transportError });

/** A command that could not be started at all: nothing ran. */
export const refusedCommand = (transportError: TransportError): RunningCommand => ({
  result: Promise.resolve(notRun(transportError)),
  waitForOutput: () => Promise.resolve(false),
  stop: () => Promise.resolve(),
});

/** What is left of a held command's timeout once it is released, after `heldMs` held. */
export const heldTimeoutMs = (request: CommandRequest, heldMs: number): number => Math.max(1, request.timeoutMs - heldMs);

/** What a held command that was never released ended with: nothing ran. */
export const withheldOutcome = (): CommandOutcome => ({ exitCode: null, signal: null, stdout: '', stderr: '', durationMs: 0, termination: 'withheld' });

/**
 * A held command (CommandRequest.heldUntil) for a transport with nothing worth making ready before:
 * `start` is called on the release, or never (stopped, aborted or not released first).
 */
export const startOnRelease = (request: CommandRequest, start: (request: CommandRequest) => RunningCommand): RunningCommand => {
  const { heldUntil, ...unheld } = request;
  if (!heldUntil) return start(request);
  const heldSince = performance.now();
  let stopHeld!: () => void;
  const stoppedWhileHeld = new Promise<false>((resolve) => (stopHeld = () => resolve(false)));
  request.signal?.addEventListener('abort', stopHeld, { once: true });
  const running = Promise.race([heldUntil, stoppedWhileHeld]).then((go) => {
    request.signal?.removeEventListener('abort', stopHeld);
    return go && !request.signal?.aborted ? start({ ...unheld, timeoutMs: heldTimeoutMs(request, performance.now() - heldSince) }) : undefined;
  });
  return {
    result: running.then((command) => command?.result ?? withheldOutcome()),
    waitForOutput: async (stream, pattern, timeoutMs) => (await running)?.waitForOutput(stream, pattern, timeoutMs) ?? false,
    stop: async () => {
      stopHeld();
      await (await running)?.stop();
    },
  };
};

/** A transport that refuses everything with one reason: a host no command may reach. */
export const refusedTransport = (description: string, transportError: TransportError): Transport => ({
  description,
  start: () => refusedCommand(transportError),
  openStream: () => Promise.resolve({ transportError, durationMs: 0, via: `a stream from ${description}` }),
  close: () => Promise.resolve(),
});
