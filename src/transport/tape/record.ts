// Records what every check saw: a transport wrapped so that each command and stream it serves is
// noted with what came back, masked before it is kept (a recording is a file people pass around).
import { Duplex } from 'node:stream';
import type { AttemptOrigin, CommandRequest, RunningCommand, StreamOpening, StreamRequest, Transport } from '../types.js';
import { keptDelay, maskedStep, type ExchangeStep, type Mask, type RecordedAttempt, type RecordedOpening } from './attempt.js';

/** An attempt made outside a scheduled check (none today) is still kept, under this origin. */
const UNKNOWN_ORIGIN: AttemptOrigin = { runbook: '', check: '', host: '', role: '' };

/**
 * The exchange as turns: what the far end sent in a row is one step, what we sent in a row one
 * count. TCP cuts the same bytes differently on every run; a recording made twice should not differ.
 */
class Exchange {
  private readonly steps: (ExchangeStep | { readonly bytes: Buffer[]; readonly afterMs: number | undefined })[] = [];
  /** When the turn before began or was last added to: the stream's opening at first. */
  private lastTurnAt = performance.now();

  received(chunk: Buffer): void {
    const last = this.steps.at(-1);
    if (last && 'bytes' in last) last.bytes.push(chunk);
    else this.steps.push({ bytes: [chunk], afterMs: keptDelay(performance.now() - this.lastTurnAt) });
    this.lastTurnAt = performance.now();
  }

  sent(count: number): void {
    const last = this.steps.at(-1);
    if (last && 'sent' in last) this.steps[this.steps.length - 1] = { sent: last.sent + count };
    else this.steps.push({ sent: count });
    this.lastTurnAt = performance.now();
  }

  closed(step: { readonly end: true } | { readonly error: string }): void {
    if (!this.steps.some((known) => 'end' in known || 'error' in known)) this.steps.push(step);
  }

  /**
   * The turns, what the far end sent masked too: a server may echo what it was sent. Byte for byte
   * (latin1 maps each byte to one character), so only a secret's bytes change.
   */
  toSteps(mask: Mask): ExchangeStep[] {
    return this.steps.map((step) => {
      if (!('bytes' in step)) return step;
      const received = Buffer.from(mask(Buffer.concat(step.bytes).toString('latin1')), 'latin1').toString('base64');
      return step.afterMs === undefined ? { received } : { received, afterMs: step.afterMs };
    });
  }
}

/** The stream the kind speaks over, passing everything through and noting each turn. */
class RecordingStream extends Duplex {
  constructor(private readonly inner: Duplex, private readonly exchange: Exchange) {
    super();
    inner.on('data', (chunk: Buffer) => {
      exchange.received(chunk);
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => {
      exchange.closed({ end: true });
      this.push(null);
    });
    inner.on('error', (error: Error) => {
      exchange.closed({ error: error.message });
      this.destroy(error);
    });
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.exchange.sent(chunk.length);
    this.inner.write(chunk, (error) => done(error));
  }

  override _final(done: (error?: Error | null) => void): void {
    this.inner.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.inner.destroy();
    done(error);
  }
}

export class Recorder {
  private readonly pending: Promise<RecordedAttempt | undefined>[] = [];

  constructor(private readonly mask: Mask) {}

  /** The transport, with every attempt it serves recorded. */
  wrap(transport: Transport): Transport {
    return {
      description: transport.description,
      start: (request) => this.command(transport, request),
      openStream: (request) => this.stream(transport, request),
      ...(transport.warmUp ? { warmUp: (signal: AbortSignal) => transport.warmUp!(signal) } : {}),
      close: () => transport.close(),
    };
  }

  /** Every attempt, in the order they started, once each has ended. */
  async attempts(): Promise<RecordedAttempt[]> {
    return (await Promise.all(this.pending)).filter((attempt) => attempt !== undefined);
  }

  private command(transport: Transport, request: CommandRequest): RunningCommand {
    const startedAt = new Date().toISOString();
    const running = transport.start(request);
    const { mask } = this;
    // A held command never released ran nothing: a replay never asks for it (replay.ts).
    this.pending.push(running.result.then((outcome): RecordedAttempt | undefined => outcome.termination === 'withheld' ? undefined : ({
      type: 'command',
      origin: request.origin ?? UNKNOWN_ORIGIN,
      target: transport.description,
      startedAt,
      ...maskedStep(request.step, this.mask),
      script: mask(request.script),
      ...(request.stdin === undefined ? {} : { stdin: mask(request.stdin) }),
      become: request.become ?? false,
      outcome: {
        ...outcome,
        stdout: mask(outcome.stdout),
        stderr: mask(outcome.stderr),
        ...(outcome.transportError ? { transportError: { ...outcome.transportError, message: mask(outcome.transportError.message) } } : {}),
      },
    })));
    return running;
  }

  private async stream(transport: Transport, request: StreamRequest): Promise<StreamOpening> {
    const startedAt = new Date().toISOString();
    let settle!: (attempt: RecordedAttempt) => void;
    this.pending.push(new Promise((resolve) => (settle = resolve)));
    const opening = await transport.openStream(request);
    const exchange = new Exchange();
    const attempt = (recorded: RecordedOpening): RecordedAttempt => ({
      type: 'stream',
      origin: request.origin ?? UNKNOWN_ORIGIN,
      target: transport.description,
      startedAt,
      ...maskedStep(request.step, this.mask),
      to: { host: request.host, port: request.port },
      opening: recorded,
      exchange: exchange.toSteps(this.mask),
    });
    if (!('stream' in opening)) {
      settle(attempt('transportError' in opening
        ? { durationMs: opening.durationMs, via: opening.via, transportError: { ...opening.transportError, message: this.mask(opening.transportError.message) } }
        : { durationMs: opening.durationMs, via: opening.via, failure: opening.failure, message: this.mask(opening.message) }));
      return opening;
    }
    const stream = new RecordingStream(opening.stream, exchange);
    stream.once('close', () => settle(attempt({ durationMs: opening.durationMs, via: opening.via })));
    return { ...opening, stream };
  }
}
