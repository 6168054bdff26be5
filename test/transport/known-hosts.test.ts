// known_hosts as OpenSSH writes and reads it: real keys and hashed files made by ssh-keygen itself,
// so a disagreement with OpenSSH's own reading shows up here rather than on an operator's host.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  appendKnownHost, checkHostKey, fingerprint, hostsFieldMatches, keyTypeOf, knownHostLine, knownHostName,
  parseKnownHosts, readKnownHosts,
} from '../../src/transport/ssh/known-hosts.js';

let dir = '';
const keys: Record<'a' | 'b' | 'ecdsa', { line: string; blob: Buffer }> = {} as never;

function hostKey(name: string, type: string): { line: string; blob: Buffer } {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', join(dir, name)]);
  const [keyType, base64] = readFileSync(join(dir, `${name}.pub`), 'utf8').split(' ');
  return { line: `${keyType} ${base64}`, blob: Buffer.from(base64 ?? '', 'base64') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-known-hosts-'));
  keys.a = hostKey('a', 'ed25519');
  keys.b = hostKey('b', 'ed25519');
  keys.ecdsa = hostKey('ecdsa', 'ecdsa');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host patterns', () => {
  test.each([
    ['app', 'app', true],
    ['web,app,db', 'app', true],
    ['APP', 'app', true],
    ['10.200.0.*', '10.200.0.216', true],
    ['10.200.0.?', '10.200.0.21', false],
    ['10.200.0.21?', '10.200.0.216', true],
    ['*.example.org,!bad.example.org', 'bad.example.org', false],
    ['*.example.org,!bad.example.org', 'good.example.org', true],
    ['[10.0.0.1]:2222', '[10.0.0.1]:2222', true],
    ['10.0.0.1', '[10.0.0.1]:2222', false],
    ['app.example', 'appXexample', false],
  ])('%s matches %s: %s', (field, name, expected) => {
    expect(hostsFieldMatches(field, name)).toBe(expected);
  });

  test('the looked-up name carries the port unless it is 22, as ssh writes it', () => {
    expect(knownHostName('App', 22)).toBe('app');
    expect(knownHostName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });
});

describe('verdicts', () => {
  const file = (): string => join(dir, 'verdicts');
  const entries = () => {
    writeFileSync(file(), [
      '# comment', '',
      `app,10.0.0.1 ${keys.a.line} comment words`,
      `@cert-authority * ${keys.b.line}`,
      `@revoked * ${keys.ecdsa.line}`,
      `[10.0.0.1]:2222 ${keys.b.line}`,
      `@unknown-marker app ${keys.b.line}`,
    ].join('\n'));
    return readKnownHosts([file(), join(dir, 'missing')]);
  };

  test('parses markers and keeps line numbers', () => {
    expect(entries().map((e) => [e.line, e.marker, e.hosts])).toEqual([
      [3, undefined, 'app,10.0.0.1'], [4, 'cert-authority', '*'], [5, 'revoked', '*'], [6, undefined, '[10.0.0.1]:2222'],
    ]);
  });

  test('the recorded key is trusted, per port', () => {
    expect(checkHostKey(entries(), 'app', keys.a.blob)).toEqual({ kind: 'trusted' });
    expect(checkHostKey(entries(), '[10.0.0.1]:2222', keys.b.blob)).toEqual({ kind: 'trusted' });
  });

  test('another key of the same type is a change, pointing at file:line', () => {
    const verdict = checkHostKey(entries(), '10.0.0.1', keys.b.blob);
    expect(verdict.kind === 'changed' && `${verdict.entry.file}:${verdict.entry.line}`).toBe(`${file()}:3`);
  });

  test('a host not listed (or listed only by a CA line) is unknown', () => {
    expect(checkHostKey(entries(), 'db', keys.b.blob)).toEqual({ kind: 'unknown' });
  });

  test('a revoked key is refused even where nothing else is known', () => {
    expect(checkHostKey(entries(), 'db', keys.ecdsa.blob).kind).toBe('revoked');
  });

  test('key type and fingerprint agree with ssh-keygen', () => {
    const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'a.pub')], { encoding: 'utf8' });
    expect(printed).toContain(fingerprint(keys.a.blob));
    expect(keyTypeOf(keys.ecdsa.blob)).toBe('ecdsa-sha2-nistp256');
  });
});

describe('hashed entries', () => {
  test('a file hashed by ssh-keygen -H is read, port entries included', () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `10.0.0.1 ${keys.a.line}\n[10.0.0.1]:2222 ${keys.b.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'pipe' });
    const entries = parseKnownHosts(readFileSync(file, 'utf8'), file);
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(checkHostKey(entries, '10.0.0.1', keys.a.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '[10.0.0.1]:2222', keys.b.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '10.0.0.1', keys.b.blob).kind).toBe('changed');
  });

  test('a line we hash is found by ssh-keygen -F', () => {
    const file = join(dir, 'ours');
    writeFileSync(file, `${knownHostLine('[10.0.0.9]:2200', keys.a.blob, true)}\n`);
    const found = execFileSync('ssh-keygen', ['-F', '[10.0.0.9]:2200', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(keys.a.blob.toString('base64'));
  });
});

describe('appending', () => {
  test('creates a private directory and file, and never glues onto an unterminated line', () => {
    const file = join(dir, 'new', 'sub', 'known_hosts');
    appendKnownHost(file, 'first ssh-ed25519 AAAA');
    writeFileSync(file, 'no-newline ssh-ed25519 AAAA');
    appendKnownHost(file, 'second ssh-ed25519 AAAA');
    expect(readFileSync(file, 'utf8')).toBe('no-newline ssh-ed25519 AAAA\nsecond ssh-ed25519 AAAA\n');
    expect(statSync(join(dir, 'new', 'sub')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
