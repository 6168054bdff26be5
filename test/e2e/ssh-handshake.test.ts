// A host that takes the TCP connection and then does not speak SSH: the reason says how far the
// connection got, so a frozen sshd, a wrong port and a silent firewall are told apart. Loopback
// servers stand for each: one that accepts and never says a byte, one that closes at once, and
// one that speaks another protocol (a MySQL greeting) and hangs up.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { classify } from '../../src/transport/ssh/connect.js';
import type { SshTarget } from '../../src/transport/ssh/config.js';
import { runCli } from '../helpers/run-cli.js';

const MYSQL_GREETING = Buffer.from('4a0000000a352e352e352d31302e31312e31392d4d617269614442', 'hex');

const servers: Server[] = [];
const held: Socket[] = [];
const ports: Record<'silent' | 'closing' | 'mysql', number> = { silent: 0, closing: 0, mysql: 0 };

const listen = async (onSocket: (socket: Socket) => void): Promise<number> => {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    held.push(socket);
    onSocket(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
};

beforeAll(async () => {
  ports.silent = await listen(() => undefined);
  ports.closing = await listen((socket) => socket.destroy());
  ports.mysql = await listen((socket) => {
    socket.write(MYSQL_GREETING);
    socket.once('data', () => socket.destroy());
  });
});

// The server's end of each connection: the CLI has exited, the test's own leak check follows.
afterEach(() => {
  held.splice(0).forEach((socket) => socket.destroy());
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const runbook = (port: number): string => `version: 1
title: handshake
hosts:
  far: nobody@127.0.0.1:${port}
questions:
  - id: q
    title: Does the far host answer?
    checks:
      - { id: kernel, on: far, run: uname -a }
`;

describe('how far an SSH connection got, in the reason', () => {
  test.each([
    ['accepts and never speaks (a frozen or overloaded sshd)', 'silent', /^127\.0\.0\.1 \(nobody@127\.0\.0\.1:\d+\): TCP connected, but no SSH greeting and key exchange within 1 s: sshd is overloaded or frozen, or port \d+ is not an SSH server's$/],
    ['closes at once (sshd turning it away)', 'closing', /: TCP connected, but the server closed the connection before the SSH key exchange: port \d+ is not an SSH server's, or sshd turned the connection away/],
    ['speaks MySQL, then hangs up (the wrong port)', 'mysql', /: TCP connected, but the server (closed|reset) the connection before the SSH key exchange: port \d+ is not an SSH server's/],
  ] as const)('a server that %s', async (_name, kind, reason) => {
    const files = { 'r.yaml': runbook(ports[kind]), ssh_config: 'Host *\n  ConnectTimeout 1\n' };
    const result = await runCli(files, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', 'ssh_config']);
    expect(result.exitCode).toBe(3);
    expect(result.report!.questions[0]!.checks[0]).toMatchObject({ status: 'error', reason: expect.stringMatching(reason) as unknown });
  });
});

describe('classify: the stage a handshake timed out at', () => {
  const target = { alias: 'db1', hostName: '10.0.0.5', port: 22, user: 'root', connectTimeoutMs: 3000 } as unknown as SshTarget;
  const NONE = { offered: [], notes: [] };
  const timeout = Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' });

  test.each([
    [{ tcpConnected: false, keysExchanged: false }, /no answer to TCP port 22 within 3 s: a firewall that drops packets, or the host is down$/],
    [{ tcpConnected: true, keysExchanged: false }, /TCP connected, but no SSH greeting and key exchange within 3 s/],
    [{ tcpConnected: true, keysExchanged: true }, /the SSH key exchange completed, but the login did not finish within 3 s/],
  ])('%o', (stage, message) => {
    expect(classify(target, timeout, NONE, stage)).toEqual({ code: 'ETIMEDOUT', message: expect.stringMatching(message) as unknown });
  });

  test('a refused login names what was offered, as ssh -v would, and where the fix goes', () => {
    const refused = Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' });
    const offered = { offered: ["the agent's keys", '/home/op/.ssh/id_ed25519', '/home/op/.ssh/id_rsa'], notes: ['/home/op/.ssh/id_ecdsa: passphrase-protected or unreadable key, used only through the agent'] };
    expect(classify(target, refused, offered, { tcpConnected: true, keysExchanged: true })).toEqual({
      code: 'AUTH',
      message: "db1 (root@10.0.0.5:22): authentication failed for user root: the server refused the agent's keys, /home/op/.ssh/id_ed25519 and /home/op/.ssh/id_rsa " +
        '(/home/op/.ssh/id_ecdsa: passphrase-protected or unreadable key, used only through the agent); the public key must be in ~root/.ssh/authorized_keys on the host, or ssh_config must name the key that is (IdentityFile)',
    });
    expect(classify(target, refused, { offered: ['/home/op/.ssh/id_ed25519'], notes: [] }, { tcpConnected: true, keysExchanged: true }).message)
      .toBe('db1 (root@10.0.0.5:22): authentication failed for user root: the server refused /home/op/.ssh/id_ed25519; the public key must be in ~root/.ssh/authorized_keys on the host, or ssh_config must name the key that is (IdentityFile)');
    expect(classify(target, refused, { offered: [], notes: ['no agent and no usable key file'] }, { tcpConnected: true, keysExchanged: true }).message)
      .toBe('db1 (root@10.0.0.5:22): authentication failed for user root (no agent and no usable key file)');
  });

  test('a reset after the key exchange is a reset, not a wrong port', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(classify(target, reset, NONE, { tcpConnected: true, keysExchanged: true }).message).toMatch(/: connection reset$/);
  });
});
