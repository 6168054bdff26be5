// The `port_scan:` check: nmap's verdict on one TCP port of HOST, seen from this host. It names
// "filtered" (a firewall drops the probe) apart from "closed" (RST), which a plain client cannot.
import { ok, type Result } from '../model/result.js';
import type { CommandOutcome } from '../transport/types.js';
import { type Attempt, firstLine, observed, type Reading, tryInOrder } from './probes/attempts.js';
import { withinCheck } from './probes/deadline.js';
import { defineCheckKind } from './probes/define-kind.js';
import { durationSchema, type HostPortSpec, type HostPortTarget, hostSchema, portSchema, resolveHostPort, shellWord } from './probes/values.js';
import type { Probe, ProbeSettings } from './types.js';

// nmap's normal output for one TCP port. Only the port line counts: on a directly connected
// segment nmap finds the host by ARP and says "Host is up" even when every probe is dropped.
export interface ScanResult {
  /** open, closed, filtered, unfiltered, open|filtered, closed|filtered, or host-down. */
  readonly state: string;
  readonly hostUp: boolean;
}

export const readNmap = (outcome: CommandOutcome, port: number | string): Reading<ScanResult> => {
  const text = `${outcome.stdout}\n${outcome.stderr}`;
  const portLine = new RegExp(`^${port}/tcp\\s+(\\S+)`, 'm').exec(outcome.stdout);
  const hostUp = /^Host is up/m.test(outcome.stdout);
  if (portLine?.[1] !== undefined) return { ok: true, value: { state: portLine[1], hostUp } };
  // An unresolvable name also ends in "(0 hosts up)": it is not a host that is down.
  const unresolved = /Failed to resolve.*/.exec(text);
  if (unresolved) return { ok: false, error: `nmap cannot resolve the host: ${unresolved[0].trim()}` };
  if (/Host seems down|\(0 hosts up\)/.test(text) && !/host timeout/.test(text)) return { ok: true, value: { state: 'host-down', hostUp: false } };
  if (/due to host timeout/.test(text)) return { ok: false, error: 'nmap gave up on the host (its host timeout passed before the port was scanned); raise timeout' };
  return { ok: false, error: `nmap gave no port state (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || firstLine(outcome.stdout) || 'no output'}` };
};

export type PortScanSpec = HostPortSpec;

const DEFAULT_TIMEOUT_MS = 5000;

/** -n: no reverse DNS (LAB-NOTES 6: 13 s per scan on a dead resolver). -PS: a SYN to the port itself finds the host. */
const nmapScript = ({ host, port, timeoutMs }: HostPortTarget): string =>
  `nmap -n -PS${port} -p${port} --max-retries 1 --host-timeout ${timeoutMs}ms ${shellWord(host)}`;

const probe = (spec: PortScanSpec, { resolve, timeoutMs }: ProbeSettings): Result<Probe<Attempt<ScanResult>[]>> => {
  const resolved = resolveHostPort(spec, resolve, DEFAULT_TIMEOUT_MS);
  if (!resolved.ok) return resolved;
  const target = { ...resolved.value, timeoutMs: withinCheck(resolved.value.timeoutMs, timeoutMs) };
  const attempts: Attempt<ScanResult>[] = [{ type: 'command', tool: 'nmap', label: 'nmap', script: nmapScript(target), read: (outcome) => readNmap(outcome, target.port) }];
  return ok({ target: attempts, steps: attempts });
};

export const portScan = defineCheckKind({
  name: 'port-scan',
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
  probe,
  observe: async ({ target: attempts }, context) =>
    observed(await tryInOrder(context, attempts), ({ value }) => ({ state: value.state, host_up: value.hostUp ? 'yes' : 'no' })),
});
