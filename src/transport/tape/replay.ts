// Answers a run from a recording instead of hosts: each attempt a check makes gets what the same
// attempt got when it was recorded (retries get theirs in order). An attempt with no recording is
// a transport error that names it, never a silent pass; recordings no attempt used are listed.
import { Duplex } from 'node:stream';
import { refusedCommand, startOnRelease, type AttemptOrigin, type CommandOutcome, type RunningCommand, type StreamOpening, type StreamRequest, type Transport, type TransportError } from '../types.js';
import { attemptKey, attemptText, instanceOf, maskedStep, type Asked, type ExchangeStep, type Mask, type RecordedAttempt, type RecordedStream } from './attempt.js';

export const NOT_RECORDED = 'NOT_RECORDED';

/**
 * How long the far end waits for more of our turn when we have sent less than we did then: what we
 * send may differ in length (a secret's stand-in, the client's process id in a login's attributes).
 */
const TURN_QUIET_MS = 10;

/**
 * The far end of a recorded stream: it says what it said, each turn once we have sent as much as
 * we did then, or once we have sent something and then nothing for TURN_QUIET_MS; a turn it was
 * slow to say (ExchangeStep afterMs), that much later.
 */
class ReplayedStream extends Duplex {
  private at = 0;
  private credit = 0;
  private quiet: NodeJS.Timeout | undefined;
  private late: NodeJS.Timeout | undefined;
  /** The step whose recorded delay has passed. */
  private waitedFor = -1;

  constructor(private readonly steps: readonly ExchangeStep[]) {
    super();
    setImmediate(() => this.advance());
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.credit += chunk.length;
    clearTimeout(this.quiet);
    // The answer comes later, as from a network: the client is still inside its write, not yet
    // waiting for it (mysql2 takes an answer that comes sooner for a second greeting).
    setImmediate(() => this.advance());
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    clearTimeout(this.quiet);
    clearTimeout(this.late);
    done(error);
  }

  override _final(done: (error?: Error | null) => void): void {
    done();
  }

  /**
   * Plays the steps up to the next one that waits for bytes we have not sent yet. A step counts as
   * played before it is played: the client may answer inside push(), and its write comes back here.
   */
  private advance(): void {
    while (!this.destroyed && this.at < this.steps.length) {
      const step = this.steps[this.at]!;
      if ('sent' in step) {
        if (this.credit === 0) return;
        if (this.credit < step.sent) return this.waitForQuiet();
        this.credit -= step.sent;
        this.at += 1;
        continue;
      }
      if ('received' in step && step.afterMs !== undefined && this.waitedFor !== this.at) return this.answerLate(step.afterMs);
      this.at += 1;
      if ('received' in step) this.push(Buffer.from(step.received, 'base64'));
      else if ('end' in step) this.push(null);
      else this.destroy(new Error(step.error));
    }
  }

  /** The next turn came `afterMs` after the one before it: it comes as late now (once, whatever we send meanwhile). */
  private answerLate(afterMs: number): void {
    this.late ??= setTimeout(() => {
      this.late = undefined;
      this.waitedFor = this.at;
      this.advance();
    }, afterMs);
  }

  /** Our turn came out shorter than it was: once we stop sending, it counts as said. */
  private waitForQuiet(): void {
    this.quiet = setTimeout(() => {
      this.credit = 0;
      this.at += 1;
      this.advance();
    }, TURN_QUIET_MS);
  }
}

/**
 * A recorded command ends at once with what it ended with then; one that was stopped (a capture,
 * stopped once its trigger had run) ends when it is stopped again, so that what the check saw
 * comes in the same order (the trigger's answer, then the capture's).
 */
export const replayedCommand = (outcome: CommandOutcome, signal: AbortSignal | undefined): RunningCommand => {
  let stopped!: () => void;
  const result = outcome.termination === 'stopped' ? new Promise<CommandOutcome>((resolve) => (stopped = () => resolve(outcome))) : Promise.resolve(outcome);
  if (outcome.termination === 'stopped') signal?.addEventListener('abort', () => stopped(), { once: true });
  return {
    result,
    waitForOutput: (stream, pattern) => {
      pattern.lastIndex = 0;
      return Promise.resolve(pattern.test(outcome[stream]));
    },
    stop: async () => {
      stopped?.();
      await result;
    },
  };
};

const replayedOpening = (attempt: RecordedStream): StreamOpening => {
  const { opening } = attempt;
  if ('transportError' in opening || 'failure' in opening) return opening;
  return { stream: new ReplayedStream(attempt.exchange), durationMs: opening.durationMs, via: opening.via };
};

/** A recording that no attempt of the replay asked for: the runbook no longer asks it, or asks it otherwise. */
export interface UnusedRecording {
  readonly origin: AttemptOrigin;
  readonly attempt: string;
}

export class Tape {
  /** Per instance, per attempt key: the recordings not yet handed out, in order. */
  private readonly left = new Map<string, Map<string, RecordedAttempt[]>>();

  /**
   * `targets`: the transport's name of each host, by host name, as the recording's evidence says it.
   * `runbookOf`: the recorded runbook a replayed one stands for (it may be named by another path now).
   */
  constructor(
    attempts: readonly RecordedAttempt[],
    private readonly targets: ReadonlyMap<string, string>,
    private readonly mask: Mask,
    private readonly runbookOf: (file: string) => string = (file) => file,
  ) {
    for (const attempt of attempts) {
      const byKey = this.left.get(instanceOf(attempt.origin)) ?? new Map<string, RecordedAttempt[]>();
      this.left.set(instanceOf(attempt.origin), byKey);
      const key = attemptKey(attempt.origin.role, attempt);
      byKey.set(key, [...(byKey.get(key) ?? []), attempt]);
    }
  }

  /** The transport of one host: its recorded name, and the recorded answers to whoever asks through it. */
  transportFor(hostName: string): Transport {
    const description = this.targets.get(hostName) ?? `${hostName} (not in the recording)`;
    return {
      description,
      // A held command is asked of the tape on its release: one never released was never recorded.
      start: (held) => startOnRelease(held, (request) => {
        const asked = { type: 'command' as const, script: this.mask(request.script), become: request.become ?? false, ...(request.stdin === undefined ? {} : { stdin: this.mask(request.stdin) }) };
        const found = this.take(request.origin, asked);
        return found?.type === 'command' ? replayedCommand(found.outcome, request.signal) : refusedCommand(this.notRecorded(description, request.origin, asked));
      }),
      openStream: (request: StreamRequest) => {
        const asked = { type: 'stream' as const, to: { host: request.host, port: request.port }, ...maskedStep(request.step, this.mask) };
        const found = this.take(request.origin, asked);
        const via = `a stream to ${request.host}:${request.port} from ${description}`;
        return Promise.resolve(found?.type === 'stream' ? replayedOpening(found) : { transportError: this.notRecorded(description, request.origin, asked), durationMs: 0, via });
      },
      close: () => Promise.resolve(),
    };
  }

  /** What was recorded and never asked for, in the order of the recording. */
  unused(): UnusedRecording[] {
    return [...this.left.values()].flatMap((byKey) => [...byKey.values()].flat()).map((attempt) => ({ origin: attempt.origin, attempt: attemptText(attempt) }));
  }

  private take(origin: AttemptOrigin | undefined, asked: Asked): RecordedAttempt | undefined {
    if (!origin) return undefined;
    const recorded = this.left.get(instanceOf({ ...origin, runbook: this.runbookOf(origin.runbook) }));
    // A stream recorded without a step (an older recording) is known by its destination alone.
    return recorded?.get(attemptKey(origin.role, asked))?.shift() ?? (asked.type === 'stream' ? recorded?.get(attemptKey(origin.role, asked, false))?.shift() : undefined);
  }

  private notRecorded(description: string, origin: AttemptOrigin | undefined, asked: Asked): TransportError {
    const where = origin ? ` for check ${origin.check}${origin.host === origin.role ? '' : ` on ${origin.host}`}` : '';
    return { code: NOT_RECORDED, message: `${description}: the recording holds no answer to ${attemptText(asked)} on ${origin?.role ?? 'this host'}${where}` };
  }
}
