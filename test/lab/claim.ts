// Ownership of the one lab a machine can hold (fixed names and IPs): a lab still in use makes
// startLab wait (up to waitMs) and then fail loudly; a lab left by a crashed or killed run is
// removed first.
import { setTimeout as sleep } from 'node:timers/promises';
import { claimState, labInUse, loadState, type LabState } from './state.js';
import { sweepLabNetworking, teardown } from './teardown.js';

export class LabBusyError extends Error {
  constructor(state: LabState) {
    const who = state.persistent ? 'a lab started by `cli.ts up`' : `the lab of process ${state.owner.pid}`;
    super(`${who} is running (dir ${state.dir}); stop it with \`npx tsx test/lab/cli.ts down\` or let it finish`);
    this.name = 'LabBusyError';
  }
}

/** Claims the record for `fresh`; busy labs are polled until waitMs has passed. */
export async function claimLab(fresh: LabState, waitMs: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + waitMs;
  let said = false;
  for (;;) {
    if (claimState(fresh)) {
      // Names left without any record (state file deleted by hand) are still ours: sweep them.
      await sweepLabNetworking();
      return;
    }
    const existing = loadState();
    if (existing !== null && existing !== 'corrupt' && labInUse(existing)) {
      if (Date.now() > deadline) throw new LabBusyError(existing);
      if (!said) log(`runbook lab: waiting for the lab of process ${existing.owner.pid} to finish`);
      said = true;
      await sleep(500);
      continue;
    }
    const owner = existing !== null && existing !== 'corrupt' ? `process ${existing.owner.pid}` : 'an unreadable record';
    if (existing !== null) log(`runbook lab: removing a stale lab left by ${owner}`);
    await teardown(existing === 'corrupt' ? null : existing);
  }
}
