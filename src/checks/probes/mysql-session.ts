// Speaks MySQL over a stream that is already connected (a forwarded SSH channel, or a socket), the
// way the app does: wait for the greeting, log in, run one query, each phase under its own bound.
// The greeting is read from the bytes themselves (mysql-packets.ts); login and query are mysql2's,
// which knows the authentication plugins. Every path ends with the stream destroyed.
import type { Duplex } from 'node:stream';
import type { Connection, QueryError } from 'mysql2';
import { mysqlLibrary } from './mysql-library.js';
import { answered, type MysqlAnswer, type MysqlPhase, type MysqlState, type PhaseTimes, judgeGreeting, LOGIN_ERROR_CODES, serverWords, stoppedAt } from './mysql-answer.js';
import { readFirstPacket } from './mysql-packets.js';
import { StreamTap } from './stream-tap.js';
import { queryWithin, quitWithin, within } from './mysql-wait.js';
import { type SecondStream, settleStalledQuery, STALLED_QUERY_LEAST_MS } from './mysql-stalled.js';
import { endedByServer, lockWaitSeconds, rowLockBound } from './mysql-lock-wait.js';
import { counted } from '../../model/counted.js';

export interface MysqlLogin {
  readonly user: string;
  readonly password: string;
  /** '' for none. */
  readonly database: string;
  readonly query: string;
}

/** How long a phase may take, asked when it starts (so the check's own timeout can cap it). */
export type PhaseBudget = (phase: 'greeting' | 'login' | 'query' | 'stalled') => number;

/** Enough to hold any greeting or error packet: the server says nothing more before we answer. */
const KEEP_BYTES = 8192;

/** The first bytes the server sent, kept to read its greeting from. */
class Received {
  bytes: Buffer = Buffer.alloc(0);
  ended = false;
  onChange: () => void = () => undefined;

  add(chunk: Buffer): void {
    if (this.bytes.length < KEEP_BYTES) this.bytes = Buffer.concat([this.bytes, chunk]).subarray(0, KEEP_BYTES);
    this.onChange();
  }

  end(): void {
    this.ended = true;
    this.onChange();
  }
}

const since = (started: number): number => Math.round(performance.now() - started);

class Conversation {
  private readonly received = new Received();
  private readonly tap: StreamTap;
  private readonly lines: string[];
  private times: PhaseTimes;
  /** The server's number for this session, from its greeting: a stalled query is found by it. */
  private connectionId: number | null = null;

  constructor(stream: Duplex, connectMs: number, connectLine: string, private readonly signal: AbortSignal, private readonly secondStream?: SecondStream) {
    this.tap = new StreamTap(stream, { received: (chunk) => this.received.add(chunk), ended: () => this.received.end() });
    this.times = { connect: connectMs, greeting: null, login: null, query: null };
    this.lines = [connectLine];
  }

  private stop(phase: MysqlPhase, state: MysqlState, error: string): MysqlAnswer {
    this.lines.push(`${phase}: ${error}`);
    return stoppedAt(phase, state, error, this.times, this.lines);
  }

  private interrupted(phase: MysqlPhase): MysqlAnswer {
    return this.stop(phase, 'interrupted', 'interrupted before the server answered');
  }

  async greeting(budgetMs: number): Promise<MysqlAnswer | { readonly serverVersion: string }> {
    const started = performance.now();
    const heard = await within<'packet' | 'ended'>(budgetMs, this.signal, (done) => {
      this.received.onChange = () => {
        if (readFirstPacket(this.received.bytes).kind !== 'incomplete') done('packet');
        else if (this.received.ended) done('ended');
      };
      this.received.onChange();
    });
    this.received.onChange = () => undefined;
    this.times = { ...this.times, greeting: since(started) };
    if ('aborted' in heard) return this.interrupted('greeting');
    const verdict = judgeGreeting(this.received.bytes, 'timedOut' in heard ? 'silent' : 'closed', budgetMs);
    if ('state' in verdict) {
      this.lines.push(`greeting: ${verdict.said}`);
      return { ...stoppedAt('greeting', verdict.state, verdict.error, this.times, this.lines), errorCode: verdict.errorCode };
    }
    const { bytes, connectionId, serverVersion } = verdict.greeting;
    this.connectionId = connectionId;
    this.lines.push(`greeting: ${bytes} bytes in ${String(this.times.greeting)} ms: protocol 10, server ${serverVersion}${connectionId === null ? '' : `, connection id ${connectionId}`}`);
    return { serverVersion };
  }

  greeted(serverVersion: string): MysqlAnswer {
    this.lines.push('login: not tried (no user given)');
    return { ...stoppedAt('greeting', 'greeted', '', this.times, this.lines), serverVersion };
  }

  async login(login: MysqlLogin, budget: PhaseBudget, serverVersion: string): Promise<MysqlAnswer> {
    // Loaded when a login is tried, not with the check kinds: validate and plan never need it.
    // Loading it earlier, while the hosts' connections were made, delayed their handshakes as
    // much: on a 2-core machine the main thread has no idle moment then (the lab, 20 runs).
    const connection = mysqlLibrary().createConnection({
      stream: this.tap,
      user: login.user,
      password: login.password,
      ...(login.database === '' ? {} : { database: login.database }),
      // A backstop only: our own bounds below end each phase first.
      connectTimeout: budget('login') + 1000,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      // Rows are read by mysql2's static parser: its generated one is compiled with new Function
      // on first use, about 40 ms of the main thread for the one small result a check reads.
      disableEval: true,
    });
    connection.on('error', () => undefined); // read from the handshake and the query below
    try {
      const answer = await this.authenticate(connection, login, budget);
      return { ...answer, serverVersion };
    } finally {
      await this.quit(connection);
    }
  }

  private async authenticate(connection: Connection, login: MysqlLogin, budget: PhaseBudget): Promise<MysqlAnswer> {
    const who = `as ${login.user}${login.database === '' ? '' : ` to ${login.database}`}`;
    const started = performance.now();
    const loginMs = budget('login');
    const result = await within<QueryError | null>(loginMs, this.signal, (done) => {
      connection.once('connect', () => done(null));
      connection.once('error', (error: QueryError) => done(error));
    });
    this.times = { ...this.times, login: since(started) };
    if ('aborted' in result) return this.interrupted('login');
    if ('timedOut' in result) return this.stop('login', 'login-timeout', `greeted, but the login ${who} got no answer in ${loginMs} ms`);
    if (result.value) return this.serverSaidNo('login', result.value, who);
    this.lines.push(`login: ${who}: accepted in ${String(this.times.login)} ms`);
    return this.query(connection, login, budget);
  }

  /**
   * The session's row-lock waits end a second before the query's bound (mysql-lock-wait.ts): the
   * seconds set, null where the server refused (noted: the query is asked all the same), or the
   * answer where the server did not answer even that.
   */
  private async boundRowLocks(connection: Connection, login: MysqlLogin, budget: PhaseBudget): Promise<{ readonly lock: number | null } | { readonly stop: MysqlAnswer }> {
    const budgetMs = budget('query');
    const seconds = lockWaitSeconds(budgetMs);
    const sql = rowLockBound(seconds);
    const result = await queryWithin(connection, sql, budgetMs, this.signal);
    if ('aborted' in result) return { stop: this.interrupted('query') };
    if ('timedOut' in result) return { stop: await this.stalled(login, `logged in, but ${sql} did not return in ${budgetMs} ms`, budget('stalled')) };
    const { error } = result.value;
    if (error) {
      this.lines.push(`session: ${sql}: ${error.message} (row-lock waits keep the server's own bound)`);
      return { lock: null };
    }
    this.lines.push(`session: row-lock waits end after ${seconds} s (innodb_lock_wait_timeout)`);
    return { lock: seconds };
  }

  private async query(connection: Connection, login: MysqlLogin, budget: PhaseBudget): Promise<MysqlAnswer> {
    const bound = await this.boundRowLocks(connection, login, budget);
    if ('stop' in bound) return bound.stop;
    const sql = login.query;
    const budgetMs = budget('query');
    const started = performance.now();
    const result = await queryWithin(connection, sql, budgetMs, this.signal);
    this.times = { ...this.times, query: since(started) };
    if ('aborted' in result) return this.interrupted('query');
    if ('timedOut' in result) return this.stalled(login, `logged in, but ${sql} did not return in ${budgetMs} ms`, budget('stalled'));
    if (result.value.error) return this.endedOrSaidNo(result.value.error, sql, bound.lock);
    const rows = Array.isArray(result.value.rows) ? (result.value.rows as unknown[][]) : [];
    const first = cellText(rows[0]?.[0]);
    this.lines.push(`query: ${sql}: ${counted(rows.length, 'row')} in ${String(this.times.query)} ms${rows.length > 0 ? `, first value ${first}` : ''}`);
    return answered(rows.length, first, this.times, this.lines);
  }

  /** The query is still running in the server: what it waits on, and cancelled (mysql-stalled.ts). */
  private async stalled(login: MysqlLogin, error: string, budgetMs: number): Promise<MysqlAnswer> {
    const answer = this.stop('query', 'query-timeout', error);
    if (this.connectionId === null || !this.secondStream) return answer;
    if (budgetMs < STALLED_QUERY_LEAST_MS) {
      this.lines.push(`server: no time left in the check to ask what connection ${this.connectionId} waits on; its query may still be waiting there`);
      return answer;
    }
    const settled = await settleStalledQuery(this.secondStream, login, this.connectionId, budgetMs, this.signal);
    this.lines.push(settled.line);
    return { ...answer, waiting: settled.waiting };
  }

  /** The query's error: the server ending a lock wait (query-timeout, in its own words), or any other. */
  private endedOrSaidNo(error: QueryError & { sqlMessage?: string }, sql: string, lock: number | null): MysqlAnswer {
    const code = serverCode(error);
    const message = error.sqlMessage ?? error.message;
    const ended = code === null ? undefined : endedByServer(code, message, sql, { lock });
    if (code === null || !ended) return this.serverSaidNo('query', error, sql);
    this.lines.push(`query: ${sql}: ${serverWords(code, error.sqlState ?? null, message)}`);
    return { ...stoppedAt('query', 'query-timeout', ended.error, this.times, this.lines), errorCode: code, waiting: ended.waiting };
  }

  /** A server error has a code; anything else (a lost connection, an unsupported plugin) has none. */
  private serverSaidNo(phase: 'login' | 'query', error: QueryError & { sqlMessage?: string }, what: string): MysqlAnswer {
    const code = serverCode(error);
    const message = code === null ? error.message : (error.sqlMessage ?? error.message);
    const words = code === null ? message : serverWords(code, error.sqlState ?? null, message);
    this.lines.push(`${phase}: ${what}: ${words}`);
    const refusedLogin = phase === 'login' && code !== null && LOGIN_ERROR_CODES.has(code);
    return { ...stoppedAt(phase, refusedLogin ? 'login-refused' : 'server-error', message, this.times, this.lines), errorCode: code };
  }

  /** COM_QUIT when we can, then the stream goes. */
  private async quit(connection: Connection): Promise<void> {
    await quitWithin(connection, this.signal);
    this.tap.destroy();
  }

  close(): void {
    this.tap.destroy();
  }
}

/** The server's code for its own error packet; null for anything else (mysql2 sets sqlMessage only for those). */
const serverCode = (error: QueryError & { sqlMessage?: string }): number | null =>
  typeof error.errno === 'number' && error.sqlMessage !== undefined ? error.errno : null;

const cellText = (value: unknown): string => {
  if (value === undefined) return '';
  if (value === null) return 'NULL';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? String(value) : '';
};

/**
 * The conversation after the connect: greeting, then (with a user) login and query. Without a
 * user it stops at the greeting and says the login was not tried.
 */
export const speakMysql = async (
  stream: Duplex,
  connect: { readonly ms: number; readonly line: string },
  login: MysqlLogin | undefined,
  budget: PhaseBudget,
  signal: AbortSignal,
  secondStream?: SecondStream,
): Promise<MysqlAnswer> => {
  const conversation = new Conversation(stream, connect.ms, connect.line, signal, secondStream);
  const greeting = await conversation.greeting(budget('greeting'));
  if ('state' in greeting || !login) conversation.close();
  if ('state' in greeting) return greeting;
  return login ? conversation.login(login, budget, greeting.serverVersion) : conversation.greeted(greeting.serverVersion);
};
