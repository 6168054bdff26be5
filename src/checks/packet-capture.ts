// The `packet_capture:` check, the "prove it" step: tcpdump on this host while a trigger command
// runs on another, then the packets themselves. tcpdump sees a SYN even when nftables drops it
// (capture comes before the input hook), so the reply to the SYN is what tells the faults apart.
import shellQuote from 'shell-quote';
import type { CommandOutcome, RunningCommand } from '../transport/types.js';
import type { CheckKind, ObserveContext, Observation, TemplateResolver } from './types.js';
import { firstLine, missingProgram, notFoundProgram } from './probes/attempts.js';
import { captureFields, replyPattern } from './probes/tcpdump-output.js';
import { durationMs, durationSchema, isIpLiteral, ROLE_SCHEMA, seconds } from './probes/values.js';

export interface PacketCaptureSpec {
  readonly filter: string;
  readonly client: string;
  readonly interface?: string;
  readonly duration?: string | number;
  readonly packets?: number;
  readonly trigger: { readonly on: string; readonly run: string };
}

const DEFAULT_DURATION_MS = 3000;
const DEFAULT_PACKETS = 10;
/** After the trigger, how long a reply may still take to be printed. */
const REPLY_GRACE_MS = 1000;

interface Capture {
  readonly filter: string;
  readonly client: string;
  readonly iface: string;
  readonly durationMs: number;
  readonly packets: number;
}

/**
 * --immediate-mode: each packet is printed when it arrives, not when a buffer fills. `timeout` bounds
 * a quiet capture; --foreground keeps it in the transport's process group (plain `timeout` makes a
 * group of its own, which stop() would not reach: the capture then ran to its full duration).
 */
const tcpdumpScript = ({ filter, iface, durationMs: ms, packets }: Capture): string =>
  `timeout --foreground ${seconds(ms)} tcpdump -n -l --immediate-mode -i ${shellQuote.quote([iface])} -c ${packets} ${shellQuote.quote([filter])}`;

const captureOf = (spec: PacketCaptureSpec, resolve: TemplateResolver): Capture | { error: string } => {
  const filter = resolve.value(spec.filter).trim();
  const client = resolve.value(spec.client).trim();
  const iface = resolve.value(spec.interface ?? 'any').trim();
  if (filter === '' || [...filter].some((char) => char < ' ')) return { error: `filter must be one line of BPF, got ${JSON.stringify(filter)}` };
  if (!isIpLiteral(client)) return { error: `client must be the IP address tcpdump -n prints for the initiating host, got ${JSON.stringify(client)}` };
  if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(iface)) return { error: `interface must be an interface name or "any", got ${JSON.stringify(iface)}` };
  return { filter, client, iface, durationMs: durationMs(spec.duration, DEFAULT_DURATION_MS), packets: spec.packets ?? DEFAULT_PACKETS };
};

const notStarted = (outcome: CommandOutcome, host: string): Observation => {
  if (outcome.exitCode === 127) {
    const tool = missingProgram(outcome, 'tcpdump', ['timeout']);
    return { fields: {}, error: `${tool} not installed on ${host}`, missingTools: [{ tool, host }] };
  }
  const why = firstLine(outcome.stderr) || `exit ${String(outcome.exitCode)}`;
  return { fields: {}, error: `tcpdump did not start listening on ${host}: ${why}` };
};

/** A trigger that could not run sent nothing: that is no evidence against the network. */
const triggerProblem = (outcome: CommandOutcome, role: string): Observation | undefined => {
  if (outcome.exitCode !== 127 && outcome.exitCode !== 126) return undefined;
  const tool = notFoundProgram(outcome.stderr);
  const error = `the trigger could not run on ${role}: ${tool && outcome.exitCode === 127 ? `${tool} not installed` : firstLine(outcome.stderr)}`;
  return { fields: {}, error, ...(tool && outcome.exitCode === 127 ? { missingTools: [{ tool, host: role }] } : {}) };
};

const runTrigger = async (capture: RunningCommand, settings: Capture, spec: PacketCaptureSpec, context: ObserveContext, startedAt: number) => {
  const trigger = await context.run(context.resolve.shell(spec.trigger.run), { host: spec.trigger.on });
  const problem = triggerProblem(trigger, spec.trigger.on);
  if (problem) return { problem };
  // The reply is usually printed by now; else wait a little, never past tcpdump's own end.
  const left = settings.durationMs - (performance.now() - startedAt);
  if (left > 0) await capture.waitForOutput('stdout', replyPattern(settings.client), Math.min(REPLY_GRACE_MS, left));
  const note = `trigger on ${spec.trigger.on} exited ${String(trigger.exitCode)}${trigger.stderr.trim() ? `: ${firstLine(trigger.stderr)}` : ''}`;
  return { note };
};

const observe = async (spec: PacketCaptureSpec, context: ObserveContext): Promise<Observation> => {
  const settings = captureOf(spec, context.resolve);
  if ('error' in settings) return { fields: {}, error: settings.error };
  const startedAt = performance.now();
  const capture = context.start(tcpdumpScript(settings));
  let triggered: Awaited<ReturnType<typeof runTrigger>> | undefined;
  try {
    if (await capture.waitForOutput('stderr', /listening on/, settings.durationMs)) {
      triggered = await runTrigger(capture, settings, spec, context, startedAt);
    }
  } finally {
    await capture.stop();
  }
  const outcome = await capture.result;
  if (!triggered) return notStarted(outcome, context.host);
  if (triggered.problem) return triggered.problem;
  return { fields: captureFields(outcome.stdout, settings.client), notes: [triggered.note] };
};

export const packetCapture: CheckKind<PacketCaptureSpec> = {
  name: 'packet-capture',
  key: 'packet_capture',
  summary: 'captures packets with tcpdump on the host while a trigger command runs on another host',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['filter', 'client', 'trigger'],
    properties: {
      filter: { type: 'string', minLength: 1, description: 'a tcpdump (BPF) filter, e.g. "host ${vars.app_ip} and port ${vars.port}"' },
      client: { type: 'string', minLength: 1, description: 'the IP address of the host that opens the connection' },
      interface: { type: 'string', minLength: 1, description: 'the interface to capture on (default any)' },
      duration: durationSchema('3s'),
      packets: { type: 'integer', minimum: 1, maximum: 1000, description: 'stop after this many packets (default 10)' },
      trigger: {
        type: 'object',
        additionalProperties: false,
        required: ['on', 'run'],
        properties: {
          on: ROLE_SCHEMA,
          run: { type: 'string', minLength: 1, description: 'a shell command line that makes the traffic, e.g. "nc -vz -w2 ${vars.db_ip} 3306"' },
        },
      },
    },
  },
  fields: { packets: 'number', client_packets: 'number', server_packets: 'number', reply: 'text', lines: 'text' },
  defaultExpect: { client_packets: { ge: 1 } },
  // Also asked of a spec that failed the schema (to report every unknown role at once): no trust.
  otherHosts: (spec) => {
    const on = (spec as { trigger?: { on?: unknown } } | null)?.trigger?.on;
    return typeof on === 'string' ? [on] : [];
  },
  describe: (spec, resolve) => {
    const settings = captureOf(spec, resolve);
    const capture = 'error' in settings ? `tcpdump -n -l -i ${spec.interface ?? 'any'} ${resolve.value(spec.filter)}` : tcpdumpScript(settings);
    return `${capture}; while it runs, on ${spec.trigger.on}: ${resolve.shell(spec.trigger.run)}`;
  },
  observe,
};
