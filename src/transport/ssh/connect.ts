// Opens one authenticated ssh2 connection to a resolved target, through its ProxyJump hops
// (each hop's `forwardOut` channel is the next connection's socket), and turns every way that can
// fail into a TransportError that names the host and what to do.
import { connect as connectTcp, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TransportError } from '../types.js';
import { credentials, type Credentials } from './auth.js';
import { describeTarget, type SshTarget } from './config.js';
import { hostKeyCheck } from './host-key.js';
import { ssh2Soon, type Client, type Ssh2Client } from './ssh2-client.js';
import { listWords } from '../../model/list-words.js';
import { acknowledgePromptly } from './prompt-ack.js';

export class ConnectError extends Error {
  constructor(readonly transportError: TransportError) {
    super(transportError.message);
  }
}

/** An open connection; `closed` settles when it ends, with the error that ended it if any. */
export interface Hop {
  readonly client: Client;
  readonly closed: Promise<Error | undefined>;
}

export interface Link extends Hop {
  /** Jump connections, nearest hop last: ended after `client`. */
  readonly hops: readonly Hop[];
}

type SshError = Error & { level?: string; code?: string };

const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
};

/** How far a connection got before it failed: what tells a silent firewall from a frozen sshd. */
export interface HandshakeStage {
  /** The TCP connection is established (always, through a jump host's channel). */
  readonly tcpConnected: boolean;
  /** sshd sent its version and the key exchange completed: only the login was left. */
  readonly keysExchanged: boolean;
}

/** ssh2's words when the server closes before sending its version line. */
const CLOSED_BEFORE_GREETING = 'Connection lost before handshake';

/** A handshake timeout in words that say where it stopped, so the operator knows what to look at. */
const timeoutMessage = (target: SshTarget, stage: HandshakeStage): string => {
  const within = `within ${target.connectTimeoutMs / 1000} s`;
  if (!stage.tcpConnected) return `no answer to TCP port ${target.port} ${within}: a firewall that drops packets, or the host is down`;
  if (!stage.keysExchanged) {
    return `TCP connected, but no SSH greeting and key exchange ${within}: sshd is overloaded or frozen, or port ${target.port} is not an SSH server's`;
  }
  return `the SSH key exchange completed, but the login did not finish ${within} (sshd slow to authenticate: a reverse DNS lookup with UseDNS, PAM)`;
};

/** What a login offered, and why some key was not (auth.ts). */
type Offer = Pick<Credentials, 'offered' | 'notes'>;

/** Before any login was tried. */
const NOTHING_OFFERED: Offer = { offered: [], notes: [] };

/** What was offered and refused, as `ssh -v` would tell it, and where the fix goes. */
const authFailure = (target: SshTarget, { offered, notes }: Offer): string => {
  const why = notes.length ? ` (${notes.join('; ')})` : '';
  if (offered.length === 0) return `authentication failed for user ${target.user}${why}`;
  return `authentication failed for user ${target.user}: the server refused ${listWords(offered)}${why}; ` +
    `the public key must be in ~${target.user}/.ssh/authorized_keys on the host, or ssh_config must name the key that is (IdentityFile)`;
};

export function classify(target: SshTarget, error: SshError, offer: Offer, stage: HandshakeStage): TransportError {
  const where = describeTarget(target);
  if (error.level === 'client-authentication') return { code: 'AUTH', message: `${where}: ${authFailure(target, offer)}` };
  if (error.level === 'client-timeout') return { code: 'ETIMEDOUT', message: `${where}: ${timeoutMessage(target, stage)}` };
  const reset = error.code === 'ECONNRESET';
  if (stage.tcpConnected && !stage.keysExchanged && (reset || error.message === CLOSED_BEFORE_GREETING)) {
    const why = `port ${target.port} is not an SSH server's, or sshd turned the connection away (MaxStartups, tcp wrappers)`;
    return { code: reset ? 'ECONNRESET' : 'SSH', message: `${where}: TCP connected, but the server ${reset ? 'reset' : 'closed'} the connection before the SSH key exchange: ${why}` };
  }
  const code = error.code ?? '';
  const known = SOCKET_ERRORS[code];
  return known ? { code, message: `${where}: ${known}` } : { code: 'SSH', message: `${where}: ${error.message}` };
}

/**
 * The TCP connection to a target reached directly, opened before ssh2 is loaded (ssh2-client.ts):
 * the host's sshd accepts, forks and sends its greeting meanwhile, which ssh2 reads from the
 * socket's buffer. What fails before ssh2 listens is kept for it. Nagle's algorithm is off from
 * the start, not only once logged in: the handshake's small packets each wait for an ACK the host
 * delays (40 ms), and it cost every connection one such wait before its login (lab, 15 sequential
 * connections alternated: 105 -> 64 ms to ready).
 */
const openSocket = (target: SshTarget): { sock: Socket; failed: () => Error | undefined; connected: () => boolean } => {
  let failure: Error | undefined;
  let connected = false;
  const sock = connectTcp({ host: target.hostName, port: target.port, noDelay: true });
  sock.once('error', (error) => (failure ??= error));
  sock.once('connect', () => (connected = true));
  return { sock, failed: () => failure ?? (sock.destroyed ? new Error('connection closed before the SSH handshake') : undefined), connected: () => connected };
};

/** ssh2's handshake and login over `sock`: the link once ready, or a ConnectError that says why not. */
function handshakeOn(target: SshTarget, sock: Duplex, Client: Ssh2Client['Client'], tcpConnected: () => boolean): Promise<Link> {
  const check = hostKeyCheck(target);
  const offer = credentials(target);
  const client = new Client();
  let lastError: Error | undefined;
  let ready = false;
  let keysExchanged = false;
  client.once('handshake', () => (keysExchanged = true));
  const closed = new Promise<Error | undefined>((resolve) => client.once('close', () => resolve(lastError)));
  return new Promise((resolve, reject) => {
    // A dead agent is reported as an error but ssh2 goes on with the next method: not fatal.
    // The first error is the cause: a handshake timeout is followed by "Connection lost before
    // handshake" as ssh2 drops the socket, which would blame a frozen sshd on the network.
    client.on('error', (error: SshError) => {
      if (error.level !== 'agent') lastError ??= error;
    });
    client.once('ready', () => {
      ready = true;
      resolve({ client, hops: [], closed });
    });
    void closed.then((error) => {
      if (ready) return;
      const refusal = check.refusal();
      const fallback = new Error('connection closed during the SSH handshake');
      reject(new ConnectError(refusal ?? classify(target, error ?? fallback, offer, { tcpConnected: tcpConnected(), keysExchanged })));
    });
    client.connect({
      host: target.hostName, port: target.port, username: target.user,
      sock,
      hostVerifier: check.verify,
      algorithms: { serverHostKey: check.algorithms as never },
      authHandler: offer.methods,
      readyTimeout: target.connectTimeoutMs,
      keepaliveInterval: target.keepaliveIntervalMs,
      keepaliveCountMax: target.keepaliveCountMax,
    });
  });
}

async function handshake(target: SshTarget, through: Duplex | undefined): Promise<Link> {
  const direct = through ? undefined : openSocket(target);
  try {
    const { Client } = await ssh2Soon();
    const early = direct?.failed();
    if (early) throw new ConnectError(classify(target, early, NOTHING_OFFERED, { tcpConnected: direct!.connected(), keysExchanged: false }));
    // A jump host's channel opens only once its TCP connection is made.
    return await handshakeOn(target, through ?? direct!.sock, Client, direct ? direct.connected : () => true);
  } catch (error) {
    // ssh2 ends a socket it has taken; one it never took is ended here.
    direct?.sock.destroy();
    throw error;
  }
}

/** sshd opens the hop's TCP connection with the kernel's long timeout: bound it by ConnectTimeout. */
function forward(hop: Client, target: SshTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const message = `${describeTarget(target)}: jump host did not connect within ${target.connectTimeoutMs / 1000} s`;
      reject(new ConnectError({ code: 'ETIMEDOUT', message }));
    }, target.connectTimeoutMs);
    hop.forwardOut('127.0.0.1', 0, target.hostName, target.port, (error, channel) => {
      clearTimeout(timer);
      if (timedOut) return void channel?.close(); // too late: nobody will use it
      if (!error) {
        acknowledgePromptly(channel);
        return resolve(channel);
      }
      const code = /refused/i.test(error.message) ? 'ECONNREFUSED' : /unreachable|no route/i.test(error.message) ? 'EHOSTUNREACH' : 'EJUMP';
      reject(new ConnectError({ code, message: `${describeTarget(target)}: jump host could not connect: ${error.message}` }));
    });
  });
}

/** Ends the target first, then its hops from the nearest one out. */
export async function endLink(link: Link, waitMs: number): Promise<void> {
  const all = [link, ...[...link.hops].reverse()];
  for (const hop of all) hop.client.end();
  // end() waits for the peer; a dead peer must not hold anyone up.
  const timer = setTimeout(() => all.forEach((hop) => hop.client.destroy()), waitMs);
  await Promise.all(all.map((hop) => hop.closed));
  clearTimeout(timer);
}

export async function connectTarget(target: SshTarget): Promise<Link> {
  if (target.unsupported) throw new ConnectError({ code: 'UNSUPPORTED', message: `${describeTarget(target)}: ${target.unsupported}` });
  if (!target.via) return handshake(target, undefined);
  const jump = await connectTarget(target.via).catch((error: unknown) => {
    const inner = error instanceof ConnectError ? error.transportError : { code: 'SSH', message: String(error) };
    throw new ConnectError({ code: inner.code, message: `${describeTarget(target)} via ${inner.message}` });
  });
  try {
    const link = await handshake(target, await forward(jump.client, target));
    return { ...link, hops: [...jump.hops, { client: jump.client, closed: jump.closed }] };
  } catch (error) {
    await endLink(jump, 0);
    throw error;
  }
}
