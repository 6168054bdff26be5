// The files ssh_config leads to (itself and its Includes, IdentityFile, the known_hosts files), read
// with a bound. Any of them may name a device: `--ssh-config /dev/zero` was read until memory ran
// out (16.8 GB in 131 s, then a crash in V8), and `plan` with it grew past 4 GB.
import { closeSync, openSync, readSync } from 'node:fs';
import { mebibytes, MIB } from '../../model/limits.js';

/** An ssh_config with its Includes, or a known_hosts file: a generated one for 10,000 hosts is about 1 MB. */
export const MAX_SSH_TEXT_BYTES = 8 * MIB;

/** A private key: an RSA key of 16,384 bits is about 12 KB. */
export const MAX_KEY_BYTES = 1 * MIB;

/** At most `limit` bytes of `path`, or an error that says it holds more, naming it. */
export const readBoundedSync = (path: string, limit: number): Buffer => {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= limit) {
      const chunk = Buffer.allocUnsafe(Math.min(MIB, limit + 1 - total));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > limit) throw new Error(`${path} holds more than ${mebibytes(limit)}, more than such a file may`);
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
};
