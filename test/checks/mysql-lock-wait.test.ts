// The bounds a mysql check sets for its own session in the server (src/checks/probes/mysql-lock-wait.ts).
import { describe, expect, test } from 'vitest';
import { endedByServer, lockWaitSeconds, rowLockBound, sessionBounds } from '../../src/checks/probes/mysql-lock-wait.js';

describe('the lock waits a check allows its session', () => {
  test.each([
    [5000, 4],
    [4001, 4],
    [4000, 3],
    [2500, 2],
    [1500, 1],
    [1000, 1],
    [300, 1],
  ])('a query bound of %i ms: the server gives a lock wait up after %i s, before the check gives up (at least 1 s)', (queryMs, seconds) => {
    expect(lockWaitSeconds(queryMs)).toBe(seconds);
  });

  test('our own client bounds row locks only; the host\'s client every lock, and the statement where MariaDB reads it', () => {
    expect(rowLockBound(4)).toBe('SET SESSION innodb_lock_wait_timeout = 4');
    expect(sessionBounds(4, 5)).toBe('SET SESSION lock_wait_timeout = 4, innodb_lock_wait_timeout = 4 /*M!100100 , max_statement_time = 5 */');
  });

  test('1205 and 1969 are the server ending the query at a bound; any other error is the query\'s own', () => {
    expect(endedByServer(1205, 'Lock wait timeout exceeded; try restarting transaction', 'UPDATE t SET a = 1', { lock: 4 })).toEqual({
      error: 'logged in, but UPDATE t SET a = 1 waited 4 s for a lock another session holds, the most its session allowed, and the server gave it up',
      waiting: 'Lock wait timeout exceeded; try restarting transaction',
    });
    expect(endedByServer(1969, 'Query execution was interrupted (max_statement_time exceeded)', 'SELECT 1', { lock: 4 })).toBeUndefined();
    expect(endedByServer(1969, 'Query execution was interrupted (max_statement_time exceeded)', 'SELECT 1', { lock: 4, statement: 5 })).toEqual({
      error: 'logged in, but SELECT 1 did not return in 5 s, and the server ended it (max_statement_time)',
      waiting: '',
    });
    expect(endedByServer(1146, "Table 'appdb.t' doesn't exist", 'SELECT 1', { lock: 4, statement: 5 })).toBeUndefined();
    expect(endedByServer(null, 'Connection lost', 'SELECT 1', { lock: 4 })).toBeUndefined();
  });
});
