// A tiny web server for tests that drive web runbooks for real: 200 for every path but /broken
// (503) and /bad-gateway (502), on 127.0.0.1 at a free port; HTTPS when given a key and a
// certificate. Stopped after each test, by its PID.
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterEach } from 'vitest';

// Its process is named by its first argument (process.title sets the kernel's name), so a runbook
// finds it among other node processes.
const SERVER = `process.title = process.argv[1];
const [key, cert] = process.argv.slice(2).map((file) => require('node:fs').readFileSync(file));
const answer = (req, res) => { res.statusCode = { '/broken': 503, '/bad-gateway': 502 }[req.url] ?? 200; res.end('ok\\n'); };
(key ? require('node:https').createServer({ key, cert }, answer) : require('node:http').createServer(answer))
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

/** PEM files: the server's key, and the certificate it serves. */
export interface TlsFiles {
  readonly keyFile: string;
  readonly certFile: string;
}

export interface Server {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

const running: Server[] = [];

export const startServer = async (tls?: TlsFiles): Promise<Server> => {
  const name = `wg-${randomBytes(3).toString('hex')}`;
  const child = execa('node', ['-e', SERVER, name, ...(tls ? [tls.keyFile, tls.certFile] : [])], { reject: false });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
    void child.then((result) => reject(new Error(`the test server ended: ${String(result.stderr)}`)));
  });
  let stopped = false;
  const server: Server = {
    name,
    pid: child.pid!,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.kill(child.pid!, 'SIGTERM');
      await child;
    },
  };
  running.push(server);
  return server;
};

afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
});

