// Cuts the wrapper's marker line (remote-command.ts) off the front of a remote output stream, with
// anything the login shell printed before it, so the output is exactly what the command printed.
// Until the marker comes, the bytes are kept: if it never comes, they are sudo's (or the shell's)
// reason for not running the command.

// Login-shell noise before the marker is dropped beyond this; the marker itself is a few dozen bytes.
const PREAMBLE_LIMIT = 64 * 1024;

export class MarkerFilter {
  private preamble: Buffer | undefined = Buffer.alloc(0);

  /** `onMarker` gets the rest of the marker line (the process group id on stdout). */
  constructor(private readonly marker: string, private readonly onMarker: (rest: string) => void) {}

  get markerSeen(): boolean {
    return this.preamble === undefined;
  }

  /** Returns the part of `data` that the command printed (empty before the marker). */
  push(data: Buffer): Buffer {
    if (this.preamble === undefined) return data;
    const pending = Buffer.concat([this.preamble, data]);
    const at = pending.indexOf(this.marker);
    const eol = at < 0 ? -1 : pending.indexOf(0x0a, at);
    if (eol < 0) {
      // Keep the tail: the marker may straddle two chunks.
      this.preamble = pending.subarray(Math.max(0, pending.length - PREAMBLE_LIMIT));
      return Buffer.alloc(0);
    }
    this.preamble = undefined;
    this.onMarker(pending.subarray(at + this.marker.length, eol).toString('latin1').trim());
    return pending.subarray(eol + 1);
  }

  /** What came before the marker, or everything if it never came. */
  preambleText(): string {
    return this.preamble?.toString('utf8') ?? '';
  }
}
