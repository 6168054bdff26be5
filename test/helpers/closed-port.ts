// A loopback port where nothing listens, for tests of a refused connection: a server takes a free
// port and gives it back at once.
import { createServer } from 'node:net';

export const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
};
