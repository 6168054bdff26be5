// A conversation runbook holds itself (MySQL, HTTP, TLS) that the run cuts short, by --deadline, is
// the run's doing: the check is an error that says so, not a failure the server is blamed for, and
// its observed state is `interrupted`, not the server's `timeout` or `server-error`. The server here
// accepts TCP and never says a byte, like a hung database or web server.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

let server: Server;
let port = 0;
const held: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    held.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

// The server's end of each conversation: the CLI has exited, the test's own leak check follows.
afterEach(() => {
  held.splice(0).forEach((socket) => socket.destroy());
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const runbook = (check: string): string => `version: 1
title: stopped
hosts: { app: local }
questions:
  - id: q
    title: answers?
    checks:
      - id: silent
        on: app
        ${check}
`;

describe('a conversation the run stopped (--deadline) is interrupted, not timed out', () => {
  test.each([
    ['mysql, waiting for the greeting', () => `mysql: { host: 127.0.0.1, port: ${port}, timeouts: { greeting: 10s } }`, { phase: 'greeting' }],
    ['http, waiting for the answer', () => `http: { url: "http://127.0.0.1:${port}/", timeout: 10s }`, {}],
    ['https, during the TLS handshake', () => `http: { url: "https://127.0.0.1:${port}/", timeout: 10s }`, {}],
    ['tls, during the handshake', () => `tls: { host: 127.0.0.1, port: ${port}, timeout: 10s }`, {}],
  ])('%s', async (_name, check, observed) => {
    const started = Date.now();
    const result = await runCli({ 's.yaml': runbook(check()) }, ['run', 's.yaml', '--reporter', 'json', '--deadline', '700ms']);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.report!.questions[0]!.checks[0]).toMatchObject({ status: 'error', reason: "stopped: the run's deadline (--deadline 700ms) passed", observed: { state: 'interrupted', ...observed } });
  });
});
