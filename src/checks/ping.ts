// The `ping:` check: does HOST answer ICMP echo from this host? A lost ping alone proves little (ICMP
// is often filtered while TCP works); next to a tcp_connect it tells a firewall from a dead host.
import { ok, type Result } from '../model/result.js';
import type { CommandOutcome } from '../transport/types.js';
import { type Attempt, firstLine, observed, type Reading, tryInOrder } from './probes/attempts.js';
import { withinCheck } from './probes/deadline.js';
import { defineCheckKind } from './probes/define-kind.js';
import { durationSchema, hostSchema, resolveDuration, resolveHost, seconds, shellWord } from './probes/values.js';
import type { Probe, ProbeSettings } from './types.js';

// iputils ping's summary: "N packets transmitted, M received, [+E errors,] X% packet loss" and
// "rtt min/avg/max/mdev = a/b/c/d ms" (absent when nothing came back).
export interface PingSummary {
  readonly sent: number;
  readonly replies: number;
  readonly lossPercent: number;
  readonly rttMs: number | null;
}

const SUMMARY = /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, .*?)?, ([\d.]+)% packet loss/;
const RTT = /= [\d.]+\/([\d.]+)\/[\d.]+\/[\d.]+ ms/;

/** rc 0 some replies, rc 1 none; rc 2 (unknown host, bad option) has no summary: an error. */
export const readPing = (outcome: CommandOutcome): Reading<PingSummary> => {
  const summary = SUMMARY.exec(outcome.stdout);
  if (!summary) return { ok: false, error: `ping failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || firstLine(outcome.stdout) || 'no message'}` };
  const rtt = RTT.exec(outcome.stdout);
  return {
    ok: true,
    value: { sent: Number(summary[1]), replies: Number(summary[2]), lossPercent: Number(summary[3]), rttMs: rtt ? Number(rtt[1]) : null },
  };
};

export interface PingSpec {
  readonly host: string;
  readonly count?: number;
  readonly timeout?: string | number;
}

const DEFAULT_TIMEOUT_MS = 1000;

/** ping sends one request a second: the last reply is waited for after (count - 1) seconds. */
const INTERVAL_MS = 1000;
const SHORTEST_WAIT_MS = 100;

/** -W: the wait for each reply, shortened when the check's timeout would otherwise come first. */
const pingScript = (host: string, count: number, wantedMs: number, checkTimeoutMs: number): string => {
  const waitMs = Math.max(SHORTEST_WAIT_MS, withinCheck(wantedMs, checkTimeoutMs - (count - 1) * INTERVAL_MS));
  return `ping -n -c ${count} -W ${seconds(waitMs)} ${shellWord(host)}`;
};

const probe = (spec: PingSpec, { resolve, timeoutMs }: ProbeSettings): Result<Probe<Attempt<PingSummary>[]>> => {
  const host = resolveHost(spec.host, resolve);
  if (!host.ok) return host;
  const wait = resolveDuration(spec.timeout, resolve, DEFAULT_TIMEOUT_MS);
  if (!wait.ok) return wait;
  const script = pingScript(host.value, spec.count ?? 1, wait.value, timeoutMs);
  const attempts: Attempt<PingSummary>[] = [{ type: 'command', tool: 'ping', label: 'ping', script, read: readPing }];
  return ok({ target: attempts, steps: attempts });
};

export const ping = defineCheckKind({
  name: 'ping',
  summary: 'sends ICMP echo requests from the host and counts the replies',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['host'],
    properties: {
      host: hostSchema('the address or name to ping'),
      count: { type: 'integer', minimum: 1, maximum: 10, description: 'echo requests to send, one a second (default 1)' },
      timeout: durationSchema('1s'),
    },
  },
  fields: { sent: 'number', replies: 'number', loss_percent: 'number', rtt_ms: 'number' },
  defaultExpect: { replies: { ge: 1 } },
  probe,
  observe: async ({ target: attempts }, context) =>
    observed(await tryInOrder(context, attempts), ({ value }) => ({ sent: value.sent, replies: value.replies, loss_percent: value.lossPercent, rtt_ms: value.rttMs })),
});
