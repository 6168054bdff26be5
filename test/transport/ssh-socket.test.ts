// The TCP socket under an SSH connection: Nagle's algorithm is off from its start. Set only once
// logged in, each of the handshake's small packets waited for the ACK the host delays (40 ms),
// one such wait per connection (lab: 105 -> 64 ms to ready). Timing it would be a timed test;
// the option itself is what decides, so the test reads what the socket was opened with.
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { connectTarget } from '../../src/transport/ssh/connect.js';
import { loadSshConfig } from '../../src/transport/ssh/config-file.js';
import { resolveTarget, type SshTarget } from '../../src/transport/ssh/config.js';

const opened = vi.hoisted(() => [] as unknown[]);

vi.mock('node:net', async (importOriginal) => {
  const original = await importOriginal<typeof net>();
  return {
    ...original,
    connect: (...args: Parameters<typeof original.connect>) => {
      opened.push(args[0]);
      return original.connect(...args);
    },
  };
});

let server: net.Server;
let port = 0;

beforeAll(async () => {
  // A host that takes the connection and closes it: the handshake fails at once, the socket was opened.
  server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** The far host as a run resolves it, with no ssh_config: the handshake fails before any login. */
const target = (): SshTarget => resolveTarget(loadSshConfig('none'), { host: '127.0.0.1', user: 'nobody', port }, { connectTimeoutMs: 2000 });

describe('the socket an SSH connection is made on', () => {
  test('is opened with Nagle off, before the handshake', async () => {
    opened.length = 0;
    await expect(connectTarget(target())).rejects.toThrow(/closed the connection before the SSH key exchange/);
    expect(opened).toEqual([expect.objectContaining({ host: '127.0.0.1', port, noDelay: true })]);
  });
});
