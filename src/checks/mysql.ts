// The `mysql:` check: does the database answer, asked the way the app asks, from the app's host?
// TCP can be fine while the app still gets nothing (a hung server that never greets, an account not
// allowed from this host, every connection slot taken); only speaking the protocol tells. The
// connection starts on the check's host: over SSH a forwarded channel (`ssh -W`) with the protocol
// spoken here, locally a socket; where sshd will not forward, the host's mariadb client, and where
// there is none, bash reading the greeting.
import shellQuote from 'shell-quote';
import { patterned } from '../model/json-schema.js';
import { PORT_RANGE } from '../model/port.js';
import { referencePattern } from '../model/references.js';
import { ok, type Result } from '../model/result.js';
import type { CommandOutcome, StreamOpening } from '../transport/types.js';
import { type Attempt, firstLine, type Reading } from './probes/attempts.js';
import { readDevTcp } from './probes/connect-output.js';
import { withinCheck } from './probes/deadline.js';
import { defineCheckKind } from './probes/define-kind.js';
import { askedOnHost, CONNECT_STATES, streamTool } from './probes/stream-opening.js';
import { answered, judgeGreeting, LOGIN_ERROR_CODES, type MysqlAnswer, type MysqlState, NO_TIMES, serverWords, stoppedAt } from './probes/mysql-answer.js';
import { type MysqlLogin, type PhaseBudget, speakMysql } from './probes/mysql-session.js';
import { type SecondStream, STALLED_QUERY_BUDGET_MS } from './probes/mysql-stalled.js';
import { endedByServer, lockWaitSeconds, sessionBounds } from './probes/mysql-lock-wait.js';
import { durationSchema, hostSchema, type Known, portSchema, resolveDuration, resolveHost, resolvePort, seconds, wholeSeconds } from './probes/values.js';
import type { Observation, ObserveContext, Probe, ProbeSettings, StreamStep, TemplateResolver } from './types.js';
import { counted } from '../model/counted.js';

// The fallbacks for a host whose sshd will not forward a TCP stream: the mariadb (or mysql) client
// on the host logs in and runs the query; where no client is installed, bash reads the greeting
// byte by byte from /dev/tcp. Their words are read into the same MysqlAnswer as our own client's.
export interface ClientTarget {
  readonly host: string;
  readonly port: number | string;
  readonly user: string;
  readonly database: string;
  readonly query: string;
  /** Connect and greeting together: the clients' --connect-timeout covers both. */
  readonly connectMs: number;
  /** The query's own: the session's bounds in the server (mysql-lock-wait.ts) come from it. */
  readonly queryMs: number;
  /** Everything, login and query included: past it, `timeout` ends the client. */
  readonly totalMs: number;
}

const quote = (word: string): string => shellQuote.quote([word]);

/**
 * What the client sends once logged in: the session's bounds on line 1, then the query, so that
 * the server ends a query the client can no longer cancel (mysql-lock-wait.ts).
 */
const boundedQuery = (target: ClientTarget): string => {
  const { lock, statement } = sessionSeconds(target);
  return `${sessionBounds(lock, statement)};\n${target.query}`;
};

/** The session's bounds in whole seconds (lock waits) and in seconds (MariaDB's statement bound), from the query's. */
const sessionSeconds = (target: ClientTarget): { lock: number; statement: number } =>
  ({ lock: lockWaitSeconds(target.queryMs), statement: Number(seconds(target.queryMs)) });

/**
 * The password arrives on standard input and goes to the client through MYSQL_PWD, so it is in no
 * command line (ours, the evidence's, or `ps` on the host). Whichever client the host has: Debian's
 * MariaDB ships `mariadb`, MySQL ships `mysql`.
 */
export const clientScript = (target: ClientTarget): string => {
  const database = target.database === '' ? '' : ` -D ${quote(target.database)}`;
  return [
    'IFS= read -r MYSQL_PWD; export MYSQL_PWD',
    'if command -v mariadb >/dev/null 2>&1; then c=mariadb; elif command -v mysql >/dev/null 2>&1; then c=mysql;',
    "else echo 'sh: 1: mariadb: not found' >&2; exit 127; fi",
    `exec timeout --foreground ${seconds(target.totalMs)} "$c" --protocol=TCP --connect-timeout=${wholeSeconds(target.connectMs)}` +
      ` -h ${quote(target.host)} -P ${target.port} -u ${quote(target.user)}${database} --batch --skip-column-names -e ${quote(boundedQuery(target))}`,
  ].join('\n');
};

/** errno of the client's own connect, in parentheses after "Can't connect to server on 'HOST'". */
const CONNECT_ERRNO: Readonly<Record<string, MysqlState>> = { '111': 'refused', '115': 'refused', '110': 'filtered', '113': 'unreachable', '101': 'unreachable' };

const CLIENT_ERROR = /^ERROR (\d+) \(([0-9A-Z]{5})\)(?: at line (\d+))?: (.*)$/m;

const clientLines = (target: ClientTarget, said: string): string[] => [
  `mariadb client on the host: ${target.user}@${target.host}:${target.port}${target.database === '' ? '' : `/${target.database}`}: ${target.query}`,
  said,
];

/**
 * A server that refuses before its greeting (1040 when even the spare slot is taken, 1130, 1129)
 * sends an error packet where the client expected the greeting; MariaDB's client, about to start
 * TLS, reports it inside its own 2002: "... cannot be verified: 1040 - Too many connections".
 */
const EMBEDDED_SERVER_ERROR = /cannot be verified: (\d+) - (.*)$/;

/** 2002/2003 "Can't connect", 2005 unknown host, 2013 "Lost connection ... at 'handshake ...'". */
const clientSideError = (code: number, message: string, target: ClientTarget, words: string): Reading<MysqlAnswer> | undefined => {
  const lines = clientLines(target, words);
  const embedded = EMBEDDED_SERVER_ERROR.exec(message);
  if (embedded) {
    const [, serverCode = '', serverMessage = ''] = embedded;
    return { ok: true, value: { ...stoppedAt('greeting', 'login-refused', serverMessage, NO_TIMES, lines), errorCode: Number(serverCode) } };
  }
  if (code === 2002 || code === 2003) {
    const state = CONNECT_ERRNO[/\((\d+)\)\s*$/.exec(message)?.[1] ?? ''];
    if (state) return { ok: true, value: { ...stoppedAt('connect', state, message, NO_TIMES, lines), errorCode: code } };
  }
  if (code === 2005) return { ok: false, error: `cannot resolve the host: ${message}` };
  if (code === 2013 && /handshake/.test(message)) {
    return { ok: true, value: { ...stoppedAt('greeting', 'no-greeting', message, NO_TIMES, lines), errorCode: code } };
  }
  return undefined;
};

export const readClient = (target: ClientTarget) => (outcome: CommandOutcome): Reading<MysqlAnswer> => {
  if (outcome.exitCode === 0) {
    const rows = outcome.stdout.split('\n').filter((line) => line !== '');
    const result = rows[0]?.split('\t')[0] ?? '';
    const lines = clientLines(target, `${counted(rows.length, 'row')}${rows.length > 0 ? `, first value ${result}` : ''}`);
    return { ok: true, value: answered(rows.length, result, NO_TIMES, lines) };
  }
  if (outcome.exitCode === 124) {
    const lines = clientLines(target, `no answer within ${seconds(target.totalMs)} s`);
    return { ok: true, value: stoppedAt('query', 'query-timeout', `the client got no answer within ${seconds(target.totalMs)} s`, NO_TIMES, lines) };
  }
  const error = CLIENT_ERROR.exec(outcome.stderr);
  if (!error) return { ok: false, error: `the mariadb client failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || 'no message'}` };
  const [, codeText = '', sqlState = '', line, message = ''] = error;
  const code = Number(codeText);
  const words = serverWords(code, sqlState, message);
  if (code >= 2000) return clientSideError(code, message, target, words) ?? { ok: true, value: { ...stoppedAt('login', 'server-error', message, NO_TIMES, clientLines(target, words)), errorCode: code } };
  const login = LOGIN_ERROR_CODES.has(code);
  // Line 1 is the session's bounds (boundedQuery): refused, the query was never sent.
  if (line === '1' && !login) return { ok: false, error: `the server refused the session's bounds the mariadb client sets before the query (${words}); the query was not asked` };
  const ended = login ? undefined : endedByServer(code, message, target.query, sessionSeconds(target));
  if (ended) return { ok: true, value: { ...stoppedAt('query', 'query-timeout', ended.error, NO_TIMES, clientLines(target, words)), errorCode: code, waiting: ended.waiting } };
  return { ok: true, value: { ...stoppedAt(login ? 'login' : 'query', login ? 'login-refused' : 'server-error', message, NO_TIMES, clientLines(target, words)), errorCode: code } };
};

/**
 * bash only, no other program: a byte at a time with `read -n 1` (a NUL reads as empty, which is 0),
 * the header first, then as many bytes as it announces. Never asks for more than the packet holds,
 * so a healthy server is read at once, and a silent one costs the read timeout, not a hang.
 */
const GREETING_SCRIPT = [
  't=$3',
  'exec 3<>"/dev/tcp/$1/$2" || exit 3',
  'echo connected',
  'got=0; want=4; bytes=; end=complete',
  'while [ "$got" -lt "$want" ]; do',
  '  IFS= read -r -n 1 -d "" -t "$t" c <&3; rc=$?',
  '  if [ "$rc" -gt 128 ]; then end=silent; break; fi',
  '  if [ "$rc" -ne 0 ] && [ -z "$c" ]; then end=closed; break; fi',
  '  printf -v d %d "\'$c"; bytes="$bytes $((d & 255))"; got=$((got + 1))',
  '  if [ "$got" -eq 4 ]; then',
  '    set -- $bytes; n=$(($1 + $2 * 256 + $3 * 65536))',
  '    if [ "$4" -ne 0 ] || [ "$n" -eq 0 ] || [ "$n" -gt 4096 ]; then break; fi',
  '    want=$((4 + n))',
  '  fi',
  'done',
  'echo "bytes$bytes"',
  'echo "end $end"',
].join('\n');

export const greetingScript = (host: string, port: number | string, greetingMs: number, totalMs: number): string =>
  `timeout --foreground ${seconds(totalMs)} bash -c ${quote(GREETING_SCRIPT)} rb ${quote(host)} ${port} ${seconds(greetingMs)}`;

const greetingLines = (host: string, port: number | string, said: string): string[] => [`bash /dev/tcp on the host: ${host}:${port}`, said];

/** What bash saw: "connected", the bytes as decimals, and how the reading ended. */
export const readGreeting = (host: string, port: number | string, greetingMs: number) => (outcome: CommandOutcome): Reading<MysqlAnswer> => {
  if (!/^connected$/m.test(outcome.stdout)) {
    // The connect failed: in bash's own words, read as tcp_connect reads them (124: no answer).
    const connect = readDevTcp(outcome);
    if (!connect.ok || connect.value === 'open') return { ok: false, error: `bash /dev/tcp failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || 'no message'}` };
    const why = firstLine(outcome.stderr) || 'no answer to the connection attempt';
    return { ok: true, value: stoppedAt('connect', connect.value, why, NO_TIMES, greetingLines(host, port, `connect: ${why}`)) };
  }
  const numbers = /^bytes((?: \d+)*)$/m.exec(outcome.stdout)?.[1]?.trim() ?? '';
  const received = Buffer.from(numbers === '' ? [] : numbers.split(' ').map(Number));
  const end = /^end closed$/m.test(outcome.stdout) ? 'closed' : 'silent';
  const verdict = judgeGreeting(received, end, greetingMs);
  if ('state' in verdict) return { ok: true, value: { ...stoppedAt('greeting', verdict.state, verdict.error, NO_TIMES, greetingLines(host, port, verdict.said)), errorCode: verdict.errorCode } };
  const { bytes, serverVersion } = verdict.greeting;
  return { ok: true, value: { ...stoppedAt('greeting', 'greeted', '', NO_TIMES, greetingLines(host, port, `greeting: ${bytes} bytes: protocol 10, server ${serverVersion}`)), serverVersion } };
};

type Phase = 'connect' | 'greeting' | 'login' | 'query';

export interface MysqlSpec {
  readonly host: string;
  readonly port?: number | string;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  readonly query?: string;
  readonly timeouts?: Partial<Record<Phase, string | number>>;
}

const DEFAULT_PORT = 3306;
const DEFAULT_QUERY = 'SELECT 1';
const DEFAULT_MS: Readonly<Record<Phase, number>> = { connect: 2000, greeting: 2000, login: 3000, query: 5000 };

interface Target {
  readonly host: Known<string>;
  readonly port: Known<number>;
  /** Absent when no user is given: only the greeting is checked. */
  readonly login?: MysqlLogin;
  readonly ms: Readonly<Record<Phase, number>>;
}

const PHASES = ['connect', 'greeting', 'login', 'query'] as const;

const phaseMs = (spec: MysqlSpec, resolve: TemplateResolver): Result<Record<Phase, number>> => {
  const ms: Partial<Record<Phase, number>> = {};
  for (const phase of PHASES) {
    const bound = resolveDuration(spec.timeouts?.[phase], resolve, DEFAULT_MS[phase], `timeouts.${phase}`);
    if (!bound.ok) return bound;
    ms[phase] = bound.value;
  }
  return ok({ ...DEFAULT_MS, ...ms });
};

const loginOf = (spec: MysqlSpec, resolve: TemplateResolver): MysqlLogin | undefined => {
  const user = resolve.value(spec.user ?? '').trim();
  if (user === '') return undefined;
  const query = resolve.value(spec.query ?? '').trim();
  return {
    user,
    password: resolve.value(spec.password ?? ''),
    database: resolve.value(spec.database ?? '').trim(),
    query: query === '' ? DEFAULT_QUERY : query,
  };
};

const targetOf = (spec: MysqlSpec, resolve: TemplateResolver): Result<Target> => {
  const host = resolveHost(spec.host, resolve);
  if (!host.ok) return host;
  const port = resolvePort(spec.port ?? DEFAULT_PORT, resolve);
  if (!port.ok) return port;
  const ms = phaseMs(spec, resolve);
  if (!ms.ok) return ms;
  const login = loginOf(spec, resolve);
  return ok({ host: host.value, port: port.value, ms: ms.value, ...(login ? { login } : {}) });
};

const total = (ms: Target['ms'], login: boolean): number => ms.connect + ms.greeting + (login ? ms.login + ms.query : 0);

const FIELDS = {
  state: 'text', phase: 'text', error_code: 'number', error: 'text', server_version: 'text',
  connect_ms: 'number', greeting_ms: 'number', login_ms: 'number', query_ms: 'number',
  rows: 'number', result: 'text', waiting: 'text', tool: 'text',
} as const;

const fieldsOf = (answer: MysqlAnswer, tool: string): Observation['fields'] => ({
  state: answer.state,
  phase: answer.phase,
  error_code: answer.errorCode,
  error: answer.error,
  server_version: answer.serverVersion,
  connect_ms: answer.times.connect,
  greeting_ms: answer.times.greeting,
  login_ms: answer.times.login,
  query_ms: answer.times.query,
  rows: answer.rows,
  result: answer.result,
  waiting: answer.waiting,
  tool,
});

const spentMs = ({ times }: MysqlAnswer): number => (times.connect ?? 0) + (times.greeting ?? 0) + (times.login ?? 0) + (times.query ?? 0);

const spoken = (target: Target): string =>
  target.login ? `greeting, login as ${target.login.user}${target.login.database ? ` to ${target.login.database}` : ''}, ${target.login.query}` : 'greeting only (no user: the login is not tried)';

/** Our own client over the stream the transport opened; what was said goes to the evidence. */
const overStream = async (target: Target, opening: StreamOpening & { stream: unknown }, context: ObserveContext): Promise<MysqlAnswer> => {
  const connectLine = `connect: open in ${opening.durationMs} ms`;
  const budget: PhaseBudget = (phase) =>
    phase === 'stalled' ? withinCheck(STALLED_QUERY_BUDGET_MS, context.remainingMs()) : Math.min(target.ms[phase], context.remainingMs());
  // A second stream the same way, to ask about and cancel a query that stalled (mysql-stalled.ts).
  const secondStream: SecondStream = async (timeoutMs) => {
    const again = await context.connect({ host: target.host, port: Number(target.port) }, { timeoutMs });
    if ('stream' in again) return again.stream;
    return { failure: 'transportError' in again ? again.transportError.message : again.message };
  };
  return speakMysql(opening.stream as never, { ms: opening.durationMs, line: connectLine }, target.login, budget, context.signal, secondStream);
};

/**
 * sshd said no to forwarding: the host's own tools, a client where one is installed, else bash.
 * Their bounds are the phases' added up, within the check's timeout.
 */
const fallbackAttempts = (target: Target, checkTimeoutMs: number): Attempt<MysqlAnswer>[] => {
  const within = (ms: number): number => withinCheck(ms, checkTimeoutMs);
  const greeting: Attempt<MysqlAnswer> = {
    type: 'command',
    tool: 'bash',
    alsoNeeds: ['timeout'],
    label: 'bash /dev/tcp',
    script: greetingScript(target.host, target.port, within(target.ms.greeting), within(target.ms.connect + target.ms.greeting)),
    read: readGreeting(target.host, target.port, within(target.ms.greeting)),
  };
  if (!target.login) return [greeting];
  const client: ClientTarget = {
    host: target.host, port: target.port, user: target.login.user, database: target.login.database, query: target.login.query,
    connectMs: within(target.ms.connect + target.ms.greeting), queryMs: within(target.ms.query), totalMs: within(total(target.ms, true)),
  };
  const mariadb: Attempt<MysqlAnswer> = { type: 'command', tool: 'mariadb', alsoNeeds: ['timeout'], label: 'the mariadb client', script: clientScript(client), read: readClient(client), stdin: `${target.login.password}\n` };
  return [mariadb, greeting];
};

/** Our own client over a stream from the host first; the host's tools only where sshd will not forward. */
interface Steps {
  readonly target: Target;
  readonly stream: StreamStep;
  readonly fallbacks: readonly Attempt<MysqlAnswer>[];
}

const probe = (spec: MysqlSpec, { resolve, timeoutMs }: ProbeSettings): Result<Probe<Steps>> => {
  const target = targetOf(spec, resolve);
  if (!target.ok) return target;
  const { host, port } = target.value;
  const stream: StreamStep = {
    type: 'stream',
    tool: 'ssh-forward',
    label: `MySQL to ${host}:${port} over ssh -W (a socket when local): ${spoken(target.value)}`,
    to: { host, port },
    timeoutMs: withinCheck(target.value.ms.connect, timeoutMs),
  };
  const fallbacks = fallbackAttempts(target.value, timeoutMs).map((attempt) => ({ ...attempt, order: 'else' as const }));
  return ok({ target: { target: target.value, stream, fallbacks }, steps: [stream, ...fallbacks] });
};

const withTool = (answer: MysqlAnswer, tool: string, notes: readonly string[]): Observation => ({ fields: fieldsOf(answer, tool), ...(notes.length > 0 ? { notes: [...notes] } : {}) });

const onHostTools = async ({ target, fallbacks }: Steps, why: string, context: ObserveContext): Promise<Observation> => {
  const observation = await askedOnHost(context, fallbacks, why, (answer) => fieldsOf(answer.value, answer.tool));
  // Asked to log in, but only the greeting could be read: that is not the answer that was asked for.
  if (target.login && observation.fields['tool'] === 'bash' && observation.fields['state'] === 'greeted') {
    return { ...observation, error: `could not log in from ${context.host}: sshd does not forward and no mariadb or mysql client is installed there; bash read the greeting only` };
  }
  return observation;
};

const observe = async ({ target: steps }: Probe<Steps>, context: ObserveContext): Promise<Observation> => {
  const { target, stream } = steps;
  // A port still pending is refused before anything runs (define-kind.ts): here it is a number.
  const opening = await context.connect({ host: stream.to.host, port: Number(stream.to.port) }, { timeoutMs: stream.timeoutMs });
  if ('transportError' in opening) return { fields: {}, error: opening.transportError.message };
  const command = `MySQL from ${context.host} to ${target.host}:${target.port}: ${spoken(target)}`;
  if ('stream' in opening) {
    const answer = await overStream(target, opening, context);
    context.record({ command: `${command} (${opening.via})`, transcript: answer.transcript.join('\n'), ...(answer.error ? { problem: answer.error } : {}), durationMs: spentMs(answer) });
    return withTool(answer, streamTool(opening), target.login ? [] : ['no user given: the login was not tried']);
  }
  if (opening.failure === 'prohibited') return onHostTools(steps, `${opening.message} on ${context.host}; asked the host's own tools instead`, context);
  const state = CONNECT_STATES[opening.failure];
  if (!state) return { fields: {}, error: opening.failure === 'unresolved' ? `cannot resolve the host: ${opening.message}` : `cannot connect: ${opening.message}` };
  const line = `connect: ${state} after ${opening.durationMs} ms: ${opening.message}`;
  context.record({ command: `${command} (${opening.via})`, transcript: line, problem: opening.message, durationMs: opening.durationMs });
  return withTool(stoppedAt('connect', state, opening.message, { ...NO_TIMES, connect: opening.durationMs }, [line]), streamTool(opening), []);
};

const referenceOnly = `^${referencePattern('vars')}$`;

export const mysqlCheck = defineCheckKind({
  name: 'mysql',
  summary: 'connects from the host to a MySQL/MariaDB server, reads its greeting, logs in and runs a query as the app would',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['host'],
    properties: {
      host: hostSchema('the database server\'s address or name, as the app on this host uses it'),
      port: { ...portSchema, description: `a TCP port ${PORT_RANGE} (default 3306), or a reference such as "\${vars.port}"` },
      user: { type: 'string', description: 'the account the app logs in as; absent or empty: only the greeting is checked' },
      password: { type: 'string', ...patterned(referenceOnly, 'a reference to a secret variable such as "${vars.db_password}", never the password itself'), description: 'a reference to a secret variable, e.g. "${vars.db_password}" (never the password itself)' },
      database: { type: 'string', description: 'the database the app uses (optional)' },
      query: { type: 'string', description: 'the query to run once logged in (default SELECT 1)' },
      timeouts: {
        type: 'object',
        additionalProperties: false,
        description: 'each phase\'s own bound',
        properties: { connect: durationSchema('2s'), greeting: durationSchema('2s'), login: durationSchema('3s'), query: durationSchema('5s') },
      },
    },
  },
  fields: FIELDS,
  defaultExpect: { state: { any_of: [{ equals: 'answered' }, { equals: 'greeted' }] } },
  probe,
  observe,
});
