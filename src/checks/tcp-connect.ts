// The `tcp_connect:` check: can this host open a TCP connection to HOST:PORT? It tells open from
// refused (RST: nothing listens there) from filtered (silence: a firewall drops it) from no route.
import { ok, type Result } from '../model/result.js';
import type { Probe, ProbeSettings } from './types.js';
import { inOrder, observed, tryInOrder, type Attempt } from './probes/attempts.js';
import { wholeSecondsWithin, withinCheck } from './probes/deadline.js';
import { defineCheckKind } from './probes/define-kind.js';
import { readDevTcp, readNc, type ConnectState } from './probes/connect-output.js';
import { durationSchema, hostSchema, isIpLiteral, portSchema, resolveHostPort, type HostPortSpec, type HostPortTarget, seconds, shellWord, wholeSeconds } from './probes/values.js';

export type TcpConnectSpec = HostPortSpec;

const DEFAULT_TIMEOUT_MS = 2000;

/** `ncSeconds`: nc's -w when the check's timeout is shorter than the kind's (deadline.ts). */
type Target = HostPortTarget & { readonly ncSeconds?: number };

/** -n (no DNS) only for an address: a name must still be resolved. -w takes whole seconds. */
export const ncScript = ({ host, port, timeoutMs, ncSeconds }: Target): string =>
  `nc -vz${isIpLiteral(host) ? 'n' : ''} -w ${ncSeconds ?? wholeSeconds(timeoutMs)} ${shellWord(host)} ${port}`;

/** --foreground: stays in the transport's process group, so a timeout or interruption ends it too. */
export const devTcpScript = ({ host, port, timeoutMs }: Target): string =>
  `timeout --foreground ${seconds(timeoutMs)} bash -c ${shellWord(`exec 3<>/dev/tcp/${host}/${port}`)}`;

export const connectAttempts = (target: Target): Attempt<ConnectState>[] =>
  inOrder([
    { type: 'command', tool: 'nc', label: 'nc -vz', script: ncScript(target), read: readNc },
    { type: 'command', tool: 'bash', alsoNeeds: ['timeout'], label: 'bash /dev/tcp', script: devTcpScript(target), read: readDevTcp },
  ]);

const probe = (spec: TcpConnectSpec, { resolve, timeoutMs }: ProbeSettings): Result<Probe<Attempt<ConnectState>[]>> => {
  const resolved = resolveHostPort(spec, resolve, DEFAULT_TIMEOUT_MS);
  if (!resolved.ok) return resolved;
  const target = { ...resolved.value, timeoutMs: withinCheck(resolved.value.timeoutMs, timeoutMs), ncSeconds: wholeSecondsWithin(resolved.value.timeoutMs, timeoutMs) };
  const attempts = connectAttempts(target);
  return ok({ target: attempts, steps: attempts });
};

export const tcpConnect = defineCheckKind({
  name: 'tcp-connect',
  summary: 'opens a TCP connection from the host to HOST:PORT: open, refused, filtered or unreachable',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'port'],
    properties: {
      host: hostSchema('the address or name to connect to, e.g. "${vars.db_ip}"'),
      port: portSchema,
      timeout: durationSchema('2s'),
    },
  },
  fields: { state: 'text', tool: 'text', duration_ms: 'number' },
  defaultExpect: { state: { equals: 'open' } },
  probe,
  // Measured on the host (no SSH round trips), a missing nc's attempt included.
  observe: async ({ target: attempts }, context) =>
    observed(await tryInOrder(context, attempts), (answer) => ({ state: answer.value, tool: answer.tool, duration_ms: Math.round(answer.durationMs) })),
});
