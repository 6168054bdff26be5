// The `tcp_connect:` check: can this host open a TCP connection to HOST:PORT? It tells open from
// refused (RST: nothing listens there) from filtered (silence: a firewall drops it) from no route.
import shellQuote from 'shell-quote';
import type { CheckKind, ObserveContext, Observation, TemplateResolver } from './types.js';
import { answered, noAnswer, tryInOrder, type Attempt } from './probes/attempts.js';
import { wholeSecondsWithin, withinCheck } from './probes/deadline.js';
import { readDevTcp, readNc, type ConnectState } from './probes/connect-output.js';
import { durationMs, durationSchema, hostSchema, isIpLiteral, portSchema, resolveHostPort, type HostPortSpec, type HostPortTarget, seconds, wholeSeconds } from './probes/values.js';

export type TcpConnectSpec = HostPortSpec;

const DEFAULT_TIMEOUT_MS = 2000;

/** `ncSeconds`: nc's -w when the check's timeout is shorter than the kind's (deadline.ts). */
type Target = HostPortTarget & { readonly ncSeconds?: number };

/** -n (no DNS) only for an address: a name must still be resolved. -w takes whole seconds. */
export const ncScript = ({ host, port, timeoutMs, ncSeconds }: Target): string =>
  `nc -vz${isIpLiteral(host) ? 'n' : ''} -w ${ncSeconds ?? wholeSeconds(timeoutMs)} ${shellQuote.quote([host])} ${port}`;

/** --foreground: stays in the transport's process group, so a timeout or interruption ends it too. */
export const devTcpScript = ({ host, port, timeoutMs }: Target): string =>
  `timeout --foreground ${seconds(timeoutMs)} bash -c ${shellQuote.quote([`exec 3<>/dev/tcp/${host}/${port}`])}`;

export const connectAttempts = (target: Target): Attempt<ConnectState>[] => [
  { tool: 'nc', label: 'nc -vz', script: ncScript(target), read: readNc },
  { tool: 'bash', alsoNeeds: ['timeout'], label: 'bash /dev/tcp', script: devTcpScript(target), read: readDevTcp },
];

const targetOf = (spec: TcpConnectSpec, resolve: TemplateResolver) => resolveHostPort(spec, resolve, DEFAULT_TIMEOUT_MS);

const observe = async (spec: TcpConnectSpec, context: ObserveContext): Promise<Observation> => {
  const resolved = targetOf(spec, context.resolve);
  if ('error' in resolved) return { fields: {}, error: resolved.error };
  const remainingMs = context.remainingMs();
  const target = { ...resolved, timeoutMs: withinCheck(resolved.timeoutMs, remainingMs), ncSeconds: wholeSecondsWithin(resolved.timeoutMs, remainingMs) };
  const result = await tryInOrder(context, connectAttempts(target));
  if ('error' in result) return noAnswer(result);
  // Measured on the host (no SSH round trips), a missing nc's attempt included.
  return answered(result, { state: result.value, tool: result.tool, duration_ms: Math.round(result.durationMs) });
};

export const tcpConnect: CheckKind<TcpConnectSpec> = {
  name: 'tcp-connect',
  key: 'tcp_connect',
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
  describe: (spec, resolve) => {
    const target = targetOf(spec, resolve);
    return 'error' in target ? `nc -vz -w ${wholeSeconds(durationMs(spec.timeout, DEFAULT_TIMEOUT_MS))} ${resolve.value(spec.host)} ${resolve.value(String(spec.port))}` : ncScript(target);
  },
  observe,
};
