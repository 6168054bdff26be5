// The pool's refusals that need no host: a config it cannot follow, options out of range, use after
// close. Each comes back as a CommandOutcome (or a constructor error), never as a hang.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SshPool } from '../../src/transport/ssh/pool.js';
import { closedPort } from '../helpers/closed-port.js';

let dir = '';
let config = '';
const spec = (host: string) => ({ role: host, kind: 'ssh' as const, name: host, host, become: false });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-ssh-pool-'));
  config = join(dir, 'config');
  writeFileSync(config, 'Host loop-a\n  ProxyJump loop-b\nHost loop-b\n  ProxyJump loop-a\nHost via-command\n  ProxyCommand nc %h %p\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The socket is opened before ssh2 is loaded (transport/ssh/connect.ts). A refusal may come while
// ssh2 loads, before ssh2 listens, and must still be said as ssh2 would say it. Linux refuses a TCP
// connection to the broadcast address in connect() itself (ENETUNREACH, no packet sent), which Node
// reports on the next tick: before the first connection of this file has loaded ssh2.
test('a host that cannot be reached or refuses is named with the reason, before ssh2 is loaded and after', async () => {
  const port = await closedPort();
  const hosts = join(dir, 'unreachable');
  writeFileSync(hosts, `Host broadcast\n  HostName 255.255.255.255\n  User someone\nHost refusing\n  HostName 127.0.0.1\n  Port ${port}\n  User someone\n`);
  const outcomes = async () => {
    const pool = new SshPool({ sshConfigPath: hosts });
    const [broadcast, refusing] = await Promise.all(['broadcast', 'refusing'].map((name) => pool.transportFor(spec(name)).start({ script: 'true', timeoutMs: 5000 }).result));
    await pool.close();
    return [broadcast?.transportError, refusing?.transportError];
  };
  const expected = [
    { code: 'ENETUNREACH', message: 'broadcast (someone@255.255.255.255:22): network unreachable' },
    { code: 'ECONNREFUSED', message: `refusing (someone@127.0.0.1:${port}): connection refused` },
  ];
  expect(await outcomes()).toEqual(expected);
  expect(await outcomes()).toEqual(expected);
});

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
