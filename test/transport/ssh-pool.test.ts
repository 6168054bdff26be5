// The pool's refusals that need no host: a config it cannot follow, options out of range, use after
// close. Each comes back as a CommandOutcome (or a constructor error), never as a hang.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SshPool } from '../../src/transport/ssh/pool.js';

let dir = '';
let config = '';
const spec = (host: string) => ({ role: host, kind: 'ssh' as const, name: host, host, become: false });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-ssh-pool-'));
  config = join(dir, 'config');
  writeFileSync(config, 'Host loop-a\n  ProxyJump loop-b\nHost loop-b\n  ProxyJump loop-a\nHost via-command\n  ProxyCommand nc %h %p\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a ProxyJump loop is a CONFIG outcome for that host', async () => {
  const pool = new SshPool({ sshConfigPath: config });
  const outcome = await pool.transportFor(spec('loop-a')).start({ script: 'true', timeoutMs: 1000 }).result;
  expect(outcome).toMatchObject({ exitCode: null, transportError: { code: 'CONFIG' } });
  expect(outcome.transportError?.message).toMatch(/^loop-a \(loop-a\): ProxyJump chain/);
  await pool.close();
});

test('ProxyCommand is refused as UNSUPPORTED, without connecting anywhere', async () => {
  const pool = new SshPool({ sshConfigPath: config });
  const outcome = await pool.transportFor(spec('via-command')).start({ script: 'true', timeoutMs: 1000 }).result;
  expect(outcome.transportError?.code).toBe('UNSUPPORTED');
  await pool.close();
});

test('after close() every command is refused as CLOSED, and close() may be called again', async () => {
  const pool = new SshPool({ sshConfigPath: config });
  const before = pool.transportFor(spec('somewhere'));
  await pool.close();
  await pool.close();
  expect((await before.start({ script: 'true', timeoutMs: 1000 }).result).transportError?.code).toBe('CLOSED');
  expect((await pool.transportFor(spec('later')).start({ script: 'true', timeoutMs: 1000 }).result).transportError?.code).toBe('CLOSED');
});

test('a channel cap below 2 is refused: one channel is kept for kills', () => {
  expect(() => new SshPool({ sshConfigPath: config, maxChannelsPerConnection: 1 })).toThrow(RangeError);
});

test('a missing -F file is an error at once, as for ssh', () => {
  expect(() => new SshPool({ sshConfigPath: join(dir, 'missing') })).toThrow(/ENOENT/);
});
