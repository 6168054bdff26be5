// Collects a command's stdout and stderr as it arrives: bounded (a runaway command is stopped, not
// buffered forever) and watchable (a capture waits for "listening on" before its trigger runs).
import { StringDecoder } from 'node:string_decoder';
import { OUTPUT_LIMIT_BYTES } from '../model/limits.js';

type Stream = 'stdout' | 'stderr';

interface Waiter {
  readonly stream: Stream;
  readonly pattern: RegExp;
  readonly resolve: (matched: boolean) => void;
}

export class OutputCollector {
  private readonly text: Record<Stream, string> = { stdout: '', stderr: '' };
  private readonly bytes: Record<Stream, number> = { stdout: 0, stderr: 0 };
  private readonly decoders: Record<Stream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private waiters: Waiter[] = [];
  private ended = false;

  constructor(private readonly onLimit: () => void, private readonly limitBytes = OUTPUT_LIMIT_BYTES) {}

  push(stream: Stream, chunk: Buffer): void {
    const room = this.limitBytes - this.bytes[stream];
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.bytes[stream] += kept.length;
    this.text[stream] += this.decoders[stream].write(kept);
    if (this.bytes[stream] >= this.limitBytes) this.onLimit();
    this.waiters = this.waiters.filter((waiter) => !this.settleIfMatched(waiter));
  }

  /** Resolves true once the stream matches, false when the command ends or the time is up. */
  waitFor(stream: Stream, pattern: RegExp, timeoutMs: number): Promise<boolean> {
    // A caller's /g or /y regex would carry lastIndex from one test to the next and miss matches.
    const stateless = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (matched: boolean) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        resolve(matched);
      };
      const entry: Waiter = { stream, pattern: stateless, resolve: finish };
      if (this.settleIfMatched(entry)) return;
      if (this.ended) finish(false);
      else this.waiters.push(entry);
    });
  }

  /** Flushes the decoders and releases every waiter that has not matched by now. */
  end(): { stdout: string; stderr: string } {
    if (!this.ended) {
      this.ended = true;
      this.text.stdout += this.decoders.stdout.end();
      this.text.stderr += this.decoders.stderr.end();
      for (const waiter of this.waiters) waiter.resolve(false);
      this.waiters = [];
    }
    return { stdout: this.text.stdout, stderr: this.text.stderr };
  }

  private settleIfMatched(waiter: Waiter): boolean {
    if (!waiter.pattern.test(this.text[waiter.stream])) return false;
    waiter.resolve(true);
    return true;
  }
}
