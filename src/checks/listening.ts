// The `listening:` check: what listens on a TCP port (or for a process), on which addresses. The
// scope field tells "listens everywhere" from "only on 127.0.0.1", the classic bind-address fault.
import type { CommandOutcome } from '../transport/types.js';
import type { CheckKind, ObserveContext, Observation, TemplateResolver } from './types.js';
import { answered, firstLine, noAnswer, tryInOrder, type Attempt, type Reading } from './probes/attempts.js';
import { formatSocket, parseLsof, parseProcNet, parseSs, procNetScript, scopeOf, type ListeningSocket } from './probes/sockets.js';
import { portSchema, resolvePid, resolvePort, type Checked } from './probes/values.js';

export interface ListeningSpec {
  readonly port?: number | string;
  readonly pid?: string | number;
}

interface Target {
  readonly port?: number;
  readonly pid?: number;
}

const lsofScript = ({ port, pid }: Target): string =>
  `lsof -nP -iTCP${port === undefined ? '' : `:${port}`} -sTCP:LISTEN${pid === undefined ? '' : ` -a -p ${pid}`}`;

const SS_SCRIPT = 'ss -ltnpH';

const matching = (target: Target) => (socket: ListeningSocket): boolean =>
  (target.port === undefined || socket.port === target.port) && (target.pid === undefined || socket.pids.includes(target.pid));

/** lsof exits 1 with no output when nothing matches: an answer ("nothing listens"), not a failure. */
const readLsof = (outcome: CommandOutcome): Reading<ListeningSocket[]> => {
  if (outcome.exitCode === 0) return { value: parseLsof(outcome.stdout) };
  if (outcome.exitCode === 1 && outcome.stdout.trim() === '') return { value: [] };
  return { unusable: `lsof failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr)}` };
};

const readSs = (target: Target) => (outcome: CommandOutcome): Reading<ListeningSocket[]> =>
  outcome.exitCode === 0
    ? { value: parseSs(outcome.stdout).filter(matching(target)) }
    : { unusable: `ss failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr)}` };

const readProc = (target: Target) => (outcome: CommandOutcome): Reading<ListeningSocket[]> => {
  const { sockets, tables } = parseProcNet(outcome.stdout);
  return tables > 0 ? { value: sockets.filter(matching(target)) } : { unusable: '/proc/net/tcp unreadable' };
};

export const listeningAttempts = (target: Target): Attempt<ListeningSocket[]>[] => [
  { tool: 'lsof', label: 'lsof -nP -iTCP -sTCP:LISTEN', script: lsofScript(target), read: readLsof },
  { tool: 'ss', label: SS_SCRIPT, script: SS_SCRIPT, read: readSs(target) },
  { tool: '/proc/net/tcp', installable: false, label: '/proc/net/tcp', script: procNetScript(target.pid), read: readProc(target) },
];

export const listeningFields = (sockets: readonly ListeningSocket[], tool: string): Observation['fields'] => {
  const addresses = [...new Set(sockets.map(formatSocket))].sort();
  const unique = new Map(sockets.map((socket) => [formatSocket(socket), socket]));
  return {
    count: addresses.length,
    addresses: addresses.join('\n'),
    ports: [...new Set(sockets.map((socket) => socket.port))].sort((a, b) => a - b).join(' '),
    pids: [...new Set(sockets.flatMap((socket) => socket.pids))].sort((a, b) => a - b).join(' '),
    scope: scopeOf([...unique.values()]),
    tool,
  };
};

const targetOf = (spec: ListeningSpec, resolve: TemplateResolver): Checked<Target> => {
  const port = spec.port === undefined ? undefined : resolvePort(spec.port, resolve);
  const pid = spec.pid === undefined ? undefined : resolvePid(String(spec.pid), resolve);
  for (const checked of [port, pid]) if (checked && 'error' in checked) return checked;
  return {
    value: {
      ...(port && 'value' in port ? { port: port.value } : {}),
      ...(pid && 'value' in pid ? { pid: pid.value } : {}),
    },
  };
};

const observe = async (spec: ListeningSpec, context: ObserveContext): Promise<Observation> => {
  const target = targetOf(spec, context.resolve);
  if ('error' in target) return { fields: {}, error: target.error };
  const result = await tryInOrder(context, listeningAttempts(target.value));
  if ('error' in result) return noAnswer(result);
  return answered(result, listeningFields(result.value, result.tool));
};

export const listening: CheckKind<ListeningSpec> = {
  name: 'listening',
  key: 'listening',
  summary: 'lists the TCP sockets listening on a port or held by a process (lsof, then ss, then /proc/net/tcp)',
  schema: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      port: portSchema,
      pid: { type: ['integer', 'string'], minimum: 1, minLength: 1, description: 'a process id, usually "${captures.pid}" from a process check' },
    },
  },
  fields: { count: 'number', addresses: 'text', ports: 'text', pids: 'text', scope: 'text', tool: 'text' },
  defaultExpect: { count: { ge: 1 } },
  // At plan time a captured pid is not known yet: it is shown as written.
  describe: (spec, resolve) => {
    const port = spec.port === undefined ? '' : `:${resolve.value(String(spec.port))}`;
    const pid = spec.pid === undefined ? '' : ` -a -p ${resolve.value(String(spec.pid))}`;
    return `lsof -nP -iTCP${port} -sTCP:LISTEN${pid}`;
  },
  observe,
};
