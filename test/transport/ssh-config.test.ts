// ssh_config resolution on real files with the maintained parser: what `ssh -G HOST` would settle
// on for the options we use. Where OpenSSH's own `ssh -G` can tell, the test asks it too.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadSshConfig } from '../../src/transport/ssh/config-file.js';
import { destinationKey, parseHostRef, resolveTarget, type ResolveDefaults } from '../../src/transport/ssh/config.js';

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-ssh-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tmpdir(): string {
  return process.env['TMPDIR'] ?? '/tmp';
}

function configFile(text: string, name = 'config'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const resolve = (text: string, host: string, extra: { user?: string; port?: number } = {}, defaults: ResolveDefaults = {}) =>
  resolveTarget(loadSshConfig(configFile(text)), { host, ...extra }, { agentSocket: '/agent.sock', ...defaults });

/** OpenSSH's own answer, for the options `ssh -G` prints. */
function sshG(path: string, host: string): Record<string, string> {
  const out = execFileSync('ssh', ['-G', '-F', path, host], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return Object.fromEntries(out.trim().split('\n').map((line) => [line.split(' ')[0] ?? '', line.slice(line.indexOf(' ') + 1)]));
}

const PATTERNS = `
Host web-*.prod !web-9.prod
  HostName %h.internal
  User deploy
Host web-1.prod
  Port 2200
  User ignored-first-match-wins
Host db?
  HostName 10.0.0.5
  Port 2201
Host *
  User fallback
  Port 22
  ConnectTimeout 7
`;

describe('Host patterns and first match wins', () => {
  test.each([
    ['web-1.prod', 'web-1.prod.internal', 'deploy', 2200],
    ['web-9.prod', 'web-9.prod', 'fallback', 22],
    ['db1', '10.0.0.5', 'fallback', 2201],
    ['db12', 'db12', 'fallback', 22],
  ])('%s resolves like ssh -G', (host, hostName, user, port) => {
    const target = resolve(PATTERNS, host);
    expect([target.hostName, target.user, target.port]).toEqual([hostName, user, port]);
    const openssh = sshG(join(dir, 'config'), host);
    expect([openssh['hostname'], openssh['user'], Number(openssh['port'])]).toEqual([hostName, user, port]);
    expect(target.connectTimeoutMs).toBe(7000);
  });

  test('explicit user and port beat ssh_config, as on the ssh command line', () => {
    const target = resolve(PATTERNS, 'web-1.prod', { user: 'ops', port: 2022 });
    expect([target.user, target.port]).toEqual(['ops', 2022]);
  });

  test('without any config: the local user, port 22, ssh defaults', () => {
    const target = resolve('', 'example.org');
    expect([target.hostName, target.user, target.port, target.strictHostKeyChecking]).toEqual(
      ['example.org', userInfo().username, 22, 'yes']);
    expect(target.identityFiles).toEqual(['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f)));
    expect(target.identityFilesConfigured).toBe(false);
    expect(target.userKnownHostsFiles).toEqual([join(homedir(), '.ssh/known_hosts'), join(homedir(), '.ssh/known_hosts2')]);
    expect(target.connectTimeoutMs).toBe(10_000);
    expect(target.agentSocket).toBe('/agent.sock');
  });
});

describe('identities and known hosts', () => {
  const text = `
Host app
  HostName 10.0.0.1
  User root
  IdentityFile ~/.ssh/app_key
  IdentityFile %d/keys/%r@%h
  IdentitiesOnly yes
  UserKnownHostsFile ~/kh/one %d/kh/two-%n
  GlobalKnownHostsFile /dev/null
  HashKnownHosts yes
  HostKeyAlias app-alias
  IdentityAgent none
`;

  test('IdentityFile accumulates, with ~ and %-tokens expanded', () => {
    const target = resolve(text, 'app');
    expect(target.identityFiles).toEqual([join(homedir(), '.ssh/app_key'), join(homedir(), 'keys/root@10.0.0.1')]);
    expect(target.identitiesOnly).toBe(true);
    expect(target.identityFilesConfigured).toBe(true);
    expect(target.agentSocket).toBeUndefined();
  });

  test('several UserKnownHostsFile, hashing and HostKeyAlias are kept', () => {
    const target = resolve(text, 'app');
    expect(target.userKnownHostsFiles).toEqual([join(homedir(), 'kh/one'), join(homedir(), 'kh/two-app')]);
    expect(target.globalKnownHostsFiles).toEqual(['/dev/null']);
    expect([target.hashKnownHosts, target.hostKeyAlias]).toEqual([true, 'app-alias']);
  });
});

describe('StrictHostKeyChecking: never off', () => {
  test.each([
    ['yes', 'yes'], ['ask', 'yes'], ['accept-new', 'accept-new'], ['no', 'accept-new'], ['off', 'accept-new'],
  ])('%s in ssh_config becomes %s', (value, expected) => {
    expect(resolve(`Host *\n  StrictHostKeyChecking ${value}\n`, 'h').strictHostKeyChecking).toBe(expected);
  });

  test('the option overrides ssh_config', () => {
    const target = resolve('Host *\n  StrictHostKeyChecking yes\n', 'h', {}, { strictHostKeyChecking: 'accept-new' });
    expect(target.strictHostKeyChecking).toBe('accept-new');
  });
});

describe('ProxyJump', () => {
  const text = `
Host db
  HostName 10.0.0.82
  ProxyJump bastion
Host deep
  HostName 10.0.0.99
  ProxyJump ops@first:2222,second
Host second
  ProxyJump ignored-because-the-chain-says-so
Host first
  HostName 10.0.0.1
Host bastion
  HostName 10.0.0.10
  User jump
Host direct
  ProxyJump none
Host *
  User root
`;

  test('one hop: the jump host is resolved through ssh_config too', () => {
    const target = resolve(text, 'db');
    expect(target.via && [target.via.alias, target.via.hostName, target.via.user, target.via.via]).toEqual(
      ['bastion', '10.0.0.10', 'jump', undefined]);
    expect(destinationKey(target)).toBe('root@10.0.0.82:22 via jump@10.0.0.10:22');
  });

  test('a chain a,b reaches b through a, whatever b itself configures', () => {
    const target = resolve(text, 'deep');
    const second = target.via;
    expect([second?.alias, second?.via?.alias, second?.via?.user, second?.via?.port, second?.via?.via]).toEqual(
      ['second', 'first', 'ops', 2222, undefined]);
  });

  test('ProxyJump none means direct', () => {
    expect(resolve(text, 'direct').via).toBeUndefined();
  });

  test('a loop is reported, not followed forever', () => {
    expect(() => resolve('Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n', 'a')).toThrow(/ProxyJump chain/);
  });

  test.each([
    ['host', { host: 'host', user: undefined, port: undefined }],
    ['u@host:2022', { host: 'host', user: 'u', port: 2022 }],
    ['ssh://u@host:2022', { host: 'host', user: 'u', port: 2022 }],
    ['[fe80::1]:2022', { host: 'fe80::1', user: undefined, port: 2022 }],
  ])('parses %s', (text, expected) => {
    expect(parseHostRef(text)).toEqual(expected);
  });

  test('ProxyCommand is refused rather than silently bypassed', () => {
    expect(resolve('Host *\n  ProxyCommand nc %h %p\n', 'x').unsupported).toMatch(/ProxyCommand/);
  });

  test('a Match block with a criterion ssh evaluates and runbook cannot (exec, localnetwork, tagged) is refused for the hosts it may apply to', () => {
    const config = [
      'Match host *.corp exec "nc -z -w1 vpn.corp 22"', '  ProxyJump bastion.corp',
      'Match originalhost office-* localnetwork 10.0.0.0/8', '  Port 2222',
      'Match user deploy tagged ci', '  Port 2200',
      'Host *', '  User root',
    ].join('\n');
    expect(resolve(config, 'db.corp').unsupported).toBe('ssh_config has `Match host *.corp exec "nc -z -w1 vpn.corp 22"`, which runbook cannot evaluate and which may apply to this host; write this host\'s settings in a Host block, or give --ssh-config a file without it');
    expect(resolve(config, 'office-7').unsupported).toMatch(/^ssh_config has `Match originalhost office-\* localnetwork 10\.0\.0\.0\/8`/);
    expect(resolve(config, 'web1', { user: 'deploy' }).unsupported).toMatch(/`Match user deploy tagged ci`/);
    // Blocks whose host, originalhost or user does not match never apply: the host is reached as ssh reaches it.
    expect(resolve(config, 'web1').unsupported).toBeUndefined();
    expect(resolve(`Match host !db.corp,*.corp exec true\n  Port 2\n`, 'db.corp').unsupported).toBeUndefined();
    expect(resolve('Match exec true\n  Port 2\n', 'anything').unsupported).toMatch(/`Match exec true`/);
    // Negated: `!exec` holds when the command fails, and `!host` keeps the block from the host it names.
    expect(resolve('Match !exec "false"\n  Port 2\n', 'anything').unsupported).toMatch(/`Match !exec "false"`/);
    expect(sshG(configFile('Match !exec "false"\n  Port 2222\n', 'negated'), 'anything')['port']).toBe('2222');
    expect(resolve('Match !host db.corp exec true\n  Port 2\n', 'db.corp').unsupported).toBeUndefined();
    expect(resolve('Match !host db.corp exec true\n  Port 2\n', 'web.corp').unsupported).toMatch(/`Match !host db\.corp exec true`/);
    // As ssh reads it: `Match host` compares the host name the lines above it have set (ssh -G agrees).
    const before = 'Match host 10.9.9.9 exec true\n  Port 2222\nHost db\n  HostName 10.9.9.9\n';
    const after = 'Host db\n  HostName 10.9.9.9\nMatch host 10.9.9.9 exec true\n  Port 2222\n';
    expect(resolve(before, 'db').unsupported).toBeUndefined();
    expect(resolve(after, 'db').unsupported).toMatch(/`Match host 10\.9\.9\.9 exec true`/);
    expect(sshG(configFile(before, 'before'), 'db')['port']).toBe('22');
    expect(sshG(configFile(after, 'after'), 'db')['port']).toBe('2222');
  });
});

describe('config files', () => {
  // Read as ssh reads it: only a NUL byte (a binary file) is refused, never a Latin-1 comment.
  test('a comment in Latin-1 is read as before; a file holding a NUL is no ssh_config', () => {
    const latin1 = join(dir, 'latin1');
    writeFileSync(latin1, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nHost l1\n  HostName 10.1.1.1\n')]));
    expect(resolveTarget(loadSshConfig(latin1), { host: 'l1' }, {}).hostName).toBe('10.1.1.1');
    const binary = join(dir, 'binary');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x0a]));
    expect(() => loadSshConfig(binary)).toThrow(`${binary} holds a NUL byte, as a binary file does: is it an ssh_config?`);
  });

  test('Include splices files in place, globbed, relative to ~/.ssh unless absolute', () => {
    mkdirSync(join(dir, 'conf.d'), { recursive: true });
    configFile('Host inc\n  HostName 10.9.9.9\n', 'conf.d/10-inc.conf');
    configFile('Host inc\n  HostName not-first\n', 'conf.d/20-inc.conf');
    const main = configFile(`Host other\n  Include ${join(dir, 'conf.d')}/*.conf\n  User other-user\nHost *\n  User root\n`, 'main');
    const config = loadSshConfig(main);
    expect(resolveTarget(config, { host: 'inc' }, {}).hostName).toBe('10.9.9.9');
    // The line after the Include still belongs to "Host other", as in ssh.
    expect(resolveTarget(config, { host: 'inc' }, {}).user).toBe('root');
    expect(resolveTarget(config, { host: 'other' }, {}).user).toBe('other-user');
  });

  test('an explicit file that does not exist is an error, like ssh -F', () => {
    expect(() => loadSshConfig(join(dir, 'nope'))).toThrow(/ENOENT/);
  });
});
