// Real HTTP and HTTPS servers on 127.0.0.1 for the http and tls kinds' tests, in the test's own
// process: one HTTPS server per certificate (valid, expired, for another name, self-signed), a plain
// HTTP one, one that accepts connections and never says a word, and a port where nothing listens.
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createTcp, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckKind, Observation, ObserveContext } from '../../src/checks/types.js';
import { LocalTransport } from '../../src/transport/local/transport.js';
import { recordingContext, type Recorded } from '../fixtures/probes/fixture.js';
import { type CertificateName, type Certificates, makeCertificates } from './certificates.js';
import { runbookWith, runCli } from './run-cli.js';

/**
 * /: 200 "hello ok"; /host: the Host header; /broken: 502; /moved: 302 to /; /away: 302 to another
 * host; /to-port/N: 302 to / on port N of this machine (another origin, on loopback); /slow: never
 * answers; /echo: the request back.
 */
const answer = (request: IncomingMessage, response: ServerResponse): void => {
  const routes: Record<string, () => void> = {
    '/broken': () => response.writeHead(502).end('bad gateway\n'),
    '/moved': () => response.writeHead(302, { location: '/' }).end(),
    '/away': () => response.writeHead(302, { location: 'http://other.example/' }).end(),
    '/slow': () => undefined,
    '/host': () => response.writeHead(200).end(request.headers.host ?? ''),
    '/echo': () => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain' }).end(`${request.method} ${String(request.headers['x-token'] ?? '-')} ${Buffer.concat(chunks).toString()}`));
    },
  };
  const toPort = /^\/to-port\/(\d+)$/.exec(request.url ?? '');
  if (toPort) {
    response.writeHead(302, { location: `http://127.0.0.1:${toPort[1]}/` }).end();
    return;
  }
  (routes[request.url ?? '/'] ?? (() => response.writeHead(200, { 'x-served-by': 'test' }).end('hello ok\n')))();
};

export interface WebServers {
  readonly certificates: Certificates;
  readonly http: number;
  readonly https: Readonly<Record<CertificateName, number>>;
  /** Accepts, then silence. */
  readonly silent: number;
  /** Nothing listens there (a port just closed). */
  readonly closed: number;
  /** Resolves once the servers hold no connection: a client that went away is closed on our side too. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const listening = (server: { listen(port: number, host: string, done: () => void): unknown; address(): unknown }): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

export const startWebServers = async (): Promise<WebServers> => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-certs-'));
  const certificates = makeCertificates(dir, 'web.test');
  const sockets = new Set<Socket>();
  const servers: (Server | ReturnType<typeof createTcp>)[] = [];
  const track = <T extends Server | ReturnType<typeof createTcp>>(server: T): T => {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      // An HTTP server keeps a half-closed connection open while an answer is pending (/slow): the
      // client is gone, so is its connection here.
      socket.once('end', () => socket.destroy());
      socket.once('close', () => sockets.delete(socket));
    });
    servers.push(server);
    return server;
  };
  const http = await listening(track(createHttp(answer)));
  const https = {} as Record<CertificateName, number>;
  for (const name of Object.keys(certificates.files) as CertificateName[]) {
    https[name] = await listening(track(createHttps({ key: certificates.key, cert: certificates.pem[name] }, answer) as unknown as Server));
  }
  // Reads and drops what comes (a paused socket would never see the client's end), answers nothing.
  const silent = await listening(track(createTcp((socket) => socket.resume())));
  const probe = createTcp();
  const closed = await listening(probe);
  await new Promise((resolve) => probe.close(resolve));
  return {
    certificates, http, https, silent, closed,
    idle: async () => {
      for (let waited = 0; sockets.size > 0 && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    stop: async () => {
      sockets.forEach((socket) => socket.destroy());
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export type CheckSeen = { status: string; observed: Record<string, unknown>; evidence: readonly { stderr: { text: string } }[] };

/** Runs checks on this machine through the CLI, trusting the test CA; each check's status and fields by id. */
export const runWebChecks = async (servers: WebServers, checks: string): Promise<Record<string, CheckSeen>> => {
  const result = await runCli({ 'r.yaml': runbookWith(checks) }, ['run', 'r.yaml', '--reporter', 'json'], { NODE_EXTRA_CA_CERTS: servers.certificates.caFile });
  await servers.idle();
  const byId: Record<string, CheckSeen> = {};
  for (const question of result.report!.questions) for (const entry of question.checks) byId[entry.id] = entry;
  return byId;
};

/**
 * A kind observed with this machine's real tools while every stream is refused as sshd without
 * forwarding refuses it: the host's own tools answer. `path`: the commands' PATH (a host without them).
 */
export const observeWithoutForwarding = async (kind: CheckKind<never>, servers: WebServers, spec: unknown, path?: string): Promise<Observation & { records: Recorded[] }> => {
  const records: Recorded[] = [];
  const transport = new LocalTransport();
  const base = recordingContext({ here: transport }, 'here', {}, records);
  const context: ObserveContext = {
    ...base,
    run: (script, options) => base.run(path === undefined ? script : `PATH=${path}; ${script}`, options),
    connect: () => Promise.resolve({ failure: 'prohibited', message: 'administratively prohibited: open failed', durationMs: 1, via: 'ssh -W' }),
  };
  try {
    return { ...(await (kind as unknown as CheckKind<unknown>).observe(spec, context)), records };
  } finally {
    await transport.close();
    await servers.idle();
  }
};
