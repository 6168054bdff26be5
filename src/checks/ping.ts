// The `ping:` check: does HOST answer ICMP echo from this host? A lost ping alone proves little (ICMP
// is often filtered while TCP works); next to a tcp_connect it tells a firewall from a dead host.
import shellQuote from 'shell-quote';
import type { CheckKind, ObserveContext, Observation, TemplateResolver } from './types.js';
import { answered, noAnswer, tryInOrder } from './probes/attempts.js';
import { withinCheck } from './probes/deadline.js';
import { readPing } from './probes/ping-output.js';
import { durationMs, durationSchema, hostSchema, resolveHost, seconds } from './probes/values.js';

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
const pingScript = (host: string, spec: PingSpec, remainingMs = Number.POSITIVE_INFINITY): string => {
  const count = spec.count ?? 1;
  const wantedMs = durationMs(spec.timeout, DEFAULT_TIMEOUT_MS);
  const waitMs = Math.max(SHORTEST_WAIT_MS, withinCheck(wantedMs, remainingMs - (count - 1) * INTERVAL_MS));
  return `ping -n -c ${count} -W ${seconds(waitMs)} ${shellQuote.quote([host])}`;
};

const hostOf = (spec: PingSpec, resolve: TemplateResolver) => resolveHost(spec.host, resolve);

const observe = async (spec: PingSpec, context: ObserveContext): Promise<Observation> => {
  const host = hostOf(spec, context.resolve);
  if ('error' in host) return { fields: {}, error: host.error };
  const result = await tryInOrder(context, [{ tool: 'ping', label: 'ping', script: pingScript(host.value, spec, context.remainingMs()), read: readPing }]);
  if ('error' in result) return noAnswer(result);
  const { sent, replies, lossPercent, rttMs } = result.value;
  return answered(result, { sent, replies, loss_percent: lossPercent, rtt_ms: rttMs });
};

export const ping: CheckKind<PingSpec> = {
  name: 'ping',
  key: 'ping',
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
  describe: (spec, resolve) => pingScript(resolve.value(spec.host), spec),
  observe,
};
