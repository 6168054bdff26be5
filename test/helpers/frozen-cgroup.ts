// A process the kernel holds after KILL, for tests of "gone, not signalled": frozen by the cgroup
// v1 freezer, a process stays (state D) until thawed, KILL or not. So does, for a moment, any
// killed process on a busy host (a CI run read a TERM-deaf sleep as running just after the SSH
// wrapper exited): here the moment is long enough to tell a transport that waits for the group
// to go from one that KILLs and reports at once.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The process's state letter, or undefined once it is gone or a zombie (this machine's init may never reap it). */
export const liveState = (pid: number): string | undefined => {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state === 'Z' ? undefined : state;
  } catch {
    return undefined;
  }
};

/** Root only, and only where the cgroup v1 freezer is mounted. */
export const FREEZER = '/sys/fs/cgroup/freezer';
export const canFreeze = process.getuid?.() === 0 && existsSync(join(FREEZER, 'tasks'));

export interface FrozenCgroup {
  freeze: string;
  /**
   * Thaws `delayMs` after the cgroup is seen frozen, from this process. A thawer the command starts
   * itself (`setsid sh -c 'sleep ...; echo THAWED ...' &`) is in the command's group until setsid
   * runs, and the kill of that group right after the command's exit could end it first.
   */
  thawAfterFrozen: (delayMs: number) => void;
  thaw: () => void;
  /** Thaws, KILLs `pid` if it is still there and removes the cgroup once it is empty. */
  release: (pid: number) => Promise<void>;
}

export function frozenCgroup(): FrozenCgroup {
  const path = join(FREEZER, `rb-test-${process.pid}-${Date.now()}`);
  mkdirSync(path);
  const state = join(path, 'freezer.state');
  let released = false;
  const thaw = (): void => {
    if (existsSync(state)) writeFileSync(state, 'THAWED'); // a delayed thaw may come after release
  };
  return {
    // The last command started in the background (`$!`) joins the cgroup, which freezes.
    freeze: `echo $! >${path}/tasks; echo FROZEN >${state}`,
    thawAfterFrozen: (delayMs) => {
      const look = (): void => {
        if (released) return;
        if (readFileSync(state, 'utf8').trim() === 'FROZEN') setTimeout(thaw, delayMs);
        else setTimeout(look, 10);
      };
      look();
    },
    thaw,
    release: async (pid) => {
      released = true;
      thaw();
      if (liveState(pid)) process.kill(pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 100));
      rmdirSync(path);
    },
  };
}
