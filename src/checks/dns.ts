// The `dns:` check: does NAME resolve on this host, to what, and if not, why? Without a server it
// asks the host's own resolver as its programs do (getent: /etc/hosts, then DNS); when that finds
// nothing, dig (or host) asks DNS again to tell NXDOMAIN from SERVFAIL from a silent server.
import { failed, ok, type Result } from '../model/result.js';
import { patterned } from '../model/json-schema.js';
import type { CommandOutcome } from '../transport/types.js';
import { type Answer, type Attempt, firstLine, inOrder, type NoAnswer, observed, type Reading, tryInOrder, unusable } from './probes/attempts.js';
import { wholeSecondsWithin, withinCheck } from './probes/deadline.js';
import { defineCheckKind } from './probes/define-kind.js';
import { durationSchema, isPending, type Known, portSchema, resolveDuration, resolveHost, resolvePort, seconds, shellWord } from './probes/values.js';
import type { ObserveContext, Observation, Probe, ProbeSettings } from './types.js';

export type RecordType = 'A' | 'AAAA';

/** What one tool made of the name; `state` is `resolved`, `not-found` (getent), the rcode's word, or why no reply came (NO_REPLY). */
export interface Resolution {
  readonly state: string;
  /** Of the asked type only, sorted as text. */
  readonly addresses: readonly string[];
  readonly rcode: string | null;
  readonly server: string | null;
  readonly ttl: number | null;
}

const unknownDns = { rcode: null, server: null, ttl: null } as const;

/** getent ahostsv6 maps IPv4 answers to ::ffff:a.b.c.d (AI_V4MAPPED): those are no AAAA records. */
const ofType = (type: RecordType) => (address: string): boolean =>
  type === 'A' ? !address.includes(':') : address.includes(':') && !address.toLowerCase().startsWith('::ffff:');

const sortedUnique = (addresses: readonly string[]): string[] => [...new Set(addresses)].sort();

/** `ADDRESS  STREAM name` lines, three per address (STREAM, DGRAM, RAW); exit 2: not found. */
export const readGetent = (type: RecordType) => (outcome: CommandOutcome): Reading<Resolution> => {
  if (outcome.exitCode === 124) return { ok: true, value: { state: 'timeout', addresses: [], ...unknownDns } };
  if (outcome.exitCode !== 0 && outcome.exitCode !== 2) return unusable(`getent failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || 'no message'}`);
  const addresses = sortedUnique(outcome.stdout.split('\n').map((line) => line.split(/\s+/)[0] ?? '').filter((text) => text !== '' && ofType(type)(text)));
  return { ok: true, value: { state: addresses.length > 0 ? 'resolved' : 'not-found', addresses, ...unknownDns } };
};

// dig's and `host -v`'s words alike: the header's status (host says "not found: 3(NXDOMAIN)"
// instead), answer records "name. TTL IN TYPE DATA", and the server as ADDRESS#PORT, also where
// no reply came: "communications error to ADDRESS#PORT: timed out", or, when the query could not
// even be sent, "UDP setup with ADDRESS#PORT(ADDRESS) for NAME failed: network unreachable.".
const STATUS = /status: ([A-Z]+)|not found: \d+\(([A-Z]+)\)/g;
const RECORD = /^\S+\s+(\d+)\s+IN\s+(\S+)\s+(\S+)/;
const SERVER = /(?:SERVER: |bytes from |communications error to |UDP setup with )([^#\s]+)#\d+/g;

/**
 * Why no reply came, first match wins; "no servers could be reached" ends every one of them, so
 * it means a timeout only when nothing more precise was said.
 */
const NO_REPLY: readonly (readonly [RegExp, string])[] = [
  // UDP to a port nothing listens on comes back as ICMP port unreachable: the server is down.
  [/connection refused/, 'connection-refused'],
  // BIND's words for ENETUNREACH and EHOSTUNREACH: no route to the server (or one that rejects),
  // so the query never left this host. An ICMP unreachable from a router on the way is not
  // reported to a UDP socket by Linux: that one ends as a timeout.
  [/(?:network|host) unreachable/, 'unreachable'],
  [/timed out|no servers could be reached/, 'timeout'],
];

const lastMatch = (pattern: RegExp, text: string): RegExpExecArray | undefined => [...text.matchAll(pattern)].at(-1);

/** A reply's rcode and records, or why no reply came: a silent server, nothing listening there, or no way there. */
export const readDig = (tool: string, type: RecordType) => (outcome: CommandOutcome): Reading<Resolution> => {
  const text = `${outcome.stdout}\n${outcome.stderr}`;
  const server = lastMatch(SERVER, text)?.[1] ?? null;
  const status = lastMatch(STATUS, text);
  const rcode = status ? (status[1] ?? status[2]!) : null;
  if (rcode === null) {
    const noReply = NO_REPLY.find(([pattern]) => pattern.test(text));
    if (noReply) return { ok: true, value: { state: noReply[1], addresses: [], rcode, server, ttl: null } };
    return failed(`${tool} failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || firstLine(outcome.stdout) || 'no message'}`);
  }
  const records = text.split('\n').flatMap((line) => {
    const match = line.startsWith(';') ? null : RECORD.exec(line);
    return match ? [{ ttl: Number(match[1]), type: match[2]!, data: match[3]! }] : [];
  });
  const addresses = sortedUnique(records.filter((record) => record.type === type).map((record) => record.data));
  const ttl = records.length > 0 ? Math.min(...records.map((record) => record.ttl)) : null;
  const state = rcode !== 'NOERROR' ? rcode.toLowerCase() : addresses.length > 0 ? 'resolved' : 'no-answer';
  return { ok: true, value: { state, addresses, rcode, server, ttl } };
};

export interface DnsSpec {
  readonly name: string;
  readonly server?: string;
  readonly port?: number | string;
  readonly type?: RecordType;
  readonly timeout?: string | number;
}

interface Target {
  readonly name: Known<string>;
  readonly server?: Known<string>;
  readonly port?: Known<number>;
  readonly type: RecordType;
  /** One tool's wait; without a server getent and dig may both wait, one after the other. */
  readonly waitMs: number;
  readonly digSeconds: number;
}

const LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const DNS_NAME = `(?=.{1,253}\\.?$)${LABEL}(?:\\.${LABEL})*\\.?`;
const WHOLE_DNS_NAME = new RegExp(`^${DNS_NAME}$`);

const resolveName = (raw: string, resolve: ProbeSettings['resolve']): Result<Known<string>> => {
  const text = resolve.value(raw).trim();
  return isPending(text) || WHOLE_DNS_NAME.test(text) ? ok(text) : failed(`name must be a DNS name, got ${JSON.stringify(text)}`);
};

/** getent's database for the type: ahosts alone would mix IPv4 and IPv6. */
const getentDatabase = (type: RecordType): string => (type === 'A' ? 'ahostsv4' : 'ahostsv6');

/** getent has no wait of its own (resolv.conf's can add up to many seconds): coreutils timeout bounds it. */
const getentScript = ({ name, type, waitMs }: Target): string =>
  `timeout --foreground ${seconds(waitMs)} getent ${getentDatabase(type)} ${shellWord(name)}`;

/** -q: the name is never read as a type or class (`dig mx`); +search: as getent, the resolv.conf search list. */
const digScript = ({ name, server, port, type, digSeconds }: Target): string =>
  [
    `dig +noall +comments +answer +stats +tries=1 +time=${digSeconds}`,
    ...(server === undefined ? ['+search'] : [`@${shellWord(server)}`]),
    ...(port === undefined ? [] : [`-p ${port}`]),
    `-t ${type} -q ${shellWord(name)}`,
  ].join(' ');

/** host always sends a second try after the first timed out: each waits half. */
const hostScript = ({ name, server, port, type, digSeconds }: Target): string =>
  [
    `host -v -t ${type} -W ${Math.max(1, Math.floor(digSeconds / 2))}`,
    ...(port === undefined ? [] : [`-p ${port}`]),
    shellWord(name),
    ...(server === undefined ? [] : [shellWord(server)]),
  ].join(' ');

const askingDns = (target: Target): Attempt<Resolution>[] => [
  { type: 'command', tool: 'dig', label: 'dig', script: digScript(target), read: readDig('dig', target.type) },
  { type: 'command', tool: 'host', label: 'host -v', script: hostScript(target), read: readDig('host', target.type) },
];

const attemptsFor = (target: Target): Attempt<Resolution>[] =>
  inOrder([
    ...(target.server === undefined
      ? [{ type: 'command', tool: 'getent', alsoNeeds: ['timeout'], label: `getent ${getentDatabase(target.type)}`, script: getentScript(target), read: readGetent(target.type) } as const]
      : []),
    ...askingDns(target),
  ]);

const DEFAULT_TIMEOUT_MS = 2000;

const targetOf = (spec: DnsSpec, { resolve, timeoutMs }: ProbeSettings): Result<Target> => {
  const name = resolveName(spec.name, resolve);
  if (!name.ok) return name;
  const server = spec.server === undefined ? undefined : resolveHost(spec.server, resolve, 'server');
  if (server && !server.ok) return server;
  const port = spec.port === undefined ? undefined : resolvePort(spec.port, resolve);
  if (port && !port.ok) return port;
  const wanted = resolveDuration(spec.timeout, resolve, DEFAULT_TIMEOUT_MS);
  if (!wanted.ok) return wanted;
  // Without a server, getent and then dig may each wait: each gets half of the check's time.
  const budgetMs = server === undefined ? timeoutMs / 2 : timeoutMs;
  return ok({
    name: name.value,
    ...(server ? { server: server.value } : {}),
    ...(port ? { port: port.value } : {}),
    type: spec.type ?? 'A',
    waitMs: withinCheck(wanted.value, budgetMs),
    digSeconds: wholeSecondsWithin(wanted.value, budgetMs),
  });
};

interface DnsProbe {
  readonly attempts: Attempt<Resolution>[];
  /** Without a server: the DNS tools that tell why getent found nothing. */
  readonly explainers: Attempt<Resolution>[];
}

const probe = (spec: DnsSpec, settings: ProbeSettings): Result<Probe<DnsProbe>> => {
  const target = targetOf(spec, settings);
  if (!target.ok) return target;
  const attempts = attemptsFor(target.value);
  const explainers = target.value.server === undefined ? attempts.slice(1) : [];
  return ok({ target: { attempts, explainers }, steps: attempts });
};

const dnsFields = (resolution: Resolution, tool: string, durationMs: number): Observation['fields'] => ({
  state: resolution.state,
  addresses: resolution.addresses.join(' '),
  address: resolution.addresses[0] ?? '',
  count: resolution.addresses.length,
  rcode: resolution.rcode,
  server: resolution.server,
  ttl: resolution.ttl,
  tool,
  duration_ms: Math.round(durationMs),
});

/** What DNS told, for a note: "NXDOMAIN from 127.0.0.77", "no answer from 127.0.0.77". */
const dnsTold = (dns: Resolution): string => {
  const from = dns.server === null ? '' : ` from ${dns.server}`;
  if (dns.state === 'timeout') return `no answer${from}`;
  if (dns.state === 'connection-refused') return `connection refused${from}: no DNS server listens there`;
  if (dns.state === 'unreachable') return `${dns.server ?? 'the DNS server'} is unreachable: no route to it from this host, the query was never sent`;
  if (dns.state === 'no-answer') return `NOERROR${from}, without a record of that type`;
  return `${dns.rcode ?? dns.state}${from}`;
};

/**
 * getent found nothing: DNS's answer says why. Its addresses never stand in for getent's: if dig
 * resolves the name, the host's programs still get nothing (nsswitch.conf, a search list).
 */
const explained = (found: Answer<Resolution>, why: Result<Answer<Resolution>, NoAnswer>): Observation => {
  const missingTools = [...found.missingTools, ...(why.ok ? why.value.missingTools : why.error.missingTools)];
  const withTools = missingTools.length > 0 ? { missingTools } : {};
  const getentSaid = found.value.state === 'timeout' ? 'getent timed out' : 'getent found nothing';
  if (!why.ok) {
    const notes = [...found.notes, ...why.error.notes, `${getentSaid}; ${why.error.error}, so why is not known`];
    return { ...withTools, fields: dnsFields(found.value, found.tool, found.durationMs), notes };
  }
  const { value: dns, tool } = why.value;
  const told = dns.state === 'resolved'
    ? `${getentSaid}, yet ${tool} resolves it through DNS to ${dns.addresses.join(' ')}: check hosts: in /etc/nsswitch.conf`
    : `${getentSaid}; ${tool} says ${dnsTold(dns)}`;
  const resolution = dns.state === 'resolved' ? found.value : { ...dns, addresses: [] };
  return {
    ...withTools,
    fields: dnsFields(resolution, `${found.tool}+${tool}`, found.durationMs + why.value.durationMs),
    notes: [...found.notes, ...why.value.notes, told],
  };
};

const observe = async ({ attempts, explainers }: DnsProbe, context: ObserveContext): Promise<Observation> => {
  const result = await tryInOrder(context, attempts);
  if (result.ok && result.value.tool === 'getent' && result.value.value.state !== 'resolved') {
    return explained(result.value, await tryInOrder(context, explainers));
  }
  const notes = result.ok && explainers.length > 0 && result.value.tool !== 'getent' ? [`${result.value.tool} asks DNS only: /etc/hosts is not read`] : [];
  const observation = observed(result, (answer) => dnsFields(answer.value, answer.tool, answer.durationMs));
  return notes.length === 0 ? observation : { ...observation, notes: [...(observation.notes ?? []), ...notes] };
};

export const dns = defineCheckKind({
  name: 'dns',
  summary: "resolves a name with the host's own resolver (getent, then dig or host) or asks a given DNS server",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: {
        type: 'string',
        ...patterned(`^(?:${DNS_NAME}|.*\\$\\{.*)$`, 'a DNS name such as db.example.com'),
        description: 'a DNS name such as db.example.com (references such as "${vars.name}" allowed)',
      },
      server: { type: 'string', minLength: 1, description: "a DNS server's address or name to ask instead of the host's resolver" },
      port: portSchema,
      type: { enum: ['A', 'AAAA'], description: 'the record type (default A)' },
      timeout: durationSchema('2s'),
    },
  },
  problems: (spec: DnsSpec) => (spec.port !== undefined && spec.server === undefined ? [{ at: ['port'], message: "is the server's port: give server too (the host's resolver asks its own)" }] : []),
  fields: { state: 'text', addresses: 'text', address: 'text', count: 'number', rcode: 'text', server: 'text', ttl: 'number', tool: 'text', duration_ms: 'number' },
  defaultExpect: { state: { equals: 'resolved' } },
  probe,
  observe: ({ target }, context) => observe(target, context),
});
