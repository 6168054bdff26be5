// What a TCP connect attempt ended in, read from netcat-openbsd's or bash's own words: the SYN was
// answered (open), refused with RST, met silence until the timeout (filtered), or had no route.
import type { CommandOutcome } from '../../transport/types.js';
import { firstLine, type Reading } from './attempts.js';

export type ConnectState = 'open' | 'refused' | 'filtered' | 'unreachable';

const UNREACHABLE = /No route to host|Network is unreachable|Host is unreachable|Cannot assign requested address/i;
const UNRESOLVED = /getaddrinfo|Name or service not known|Temporary failure in name resolution|No address associated|nodename nor servname/i;

const classify = (stderr: string): ConnectState | undefined => {
  if (/refused/i.test(stderr)) return 'refused';
  if (/timed out/i.test(stderr)) return 'filtered';
  if (UNREACHABLE.test(stderr)) return 'unreachable';
  return undefined;
};

/** `nc -vz -w N HOST PORT`: rc 0 "succeeded!"; rc 1 "connect to ... failed: Connection refused" / "timed out". */
export const readNc = (outcome: CommandOutcome): Reading<ConnectState> => {
  if (outcome.exitCode === 0) return { ok: true, value: 'open' };
  if (UNRESOLVED.test(outcome.stderr)) return { ok: false, error: `cannot resolve the host: ${firstLine(outcome.stderr)}` };
  const state = classify(outcome.stderr);
  return state ? { ok: true, value: state } : { ok: false, error: `nc failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || 'no message'}` };
};

/** `timeout S bash -c 'exec 3<>/dev/tcp/HOST/PORT'`: rc 124 is coreutils' "timed out". */
export const readDevTcp = (outcome: CommandOutcome): Reading<ConnectState> => {
  if (outcome.exitCode === 0) return { ok: true, value: 'open' };
  if (outcome.exitCode === 124) return { ok: true, value: 'filtered' };
  if (UNRESOLVED.test(outcome.stderr)) return { ok: false, error: `cannot resolve the host: ${firstLine(outcome.stderr)}` };
  const state = classify(outcome.stderr);
  return state ? { ok: true, value: state } : { ok: false, error: `bash /dev/tcp failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || 'no message'}` };
};
