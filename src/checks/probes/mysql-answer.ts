// What asking a MySQL server came to, in one vocabulary whichever path asked (our own client over a
// forwarded stream, the mariadb client on the host, or bash reading the greeting): where it stopped
// (`phase`), how (`state`), and the server's own words when it said no.
import { readFirstPacket, unfinishedPacket, type FirstPacket } from './mysql-packets.js';

export type MysqlState =
  /** Logged in and the query returned. */
  | 'answered'
  /** Greeted; no user was given, so the login was not tried. */
  | 'greeted'
  | 'refused'
  | 'filtered'
  | 'unreachable'
  /** TCP was accepted but no byte came: a hung, frozen or overloaded server. */
  | 'no-greeting'
  /** Something answered, but not with a MySQL greeting. */
  | 'not-mysql'
  /** The server said no to this client: at login (1045, 1040, 1226...) or instead of a greeting (1130, 1129). */
  | 'login-refused'
  /** Greeted, but the login got no answer in time. */
  | 'login-timeout'
  /** Logged in, and the query failed; or the server broke the conversation off. */
  | 'server-error'
  | 'query-timeout'
  /** The run was stopped (its deadline, an interruption) before the server answered: nothing is known of it. */
  | 'interrupted';

export type MysqlPhase = 'connect' | 'greeting' | 'login' | 'query' | 'done';

export interface PhaseTimes {
  readonly connect: number | null;
  readonly greeting: number | null;
  readonly login: number | null;
  readonly query: number | null;
}

export interface MysqlAnswer {
  readonly state: MysqlState;
  readonly phase: MysqlPhase;
  readonly errorCode: number | null;
  /** The server's message (or what went wrong), '' when nothing did. */
  readonly error: string;
  readonly serverVersion: string;
  readonly times: PhaseTimes;
  /** Rows the query returned; null when it did not run. */
  readonly rows: number | null;
  /** The first column of the first row, as text ('' when none). */
  readonly result: string;
  /**
   * A query that did not return in time: what the server said it was doing then (its process
   * list's state, "Waiting for table metadata lock"); '' when not asked or not known.
   */
  readonly waiting: string;
  /** One line per step, for the evidence. */
  readonly transcript: readonly string[];
}

export const NO_TIMES: PhaseTimes = { connect: null, greeting: null, login: null, query: null };

/** Errors a server gives at login, about this client's right to a session, not about a query. */
export const LOGIN_ERROR_CODES: ReadonlySet<number> = new Set([
  1040, // Too many connections
  1044, // Access denied for user to database
  1045, // Access denied for user (wrong password, or no account for this host)
  1049, // Unknown database (the login names it)
  1129, // Host is blocked because of many connection errors
  1130, // Host is not allowed to connect
  1133, // Can't find any matching row in the user table
  1203, // User already has more than max_user_connections
  1226, // User has exceeded a resource limit (max_connections_per_hour...)
  1251, // Client does not support authentication protocol
  1698, // Access denied (auth_socket / unix_socket account)
  1820, // You must reset your password
  1862, // Your password has expired
  4151, // MariaDB: account is locked
]);

/** An answer that stopped before logging in, with nothing the server said. */
export const stoppedAt = (phase: MysqlPhase, state: MysqlState, error: string, times: PhaseTimes, transcript: readonly string[]): MysqlAnswer => ({
  state, phase, errorCode: null, error, serverVersion: '', times, rows: null, result: '', waiting: '', transcript,
});

/** A query that returned: how many rows, and the first column of the first row as text. */
export const answered = (rows: number, result: string, times: PhaseTimes, transcript: readonly string[]): MysqlAnswer => ({
  state: 'answered', phase: 'done', errorCode: null, error: '', serverVersion: '', times, rows, result, waiting: '', transcript,
});

/** "ERROR 1045 (28000): Access denied ..." as the mysql clients print it. */
export const serverWords = (code: number, sqlState: string | null, message: string): string =>
  `ERROR ${code}${sqlState ? ` (${sqlState})` : ''}: ${message}`;

/**
 * What the server's first bytes say, whichever path read them: a greeting to go on from, or where
 * the conversation stopped (the state, the error, the server's code, and a line for the transcript).
 */
export type GreetingVerdict =
  | { readonly greeting: Extract<FirstPacket, { kind: 'greeting' }> }
  | { readonly state: MysqlState; readonly error: string; readonly errorCode: number | null; readonly said: string };

/** `end`: how the wait ended when no whole packet came, by silence (after `waitedMs`) or a close. */
export const judgeGreeting = (received: Buffer, end: 'silent' | 'closed', waitedMs: number): GreetingVerdict => {
  const packet = readFirstPacket(received);
  if (packet.kind === 'greeting') return { greeting: packet };
  if (packet.kind === 'error') {
    const said = `an error instead of a greeting: ${serverWords(packet.code, packet.sqlState, packet.message)}`;
    return { state: 'login-refused', error: packet.message, errorCode: packet.code, said };
  }
  const why = packet.kind === 'not-mysql' ? packet.why : received.length > 0 ? unfinishedPacket(received) : undefined;
  if (why !== undefined) return { state: 'not-mysql', error: why, errorCode: null, said: why };
  const how = end === 'closed' ? 'TCP was accepted but no greeting came before the server closed the connection' : `TCP was accepted but no greeting came in ${waitedMs} ms`;
  return { state: 'no-greeting', error: how, errorCode: null, said: how };
};
