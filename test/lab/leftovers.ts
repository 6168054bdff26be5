// What a lab could leave behind, looked up on the machine itself rather than in the lab's
// record, so that a test can prove teardown removed everything the lab made.
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { listLabLinks, listLabNetns } from './netns.js';
import { isAlive, refOf, type ProcRef } from './proc.js';
import { loadState, STATE_DIR } from './state.js';

export interface Leftovers {
  netns: string[];
  links: string[];
  processes: number[];
  mounts: string[];
  dirs: string[];
  stateFiles: string[];
}

/** Every process now inside one of the lab's network namespaces (launchers included). */
export function labNamespaceProcesses(): ProcRef[] {
  const inodes = new Set(listLabNetns().map((name) => `net:[${statSync(`/run/netns/${name}`).ino}]`));
  const refs: ProcRef[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${entry}/ns/net`);
    } catch {
      continue; // exited meanwhile
    }
    const ref = inodes.has(link) ? refOf(Number(entry)) : undefined;
    if (ref) refs.push(ref);
  }
  return refs;
}

/**
 * What is left of the lab that used `labDir`: its processes (by PID + start time), its dir and
 * record, and anything lab-named on the machine (namespaces, links, mounts in the root
 * namespace). Run it right after down(): a lab started by another process a moment later
 * would own lab-named things again.
 */
export function findLeftovers(labDir: string, processes: readonly ProcRef[], runNetnsWasMount: boolean): Leftovers {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => {
    const mountPoint = line.split(' ')[4] ?? '';
    return line.includes(labDir) || line.includes('lab-run') || line.includes('lab-mysql')
      || mountPoint.startsWith('/run/netns/') || (!runNetnsWasMount && mountPoint === '/run/netns');
  });
  const state = loadState();
  return {
    netns: listLabNetns(),
    links: listLabLinks(),
    processes: processes.filter(isAlive).map((ref) => ref.pid),
    mounts,
    dirs: existsSync(labDir) ? [labDir] : [],
    stateFiles: [
      ...(state !== null && state !== 'corrupt' && state.dir === labDir ? ['state.json'] : []),
      ...(existsSync(STATE_DIR) ? readdirSync(STATE_DIR).filter((name) => name.endsWith('.tmp')) : []),
    ],
  };
}

export const NOTHING_LEFT: Leftovers = { netns: [], links: [], processes: [], mounts: [], dirs: [], stateFiles: [] };
