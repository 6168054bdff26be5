// One transport per host for the whole run: the local one for `local` roles, SSH connections for
// the rest (shared by every role and file that names the same destination), all closed at the end.
import type { HostSpec } from '../model/runbook.js';
import { LocalTransport } from '../transport/local.js';
import type { Transport } from '../transport/types.js';

export interface TransportSet {
  forHost(spec: HostSpec | undefined): Transport;
  close(): Promise<void>;
}

/** Until the SSH transport is wired in, remote roles answer every command with a clear error. */
const unavailable = (role: string): Transport => ({
  description: role,
  start: () => {
    const outcome = { exitCode: null, signal: null, stdout: '', stderr: '', durationMs: 0, transportError: { code: 'NO_TRANSPORT', message: `${role}: remote hosts are not supported by this build` } };
    return { result: Promise.resolve(outcome), waitForOutput: () => Promise.resolve(false), stop: () => Promise.resolve() };
  },
  close: () => Promise.resolve(),
});

export const createTransports = (): TransportSet => {
  const local = new LocalTransport();
  return {
    forHost: (spec) => {
      if (spec === undefined || spec.kind === 'local') return local;
      return unavailable(spec.role);
    },
    close: () => local.close(),
  };
};
