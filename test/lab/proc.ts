// Identifies the lab's processes by PID + start time (/proc/PID/stat field 22), so that a PID
// recycled after a crash or reboot is never signalled, and treats zombies as dead (LAB-NOTES 11).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcRef {
  pid: number;
  /** Start time in clock ticks since boot, as a string to keep it exact. */
  start: string;
}

interface Stat {
  state: string;
  parent: number;
  start: string;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, parent, start] = [fields[0], fields[1], fields[19]];
  return state !== undefined && parent !== undefined && start !== undefined
    ? { state, parent: Number(parent), start }
    : undefined;
}

/** The reference of a live process, or undefined when it is gone. */
export function refOf(pid: number): ProcRef | undefined {
  const stat = readStat(pid);
  return stat && !isDeadState(stat.state) ? { pid, start: stat.start } : undefined;
}

function isDeadState(state: string): boolean {
  return state === 'Z' || state === 'X';
}

export function isAlive(ref: ProcRef): boolean {
  const stat = readStat(ref.pid);
  return stat !== undefined && stat.start === ref.start && !isDeadState(stat.state);
}

/** Signals the process only if it is still the one we started. Returns whether it was signalled. */
export function signalRef(ref: ProcRef, signal: NodeJS.Signals): boolean {
  if (!isAlive(ref)) return false;
  try {
    process.kill(ref.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Stopped by a signal (SIGSTOP): state T. Tracing stops (t) are not the lab's doing. */
export function isStopped(ref: ProcRef): boolean {
  return isAlive(ref) && readStat(ref.pid)?.state === 'T';
}

/** Polls until `done` holds; false if it still does not after timeoutMs. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

export async function waitGone(refs: readonly ProcRef[], timeoutMs: number): Promise<boolean> {
  return waitUntil(() => !refs.some(isAlive), timeoutMs);
}

/**
 * SIGTERM to `main` (the process that must get to clean up), SIGKILL to all of `refs` (main and
 * its launchers) if they are not gone within graceMs.
 */
export async function terminate(main: ProcRef | undefined, refs: readonly ProcRef[], graceMs: number): Promise<void> {
  if (main) signalRef(main, 'SIGTERM');
  if (await waitGone(refs, graceMs)) return;
  refs.forEach((ref) => signalRef(ref, 'SIGKILL'));
  await waitGone(refs, 5000);
}

export function parentPid(ref: ProcRef): number | undefined {
  return isAlive(ref) ? readStat(ref.pid)?.parent : undefined;
}

/** Direct children of a process (needs CONFIG_PROC_CHILDREN, present on Debian kernels). */
export function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text === '' ? [] : text.split(' ').map(Number);
  } catch {
    return [];
  }
}

/** Waits for the single child a launcher (unshare --fork, nsenter --pid) forks. */
export async function waitForChild(parent: ProcRef, timeoutMs: number): Promise<ProcRef> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [pid] = childPids(parent.pid);
    const ref = pid === undefined ? undefined : refOf(pid);
    if (ref) return ref;
    if (!isAlive(parent) || Date.now() > deadline) {
      throw new Error(`process ${parent.pid} exited or forked no child within ${timeoutMs} ms`);
    }
    await sleep(10);
  }
}
