// A TLS handshake over a stream the transport opened from the check's host, and what it tells: the
// certificate chain, its dates, whether the name matches and the chain is trusted, the protocol and
// cipher. Node's own TLS (OpenSSL) does the handshake; nothing is rejected during it, so an expired
// or self-signed certificate is still read and reported, and the verdict is the kind's to give.
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { nodeTls } from './lazy-node.js';

const DAY_MS = 86_400_000;

/** Whole days from `now` to notAfter, negative once it has passed. */
export const daysLeft = (notAfter: number, now: number): number => Math.floor((notAfter - now) / DAY_MS);

/**
 * How long the certificate has, for a person: whole days from two on ("9 days left"); nearer its
 * end in hours or minutes, where whole days read "0 days left" a day before it expires; past it,
 * how long ago.
 */
export const timeLeftText = (notAfter: number, now: number): string => {
  const ms = notAfter - now;
  const span = Math.abs(ms);
  const text = span >= 2 * DAY_MS ? `${Math.floor(span / DAY_MS)} days` : span >= 3_600_000 ? `${Math.floor(span / 3_600_000)} h` : `${Math.floor(span / 60_000)} min`;
  return ms >= 0 ? `${text} left` : `expired ${text} ago`;
};

/** What the certificate and the handshake say, in the words the checks report. */
export interface TlsFacts {
  /** `valid`, `expired`, `not-yet-valid`, `name-mismatch` or `untrusted` (first that applies). */
  readonly state: TlsState;
  readonly protocol: string;
  readonly cipher: string;
  /** Whole days until notAfter, negative once expired. */
  readonly daysLeft: number;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly subject: string;
  readonly issuer: string;
  /** The names the certificate is for (its subjectAltName), comma-separated. */
  readonly names: string;
  readonly nameMatches: boolean;
  /** OpenSSL's reason the chain is not trusted (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT...), or ''. */
  readonly trustError: string;
  readonly fingerprint: string;
  /** One line per certificate, the server's first: "subject (issuer: ..., until ...)". */
  readonly chain: string;
  readonly handshakeMs: number;
}

export type TlsState = 'valid' | 'expired' | 'not-yet-valid' | 'name-mismatch' | 'untrusted';

/** The handshake did not complete: the server's alert, a reset, a plain-text answer, or silence. */
export interface TlsFailure {
  readonly failure: 'handshake-failed' | 'timeout' | 'interrupted';
  readonly message: string;
  readonly handshakeMs: number;
}

const commonName = (name: Record<string, string | string[] | undefined> | undefined): string => {
  const value = name?.CN ?? name?.O ?? '';
  return Array.isArray(value) ? value.join(', ') : value;
};

/** subjectaltname reads "DNS:a.example, IP Address:10.0.0.1": the names alone. */
const altNames = (certificate: DetailedPeerCertificate): string =>
  (certificate.subjectaltname ?? '').split(', ').map((entry) => entry.replace(/^(DNS|IP Address):/, '')).filter(Boolean).join(', ');

/** The chain as the server sent it, stopping where a certificate names itself (a root). */
const chainOf = (leaf: DetailedPeerCertificate): string => {
  const lines: string[] = [];
  for (let at: DetailedPeerCertificate | undefined = leaf; at && lines.length < 10; at = at.issuerCertificate === at ? undefined : at.issuerCertificate) {
    if (!at.subject) break;
    lines.push(`${commonName(at.subject)} (issuer: ${commonName(at.issuer)}, until ${new Date(at.valid_to).toISOString()})`);
  }
  return lines.join('\n');
};

/** The first thing wrong with a certificate, in the order an operator fixes them. */
export const certificateState = (now: number, notBefore: number, notAfter: number, nameMatches: boolean, trusted: boolean): TlsState => {
  if (now > notAfter) return 'expired';
  if (now < notBefore) return 'not-yet-valid';
  if (!nameMatches) return 'name-mismatch';
  return trusted ? 'valid' : 'untrusted';
};

/** OpenSSL's codes for a chain that ends at no CA runbook trusts (rather than for its dates). */
const UNKNOWN_ISSUER = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

/** OpenSSL's trust code, and where runbook's trust comes from when the issuer is the problem. */
const untrusted = (code: string): string =>
  `untrusted (${code})${UNKNOWN_ISSUER.has(code) ? ": not signed by a CA runbook trusts (Mozilla's, or a private one in NODE_EXTRA_CA_CERTS)" : ''}`;

/**
 * What is wrong with a certificate, in words to act on: `expired on 2026-01-01 (CERT_HAS_EXPIRED)`,
 * `name-mismatch: it is for web.lab, 10.0.0.5, not other.lab`. A trust code follows the state it
 * explains: after a wrong name it read as the name's cause ("name-mismatch (UNABLE_TO_VERIFY_LEAF_SIGNATURE)"),
 * so there it says "also untrusted".
 */
export const certificateProblem = (facts: TlsFacts, name: string): string => {
  const code = facts.trustError;
  switch (facts.state) {
    case 'expired':
      return `expired on ${facts.notAfter.slice(0, 10)}${code ? ` (${code})` : ''}`;
    case 'not-yet-valid':
      return `not valid before ${facts.notBefore.slice(0, 10)}${code ? ` (${code})` : ''}`;
    case 'name-mismatch':
      // Node's own name check gives ERR_TLS_CERT_ALTNAME_INVALID when the chain is fine: no more to say.
      return `name-mismatch: it is for ${facts.names || facts.subject}, not ${name}${code && code !== 'ERR_TLS_CERT_ALTNAME_INVALID' ? `; also ${untrusted(code)}` : ''}`;
    case 'untrusted':
      return untrusted(code || 'no reason given');
    case 'valid':
      return 'valid';
  }
};

/** The facts of a completed handshake; `name` is what the client asked for (SNI, or the address). */
export const factsOf = (socket: TLSSocket, name: string, handshakeMs: number, now = Date.now()): TlsFacts => {
  const certificate = socket.getPeerCertificate(true);
  const notBefore = Date.parse(certificate.valid_from);
  const notAfter = Date.parse(certificate.valid_to);
  const nameMatches = nodeTls().checkServerIdentity(name, certificate) === undefined;
  const trustError = socket.authorized ? '' : String((socket.authorizationError) ?? '');
  return {
    state: certificateState(now, notBefore, notAfter, nameMatches, socket.authorized),
    protocol: socket.getProtocol() ?? '',
    cipher: socket.getCipher()?.standardName ?? '',
    daysLeft: daysLeft(notAfter, now),
    notBefore: new Date(notBefore).toISOString(),
    notAfter: new Date(notAfter).toISOString(),
    subject: commonName(certificate.subject),
    issuer: commonName(certificate.issuer),
    names: altNames(certificate),
    nameMatches,
    trustError,
    fingerprint: certificate.fingerprint256 ?? '',
    chain: chainOf(certificate),
    handshakeMs,
  };
};

/** OpenSSL's reason alone: "80CC...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number" -> "wrong version number". */
const opensslReason = (message: string): string => /:SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;

/** An IP address is never sent as SNI (RFC 6066); it is still checked against the certificate. */
const isAddress = (name: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');

/**
 * The handshake over `stream`, bounded by `timeoutMs` and the abort signal. On success the TLS socket
 * is the caller's (an HTTP request may follow over it); on failure everything is destroyed.
 */
export const handshake = (stream: Duplex, name: string, timeoutMs: number, signal: AbortSignal): Promise<{ socket: TLSSocket; facts: TlsFacts } | TlsFailure> =>
  new Promise((resolve) => {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    // `host` is the name OpenSSL's verdict (socket.authorized) checks the certificate against.
    const socket = nodeTls().connect({ socket: stream, host: name, rejectUnauthorized: false, ...(isAddress(name) ? {} : { servername: name }), ALPNProtocols: ['http/1.1'] });
    let done = false;
    const finish = (result: { socket: TLSSocket; facts: TlsFacts } | TlsFailure): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if ('failure' in result) {
        socket.destroy();
        stream.destroy();
      }
      resolve(result);
    };
    // The run was stopped (its deadline, Ctrl-C): not the server's silence, so not `timeout`.
    const onAbort = (): void => finish({ failure: 'interrupted', message: 'interrupted during the TLS handshake', handshakeMs: elapsed() });
    const timer = setTimeout(() => finish({ failure: 'timeout', message: `no TLS handshake within ${timeoutMs} ms`, handshakeMs: elapsed() }), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => finish({ socket, facts: factsOf(socket, name, elapsed()) }));
    socket.once('error', (error: Error) => finish({ failure: 'handshake-failed', message: opensslReason(error.message), handshakeMs: elapsed() }));
    socket.once('close', () => finish({ failure: 'handshake-failed', message: 'the server closed the connection during the TLS handshake', handshakeMs: elapsed() }));
    if (signal.aborted) onAbort();
  });
