// The settings probes share (ports, hosts, durations): their schema fragments, and their checks
// once `${vars.x}` / `${captures.x}` are resolved, since a captured value is only known at run time.
import { DURATION_SCHEMA, parseDuration } from '../../model/duration.js';
import type { JsonSchema } from '../../model/json-schema.js';
import { ID_PATTERN } from '../../model/names.js';
import { isPort, MAX_PORT, MIN_PORT, PORT_RANGE } from '../../model/port.js';
import { referencePattern } from '../../model/references.js';
import type { TemplateResolver } from '../types.js';

export type Checked<T> = { readonly value: T } | { readonly error: string };

/** The description is also the schema error's "must be ..." text. */
export const durationSchema = (byDefault: string): JsonSchema => ({
  ...DURATION_SCHEMA,
  description: `a duration such as 500ms, 2s or 1m (a bare number is seconds; default ${byDefault})`,
});

/** An integer 1-65535, or a string holding a reference (checked once resolved). */
export const portSchema: JsonSchema = {
  type: ['integer', 'string'],
  minimum: MIN_PORT,
  maximum: MAX_PORT,
  pattern: `^([1-9][0-9]{0,4}|${referencePattern('vars', 'captures')})$`,
  description: `a TCP port ${PORT_RANGE}, or a reference such as "\${vars.port}"`,
};

export const hostSchema = (what: string): JsonSchema => ({ type: 'string', minLength: 1, description: what });

/** A host role as `hosts` declares it (no references: the planner must know it). */
export const ROLE_SCHEMA: JsonSchema = { type: 'string', pattern: ID_PATTERN, description: 'a host role declared under hosts' };

const shown = (value: string): string => JSON.stringify(value);

export const resolvePort = (raw: number | string, resolve: TemplateResolver, field = 'port'): Checked<number> => {
  const text = typeof raw === 'number' ? String(raw) : resolve.value(raw).trim();
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  return isPort(port) ? { value: port } : { error: `${field} must be a TCP port ${PORT_RANGE}, got ${shown(text)}` };
};

/** A host name or an IP address: no spaces, no leading dash (it would read as an option). */
export const resolveHost = (raw: string, resolve: TemplateResolver, field = 'host'): Checked<string> => {
  const text = resolve.value(raw).trim();
  return /^(?!-)[A-Za-z0-9._:%-]{1,253}$/.test(text) ? { value: text } : { error: `${field} must be a host name or an IP address, got ${shown(text)}` };
};

export const resolvePid = (raw: string, resolve: TemplateResolver, field = 'pid'): Checked<number> => {
  const text = resolve.value(raw).trim();
  return /^[1-9]\d{0,9}$/.test(text) ? { value: Number(text) } : { error: `${field} must be a process id, got ${shown(text)}` };
};

export const durationMs = (raw: string | number | undefined, byDefaultMs: number): number =>
  raw === undefined ? byDefaultMs : (parseDuration(raw) ?? byDefaultMs);

/** Seconds as tools take them: "2", "0.5" (three decimals at most). */
export const seconds = (ms: number): string => String(Number((ms / 1000).toFixed(3)));

/** For tools that take whole seconds only (nc -w): rounded up, at least 1. */
export const wholeSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

export const isIpLiteral = (text: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(text) || (text.includes(':') && /^[0-9A-Fa-f:.]+$/.test(text));

/** The spec shared by the kinds that aim at one port of one host (tcp_connect, port_scan). */
export interface HostPortSpec {
  readonly host: string;
  readonly port: number | string;
  readonly timeout?: string | number;
}

export interface HostPortTarget {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

/** Resolves and checks host and port before anything runs; a bad value is an error, not a probe. */
export const resolveHostPort = (spec: HostPortSpec, resolve: TemplateResolver, defaultTimeoutMs: number): HostPortTarget | { error: string } => {
  const host = resolveHost(spec.host, resolve);
  const port = resolvePort(spec.port, resolve);
  if ('error' in host) return host;
  if ('error' in port) return port;
  return { host: host.value, port: port.value, timeoutMs: durationMs(spec.timeout, defaultTimeoutMs) };
};
