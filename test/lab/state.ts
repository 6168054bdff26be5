// The lab's record of everything it created (names, dirs, PIDs + start times). Each item is
// recorded before it is created, so that teardown works from any process (`cli.ts down`) and a
// lab left behind by a crashed or killed run is found and removed at the next start.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HeldSessions, Scenario } from './faults.js';
import type { ClientKeys } from './keys.js';
import { isAlive, type ProcRef } from './proc.js';

export const STATE_DIR = process.env['RUNBOOK_LAB_STATE_DIR'] ?? '/run/runbook-lab';
const STATE_FILE = join(STATE_DIR, 'state.json');

export interface HostRecord {
  name: string;
  ip: string;
  netns: string;
  veth: string;
  bridge: string;
  /** Per-host files: sshd_config, host key, /root, logs. */
  dir: string;
  hostKeyPub: string;
  /** `unshare` in the controller's PID namespace; it waits for the host's PID 1. */
  launcher?: ProcRef;
  /** sshd, PID 1 of the host's PID namespace, seen from the controller. */
  sshd?: ProcRef;
}

export interface MysqldRecord {
  launcher: ProcRef;
  mysqld: ProcRef;
  args: string[];
}

/** too-many-connections: the process inside db that holds the sessions open. */
export interface HolderRecord {
  /** nsenter in the controller's PID namespace; it waits for the holder. */
  launcher: ProcRef;
  /** hold-connections.sh, in db's PID namespace, seen from the controller. */
  holder: ProcRef;
  held: HeldSessions;
  /** The limit the sessions use up, as it was before, put back on release (null: none). */
  limitBefore: number | null;
}

/** The web and DNS services on db (web-dns.ts). */
export type ServiceName = 'nginx' | 'upstream' | 'dnsmasq' | 'dns-upstream';

export interface ServiceRecord {
  /** nsenter in the controller's PID namespace; it waits for the service. */
  launcher: ProcRef;
  /** The service's main process in db's PID namespace, seen from the controller. */
  process: ProcRef;
  /** What it was started with: restarted only when the scenario wants another. */
  config: string;
}

export interface LabState {
  version: 1;
  owner: ProcRef;
  /** Brought up by `cli.ts up`: outlives its owner and counts as in use while a host lives. */
  persistent: boolean;
  dir: string;
  clientKeys: ClientKeys;
  /** Authorized on every host, including fleet hosts added later by another process. */
  clientPublicKeys: string[];
  /**
   * `ip netns add` turns /run/netns into a mount point; undo that only if we caused it. Set
   * before the lab's first namespace (true until then: nothing of ours to undo).
   */
  runNetnsWasMount: boolean;
  bridges: string[];
  netns: string[];
  links: string[];
  hosts: Record<string, HostRecord>;
  mysqld?: MysqldRecord;
  connectionHolder?: HolderRecord;
  services?: Partial<Record<ServiceName, ServiceRecord>>;
  scenario: Scenario;
  sshOnlyViaBastion: boolean;
}

/** What every lab module that changes the lab gets: the record and a way to persist it. */
export interface LabContext {
  state: LabState;
  save(): void;
}

function serialize(state: LabState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** Atomically creates the state file; false when another lab's state is already there. */
export function claimState(state: LabState): boolean {
  mkdirSync(STATE_DIR, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(STATE_FILE, serialize(state), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Rename over the old file, so a crash mid-write never leaves a half-written record. */
export function saveState(state: LabState): void {
  const temporary = `${STATE_FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, serialize(state), { mode: 0o600 });
  renameSync(temporary, STATE_FILE);
}

/** The recorded lab, null when there is none, 'corrupt' when the file cannot be read as one. */
export function loadState(): LabState | null | 'corrupt' {
  let text: string;
  try {
    text = readFileSync(STATE_FILE, 'utf8');
  } catch {
    return null;
  }
  try {
    const state = JSON.parse(text) as LabState;
    return state.version === 1 ? state : 'corrupt';
  } catch {
    return 'corrupt';
  }
}

export function removeState(): void {
  rmSync(STATE_FILE, { force: true });
}

export function labProcesses(state: LabState): ProcRef[] {
  const refs: ProcRef[] = [];
  for (const host of Object.values(state.hosts)) {
    if (host.sshd) refs.push(host.sshd);
    if (host.launcher) refs.push(host.launcher);
  }
  if (state.mysqld) refs.push(state.mysqld.mysqld, state.mysqld.launcher);
  if (state.connectionHolder) refs.push(state.connectionHolder.holder, state.connectionHolder.launcher);
  for (const service of Object.values(state.services ?? {})) refs.push(service.process, service.launcher);
  return refs;
}

/** A test's lab is in use while its test process lives; a `cli up` lab while any host lives. */
export function labInUse(state: LabState): boolean {
  if (!state.persistent) return isAlive(state.owner);
  return Object.values(state.hosts).some((host) => host.sshd !== undefined && isAlive(host.sshd));
}
