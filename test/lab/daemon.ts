// Starts the lab's long-lived processes (hosts' launchers, mysqld) so that they survive the
// process that started them and a test runner killing its process group.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { CLEAN_ENV } from './command.js';
import { refOf, type ProcRef } from './proc.js';

/**
 * Spawns a daemon in its own session, its output appended to a log; returns its reference.
 * `env` adds to the clean environment, e.g. a password that must not show in any argv.
 */
export function launchDetached(argv: readonly string[], logPath: string, env: Readonly<Record<string, string>> = {}): ProcRef {
  const log = openSync(logPath, 'a');
  // `setsid` (not spawn's `detached`): the child is not a group leader, so setsid execs without
  // forking and the PID we get is the daemon's launcher itself.
  const child = spawn('setsid', argv, { stdio: ['ignore', log, log], env: { ...CLEAN_ENV, ...env } });
  closeSync(log);
  child.on('error', () => undefined); // reported below as a missing PID or a dead launcher
  child.unref();
  const ref = child.pid === undefined ? undefined : refOf(child.pid);
  if (!ref) throw new Error(`could not start ${argv.join(' ')} (see ${logPath})`);
  return ref;
}

export function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-8).join('\n');
  } catch {
    return '(no log)';
  }
}
