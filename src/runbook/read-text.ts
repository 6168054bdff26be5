// Reading an operator's file as text, bounded and exact: a runbook, a vars file, an inventory, a
// report to merge. The text is what the operator wrote or nothing: invalid UTF-8 used to become
// U+FFFD and the altered command ran; a 50 MB file took seconds and gigabytes to parse.
import { open } from 'node:fs/promises';
import { mebibytes, MIB } from '../model/limits.js';
import { failed, ok, type Result } from '../model/result.js';

/**
 * The most a runbook, vars file or inventory may hold. A runbook of 20,000 generated checks is about
 * 2 MB; what parses slowly or fills memory (a 50 MB scalar: 7 s, 1.8 GB) is far beyond.
 */
export const MAX_INPUT_BYTES = 8 * MIB;

/**
 * At most `limit + 1` bytes: enough to know the file is too large, from a pipe as from a file. A
 * file is read into one buffer of its size and one byte more (to see it end, or grow): no copy of
 * 1 MiB pieces into one (2.4 MB: 11 ms of a `validate`). Only the bytes read are ever returned,
 * so the buffer needs no zeroing.
 */
const readBounded = async (path: string, limit: number): Promise<Buffer> => {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const chunks: Buffer[] = [];
    let total = 0;
    for (let want = Math.max(size + 1, 64 * 1024); total <= limit; want = 1024 * 1024) {
      const chunk = Buffer.allocUnsafe(Math.min(want, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
};

/** The length of the longest prefix that decodes (an unfinished character may end it): the first bad byte, or one that cut a character short, is there. */
const decodablePrefix = (bytes: Buffer): number => {
  const decodes = (length: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let [low, high] = [0, bytes.length];
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (decodes(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
};

/** How many bytes a UTF-8 character takes, from its lead byte; 0 for a continuation byte (10xxxxxx). */
const sequenceLength = (byte: number): number => {
  if (byte < 0x80) return 1;
  if (byte < 0xc0) return 0;
  if (byte < 0xe0) return 2;
  return byte < 0xf0 ? 3 : 4;
};

/**
 * Where the bad character starts, given the longest prefix that decodes: a character that prefix
 * ends inside of (`caf\xe9` then a newline, or the file's end) is bad from its lead byte on, not
 * from the byte that cut it short.
 */
const brokenCharacterStart = (bytes: Buffer, decodable: number): number => {
  for (let at = decodable - 1; at >= Math.max(0, decodable - 3); at -= 1) {
    const length = sequenceLength(bytes[at]!);
    if (length > 0) return at + length > decodable ? at : decodable;
  }
  return decodable;
};

const lineAndColumn = (bytes: Buffer, offset: number): string => {
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  let line = 1;
  for (const byte of before) if (byte === 0x0a) line += 1;
  return `line ${line}, column ${offset - lineStart + 1}`;
};

/** A file's text, or why it cannot be read, in words ("is a directory", not EISDIR). */
export const readText = async (path: string, limit = MAX_INPUT_BYTES): Promise<Result<string>> => {
  let bytes: Buffer;
  try {
    bytes = await readBounded(path, limit);
  } catch (error) {
    return failed((error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (error as Error).message);
  }
  if (bytes.length > limit) return failed(`is larger than ${mebibytes(limit)}, the most such a file may hold`);
  try {
    return ok(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    const decodable = decodablePrefix(bytes);
    const at = brokenCharacterStart(bytes, decodable);
    const where = `byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at ${lineAndColumn(bytes, at)}`;
    return failed(`is not UTF-8 text: ${decodable < bytes.length ? where : `it ends inside a character, ${where}`} (save it as UTF-8)`);
  }
};
