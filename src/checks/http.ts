// The `http:` check: does the service answer HTTP as a client on this host would be answered? The
// request starts where the client's does: a stream from the host (over SSH a forwarded channel,
// `ssh -W`), with Node's own HTTP client (and TLS) speaking over it here, so status, headers, body,
// latency and the certificate are read as data, never scraped from a tool. Where sshd will not
// forward, `curl` on the host answers instead. States tell apart a refused port, a filtered one,
// a TLS failure, a server that accepts and never answers, and an HTTP answer of any status.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { failed, ok, type Result } from '../model/result.js';
import type { CommandOutcome, StreamOpening } from '../transport/types.js';
import { type Attempt, firstLine, type Reading } from './probes/attempts.js';
import { withinCheck } from './probes/deadline.js';
import { defineCheckKind } from './probes/define-kind.js';
import { askedOnHost, CONNECT_STATES, streamTool } from './probes/stream-opening.js';
import { nodeHttp } from './probes/lazy-node.js';
import { certificateProblem, handshake } from './probes/tls-session.js';
import { durationSchema, resolveDuration, resolveHost, seconds, shellWord } from './probes/values.js';
import type { Observation, ObserveContext, Probe, ProbeSettings, StreamStep, TemplateResolver } from './types.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface HttpSpec {
  readonly url: string;
  readonly method?: (typeof METHODS)[number];
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeout?: string | number;
  readonly follow_redirects?: number;
  readonly insecure?: boolean;
  readonly name?: string;
}

/** The first 64 KiB of a body are kept for the expectations; the rest is counted, not held. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** A body longer than this is not read further: the answer is in, its size is "at least". */
const READ_LIMIT_BYTES = 16 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 5000;

interface Target {
  readonly url: string;
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** The Host header: the URL's host as written there (brackets and port included). */
  readonly authority: string;
  /** The server name: SNI, and what the certificate is checked against (the Host header's name). */
  readonly serverName: string;
  /** With `name`: curl's --connect-to, so that curl too asks `name` while it connects to the URL's host. */
  readonly connectTo?: string;
  /** The path and query, as sent. */
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  readonly follow: number;
  readonly insecure: boolean;
}

const FIELDS = {
  state: 'text', status: 'number', headers: 'text', body: 'text', body_bytes: 'number', latency_ms: 'number',
  total_ms: 'number', redirects: 'number', location: 'text', error: 'text',
  tls_state: 'text', tls_days_left: 'number', tls_protocol: 'text', tool: 'text',
} as const;

type Fields = Record<keyof typeof FIELDS, string | number | null>;

const NO_ANSWER: Fields = {
  state: '', status: null, headers: '', body: '', body_bytes: null, latency_ms: null, total_ms: null, redirects: 0,
  location: '', error: '', tls_state: '', tls_days_left: null, tls_protocol: '', tool: '',
};


// ---- the spec -------------------------------------------------------------------------------------

/** The URL with its references resolved; checked whole, so a bad one is an error before anything runs. */
const targetOf = (spec: HttpSpec, resolve: TemplateResolver): Result<Target> => {
  const text = resolve.value(spec.url).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return failed(`url must be an http:// or https:// URL, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return failed(`url must be an http:// or https:// URL, got ${JSON.stringify(text)}`);
  if (url.username || url.password) return failed('url must not hold a user or password: send an Authorization header from a secret variable instead');
  const timeout = resolveDuration(spec.timeout, resolve, DEFAULT_TIMEOUT_MS);
  if (!timeout.ok) return timeout;
  const secure = url.protocol === 'https:';
  const headers = Object.fromEntries(Object.entries(spec.headers ?? {}).map(([name, value]) => [name, resolve.value(value)]));
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const named = spec.name === undefined ? undefined : resolveHost(spec.name, resolve, 'name');
  if (named && !named.ok) return named;
  const name = named?.value;
  const asked = name === undefined ? undefined : new URL(url.href);
  if (asked && name !== undefined) asked.hostname = name;
  return ok({
    url: (asked ?? url).href,
    secure,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    authority: (asked ?? url).host,
    serverName: (name ?? url.hostname).replace(/^\[|\]$/g, ''),
    ...(name === undefined ? {} : { connectTo: `${name}:${port}:${url.hostname}:${port}` }),
    path: `${url.pathname}${url.search}`,
    method: spec.method ?? 'GET',
    headers,
    body: resolve.value(spec.body ?? ''),
    timeoutMs: timeout.value,
    follow: spec.follow_redirects ?? 0,
    insecure: spec.insecure === true,
  });
};

/** The operator's headers, and ours as a user agent unless they name one (in any case). */
const withUserAgent = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent') ? { ...headers } : { 'user-agent': 'runbook', ...headers };

// ---- our own client, over the stream -------------------------------------------------------------

interface Exchange {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
  readonly bodyBytes: number;
  readonly latencyMs: number;
  readonly location: string;
}

/** Characters of an error page quoted in the transcript: its title, or its first line. */
const GIST_CHARACTERS = 120;

/**
 * What an answer says of itself in one line of the transcript: the server that gave it, and for an
 * error status what its page says ("502 Bad Gateway" behind nginx, an application's own message),
 * so the failure reads without opening the JSON report's body.
 */
export const answerGist = (answer: Pick<Exchange, 'status' | 'headers' | 'body'>): string => {
  const server = /^server: (.+)$/m.exec(answer.headers)?.[1]?.trim();
  const page = answer.status >= 400 ? pageWords(answer.body) : undefined;
  const quoted = page ? `: ${JSON.stringify(page.length > GIST_CHARACTERS ? `${page.slice(0, GIST_CHARACTERS)}…` : page)}` : '';
  return `${server ? ` from ${server}` : ''}${quoted}`;
};

/** An error page's title, else its first line of text; read only for an error, not for every body. */
const pageWords = (body: string): string | undefined => {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.replace(/\s+/g, ' ').trim();
  if (title) return title;
  return body.replace(/<[^>]*>/g, ' ').split('\n').map((line) => line.replace(/\\r$/, '').replace(/\s+/g, ' ').trim()).find((line) => line !== '');
};

/** The response's header lines as sent ("name: value"), names lowercased so `contains` needs no case games. */
const headerLines = (response: IncomingMessage): string => {
  const lines: string[] = [];
  for (let at = 0; at + 1 < response.rawHeaders.length; at += 2) lines.push(`${response.rawHeaders[at]!.toLowerCase()}: ${response.rawHeaders[at + 1]!}`);
  return lines.join('\n');
};

/**
 * The first `limit` bytes, less a character the limit cuts in two: its first bytes alone would
 * decode as U+FFFD, a character the server never sent, and a `contains` could not match the text.
 */
export const wholeCharacters = (bytes: Buffer, limit: number): Buffer => {
  if (bytes.length <= limit) return bytes;
  let end = limit;
  // 10xxxxxx continues a character that starts before it.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
};

/** The body's first BODY_LIMIT_BYTES as text (whole characters), and how many bytes came in all. */
const readBody = (response: IncomingMessage): Promise<{ text: string; bytes: number }> =>
  new Promise((resolve) => {
    const kept: Buffer[] = [];
    let bytes = 0;
    const done = (): void => resolve({ text: wholeCharacters(Buffer.concat(kept), BODY_LIMIT_BYTES).toString('utf8'), bytes });
    response.on('data', (chunk: Buffer) => {
      if (bytes < BODY_LIMIT_BYTES) kept.push(chunk);
      bytes += chunk.length;
      if (bytes >= READ_LIMIT_BYTES) {
        response.destroy();
        done();
      }
    });
    response.once('end', done);
    response.once('error', done);
    response.once('close', done);
  });

/**
 * One request over one stream (Connection: close: the stream is ours alone). `timeoutMs` bounds the
 * wait for the answer's head and again for its body; past it the stream is destroyed.
 */
export const exchange = (stream: Duplex, target: Target, path: string, timeoutMs: number, signal: AbortSignal): Promise<Exchange | { failure: 'timeout' | 'closed' | 'protocol-error' | 'interrupted'; message: string }> =>
  new Promise((resolve) => {
    const started = performance.now();
    const request = nodeHttp().request({
      createConnection: () => stream,
      method: target.method,
      path,
      headers: { host: target.authority, connection: 'close', ...withUserAgent(target.headers) },
    });
    let done = false;
    const finish = (result: Exchange | { failure: 'timeout' | 'closed' | 'protocol-error' | 'interrupted'; message: string }): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      request.destroy();
      stream.destroy();
      resolve(result);
    };
    // The run was stopped (its deadline, Ctrl-C): not the server's silence, so not `timeout`.
    const onAbort = (): void => finish({ failure: 'interrupted', message: 'interrupted while waiting for the answer' });
    let timer = setTimeout(() => finish({ failure: 'timeout', message: `no answer within ${timeoutMs} ms` }), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    request.once('error', (error: NodeJS.ErrnoException) => {
      const protocol = error.code?.startsWith('HPE_') === true;
      finish({ failure: protocol ? 'protocol-error' : 'closed', message: protocol ? `not an HTTP answer: ${error.message}` : error.message === 'socket hang up' ? 'the server closed the connection without an answer' : error.message });
    });
    request.once('response', (response) => {
      const latencyMs = Math.round(performance.now() - started);
      clearTimeout(timer);
      timer = setTimeout(() => finish({ failure: 'timeout', message: `the body did not end within ${timeoutMs} ms` }), timeoutMs);
      void readBody(response).then(({ text, bytes }) =>
        finish({ status: response.statusCode ?? 0, headers: headerLines(response), body: text, bodyBytes: bytes, latencyMs, location: response.headers.location ?? '' }));
    });
    if (signal.aborted) onAbort();
    request.end(target.body === '' ? undefined : target.body);
  });

/** A redirect is followed only where the probe may go: the same scheme, host and port. */
const sameOrigin = (target: Target, location: string, base: string): string | undefined => {
  try {
    const next = new URL(location, base);
    const origin = new URL(target.url);
    return next.origin === origin.origin ? `${next.pathname}${next.search}` : undefined;
  } catch {
    return undefined;
  }
};

/** Where an answer sends the probe next: a redirect (3xx with a Location) within the same origin. */
const redirectTo = (target: Target, status: number, location: string, base: string): string | undefined =>
  status >= 300 && status < 400 && location !== '' ? sameOrigin(target, location, base) : undefined;

type Opened = StreamOpening & { stream: Duplex };

/** TLS first when https; a certificate unfit to serve stops here, as curl would, unless `insecure`. */
const secured = async (target: Target, opening: Opened, context: ObserveContext, fields: Partial<Fields>): Promise<{ stream: Duplex } | { stop: Partial<Fields> }> => {
  if (!target.secure) return { stream: opening.stream };
  const shaken = await handshake(opening.stream, target.serverName, Math.min(target.timeoutMs, context.remainingMs()), context.signal);
  if ('failure' in shaken) return { stop: { ...fields, state: shaken.failure === 'interrupted' ? 'interrupted' : 'tls-error', error: `TLS handshake failed: ${shaken.message}` } };
  const { facts } = shaken;
  Object.assign(fields, { tls_state: facts.state, tls_days_left: facts.daysLeft, tls_protocol: facts.protocol });
  if (facts.state !== 'valid' && !target.insecure) {
    shaken.socket.destroy();
    return { stop: { ...fields, state: 'tls-error', error: `the certificate is not fit to serve: ${certificateProblem(facts, target.serverName)}` } };
  }
  return { stream: shaken.socket };
};

const overStream = async (steps: Ready, first: Opened, context: ObserveContext): Promise<{ fields: Partial<Fields>; transcript: string[] }> => {
  const { target, stream: step } = steps;
  const started = performance.now();
  const fields: Partial<Fields> = { redirects: 0 };
  const transcript: string[] = [];
  let path = target.path;
  let opening: StreamOpening = first;
  for (let hop = 0; ; hop += 1) {
    if ('transportError' in opening) return { fields: { ...fields, state: 'closed', error: opening.transportError.message }, transcript };
    if ('failure' in opening) return { fields: { ...fields, state: CONNECT_STATES[opening.failure] ?? 'closed', error: opening.message }, transcript };
    transcript.push(`connect: open in ${opening.durationMs} ms`);
    const secure = await secured(target, opening, context, fields);
    if ('stop' in secure) return { fields: secure.stop, transcript: [...transcript, `tls: ${String(secure.stop.error)}`] };
    const answer = await exchange(secure.stream, target, path, Math.min(target.timeoutMs, context.remainingMs()), context.signal);
    if ('failure' in answer) return { fields: { ...fields, state: answer.failure, error: answer.message }, transcript: [...transcript, `${target.method} ${path}: ${answer.message}`] };
    transcript.push(`${target.method} ${path}: ${answer.status} in ${answer.latencyMs} ms, ${answer.bodyBytes} bytes${answerGist(answer)}`);
    Object.assign(fields, { state: 'answered', status: answer.status, headers: answer.headers, body: answer.body, body_bytes: answer.bodyBytes, latency_ms: answer.latencyMs, location: answer.location });
    const next = redirectTo(target, answer.status, answer.location, new URL(path, target.url).href);
    if (hop >= target.follow || next === undefined) break;
    fields.redirects = hop + 1;
    path = next;
    opening = await context.connect({ host: target.host, port: target.port }, { timeoutMs: step.timeoutMs });
  }
  return { fields: { ...fields, total_ms: Math.round(performance.now() - started) + first.durationMs }, transcript };
};

// ---- curl on the host, where sshd will not forward ------------------------------------------------

/** A value in a curl config file: quoted, with its escapes (curl's own syntax, `man curl`, -K). */
const configValue = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;

/**
 * URL, headers and body go to curl as a config on its standard input (-K -), so nothing of them,
 * an Authorization header least of all, is in a command line on the host. Its numbers go to stderr
 * after a marker line; head keeps stdout to the body limit (curl then ends with 23: not a failure).
 */
export const curlConfig = (target: Target): string =>
  [
    `url = ${configValue(target.url)}`,
    ...(target.connectTo === undefined ? [] : [`connect-to = ${configValue(target.connectTo)}`]),
    // HEAD as curl's own --head: with -X HEAD curl would wait for a body that never comes.
    target.method === 'HEAD' ? 'head' : `request = ${configValue(target.method)}`,
    ...Object.entries(withUserAgent(target.headers)).map(([name, value]) => `header = ${configValue(`${name}: ${value}`)}`),
    ...(target.body === '' ? [] : [`data-binary = ${configValue(target.body)}`]),
  ].join('\n');

const CURL_WRITE_OUT = '%{stderr}==curl %{http_code} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total} %{num_redirects} %{size_download}\\n';

export const curlScript = (target: Target, timeoutMs: number): string => {
  const options = [
    '-sS', '-i', '-K', '-', '--max-time', seconds(timeoutMs), '--connect-timeout', seconds(timeoutMs),
    // No -L: curl would follow a redirect to any host; viaCurl follows, one curl per hop, only
    // within the same scheme, host and port, as our own client does.
    ...(target.insecure ? ['-k'] : []),
    '-w', shellWord(CURL_WRITE_OUT),
  ];
  // A missing curl is the shell's 127, as for any tool; the rest of a long body is read and dropped,
  // so curl ends as it would have and counts the whole body.
  const missing = 'command -v curl >/dev/null 2>&1 || { echo "sh: 1: curl: not found" >&2; exit 127; }';
  return `${missing}\n{ curl ${options.join(' ')}; echo "==exit $?" >&2; } | { head -c ${BODY_LIMIT_BYTES + 16384}; cat >/dev/null; }`;
};

/** curl's exit codes that say how the exchange failed (`man curl`, EXIT CODES). */
const curlState = (code: number, stderr: string): string | undefined => {
  if (code === 7) return /refused/i.test(stderr) ? 'refused' : /no route|unreachable/i.test(stderr) ? 'unreachable' : 'refused';
  if (code === 28) return /Connection timed out|Failed to connect|Connection timeout/i.test(stderr) ? 'filtered' : 'timeout';
  if ([35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91].includes(code)) return 'tls-error';
  if (code === 52 || code === 56) return 'closed';
  if (code === 1 || code === 8) return 'protocol-error';
  return undefined;
};

/** The last response's head (curl -i -L prints every hop's) and the body after it. */
const lastResponse = (stdout: string): { head: string; body: string } => {
  const starts = [...stdout.matchAll(/^HTTP\/[\d.]+ \d{3}/gm)].map((match) => match.index);
  const from = starts.at(-1) ?? 0;
  const rest = stdout.slice(from);
  const end = rest.search(/\r?\n\r?\n/);
  if (end < 0) return { head: rest, body: '' };
  return { head: rest.slice(0, end), body: rest.slice(end).replace(/^\r?\n\r?\n/, '') };
};

export const readCurl = (outcome: CommandOutcome): Reading<Partial<Fields>> => {
  const exit = Number(/^==exit (\d+)$/m.exec(outcome.stderr)?.[1] ?? outcome.exitCode);
  const numbers = /^==curl (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+) ([\d.]+)$/m.exec(outcome.stderr);
  const said = firstLine(outcome.stderr.split('\n').filter((line) => !line.startsWith('==')).join('\n')).replace(/^curl: \(\d+\) /, '');
  if (exit === 6) return { ok: false, error: `cannot resolve the host: ${said}` };
  if (exit !== 0 && exit !== 23) {
    const state = curlState(exit, said);
    return state ? { ok: true, value: { state, error: said } } : { ok: false, error: `curl failed (exit ${exit}): ${said || 'no message'}` };
  }
  const { head, body } = lastResponse(outcome.stdout);
  const [statusLine = '', ...lines] = head.split(/\r?\n/);
  const ms = (text: string | undefined): number => Math.round(Number(text ?? 0) * 1000);
  return {
    ok: true,
    value: {
      state: 'answered',
      status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1] ?? numbers?.[1] ?? 0),
      headers: lines.map((line) => line.replace(/^([^:]+):\s*/, (_, name: string) => `${name.toLowerCase()}: `)).join('\n'),
      body: body.slice(0, BODY_LIMIT_BYTES),
      body_bytes: numbers ? Number(numbers[7]) : Buffer.byteLength(body),
      // From the request (after connect and TLS) to the first byte: as our own client measures it.
      latency_ms: ms(numbers?.[4]) - Math.max(ms(numbers?.[2]), ms(numbers?.[3])),
      total_ms: ms(numbers?.[5]),
      redirects: Number(numbers?.[6] ?? 0),
      location: lines.find((line) => /^location:/i.test(line))?.replace(/^location:\s*/i, '') ?? '',
    },
  };
};

/** curl on the host asking `target` (the URL and the request in its config on stdin, never in its command line). */
const curlAttempt = (target: Target, timeoutMs: number): Attempt<Partial<Fields>> =>
  ({ type: 'command', tool: 'curl', order: 'else', label: 'curl', script: curlScript(target, timeoutMs), stdin: curlConfig(target), read: readCurl });

// ---- the kind -------------------------------------------------------------------------------------

/** `target` and `fallback` are absent only in a plan whose URL awaits a capture. */
interface Steps {
  readonly target?: Target;
  readonly stream: StreamStep;
  readonly fallback?: Attempt<Partial<Fields>>;
}

type Ready = Required<Steps>;

const probe = (spec: HttpSpec, { resolve, timeoutMs }: ProbeSettings): Result<Probe<Steps>> => {
  const written = resolve.value(spec.url).trim();
  // A URL made of a capture is known only when the run gets there: the plan shows it as written,
  // and the run resolves it before anything goes out (define-kind.ts refuses it unresolved).
  if (/\$\{/.test(written)) {
    const stream: StreamStep = { type: 'stream', tool: 'ssh-forward', label: `HTTP ${spec.method ?? 'GET'} ${written}`, to: { host: written, port: written }, timeoutMs };
    return ok({ target: { stream }, steps: [stream] });
  }
  const target = targetOf(spec, resolve);
  if (!target.ok) return target;
  const { host, port, method, url } = target.value;
  const within = withinCheck(target.value.timeoutMs, timeoutMs);
  const stream: StreamStep = { type: 'stream', tool: 'ssh-forward', label: `HTTP ${method} ${url}${target.value.connectTo === undefined ? '' : ` at ${host}:${port}`} over ssh -W (a socket when local)`, to: { host, port }, timeoutMs: within };
  const fallback = curlAttempt(target.value, within);
  return ok({ target: { target: target.value, stream, fallback }, steps: [stream, fallback] });
};


const withTool = (fields: Partial<Fields>, tool: string): Observation['fields'] => ({ ...NO_ANSWER, ...fields, tool });

/** The same request at a path of the same origin, as the next hop of a redirect. */
const atPath = (target: Target, path: string): Target => ({ ...target, url: new URL(path, target.url).href, path });

/**
 * curl on the host, one run per hop: a redirect is followed while hops are left and it stays within
 * the same scheme, host and port (sameOrigin), as over the stream; curl's own -L would go anywhere.
 * The fields are the last answer's, with the hops counted and every hop's time in `total_ms`.
 */
const viaCurl = async (steps: Ready, why: string, context: ObserveContext): Promise<Observation> => {
  const { target } = steps;
  let asked = target;
  let totalMs = 0;
  for (let hop = 0; ; hop += 1) {
    const attempt = hop === 0 ? steps.fallback : curlAttempt(asked, Math.min(steps.stream.timeoutMs, context.remainingMs()));
    const observation = await askedOnHost(context, [attempt], why, (answer) => withTool(answer.value, 'curl'));
    const { fields } = observation;
    totalMs += typeof fields['total_ms'] === 'number' ? fields['total_ms'] : 0;
    const status = typeof fields['status'] === 'number' ? fields['status'] : 0;
    const location = typeof fields['location'] === 'string' ? fields['location'] : '';
    const next = fields['state'] === 'answered' ? redirectTo(target, status, location, asked.url) : undefined;
    if (hop >= target.follow || next === undefined || observation.error !== undefined) {
      return hop === 0 ? observation : { ...observation, fields: { ...fields, redirects: hop, total_ms: totalMs } };
    }
    asked = atPath(target, next);
  }
};

const observe = async ({ target: planned }: Probe<Steps>, context: ObserveContext): Promise<Observation> => {
  if (!planned.target || !planned.fallback) return { fields: {}, error: `the url ${planned.stream.label} has no value when the check runs` };
  const steps = planned as Ready;
  const { target, stream } = steps;
  const opening = await context.connect({ host: target.host, port: target.port }, { timeoutMs: stream.timeoutMs });
  if ('transportError' in opening) return { fields: {}, error: opening.transportError.message };
  if (!('stream' in opening) && opening.failure === 'prohibited') return viaCurl(steps, `${opening.message} on ${context.host}; asked curl on the host instead`, context);
  if (!('stream' in opening) && !CONNECT_STATES[opening.failure]) {
    return { fields: {}, error: opening.failure === 'unresolved' ? `cannot resolve the host: ${opening.message}` : `cannot connect: ${opening.message}` };
  }
  const started = performance.now();
  const { fields, transcript } = await overStream(steps, opening as Opened, context);
  const spent = Math.round(performance.now() - started) + opening.durationMs;
  const command = `HTTP ${target.method} ${target.url} from ${context.host} (${opening.via})`;
  context.record({ command, transcript: transcript.join('\n') || `connect: ${String(fields.state)}`, ...(fields.error ? { problem: String(fields.error) } : {}), durationMs: spent });
  return { fields: withTool(fields, streamTool(opening)) };
};

const headerName = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$';

export const http = defineCheckKind({
  name: 'http',
  summary: 'sends an HTTP request from the host and reads status, headers, body, latency and the certificate',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', minLength: 1, description: 'the http:// or https:// URL, as a client on the host asks for it' },
      method: { enum: [...METHODS], description: 'the request method (default GET)' },
      headers: { type: 'object', propertyNames: { pattern: headerName }, additionalProperties: { type: 'string' }, description: 'request headers by name' },
      body: { type: 'string', description: 'the request body' },
      timeout: durationSchema('5s, for the connection and again for the answer'),
      follow_redirects: { type: 'integer', minimum: 0, maximum: 10, description: 'redirects to follow within the same scheme, host and port (default 0)' },
      name: { type: 'string', minLength: 1, description: "the server's name, when the URL holds its address: sent as Host and SNI, and checked against the certificate (curl's --connect-to)" },
      insecure: { type: 'boolean', description: 'ask even when the certificate is expired, untrusted or for another name (default false)' },
    },
  },
  fields: FIELDS,
  defaultExpect: { state: { equals: 'answered' }, status: { all_of: [{ ge: 200 }, { lt: 400 }] } },
  probe,
  observe,
});
