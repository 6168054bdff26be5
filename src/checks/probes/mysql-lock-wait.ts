// Bounds the check's own session sets in the server, so that the server itself ends a query that
// waits too long and says why. A query waiting for a row lock (another session's transaction left
// open) shows nothing of it in the process list: MariaDB names its state "Statistics" or
// "Updating", MySQL "executing", so a stalled query read from there looked slow, not blocked. Our
// own client gives its session a row-lock wait a second shorter than the query's bound, and the
// server answers "Lock wait timeout exceeded" (1205) before the check gives up. A metadata lock
// (LOCK TABLES, an ALTER) keeps the server's bound: the process list names that wait, and the
// check cancels the query itself (mysql-stalled.ts). The host's mariadb client can do neither
// (it is ended by `timeout`, and InnoDB goes on waiting for the lock after its client has gone,
// up to innodb_lock_wait_timeout, 50 s by default, holding a connection slot of the account), so
// its session bounds every lock wait, and on MariaDB the whole statement.

/** ER_LOCK_WAIT_TIMEOUT: a row lock (innodb_lock_wait_timeout) or a metadata lock (lock_wait_timeout). */
export const LOCK_WAIT_TIMEOUT = 1205;

/** ER_STATEMENT_TIMEOUT, MariaDB's: the statement ran past max_statement_time. */
export const STATEMENT_TIMEOUT = 1969;

/** Whole seconds, the servers' unit for lock waits, at least 1 and a second short of the query's bound when it allows. */
export const lockWaitSeconds = (queryMs: number): number => Math.max(1, Math.ceil(queryMs / 1000) - 1);

/** Our own client's session: row-lock waits only (a metadata lock is asked about and cancelled). */
export const rowLockBound = (seconds: number): string => `SET SESSION innodb_lock_wait_timeout = ${seconds}`;

/**
 * The host's client session: every lock wait, and on MariaDB the statement itself, in a comment
 * only MariaDB executes (`/*M!`), since MySQL has no bound of its own for any statement.
 */
export const sessionBounds = (lockSeconds: number, statementSeconds: number): string =>
  `SET SESSION lock_wait_timeout = ${lockSeconds}, innodb_lock_wait_timeout = ${lockSeconds} /*M!100100 , max_statement_time = ${statementSeconds} */`;

export interface EndedByServer {
  readonly error: string;
  /** The server's own words for a lock wait; '' for a statement that ran past its bound. */
  readonly waiting: string;
}

/**
 * The query's error, where it is the server ending the query at a bound (ours, or its own): a lock
 * wait given up, or MariaDB's statement bound. Anything else is the query's own error.
 */
export const endedByServer = (code: number | null, message: string, sql: string, seconds: { lock: number | null; statement?: number }): EndedByServer | undefined => {
  if (code === LOCK_WAIT_TIMEOUT) {
    const error = seconds.lock === null
      ? `logged in, but ${sql} waited for a lock another session holds until the server gave it up`
      : `logged in, but ${sql} waited ${seconds.lock} s for a lock another session holds, the most its session allowed, and the server gave it up`;
    return { error, waiting: message };
  }
  if (code === STATEMENT_TIMEOUT && seconds.statement !== undefined) {
    return { error: `logged in, but ${sql} did not return in ${seconds.statement} s, and the server ended it (max_statement_time)`, waiting: '' };
  }
  return undefined;
};
