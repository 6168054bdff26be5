// A query that does not return in time goes on waiting inside the server after our client gives
// up: every run would leave a session behind, queued behind the lock that stalled it, and such a
// queue is how one long lock becomes an outage. So, as a DBA would from a second terminal, a
// second connection as the same account asks the server what the query is doing (an account sees
// its own sessions in the process list without the PROCESS privilege) and cancels it with KILL
// QUERY (which an account may do to its own sessions). The answer names the wait: "Waiting for
// table metadata lock" is another session's lock, not a slow query.
import type { Duplex } from 'node:stream';
import type { Connection } from 'mysql2';
import { mysqlLibrary } from './mysql-library.js';
import { queryWithin, quitWithin } from './mysql-wait.js';

/** The stalled session's own account: the one allowed to see and cancel its query. */
export interface Account {
  readonly user: string;
  readonly password: string;
}

/** A second stream to the same server within `timeoutMs`, or why there is none. */
export type SecondStream = (timeoutMs: number) => Promise<Duplex | { readonly failure: string }>;

export interface StalledQuery {
  /** The server's state for the query when asked ('' when it no longer ran, or could not be asked). */
  readonly waiting: string;
  /** What happened, for the transcript. */
  readonly line: string;
}

/** The most the asking and the cancelling may take together, when the check has that much left. */
export const STALLED_QUERY_BUDGET_MS = 2000;

/** With less left of the check, a second login would only be cut off: the query is left as it is, and said so. */
export const STALLED_QUERY_LEAST_MS = 500;

type Answer = { readonly rows: unknown[][] } | { readonly failure: string };

const ask = async (connection: Connection, sql: string, deadline: number, signal: AbortSignal): Promise<Answer> => {
  const result = await queryWithin(connection, sql, deadline - performance.now(), signal);
  if ('aborted' in result) return { failure: 'the run was interrupted' };
  if ('timedOut' in result) return { failure: 'the server did not answer in time' };
  if (result.value.error) return { failure: result.value.error.message };
  return { rows: Array.isArray(result.value.rows) ? (result.value.rows as unknown[][]) : [] };
};

/** The session's state while it runs a query (NULL reads as ''); undefined when it runs none any more. */
const stateOf = (rows: unknown[][]): string | undefined => {
  if (rows.length === 0) return undefined;
  const state = rows[0]![0];
  return typeof state === 'string' ? state : '';
};

/** Asked and cancelled on `stream`, logged in as the stalled session's own account. */
const askAndCancel = async (stream: Duplex, account: Account, id: number, deadline: number, signal: AbortSignal): Promise<StalledQuery> => {
  const connection = mysqlLibrary().createConnection({
    stream,
    user: account.user,
    password: account.password,
    connectTimeout: Math.max(1, Math.round(deadline - performance.now())),
    disableEval: true,
  });
  connection.on('error', () => undefined); // every failure reaches the query's callback too
  try {
    // Only while it still runs a query: a KILL QUERY of an idle session would be for nothing.
    const asked = await ask(connection, `SELECT state FROM information_schema.processlist WHERE id = ${id} AND command = 'Query'`, deadline, signal);
    if ('failure' in asked) return { waiting: '', line: `server: could not ask what connection ${id} waits on (${asked.failure}); its query may still be waiting there` };
    const state = stateOf(asked.rows);
    if (state === undefined) return { waiting: '', line: `server: connection ${id} runs no query any more (it returned, or the connection ended)` };
    const said = state === '' ? 'in no state the server names' : `"${state}"`;
    const killed = await ask(connection, `KILL QUERY ${id}`, deadline, signal);
    const cancelled = 'failure' in killed ? `could not cancel it (${killed.failure})` : `cancelled it (KILL QUERY ${id})`;
    return { waiting: state, line: `server: connection ${id}'s query was ${said}; ${cancelled}` };
  } finally {
    await quitWithin(connection, signal);
    stream.destroy();
  }
};

/** What the stalled query of connection `id` waits on, and that it no longer does. Never throws. */
export const settleStalledQuery = async (open: SecondStream, account: Account, id: number, budgetMs: number, signal: AbortSignal): Promise<StalledQuery> => {
  const deadline = performance.now() + budgetMs;
  const opened = await open(budgetMs);
  if ('failure' in opened) return { waiting: '', line: `server: could not connect again to ask what connection ${id} waits on (${opened.failure}); its query may still be waiting there` };
  return askAndCancel(opened, account, id, deadline, signal);
};
