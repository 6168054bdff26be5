// The first packet a MySQL or MariaDB server sends: the greeting (protocol 10, the server's version)
// or an error (0xff, a code and a message: "Too many connections", "Host ... is not allowed").
// Read here rather than by the client library, so "no greeting", "not MySQL at all" and "an error
// instead of a greeting" are told apart from the bytes themselves, whichever path read them.
import { counted } from '../../model/counted.js';
import { showBytes } from '../../model/visible-text.js';

export type FirstPacket =
  | { readonly kind: 'greeting'; readonly serverVersion: string; readonly connectionId: number | null; readonly bytes: number }
  | { readonly kind: 'error'; readonly code: number; readonly sqlState: string | null; readonly message: string; readonly bytes: number }
  | { readonly kind: 'not-mysql'; readonly why: string }
  /** The bytes so far are the start of a packet: wait for more. */
  | { readonly kind: 'incomplete' };

const HEADER_BYTES = 4;
/** A greeting is about 100 bytes, an error at most a few hundred: a larger first packet is not one. */
const MAX_FIRST_PACKET = 4096;
const PROTOCOL_10 = 0x0a;
const ERROR_PACKET = 0xff;

const payloadLength = (bytes: Buffer): number => bytes.readUIntLE(0, 3);

/** Printable ASCII only: a version string that is not is a sign of some other protocol. */
const PRINTABLE = /^[\x20-\x7e]+$/;

const readGreeting = (payload: Buffer, bytes: number): FirstPacket => {
  const end = payload.indexOf(0, 1);
  const version = end < 0 ? '' : payload.toString('latin1', 1, end);
  if (!PRINTABLE.test(version)) return { kind: 'not-mysql', why: `protocol byte 10 without a server version: ${showBytes(payload)}` };
  const connectionId = payload.length >= end + 5 ? payload.readUInt32LE(end + 1) : null;
  return { kind: 'greeting', serverVersion: version, connectionId, bytes };
};

/** 0xff, the code (2 bytes LE), then "#" and a 5-character SQLSTATE when the server sends one. */
export const readErrorPayload = (payload: Buffer, bytes: number): FirstPacket => {
  if (payload.length < 3) return { kind: 'not-mysql', why: `an error packet too short to hold a code: ${showBytes(payload)}` };
  const code = payload.readUInt16LE(1);
  const hasState = payload.length >= 9 && payload[3] === 0x23; // '#'
  return {
    kind: 'error',
    code,
    sqlState: hasState ? payload.toString('latin1', 4, 9) : null,
    message: payload.toString('utf8', hasState ? 9 : 3).trim(),
    bytes,
  };
};

/** Reads the first packet from the bytes received so far. */
export const readFirstPacket = (received: Buffer): FirstPacket => {
  if (received.length < HEADER_BYTES) return { kind: 'incomplete' };
  const length = payloadLength(received);
  const sequence = received[3];
  if (sequence !== 0 || length === 0 || length > MAX_FIRST_PACKET) {
    return { kind: 'not-mysql', why: `the first bytes are not a MySQL packet header: ${showBytes(received)}` };
  }
  if (received.length < HEADER_BYTES + length) return { kind: 'incomplete' };
  const payload = received.subarray(HEADER_BYTES, HEADER_BYTES + length);
  const bytes = HEADER_BYTES + length;
  if (payload[0] === PROTOCOL_10) return readGreeting(payload, bytes);
  if (payload[0] === ERROR_PACKET) return readErrorPayload(payload, bytes);
  return { kind: 'not-mysql', why: `protocol byte ${String(payload[0])} is not MySQL's 10: ${showBytes(received)}` };
};

/** Bytes that ended (or stalled) before making one whole packet. */
export const unfinishedPacket = (received: Buffer): string =>
  `${counted(received.length, 'byte')} that never made a whole MySQL packet: ${showBytes(received)}`;
