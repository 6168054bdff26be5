// Removes a lab: its processes (by PID + start time), links, namespaces, bridges, the /run/netns
// mount and its temp dir. One path for down(), `cli.ts down` and a stale lab found at start.
import { rm } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { run } from './command.js';
import { BRIDGE_PREFIX, deleteLink, deleteNetns, listLabLinks, listLabNetns, releaseRunNetns } from './netns.js';
import { isAlive, parentPid, refOf, signalRef, waitGone, type ProcRef } from './proc.js';
import { labProcesses, removeState, type LabState } from './state.js';

export const LAB_DIR_PREFIX = 'runbook-lab-';

/**
 * SIGKILL, children before parents: each host's sshd is PID 1 of its PID namespace, so the
 * kernel kills everything else in it too (sessions, mysqld); its launcher (unshare, nsenter)
 * then reaps it and exits. Killing a launcher first would orphan its child to the machine's
 * PID 1, which may never reap it (a zombie for good). Launchers that linger are killed last.
 */
async function killAll(refs: readonly ProcRef[]): Promise<void> {
  // A stopped launcher (nsenter stops with its child, as in mysql-hung) cannot reap: resume all.
  refs.forEach((ref) => signalRef(ref, 'SIGCONT'));
  const pids = new Set(refs.map((ref) => ref.pid));
  const isChild = (ref: ProcRef): boolean => pids.has(parentPid(ref) ?? -1);
  const children = refs.filter(isChild);
  children.forEach((ref) => signalRef(ref, 'SIGKILL'));
  if (children.length > 0 && (await waitGone(refs, 3000))) return;
  refs.forEach((ref) => signalRef(ref, 'SIGKILL'));
  if (!(await waitGone(refs, 10_000))) {
    throw new Error(`lab processes survived SIGKILL: ${refs.filter(isAlive).map((ref) => ref.pid).join(' ')}`);
  }
}

/**
 * Processes still inside a lab namespace can only be the lab's (recorded or not, e.g. started
 * just before a crash); they are identified by PID + start time read now, then killed.
 */
async function killNamespaceMembers(netns: string): Promise<void> {
  const pids = await run('ip', ['netns', 'pids', netns], { allowFailure: true });
  const refs = pids.stdout.split('\n').filter(Boolean).map(Number).map(refOf)
    .filter((ref): ref is ProcRef => ref !== undefined);
  await killAll(refs);
}

/** Removes every lab-named namespace and link, recorded or not (the names are ours alone). */
export async function sweepLabNetworking(): Promise<void> {
  const namespaces = listLabNetns();
  for (const netns of namespaces) await killNamespaceMembers(netns);
  // veths first: a bridge going away with ports attached would just detach them anyway.
  const links = listLabLinks();
  for (const link of links.filter((name) => !name.startsWith(BRIDGE_PREFIX))) await deleteLink(link);
  for (const netns of namespaces) await deleteNetns(netns);
  for (const link of links.filter((name) => name.startsWith(BRIDGE_PREFIX))) await deleteLink(link);
}

/**
 * Refuses anything but a lab temp dir (mkdtemp's six characters after the prefix), so that a
 * damaged record cannot aim rm -rf elsewhere. An empty dir: the lab crashed before making one.
 */
async function removeLabDir(dir: string): Promise<void> {
  if (dir === '') return;
  if (!isAbsolute(dir) || !new RegExp(`^${LAB_DIR_PREFIX}[A-Za-z0-9]{6}$`).test(basename(dir))) {
    throw new Error(`refusing to remove ${dir}: not a lab temp dir`);
  }
  await rm(dir, { recursive: true, force: true });
}

export async function teardown(state: LabState | null): Promise<void> {
  if (state) await killAll(labProcesses(state));
  await sweepLabNetworking();
  if (state) {
    await releaseRunNetns(state.runNetnsWasMount);
    await removeLabDir(state.dir);
  }
  removeState();
}
