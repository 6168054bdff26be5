// The `port_scan:` check: nmap's verdict on one TCP port of HOST, seen from this host. It names
// "filtered" (a firewall drops the probe) apart from "closed" (RST), which a plain client cannot.
import shellQuote from 'shell-quote';
import type { CheckKind, ObserveContext, Observation, TemplateResolver } from './types.js';
import { answered, noAnswer, tryInOrder } from './probes/attempts.js';
import { withinCheck } from './probes/deadline.js';
import { readNmap } from './probes/nmap-output.js';
import { durationMs, durationSchema, hostSchema, portSchema, resolveHostPort, type HostPortSpec, type HostPortTarget } from './probes/values.js';

export type PortScanSpec = HostPortSpec;

const DEFAULT_TIMEOUT_MS = 5000;

/** The port may still be a `${...}` reference when `runbook plan` describes the scan. */
type Target = Omit<HostPortTarget, 'port'> & { readonly port: number | string };

/** -n: no reverse DNS (LAB-NOTES 6: 13 s per scan on a dead resolver). -PS: a SYN to the port itself finds the host. */
const nmapScript = ({ host, port, timeoutMs }: Target): string =>
  `nmap -n -PS${port} -p${port} --max-retries 1 --host-timeout ${timeoutMs}ms ${shellQuote.quote([host])}`;

const targetOf = (spec: PortScanSpec, resolve: TemplateResolver) => resolveHostPort(spec, resolve, DEFAULT_TIMEOUT_MS);

const observe = async (spec: PortScanSpec, context: ObserveContext): Promise<Observation> => {
  const resolved = targetOf(spec, context.resolve);
  if ('error' in resolved) return { fields: {}, error: resolved.error };
  const target = { ...resolved, timeoutMs: withinCheck(resolved.timeoutMs, context.remainingMs()) };
  const result = await tryInOrder(context, [{ tool: 'nmap', label: 'nmap', script: nmapScript(target), read: (outcome) => readNmap(outcome, target.port) }]);
  if ('error' in result) return noAnswer(result);
  return answered(result, { state: result.value.state, host_up: result.value.hostUp ? 'yes' : 'no' });
};

export const portScan: CheckKind<PortScanSpec> = {
  name: 'port-scan',
  key: 'port_scan',
  summary: "scans one TCP port with nmap from the host: open, closed, filtered (only the port's state counts)",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'port'],
    properties: {
      host: hostSchema('the address or name to scan'),
      port: portSchema,
      timeout: durationSchema('5s'),
    },
  },
  fields: { state: 'text', host_up: 'text' },
  defaultExpect: { state: { equals: 'open' } },
  describe: (spec, resolve) =>
    nmapScript({ host: resolve.value(spec.host), port: resolve.value(String(spec.port)), timeoutMs: durationMs(spec.timeout, DEFAULT_TIMEOUT_MS) }),
  observe,
};
