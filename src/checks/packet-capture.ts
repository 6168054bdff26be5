// The `packet_capture:` check, the "prove it" step: tcpdump on this host while a trigger command
// runs on another, then the packets themselves. tcpdump sees a SYN even when nftables drops it
// (capture comes before the input hook), so the reply to the SYN is what tells the faults apart.
import shellQuote from 'shell-quote';
import { failed, ok, type Result } from '../model/result.js';
import type { CommandOutcome, RunningCommand } from '../transport/types.js';
import { firstLine, missingProgram, notFoundProgram } from './probes/attempts.js';
import { defineCheckKind } from './probes/define-kind.js';
import { durationSchema, isIpLiteral, isPending, resolveDuration, ROLE_SCHEMA, seconds } from './probes/values.js';
import type { CommandStep, Observation, ObserveContext, Probe, ProbeSettings } from './types.js';
import { escapeRegExp } from '../model/regexp.js';

// tcpdump -n lines (`... IP 10.200.0.216.45678 > 10.200.0.82.3306: Flags [S], ...`) read as packets
// between a client and a server. The reply to the client's SYN is the proof: [S.] someone accepts,
// [R.] nobody listens there, nothing (only retransmitted SYNs) a firewall drops it (LAB-NOTES 8).
export interface Packet {
  readonly line: string;
  readonly from: string;
  readonly fromPort: string;
  readonly to: string;
  readonly toPort: string;
  /** tcpdump's flag letters: S, S., R, R., P., F., "." */
  readonly flags: string;
}

export type Reply = 'syn-ack' | 'rst' | 'none';

/** Addresses end in .PORT; greedy matching leaves the last dot-number as the port (IPv6 has colons). */
const PACKET = /\bIP6? (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\]/;
const ANY_PACKET = /\bIP6? \S+ > \S+:/;

export const parsePackets = (stdout: string): { packets: Packet[]; lines: string[] } => {
  const lines = stdout.split('\n').map((line) => line.trimEnd()).filter((line) => ANY_PACKET.test(line));
  const packets = lines.flatMap((line) => {
    const match = PACKET.exec(line);
    return match ? [{ line, from: match[1]!, fromPort: match[2]!, to: match[3]!, toPort: match[4]!, flags: match[5]! }] : [];
  });
  return { packets, lines };
};

/** The answer to the SYN at `syn`, on that SYN's own connection (its port), if the capture holds one. */
const answerTo = (packets: readonly Packet[], syn: number, client: string): Reply => {
  const { fromPort, to: server, toPort } = packets[syn]!;
  const answer = packets.slice(syn + 1).find((packet) =>
    packet.to === client && packet.toPort === fromPort && packet.from === server && packet.fromPort === toPort && (packet.flags.includes('S') || packet.flags.includes('R')));
  if (!answer) return 'none';
  return answer.flags.includes('R') ? 'rst' : 'syn-ack';
};

/**
 * The server's answer to the client's connections that start in the capture, each judged on its
 * own port: `syn-ack` when it accepted any, else `rst` when it refused any, else `none`. The
 * client may open other connections to the same port while the trigger's runs (the app's own,
 * another check's login), and tcpdump cannot tell which one is the trigger's: the first SYN is not
 * always it (a CI run judged a login's SYN, sent a moment before the trigger's and left unanswered
 * in the capture, while the trigger's got its SYN-ACK). One connection accepted proves the server
 * sees and accepts the client; a firewall that drops or rejects the SYNs does so to all of them.
 */
export const replyTo = (packets: readonly Packet[], client: string): Reply => {
  const judged = new Set<string>();
  const replies = new Set<Reply>();
  packets.forEach((packet, index) => {
    // A retransmitted SYN belongs to the connection its first SYN started: judged once, from there.
    const connection = `${packet.fromPort} ${packet.to}.${packet.toPort}`;
    if (packet.from !== client || packet.flags !== 'S' || judged.has(connection)) return;
    judged.add(connection);
    replies.add(answerTo(packets, index, client));
  });
  return replies.has('syn-ack') ? 'syn-ack' : replies.has('rst') ? 'rst' : 'none';
};

/** A packet to the client that answers a SYN, for waiting on tcpdump's output. */
export const replyPattern = (client: string): RegExp =>
  new RegExp(`> ${escapeRegExp(client)}\\.\\d+: Flags \\[(S\\.|R\\.?)\\]`);

/**
 * Output holding the client's first SYN and `count - 1` retransmissions of it (the same source
 * port): the first of the connections replyTo judges.
 */
export const synPattern = (client: string, count: number): RegExp => {
  const syn = (port: string) => `IP6? ${escapeRegExp(client)}\\.${port} > \\S+: Flags \\[S\\]`;
  return new RegExp(`^(?:(?!${syn('\\d+')})[^])*${syn('(\\d+)')}(?:[^]*?${syn('\\1\\b')}){${count - 1}}`);
};

export const captureFields = (stdout: string, client: string) => {
  const { packets, lines } = parsePackets(stdout);
  return {
    packets: lines.length,
    client_packets: packets.filter((packet) => packet.from === client).length,
    server_packets: packets.filter((packet) => packet.to === client).length,
    reply: replyTo(packets, client),
    lines: lines.join('\n'),
  };
};

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
/**
 * How long after the client's SYN reached us a reply may still be on its way. The capture host
 * answers a SYN (or resets it) in the instant it arrives, and tcpdump prints both lines together;
 * only their way to this process can lag. So the wait counts from the last SYN of the client's
 * first connection in the capture: after a trigger that waited out its own timeout (dropped SYNs),
 * none is left.
 */
const REPLY_GRACE_MS = 1000;
/**
 * How long the client's first SYN may go unanswered in the capture before the trigger is stopped.
 * The capture host answers a SYN in the instant it arrives (REPLY_GRACE_MS), and a client sends
 * its first retransmission 1 s after the SYN (Linux's initial retransmission timeout): 1.5 s holds
 * that retransmission and its answer. Waiting out the trigger's own bound instead (the shipped
 * runbook's `nc -w 2`) told nothing more and kept a port-filtered run waiting for it.
 */
const UNANSWERED_MS = 1500;

interface Capture {
  readonly filter: string;
  readonly client: string;
  readonly iface: string;
  readonly durationMs: number;
  readonly packets: number;
}

/** The capture, and the trigger that runs on another host while it listens. */
interface Steps {
  readonly settings: Capture;
  readonly capture: CommandStep;
  readonly trigger: CommandStep & { readonly host: string };
}

/**
 * --immediate-mode: each packet is printed when it arrives, not when a buffer fills. `timeout` bounds
 * a quiet capture; --foreground keeps it in the transport's process group (plain `timeout` makes a
 * group of its own, which stop() would not reach: the capture then ran to its full duration).
 */
const tcpdumpScript = ({ filter, iface, durationMs: ms, packets }: Capture): string =>
  `timeout --foreground ${seconds(ms)} tcpdump -n -l --immediate-mode -i ${shellQuote.quote([iface])} -c ${packets} ${shellQuote.quote([filter])}`;

const captureOf = (spec: PacketCaptureSpec, { resolve }: ProbeSettings): Result<Capture> => {
  const filter = resolve.value(spec.filter).trim();
  const client = resolve.value(spec.client).trim();
  const iface = resolve.value(spec.interface ?? 'any').trim();
  if (filter === '' || [...filter].some((char) => char < ' ')) return failed(`filter must be one line of BPF, got ${JSON.stringify(filter)}`);
  if (!isIpLiteral(client) && !isPending(client)) return failed(`client must be the IP address tcpdump -n prints for the initiating host, got ${JSON.stringify(client)}`);
  if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(iface)) return failed(`interface must be an interface name or "any", got ${JSON.stringify(iface)}`);
  const duration = resolveDuration(spec.duration, resolve, DEFAULT_DURATION_MS, 'duration');
  if (!duration.ok) return duration;
  return ok({ filter, client, iface, durationMs: duration.value, packets: spec.packets ?? DEFAULT_PACKETS });
};

const probe = (spec: PacketCaptureSpec, settings: ProbeSettings): Result<Probe<Steps>> => {
  const capture = captureOf(spec, settings);
  if (!capture.ok) return capture;
  const steps: Steps = {
    settings: capture.value,
    capture: { type: 'command', tool: 'tcpdump', label: 'tcpdump', script: tcpdumpScript(capture.value) },
    trigger: { type: 'command', host: spec.trigger.on, order: 'alongside', tool: 'the trigger', label: 'the trigger', script: settings.resolve.shell(spec.trigger.run) },
  };
  return ok({ target: steps, steps: [steps.capture, steps.trigger] });
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

/**
 * Notes when the client's first SYN, and each retransmission of it, reaches us in the capture's
 * output, until `done` settles: the time of the last one, or undefined when none came.
 */
const lastSynArrival = (capture: RunningCommand, client: string, done: Promise<unknown>, timeoutMs: number): (() => number | undefined) => {
  let last: number | undefined;
  let finished = false;
  void done.finally(() => (finished = true));
  const watch = async (count: number): Promise<void> => {
    while (!finished && (await capture.waitForOutput('stdout', synPattern(client, count), timeoutMs))) {
      last = performance.now();
      count += 1;
    }
  };
  void watch(1);
  return () => last;
};

/**
 * True once the client's first SYN has been in the capture for UNANSWERED_MS with no answer to
 * any connection of the client; false when an answer came, or no SYN while the capture ran.
 */
const synUnanswered = async (capture: RunningCommand, client: string, timeoutMs: number): Promise<boolean> =>
  (await capture.waitForOutput('stdout', synPattern(client, 1), timeoutMs))
  && !(await capture.waitForOutput('stdout', replyPattern(client), UNANSWERED_MS));

const triggerNote = (outcome: CommandOutcome, host: string): string =>
  outcome.termination === 'stopped'
    ? `trigger on ${host} stopped: the client's SYN went ${seconds(UNANSWERED_MS)} s without an answer`
    : `trigger on ${host} exited ${String(outcome.exitCode)}${outcome.stderr.trim() ? `: ${firstLine(outcome.stderr)}` : ''}`;

const runTrigger = async (capture: RunningCommand, triggerRun: RunningCommand, { settings, trigger: step }: Steps, startedAt: number) => {
  const lastSyn = lastSynArrival(capture, settings.client, triggerRun.result, settings.durationMs);
  const unanswered = synUnanswered(capture, settings.client, settings.durationMs);
  const unansweredFirst = await Promise.race([triggerRun.result.then(() => false), unanswered]);
  if (unansweredFirst) await triggerRun.stop();
  const trigger = await triggerRun.result;
  const problem = triggerProblem(trigger, step.host);
  if (problem) return { problem };
  // Stopped for a SYN unanswered that long, no answer is on its way: the capture ends at once.
  if (unansweredFirst) return { note: triggerNote(trigger, step.host) };
  // The reply is usually printed by now; else wait a little (see REPLY_GRACE_MS), never past tcpdump's own end.
  const now = performance.now();
  const synAt = lastSyn();
  const grace = REPLY_GRACE_MS - (synAt === undefined ? 0 : now - synAt);
  const left = settings.durationMs - (now - startedAt);
  if (left > 0 && grace > 0) await capture.waitForOutput('stdout', replyPattern(settings.client), Math.min(grace, left));
  return { note: triggerNote(trigger, step.host) };
};

const observe = async ({ target: steps }: Probe<Steps>, context: ObserveContext): Promise<Observation> => {
  const { settings } = steps;
  const startedAt = performance.now();
  const capture = context.start(steps.capture.script);
  const listening = capture.waitForOutput('stderr', /listening on/, settings.durationMs);
  // Held until tcpdump listens, the trigger gets ready on its host meanwhile (over SSH its channel
  // and shells): on the release only its own command is left to start, a few ms, where opening a
  // channel took 50-200 ms on a busy host, all of it added to the capture. Never released, it runs nothing.
  const triggerRun = context.start(steps.trigger.script, { host: steps.trigger.host, heldUntil: listening });
  let triggered: Awaited<ReturnType<typeof runTrigger>> | undefined;
  try {
    if (await listening) triggered = await runTrigger(capture, triggerRun, steps, startedAt);
  } finally {
    await capture.stop();
  }
  const outcome = await capture.result;
  if (!triggered) return notStarted(outcome, context.host);
  if (triggered.problem) return triggered.problem;
  return { fields: captureFields(outcome.stdout, settings.client), notes: [triggered.note] };
};

export const packetCapture = defineCheckKind({
  name: 'packet-capture',
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
        description: 'the command that makes the traffic, run on another host while the capture listens, e.g. { on: client, run: "nc -z db 3306" }',
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
  roleFields: [['trigger', 'on']],
  shellFields: [['trigger', 'run']],
  probe,
  observe,
});
