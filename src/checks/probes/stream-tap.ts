// A stream passed through unchanged while someone listens to both directions: what the peer sent
// (kept to read a greeting, or recorded) and what we wrote. Whoever reads it later (a client
// library) still finds every byte in its buffer, so listening first never steals data.
import { Duplex } from 'node:stream';

export interface TapListener {
  /** Bytes from the peer, in order. */
  received?(chunk: Buffer): void;
  /** Bytes we wrote to the peer, in order. */
  sent?(chunk: Buffer): void;
  /** The peer ended, closed or reset the connection. */
  ended?(): void;
}

export class StreamTap extends Duplex {
  constructor(private readonly inner: Duplex, private readonly listener: TapListener) {
    super();
    inner.on('data', (chunk: Buffer) => {
      // Heard before it is passed on: a reader may answer at once, inside push(), and a recording
      // must still hold the peer's words before that answer.
      listener.received?.(chunk);
      this.push(chunk);
    });
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      this.push(null);
      listener.ended?.();
    };
    inner.once('end', end);
    inner.once('close', end);
    inner.on('error', end); // a reset is an end like any other: the reader hears of it as a lost connection
    this.on('error', () => undefined); // nobody may be reading yet: never an unhandled 'error'
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.listener.sent?.(chunk);
    if (this.inner.destroyed) return done();
    this.inner.write(chunk, () => done());
  }

  override _final(done: () => void): void {
    this.inner.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.inner.destroy();
    done(error);
  }
}
