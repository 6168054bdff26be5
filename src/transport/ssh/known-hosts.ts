// Host keys are trusted only when the operator's OpenSSH known_hosts files say so: same files, same
// syntax (patterns, negations, hashed names, `[host]:port`, markers), so `ssh` and we never disagree.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { wildcardRegExp } from './patterns.js';
import { MAX_SSH_TEXT_BYTES, readBoundedSync } from './bounded-read.js';

export interface KnownHostEntry {
  readonly file: string;
  readonly line: number;
  /** `@revoked` keys are refused; `@cert-authority` lines vouch for certificates, which we never get. */
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  readonly hosts: string;
  readonly keyType: string;
  readonly key: Buffer;
}

export type HostKeyVerdict =
  | { readonly kind: 'trusted' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'changed'; readonly entry: KnownHostEntry }
  | { readonly kind: 'revoked'; readonly entry: KnownHostEntry };

/** The name OpenSSH looks up: the bare host on port 22, `[host]:port` elsewhere. */
export const knownHostName = (host: string, port: number): string =>
  port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;

function parseLine(text: string, file: string, line: number): KnownHostEntry | undefined {
  const fields = text.trim().split(/\s+/);
  if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return undefined;
  const marker = fields[0] === '@revoked' ? 'revoked' : fields[0] === '@cert-authority' ? 'cert-authority' : undefined;
  if (fields[0].startsWith('@') && marker === undefined) return undefined; // unknown marker: OpenSSH skips it too
  const [hosts, keyType, key] = marker ? fields.slice(1) : fields;
  if (hosts === undefined || keyType === undefined || key === undefined) return undefined;
  return { file, line, marker, hosts, keyType, key: Buffer.from(key, 'base64') };
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  return text.split('\n').flatMap((line, index) => parseLine(line, file, index + 1) ?? []);
}

/**
 * Each file parsed once per change: a fleet's hosts all check their keys against the same files,
 * and reading them again for each host cost 200 reads, parses and copies at 200 hosts (about 20 MB
 * held while the connections lived). An append (accept-new) changes size and mtime: read again.
 */
const parsedFiles = new Map<string, { readonly mtimeMs: number; readonly size: number; readonly entries: KnownHostEntry[] }>();

const entriesOf = (file: string): KnownHostEntry[] => {
  const { mtimeMs, size } = statSync(file);
  const cached = parsedFiles.get(file);
  if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.entries;
  const entries = parseKnownHosts(readBoundedSync(file, MAX_SSH_TEXT_BYTES).toString('utf8'), file);
  parsedFiles.set(file, { mtimeMs, size, entries });
  return entries;
};

/** Missing or unreadable files count as empty, as for ssh. */
export function readKnownHosts(files: readonly string[]): KnownHostEntry[] {
  return files.flatMap((file) => {
    try {
      return entriesOf(file);
    } catch {
      return [];
    }
  });
}

function hashedMatches(field: string, name: string): boolean {
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || salt === undefined || hash === undefined) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Most known_hosts names are literal: compared as text (without case), a regex only for `*` and `?`. */
const patternMatches = (pattern: string, name: string): boolean =>
  /[*?]/.test(pattern) ? wildcardRegExp(pattern, { ignoreCase: true }).test(name) : pattern.toLowerCase() === name.toLowerCase();

/** A negated pattern that matches vetoes the whole line, whatever else matches (ssh's match_hostname). */
export function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (!patternMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

export function checkHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const applicable = entries.filter((e) => e.marker !== 'cert-authority' && hostsFieldMatches(e.hosts, name));
  const revoked = applicable.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const plain = applicable.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.key.equals(key))) return { kind: 'trusted' };
  const sameType = plain.find((e) => e.keyType === keyTypeOf(key));
  return sameType ? { kind: 'changed', entry: sameType } : { kind: 'unknown' };
}

/** The algorithm name at the start of an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, ...). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  return blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1');
}

export const fingerprint = (blob: Buffer): string =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

export function knownHostLine(name: string, key: Buffer, hashed: boolean): string {
  const salt = randomBytes(20);
  const hosts = hashed
    ? `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
    : name;
  return `${hosts} ${keyTypeOf(key)} ${key.toString('base64')}`;
}

function endsWithNewline(file: string): boolean {
  const size = statSync(file).size;
  if (size === 0) return true;
  const fd = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** Like ssh: the directory is created private (0700) and a new file readable only by its owner. */
export function appendKnownHost(file: string, line: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, '', { mode: 0o600 });
  appendFileSync(file, `${endsWithNewline(file) ? '' : '\n'}${line}\n`);
}
