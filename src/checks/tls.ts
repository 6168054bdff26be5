// The `tls:` check: does HOST:PORT complete a TLS handshake from this host, and is its certificate
// fit to serve: the name, the dates, the chain? The stream starts on the check's host (over SSH a
// forwarded channel) and the handshake is ours, so what is seen is what that host's clients see.
// Where sshd will not forward, `openssl s_client` on the host answers the same questions.
import type { PeerCertificate } from 'node:tls';
import { ok, type Result } from '../model/result.js';
import type { CommandOutcome, StreamOpening } from '../transport/types.js';
import { type Attempt, firstLine, type Reading } from './probes/attempts.js';
import { withinCheck } from './probes/deadline.js';
import { defineCheckKind } from './probes/define-kind.js';
import { askedOnHost, CONNECT_STATES, streamTool } from './probes/stream-opening.js';
import { nodeTls } from './probes/lazy-node.js';
import { certificateProblem, certificateState, daysLeft, handshake, timeLeftText, type TlsFacts, type TlsFailure } from './probes/tls-session.js';
import { durationSchema, hostSchema, type Known, portSchema, resolveDuration, resolveHost, resolvePort, seconds, shellWord } from './probes/values.js';
import type { Observation, ObserveContext, Probe, ProbeSettings, StreamStep } from './types.js';

export interface TlsSpec {
  readonly host: string;
  readonly port?: number | string;
  /** The name asked for (SNI) and checked against the certificate; default: host. */
  readonly name?: string;
  readonly timeout?: string | number;
}

interface Target {
  readonly host: Known<string>;
  readonly port: Known<number>;
  readonly name: Known<string>;
  readonly timeoutMs: number;
}

const DEFAULT_PORT = 443;
const DEFAULT_TIMEOUT_MS = 3000;

const FIELDS = {
  state: 'text', days_left: 'number', not_before: 'text', not_after: 'text', subject: 'text', issuer: 'text',
  names: 'text', name_matches: 'text', trust_error: 'text', protocol: 'text', cipher: 'text', fingerprint: 'text',
  chain: 'text', connect_ms: 'number', handshake_ms: 'number', error: 'text', tool: 'text',
} as const;

type Fields = Record<keyof typeof FIELDS, string | number | null>;

const NO_FACTS: Fields = {
  state: '', days_left: null, not_before: '', not_after: '', subject: '', issuer: '', names: '', name_matches: '', trust_error: '',
  protocol: '', cipher: '', fingerprint: '', chain: '', connect_ms: null, handshake_ms: null, error: '', tool: '',
};

export const factFields = (facts: TlsFacts): Partial<Fields> => ({
  state: facts.state,
  days_left: facts.daysLeft,
  not_before: facts.notBefore,
  not_after: facts.notAfter,
  subject: facts.subject,
  issuer: facts.issuer,
  names: facts.names,
  name_matches: facts.nameMatches ? 'yes' : 'no',
  trust_error: facts.trustError,
  protocol: facts.protocol,
  cipher: facts.cipher,
  fingerprint: facts.fingerprint,
  chain: facts.chain,
  handshake_ms: facts.handshakeMs,
});


const targetOf = (spec: TlsSpec, resolve: ProbeSettings['resolve']): Result<Target> => {
  const host = resolveHost(spec.host, resolve);
  if (!host.ok) return host;
  const port = resolvePort(spec.port ?? DEFAULT_PORT, resolve);
  if (!port.ok) return port;
  const name = spec.name === undefined ? host : resolveHost(spec.name, resolve, 'name');
  if (!name.ok) return name;
  const timeout = resolveDuration(spec.timeout, resolve, DEFAULT_TIMEOUT_MS);
  if (!timeout.ok) return timeout;
  return ok({ host: host.value, port: port.value, name: name.value, timeoutMs: timeout.value });
};

// The fallback: OpenSSL's client on the host, then its x509 tool on the certificate it printed.
// Both outputs come back in one stdout, split by a line of our own.
const OPENSSL_SCRIPT = [
  'for t in openssl timeout; do command -v "$t" >/dev/null 2>&1 || { echo "sh: 1: $t: not found" >&2; exit 127; }; done',
  // An IPv6 address in brackets; SNI only for a name (RFC 6066), as our own handshake does.
  'case $1 in *:*) c="[$1]:$2";; *) c="$1:$2";; esac',
  'case $3 in *:*) sni=;; *[!0-9.]*) sni=1;; *) sni=;; esac',
  // -state: its progress lines go to stderr unbuffered, so they outlive a `timeout` that ends it.
  'out=$(timeout --foreground "$4" openssl s_client -state -connect "$c" ${sni:+-servername} ${sni:+"$3"} -verify_hostname "$3" </dev/null 2>&1); rc=$?',
  'printf "%s\\n==rc %s\\n" "$out" "$rc"',
  'printf "%s\\n" "$out" | openssl x509 -noout -subject -issuer -startdate -enddate -fingerprint -sha256 -ext subjectAltName -nameopt oneline 2>/dev/null',
].join('\n');

export const opensslScript = (target: Target, timeoutMs: number): string =>
  `sh -c ${shellWord(OPENSSL_SCRIPT)} rb ${shellWord(target.host)} ${target.port} ${shellWord(target.name)} ${seconds(timeoutMs)}`;

const line = (text: string, pattern: RegExp): string => pattern.exec(text)?.[1]?.trim() ?? '';

const cnOf = (dn: string): string => /CN ?= ?([^,/]+)/.exec(dn)?.[1]?.trim() ?? dn;

/** s_client's own progress lines, no reason in themselves: `CONNECTED(...)` and -state's `SSL_connect:...`. */
const PROGRESS = /^(?:CONNECTED\(|SSL_connect:)/;

/**
 * 124: `timeout` ended it. The handshake starts only once TCP connected, and -state says so on
 * stderr at once (stdout's CONNECTED line is buffered, and dies with openssl): a server that took
 * the connection and never answered is `timeout`, as our own handshake says; no connection at all
 * is `filtered`, as the stream's connect says (a firewall that drops the SYN).
 */
const timedOutState = (client: string): 'timeout' | 'filtered' => (/^SSL_connect:/m.test(client) ? 'timeout' : 'filtered');

const TIMED_OUT = { timeout: 'connected, but no TLS handshake before the timeout', filtered: 'no connection before the timeout' } as const;

/** s_client's words: its verify result, protocol and cipher; x509's: names, dates, fingerprint. */
export const readOpenssl = (name: string, now = Date.now()) => (outcome: CommandOutcome): Reading<Partial<Fields>> => {
  const [client = '', x509 = ''] = outcome.stdout.split(/^==rc \d+$/m);
  const rc = Number(/^==rc (\d+)$/m.exec(outcome.stdout)?.[1]);
  const notAfter = Date.parse(line(x509, /^notAfter=(.*)$/m));
  if (Number.isNaN(notAfter)) {
    const timedOut = rc === 124 ? timedOutState(client) : undefined;
    const state = timedOut ?? (/Connection refused/i.test(client) ? 'refused' : /No route/i.test(client) ? 'unreachable' : 'handshake-failed');
    const said = firstLine(client.split('\n').filter((text) => !PROGRESS.test(text)).join('\n')) || (timedOut ? TIMED_OUT[timedOut] : 'no certificate');
    if (/getaddrinfo|Name or service not known/i.test(client)) return { ok: false, error: `cannot resolve the host: ${said}` };
    return { ok: true, value: { state, error: said, tool: 'openssl' } };
  }
  const notBefore = Date.parse(line(x509, /^notBefore=(.*)$/m));
  const verify = line(client, /Verify return code: (\d+ \(.*\))/);
  const altNames = line(x509, /X509v3 Subject Alternative Name:\s*\n\s*(.*)$/m);
  const subject = cnOf(line(x509, /^subject=(.*)$/m));
  // OpenSSL reports one verify error, an untrusted chain before a wrong name: Node's own rules
  // (RFC 6125) judge the name from the certificate's names instead.
  const nameMatches = nodeTls().checkServerIdentity(name, { subject: { CN: subject }, subjectaltname: altNames } as unknown as PeerCertificate) === undefined;
  const trusted = verify.startsWith('0 ');
  const state = certificateState(now, notBefore, notAfter, nameMatches, trusted);
  return {
    ok: true,
    value: {
      state,
      days_left: daysLeft(notAfter, now),
      not_before: new Date(notBefore).toISOString(),
      not_after: new Date(notAfter).toISOString(),
      subject,
      issuer: cnOf(line(x509, /^issuer=(.*)$/m)),
      names: altNames.replace(/(DNS|IP Address):/g, ''),
      name_matches: nameMatches ? 'yes' : 'no',
      trust_error: trusted ? '' : verify,
      protocol: line(client, /^\s*Protocol\s*:\s*(\S+)/m) || line(client, /^New, (TLSv[\d.]+),/m),
      cipher: line(client, /^\s*Cipher\s*:\s*(\S+)/m) || line(client, /, Cipher is (\S+)/m),
      fingerprint: line(x509, /Fingerprint=(.*)$/m),
      tool: 'openssl',
    },
  };
};

interface Steps {
  readonly target: Target;
  readonly stream: StreamStep;
  readonly fallback: Attempt<Partial<Fields>>;
}

const probe = (spec: TlsSpec, { resolve, timeoutMs }: ProbeSettings): Result<Probe<Steps>> => {
  const target = targetOf(spec, resolve);
  if (!target.ok) return target;
  const { host, port, name } = target.value;
  const stream: StreamStep = { type: 'stream', tool: 'ssh-forward', label: `TLS handshake with ${host}:${port} as ${name} over ssh -W (a socket when local)`, to: { host, port }, timeoutMs: withinCheck(target.value.timeoutMs, timeoutMs) };
  const fallback: Attempt<Partial<Fields>> = {
    type: 'command', tool: 'openssl', alsoNeeds: ['timeout'], order: 'else', label: 'openssl s_client',
    script: opensslScript(target.value, withinCheck(target.value.timeoutMs, timeoutMs)), read: readOpenssl(String(target.value.name)),
  };
  return ok({ target: { target: target.value, stream, fallback }, steps: [stream, fallback] });
};

const withTool = (fields: Partial<Fields>, tool: string): Observation['fields'] => ({ ...NO_FACTS, ...fields, tool });


const shake = async (steps: Steps, opening: StreamOpening & { stream: unknown }, context: ObserveContext): Promise<Observation> => {
  const { target } = steps;
  const result = await handshake(opening.stream as never, String(target.name), Math.min(target.timeoutMs, context.remainingMs()), context.signal);
  const command = `TLS from ${context.host} to ${target.host}:${target.port} as ${target.name} (${opening.via})`;
  if ('failure' in result) {
    const failure: TlsFailure = result;
    context.record({ command, transcript: `connect: open in ${opening.durationMs} ms\nhandshake: ${failure.message}`, problem: failure.message, durationMs: opening.durationMs + failure.handshakeMs });
    return { fields: withTool({ state: failure.failure, error: failure.message, connect_ms: opening.durationMs, handshake_ms: failure.handshakeMs }, streamTool(opening)) };
  }
  result.socket.destroy();
  const { facts } = result;
  const transcript = [`connect: open in ${opening.durationMs} ms`, `handshake: ${facts.protocol} ${facts.cipher} in ${facts.handshakeMs} ms`, `certificate: ${facts.state}, ${timeLeftText(Date.parse(facts.notAfter), Date.now())}`, facts.chain].join('\n');
  // What is wrong, in words (which names it is for, which CA is missing): the state alone says little.
  const problem = facts.state === 'valid' ? {} : { problem: certificateProblem(facts, String(target.name)) };
  context.record({ command, transcript, ...problem, durationMs: opening.durationMs + facts.handshakeMs });
  return { fields: withTool({ ...factFields(facts), connect_ms: opening.durationMs }, streamTool(opening)) };
};

const observe = async ({ target: steps }: Probe<Steps>, context: ObserveContext): Promise<Observation> => {
  const { stream } = steps;
  const opening = await context.connect({ host: stream.to.host, port: Number(stream.to.port) }, { timeoutMs: stream.timeoutMs });
  if ('transportError' in opening) return { fields: {}, error: opening.transportError.message };
  if ('stream' in opening) return shake(steps, opening, context);
  if (opening.failure === 'prohibited') {
    const why = `${opening.message} on ${context.host}; asked openssl on the host instead`;
    return askedOnHost(context, [steps.fallback], why, (answer) => withTool(answer.value, 'openssl'));
  }
  const state = CONNECT_STATES[opening.failure];
  if (!state) return { fields: {}, error: opening.failure === 'unresolved' ? `cannot resolve the host: ${opening.message}` : `cannot connect: ${opening.message}` };
  context.record({ command: `TLS from ${context.host} to ${steps.target.host}:${steps.target.port} (${opening.via})`, transcript: `connect: ${state} after ${opening.durationMs} ms`, problem: opening.message, durationMs: opening.durationMs });
  return { fields: withTool({ state, error: opening.message, connect_ms: opening.durationMs }, streamTool(opening)) };
};

export const tls = defineCheckKind({
  name: 'tls',
  summary: 'completes a TLS handshake from the host to HOST:PORT and reports the certificate: dates, names, chain, protocol',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['host'],
    properties: {
      host: hostSchema('the address or name to connect to'),
      port: { ...portSchema, description: 'a TCP port (default 443), or a reference such as "${vars.port}"' },
      name: hostSchema('the name to ask for (SNI) and to check the certificate against (default: host)'),
      timeout: durationSchema('3s, for the connection and again for the handshake'),
    },
  },
  fields: FIELDS,
  defaultExpect: { state: { equals: 'valid' } },
  probe,
  observe,
});
