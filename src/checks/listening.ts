// The `listening:` check: what listens on a TCP port (or for a process), on which addresses. The
// scope field tells "listens everywhere" from "only on 127.0.0.1", the classic bind-address fault.
import { ok, type Result } from '../model/result.js';
import type { CommandOutcome } from '../transport/types.js';
import { type Attempt, firstLine, inOrder, observed, type Reading, tryInOrder, unusable } from './probes/attempts.js';
import { defineCheckKind } from './probes/define-kind.js';
import { type Known, portSchema, resolvePid, resolvePort } from './probes/values.js';
import type { Observation, Probe, ProbeSettings } from './types.js';

// Listening TCP sockets as lsof, ss and /proc/net/tcp show them, in one shape: the address as
// `ADDR:PORT` (IPv6 in brackets, wildcards spelt 0.0.0.0 and [::]) and the owning pids.
export interface ListeningSocket {
  /** Without brackets: 0.0.0.0, 127.0.0.1, ::, ::1. */
  readonly host: string;
  readonly port: number;
  readonly pids: readonly number[];
}

export const formatSocket = (socket: { host: string; port: number }): string =>
  socket.host.includes(':') ? `[${socket.host}]:${socket.port}` : `${socket.host}:${socket.port}`;

/** "[::1]:3306", "*:3306", "127.0.0.53%lo:53" -> host and port; `*` is the IPv6 (or, for lsof IPv4, IPv4) wildcard. */
const splitAddress = (text: string, wildcard: string): { host: string; port: number } | undefined => {
  const at = text.lastIndexOf(':');
  const port = Number(text.slice(at + 1));
  if (at < 0 || !Number.isInteger(port)) return undefined;
  const host = text.slice(0, at).replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  return { host: host === '*' ? wildcard : host, port };
};

/** `lsof -nP -iTCP -sTCP:LISTEN`: one line per process and descriptor; NAME is the token before (LISTEN). */
export const parseLsof = (stdout: string): ListeningSocket[] =>
  stdout.split('\n').flatMap((line) => {
    const tokens = line.trim().split(/\s+/);
    const at = tokens.indexOf('(LISTEN)');
    const pid = Number(tokens[1]);
    if (at < 1 || !Number.isInteger(pid)) return [];
    const address = splitAddress(tokens[at - 1]!, tokens.includes('IPv6') ? '::' : '0.0.0.0');
    return address ? [{ ...address, pids: [pid] }] : [];
  });

/** `ss -ltnpH`: State Recv-Q Send-Q Local Peer [users:(("mysqld",pid=1,fd=22),...)]. */
export const parseSs = (stdout: string): ListeningSocket[] =>
  stdout.split('\n').flatMap((line) => {
    const tokens = line.trim().split(/\s+/);
    if (tokens[0] !== 'LISTEN' || tokens[3] === undefined) return [];
    const address = splitAddress(tokens[3], '::');
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
    return address ? [{ ...address, pids }] : [];
  });

/** /proc/net/tcp stores each 32-bit word of an address in host (little-endian) byte order. */
const hexAddress = (hex: string): string => {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)));
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return compressIpv6(groups);
};

/** RFC 5952: the longest run (2+) of zero groups becomes "::". */
const compressIpv6 = (groups: string[]): string => {
  let best = { at: -1, length: 1 };
  for (let i = 0; i < groups.length; i += 1) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j += 1;
    if (j - i > best.length) best = { at: i, length: j - i };
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
};

const LISTEN_STATE = '0A';

/**
 * The /proc fallback's output: `== /proc/net/tcp` and `== /proc/net/tcp6` sections, then the
 * descriptors (`ls -l` of /proc/PID/fd: `... 5 -> socket:[12345]`) under `/proc/PID/fd:` headers.
 */
export const procNetScript = (pid?: number | string): string => [
  'for f in /proc/net/tcp /proc/net/tcp6; do [ -r "$f" ] && { echo "== $f"; cat "$f"; }; done',
  pid === undefined ? 'ls -l /proc/[0-9]*/fd 2>/dev/null' : `echo /proc/${pid}/fd:; ls -l /proc/${pid}/fd 2>/dev/null`,
  'exit 0',
].join('\n');

/** The tables found, and the listening sockets with the pids whose descriptors hold them. */
export const parseProcNet = (stdout: string): { sockets: ListeningSocket[]; tables: number } => {
  const byInode = new Map<string, { host: string; port: number }>();
  const owners = new Map<string, Set<number>>();
  let section = '';
  let pid = 0;
  let tables = 0;
  for (const line of stdout.split('\n')) {
    const table = /^== \/proc\/net\/tcp6?$/.test(line);
    const owner = /^\/proc\/(\d+)\/fd:$/.exec(line);
    if (table || owner) {
      section = table ? 'net' : 'fd';
      tables += table ? 1 : 0;
      pid = Number(owner?.[1] ?? 0);
      continue;
    }
    if (section === 'net') {
      const tokens = line.trim().split(/\s+/);
      if (tokens[3] !== LISTEN_STATE || !tokens[1] || !tokens[9]) continue;
      const [hex = '', port = ''] = tokens[1].split(':');
      byInode.set(tokens[9], { host: hexAddress(hex), port: parseInt(port, 16) });
    } else if (section === 'fd') {
      const inode = /-> socket:\[(\d+)\]$/.exec(line)?.[1];
      if (inode && pid > 0) owners.set(inode, (owners.get(inode) ?? new Set()).add(pid));
    }
  }
  const sockets = [...byInode].map(([inode, address]) => ({ ...address, pids: [...(owners.get(inode) ?? [])] }));
  return { sockets, tables };
};

const WILDCARDS = new Set(['0.0.0.0', '::', '*']);
const isLoopback = (host: string): boolean => /^127\./.test(host) || host === '::1' || /^::ffff:127\./.test(host);

export type Scope = 'none' | 'any' | 'loopback' | 'specific';

export const scopeOf = (sockets: readonly { host: string }[]): Scope => {
  if (sockets.length === 0) return 'none';
  if (sockets.some((socket) => WILDCARDS.has(socket.host))) return 'any';
  return sockets.every((socket) => isLoopback(socket.host)) ? 'loopback' : 'specific';
};

export interface ListeningSpec {
  readonly port?: number | string;
  readonly pid?: string | number;
}

/** A pid captured by an earlier check is only known at run time: the plan shows the reference. */
interface Target {
  readonly port?: Known<number>;
  readonly pid?: Known<number>;
}

const lsofScript = ({ port, pid }: Target): string =>
  `lsof -nP -iTCP${port === undefined ? '' : `:${port}`} -sTCP:LISTEN${pid === undefined ? '' : ` -a -p ${pid}`}`;

const SS_SCRIPT = 'ss -ltnpH';

const matching = (target: Target) => (socket: ListeningSocket): boolean =>
  (target.port === undefined || socket.port === target.port) && (target.pid === undefined || socket.pids.some((pid) => pid === target.pid));

/** lsof exits 1 with no output when nothing matches: an answer ("nothing listens"), not a failure. */
const readLsof = (outcome: CommandOutcome): Reading<ListeningSocket[]> => {
  if (outcome.exitCode === 0) return { ok: true, value: parseLsof(outcome.stdout) };
  if (outcome.exitCode === 1 && outcome.stdout.trim() === '') return { ok: true, value: [] };
  return unusable(`lsof failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr)}`);
};

const readSs = (target: Target) => (outcome: CommandOutcome): Reading<ListeningSocket[]> =>
  outcome.exitCode === 0
    ? { ok: true, value: parseSs(outcome.stdout).filter(matching(target)) }
    : unusable(`ss failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr)}`);

const readProc = (target: Target) => (outcome: CommandOutcome): Reading<ListeningSocket[]> => {
  const { sockets, tables } = parseProcNet(outcome.stdout);
  return tables > 0 ? { ok: true, value: sockets.filter(matching(target)) } : unusable('/proc/net/tcp unreadable');
};

export const listeningAttempts = (target: Target): Attempt<ListeningSocket[]>[] =>
  inOrder([
    { type: 'command', tool: 'lsof', label: 'lsof -nP -iTCP -sTCP:LISTEN', script: lsofScript(target), read: readLsof },
    { type: 'command', tool: 'ss', label: SS_SCRIPT, script: SS_SCRIPT, read: readSs(target) },
    { type: 'command', tool: '/proc/net/tcp', installable: false, label: '/proc/net/tcp', script: procNetScript(target.pid), read: readProc(target) },
  ]);

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

const targetOf = (spec: ListeningSpec, settings: ProbeSettings): Result<Target> => {
  const port = spec.port === undefined ? undefined : resolvePort(spec.port, settings.resolve);
  const pid = spec.pid === undefined ? undefined : resolvePid(String(spec.pid), settings.resolve);
  if (port && !port.ok) return port;
  if (pid && !pid.ok) return pid;
  return ok({ ...(port ? { port: port.value } : {}), ...(pid ? { pid: pid.value } : {}) });
};

const probe = (spec: ListeningSpec, settings: ProbeSettings): Result<Probe<Attempt<ListeningSocket[]>[]>> => {
  const target = targetOf(spec, settings);
  if (!target.ok) return target;
  const attempts = listeningAttempts(target.value);
  return ok({ target: attempts, steps: attempts });
};

export const listening = defineCheckKind({
  name: 'listening',
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
  probe,
  observe: async ({ target: attempts }, context) => observed(await tryInOrder(context, attempts), (answer) => listeningFields(answer.value, answer.tool)),
});
