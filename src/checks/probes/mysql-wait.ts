// The waits of a conversation with a MySQL server (mysql-session.ts, mysql-stalled.ts): each
// phase (a query among them) ends at its event, when its time is up or when the run is
// interrupted, and a connection ends with COM_QUIT when the server takes it in time.
import type { Connection, QueryError } from 'mysql2';

export type Timed<T> = { readonly value: T } | { readonly timedOut: true } | { readonly aborted: true };

/** The first of: the event `wait` reports, `ms` passing, the run being interrupted. */
export const within = <T>(ms: number, signal: AbortSignal, wait: (done: (value: T) => void) => void): Promise<Timed<T>> =>
  new Promise((resolve) => {
    let settled = false;
    const finish = (result: Timed<T>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = (): void => finish({ aborted: true });
    const timer = setTimeout(() => finish({ timedOut: true }), Math.max(1, ms));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    wait((value) => finish({ value }));
  });

/** A query's own answer (rows as arrays), or the end of its wait. */
export const queryWithin = (connection: Connection, sql: string, ms: number, signal: AbortSignal): Promise<Timed<{ error: QueryError | null; rows: unknown }>> =>
  within(ms, signal, (done) => {
    connection.query({ sql, rowsAsArray: true }, (error, rows) => done({ error, rows }));
  });

const QUIT_WAIT_MS = 500;

/** COM_QUIT when we can (no "aborted connection" in the server's log), then the connection goes. */
export const quitWithin = async (connection: Connection, signal: AbortSignal): Promise<void> => {
  await within(QUIT_WAIT_MS, signal, (done) => {
    connection.end(() => done(undefined));
  });
  connection.destroy();
};
