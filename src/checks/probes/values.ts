// The settings probes share (ports, hosts, durations): their schema fragments, and their checks
// once `${vars.x}` / `${captures.x}` are resolved, since a captured value is only known at run time.
import shellQuote from 'shell-quote';
import { DURATION_SCHEMA, durationExpectation, parseDuration, parseDurationText } from '../../model/duration.js';
import { patterned, type JsonSchema } from '../../model/json-schema.js';
import { ID_PATTERN } from '../../model/names.js';
import { isPort, MAX_PORT, MIN_PORT, PORT_RANGE } from '../../model/port.js';
import { referencePattern, wholeReference } from '../../model/references.js';
import { failed, ok, type Result } from '../../model/result.js';
import type { TemplateResolver } from '../types.js';

/**
 * A value still spelled as a reference after resolving: at plan time a capture or a secret, which
 * only the run knows. Kept as written so `runbook plan` shows where it goes; never run.
 */
export type Pending = `\${${string}}`;

export const isPending = (text: string): text is Pending => text === text.trim() && wholeReference(text) !== undefined;

/** A resolved value, or the reference it still is at plan time. */
export type Known<T> = T | Pending;

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
  ...patterned(`^([1-9][0-9]{0,4}|${referencePattern('vars', 'captures')})$`, `a TCP port ${PORT_RANGE}, or a reference such as "\${vars.port}"`),
  description: `a TCP port ${PORT_RANGE}, or a reference such as "\${vars.port}"`,
};

export const hostSchema = (what: string): JsonSchema => ({ type: 'string', minLength: 1, description: what });

/** A host role as `hosts` declares it (no references: the planner must know it). */
export const ROLE_SCHEMA: JsonSchema = { type: 'string', ...patterned(ID_PATTERN, 'a host role declared under hosts, e.g. client'), description: 'a host role declared under hosts' };

const shown = (value: string): string => JSON.stringify(value);

/** `text` checked by `valid`, or kept as the reference it still is (plan time only). */
const resolved = <T>(text: string, valid: (text: string) => T | undefined, problem: string): Result<Known<T>> => {
  if (isPending(text)) return ok(text);
  const value = valid(text);
  return value === undefined ? failed(`${problem}, got ${shown(text)}`) : ok(value);
};

export const resolvePort = (raw: number | string, resolve: TemplateResolver, field = 'port'): Result<Known<number>> =>
  resolved(
    typeof raw === 'number' ? String(raw) : resolve.value(raw).trim(),
    (text) => (/^\d{1,5}$/.test(text) && isPort(Number(text)) ? Number(text) : undefined),
    `${field} must be a TCP port ${PORT_RANGE}`,
  );

/** A host name or an IP address: no spaces, no leading dash (it would read as an option). */
export const resolveHost = (raw: string, resolve: TemplateResolver, field = 'host'): Result<Known<string>> =>
  resolved(resolve.value(raw).trim(), (text) => (/^(?!-)[A-Za-z0-9._:%-]{1,253}$/.test(text) ? text : undefined), `${field} must be a host name or an IP address`);

export const resolvePid = (raw: string, resolve: TemplateResolver, field = 'pid'): Result<Known<number>> =>
  resolved(resolve.value(raw).trim(), (text) => (/^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined), `${field} must be a process id`);

/** One shell word: quoted, unless it is a reference the plan shows as written. */
export const shellWord = (text: string): string => (isPending(text) ? text : shellQuote.quote([text]));

/** A duration as written or from a variable (`${vars.wait}`), else the kind's default. */
export const resolveDuration = (raw: string | number | undefined, resolve: TemplateResolver, byDefaultMs: number, field = 'timeout'): Result<number> => {
  if (raw === undefined) return ok(byDefaultMs);
  const value = typeof raw === 'number' ? raw : resolve.value(raw).trim();
  const ms = typeof value === 'number' ? parseDuration(value) : parseDurationText(value);
  return ms === undefined ? failed(`${field} must be ${durationExpectation(value, '500ms, 2s or 1m')}, got ${shown(String(value))}`) : ok(ms);
};

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
  readonly host: Known<string>;
  readonly port: Known<number>;
  readonly timeoutMs: number;
}

/** Resolves and checks host and port before anything runs; a bad value is an error, not a probe. */
export const resolveHostPort = (spec: HostPortSpec, resolve: TemplateResolver, defaultTimeoutMs: number): Result<HostPortTarget> => {
  const host = resolveHost(spec.host, resolve);
  const port = resolvePort(spec.port, resolve);
  const timeout = resolveDuration(spec.timeout, resolve, defaultTimeoutMs);
  if (!host.ok) return host;
  if (!port.ok) return port;
  if (!timeout.ok) return timeout;
  return ok({ host: host.value, port: port.value, timeoutMs: timeout.value });
};
