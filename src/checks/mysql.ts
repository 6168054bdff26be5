// The `mysql:` check: does the database answer, asked the way the app asks, from the app's host?
// TCP can be fine while the app still gets nothing (a hung server that never greets, an account not
// allowed from this host, every connection slot taken); only speaking the protocol tells. The
// connection starts on the check's host: over SSH a forwarded channel (`ssh -W`) with the protocol
// spoken here, locally a socket; where sshd will not forward, the host's mariadb client, and where
// there is none, bash reading the greeting.
import type { CheckKind, ObserveContext, Observation, TemplateResolver } from './types.js';
import type { StreamOpening } from '../transport/types.js';
import { PORT_RANGE } from '../model/port.js';
import { referencePattern } from '../model/references.js';
import { answered, noAnswer, tryInOrder, type Attempt } from './probes/attempts.js';
import { withinCheck } from './probes/deadline.js';
import { type MysqlAnswer, type MysqlState, NO_TIMES, stoppedAt } from './probes/mysql-answer.js';
import { clientScript, greetingScript, readClient, readGreeting, type ClientTarget } from './probes/mysql-client.js';
import { speakMysql, type MysqlLogin } from './probes/mysql-session.js';
import { durationMs, durationSchema, hostSchema, portSchema, resolveHost, resolvePort } from './probes/values.js';

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
  readonly host: string;
  readonly port: number;
  /** Absent when no user is given: only the greeting is checked. */
  readonly login?: MysqlLogin;
  readonly ms: Readonly<Record<Phase, number>>;
}

const phaseMs = (spec: MysqlSpec): Record<Phase, number> => ({
  connect: durationMs(spec.timeouts?.connect, DEFAULT_MS.connect),
  greeting: durationMs(spec.timeouts?.greeting, DEFAULT_MS.greeting),
  login: durationMs(spec.timeouts?.login, DEFAULT_MS.login),
  query: durationMs(spec.timeouts?.query, DEFAULT_MS.query),
});

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

const targetOf = (spec: MysqlSpec, resolve: TemplateResolver): Target | { error: string } => {
  const host = resolveHost(spec.host, resolve);
  if ('error' in host) return host;
  const port = resolvePort(spec.port ?? DEFAULT_PORT, resolve);
  if ('error' in port) return port;
  const login = loginOf(spec, resolve);
  return { host: host.value, port: port.value, ms: phaseMs(spec), ...(login ? { login } : {}) };
};

const total = (ms: Target['ms'], login: boolean): number => ms.connect + ms.greeting + (login ? ms.login + ms.query : 0);

const FIELDS = {
  state: 'text', phase: 'text', error_code: 'number', error: 'text', server_version: 'text',
  connect_ms: 'number', greeting_ms: 'number', login_ms: 'number', query_ms: 'number',
  rows: 'number', result: 'text', tool: 'text',
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
  tool,
});

const spentMs = ({ times }: MysqlAnswer): number => (times.connect ?? 0) + (times.greeting ?? 0) + (times.login ?? 0) + (times.query ?? 0);

const CONNECT_STATES: Readonly<Record<string, MysqlState>> = { refused: 'refused', timeout: 'filtered', unreachable: 'unreachable' };

const toolOf = (opening: StreamOpening): string => (opening.via.startsWith('ssh') ? 'ssh-forward' : 'socket');

const spoken = (target: Target): string =>
  target.login ? `greeting, login as ${target.login.user}${target.login.database ? ` to ${target.login.database}` : ''}, ${target.login.query}` : 'greeting only (no user: the login is not tried)';

/** Our own client over the stream the transport opened; what was said goes to the evidence. */
const overStream = async (target: Target, opening: StreamOpening & { stream: unknown }, context: ObserveContext): Promise<MysqlAnswer> => {
  const connectLine = `connect: open in ${opening.durationMs} ms`;
  const budget = (phase: Exclude<Phase, 'connect'>): number => Math.min(target.ms[phase], context.remainingMs());
  return speakMysql(opening.stream as never, { ms: opening.durationMs, line: connectLine }, target.login, budget, context.signal);
};

/**
 * sshd said no to forwarding: the host's own tools, a client where one is installed, else bash.
 * Their bounds are the phases' added up, within what is left of the check's timeout.
 */
const fallbackAttempts = (target: Target, remainingMs: number): Attempt<MysqlAnswer>[] => {
  const within = (ms: number): number => withinCheck(ms, remainingMs);
  const greeting: Attempt<MysqlAnswer> = {
    tool: 'bash',
    alsoNeeds: ['timeout'],
    label: 'bash /dev/tcp',
    script: greetingScript(target.host, target.port, within(target.ms.greeting), within(target.ms.connect + target.ms.greeting)),
    read: readGreeting(target.host, target.port, within(target.ms.greeting)),
  };
  if (!target.login) return [greeting];
  const client: ClientTarget = {
    host: target.host, port: target.port, user: target.login.user, database: target.login.database, query: target.login.query,
    connectMs: within(target.ms.connect + target.ms.greeting), totalMs: within(total(target.ms, true)),
  };
  return [{ tool: 'mariadb', alsoNeeds: ['timeout'], label: 'the mariadb client', script: clientScript(client), read: readClient(client), stdin: `${target.login.password}\n` }, greeting];
};

const withTool = (answer: MysqlAnswer, tool: string, notes: readonly string[]): Observation => ({ fields: fieldsOf(answer, tool), ...(notes.length > 0 ? { notes: [...notes] } : {}) });

const onHostTools = async (target: Target, why: string, context: ObserveContext): Promise<Observation> => {
  const result = await tryInOrder(context, fallbackAttempts(target, context.remainingMs()));
  if ('error' in result) return noAnswer({ ...result, notes: [why, ...result.notes] });
  const observation = answered(result, fieldsOf(result.value, result.tool));
  const notes = [why, ...(observation.notes ?? [])];
  // Asked to log in, but only the greeting could be read: that is not the answer that was asked for.
  if (target.login && result.tool === 'bash' && result.value.state === 'greeted') {
    return { ...observation, notes, error: `could not log in from ${context.host}: sshd does not forward and no mariadb or mysql client is installed there; bash read the greeting only` };
  }
  return { ...observation, notes };
};

const observe = async (spec: MysqlSpec, context: ObserveContext): Promise<Observation> => {
  const target = targetOf(spec, context.resolve);
  if ('error' in target) return { fields: {}, error: target.error };
  const opening = await context.connect({ host: target.host, port: target.port }, { timeoutMs: target.ms.connect });
  if ('transportError' in opening) return { fields: {}, error: opening.transportError.message };
  const command = `MySQL from ${context.host} to ${target.host}:${target.port}: ${spoken(target)}`;
  if ('stream' in opening) {
    const answer = await overStream(target, opening, context);
    context.record({ command: `${command} (${opening.via})`, transcript: answer.transcript.join('\n'), ...(answer.error ? { problem: answer.error } : {}), durationMs: spentMs(answer) });
    return withTool(answer, toolOf(opening), target.login ? [] : ['no user given: the login was not tried']);
  }
  if (opening.failure === 'prohibited') return onHostTools(target, `${opening.message} on ${context.host}; asked the host's own tools instead`, context);
  const state = CONNECT_STATES[opening.failure];
  if (!state) return { fields: {}, error: opening.failure === 'unresolved' ? `cannot resolve the host: ${opening.message}` : `cannot connect: ${opening.message}` };
  const line = `connect: ${state} after ${opening.durationMs} ms: ${opening.message}`;
  context.record({ command: `${command} (${opening.via})`, transcript: line, problem: opening.message, durationMs: opening.durationMs });
  return withTool(stoppedAt('connect', state, opening.message, { ...NO_TIMES, connect: opening.durationMs }, [line]), toolOf(opening), []);
};

const referenceOnly = `^${referencePattern('vars')}$`;

export const mysqlCheck: CheckKind<MysqlSpec> = {
  name: 'mysql',
  key: 'mysql',
  summary: 'connects from the host to a MySQL/MariaDB server, reads its greeting, logs in and runs a query as the app would',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['host'],
    properties: {
      host: hostSchema('the database server\'s address or name, as the app on this host uses it'),
      port: { ...portSchema, description: `a TCP port ${PORT_RANGE} (default 3306), or a reference such as "\${vars.port}"` },
      user: { type: 'string', description: 'the account the app logs in as; absent or empty: only the greeting is checked' },
      password: { type: 'string', pattern: referenceOnly, description: 'a reference to a secret variable, e.g. "${vars.db_password}" (never the password itself)' },
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
  describe: (spec, resolve) => {
    const target = targetOf(spec, resolve);
    if ('error' in target) return `MySQL to ${resolve.value(spec.host)}:${resolve.value(String(spec.port ?? DEFAULT_PORT))}`;
    return `MySQL to ${target.host}:${target.port} over ssh -W (a socket when local): ${spoken(target)}; where sshd does not forward: ${target.login ? 'the mariadb/mysql client on the host, else ' : ''}bash /dev/tcp`;
  },
  observe,
};
