// The lab's entry points for tests and cli.ts: start the one lab a machine can hold (removing a
// stale one first, waiting for a busy one), or attach to the lab another process started.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLab } from './build.js';
import { claimLab } from './claim.js';
import { LabHandle } from './handle.js';
import { clientKeyPaths } from './keys.js';
import type { Lab } from './lab-api.js';
import { refOf } from './proc.js';
import { labInUse, loadState, saveState, type LabContext, type LabState } from './state.js';
import { LAB_DIR_PREFIX, teardown } from './teardown.js';

export type { ExecResult, Lab, LabHost } from './lab-api.js';
export type { Scenario } from './faults.js';
export { SCENARIOS } from './faults.js';

export interface StartOptions {
  /** For cli.ts up: the lab outlives this process. */
  persistent?: boolean;
  /** How long to wait for another process's lab to be taken down before failing (default 0). */
  waitMs?: number;
  /** Where notes such as "removing a stale lab" go; stderr by default. */
  log?: (line: string) => void;
}

function contextFor(state: LabState): { ctx: LabContext; closed: { value: boolean } } {
  // Once down, nothing may write the record again: it would resurrect a lab that is gone.
  const closed = { value: false };
  return { ctx: { state, save: () => { if (!closed.value) saveState(state); } }, closed };
}

/** The record claimed first; its temp dir is made only once the claim holds (see startLab). */
function freshState(persistent: boolean): LabState {
  const owner = refOf(process.pid);
  if (!owner) throw new Error('cannot read this process\'s own /proc entry');
  return {
    version: 1, owner, persistent, dir: '', clientKeys: clientKeyPaths(''), clientPublicKeys: [],
    runNetnsWasMount: true, bridges: [], netns: [], links: [], hosts: {},
    scenario: 'healthy', sshOnlyViaBastion: false,
  };
}

/** Starts the lab, removing a stale one first; a lab in use is waited for up to waitMs, then fails. */
export async function startLab(options: StartOptions = {}): Promise<Lab> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const state = freshState(options.persistent ?? false);
  await claimLab(state, options.waitMs ?? 0, log);
  const { ctx, closed } = contextFor(state);
  try {
    // Not before the claim: a lab waiting for its turn leaves no dir behind.
    state.dir = mkdtempSync(join(tmpdir(), LAB_DIR_PREFIX));
    state.clientKeys = clientKeyPaths(state.dir);
    ctx.save();
    await buildLab(ctx);
  } catch (error) {
    closed.value = true;
    await teardown(state).catch((cleanup: unknown) => log(`runbook lab: teardown after failed start: ${String(cleanup)}`));
    throw error;
  }
  return new LabHandle(ctx, closed);
}

/** The running lab recorded in the state dir (for cli.ts in another process), or null. */
export function attachLab(): Lab | null {
  const state = loadState();
  if (state === null || state === 'corrupt' || !labInUse(state)) return null;
  const { ctx, closed } = contextFor(state);
  return new LabHandle(ctx, closed);
}
