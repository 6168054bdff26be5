// Turns a runbook host into what `ssh HOST` would connect to, by ssh_config rules: first match
// wins, `[user@]host[:port]` given explicitly beats the file (as on ssh's command line), ProxyJump
// chains become a `via` hop, and verification can only be made stricter, never turned off.
import type SSHConfig from 'ssh-config';
import type { Line } from 'ssh-config';
import { escapeControl, firstHidden, shownCharacter } from '../../model/visible-text.js';
import { wildcardRegExp } from './patterns.js';
import { expandPath, hostTokens, type Tokens } from './tokens.js';

export type StrictMode = 'yes' | 'accept-new';

export interface HostRef {
  readonly host: string;
  readonly user?: string | undefined;
  readonly port?: number | undefined;
}

export interface SshTarget {
  readonly alias: string;
  readonly hostName: string;
  readonly user: string;
  readonly port: number;
  readonly identityFiles: readonly string[];
  /** Configured files must exist (ssh warns); the default ones are tried only if present. */
  readonly identityFilesConfigured: boolean;
  readonly identitiesOnly: boolean;
  /** Agent socket path; undefined when no agent is to be used. */
  readonly agentSocket: string | undefined;
  readonly userKnownHostsFiles: readonly string[];
  readonly globalKnownHostsFiles: readonly string[];
  readonly hostKeyAlias: string | undefined;
  readonly strictHostKeyChecking: StrictMode;
  readonly hashKnownHosts: boolean;
  readonly connectTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
  /** The hop this host is reached through, itself possibly behind another. */
  readonly via: SshTarget | undefined;
  /** What ssh_config asks for that we cannot do: refused rather than connecting some other way. */
  readonly unsupported: string | undefined;
}

export interface ResolveDefaults {
  readonly strictHostKeyChecking?: StrictMode | undefined;
  readonly connectTimeoutMs?: number | undefined;
  readonly agentSocket?: string | undefined;
}

type Computed = Record<string, string | string[]>;
const MAX_HOPS = 8;
const DEFAULT_IDENTITIES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];
const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
const first = (value: string | string[] | undefined): string | undefined => list(value)[0];
const yes = (value: string | string[] | undefined): boolean => first(value)?.toLowerCase() === 'yes';

/** `no`/`off` would disable verification: we keep ssh's accept-new half of it and still refuse changed keys. */
function strictMode(value: string | undefined): StrictMode {
  const mode = value?.toLowerCase();
  return mode === 'accept-new' || mode === 'no' || mode === 'off' ? 'accept-new' : 'yes';
}

/** `[user@]host[:port]`, `[v6addr]:port` or `ssh://user@host:port`, as ProxyJump accepts. */
export function parseHostRef(text: string): HostRef {
  const bare = text.replace(/^ssh:\/\//, '');
  const at = bare.lastIndexOf('@');
  const user = at >= 0 ? bare.slice(0, at) : undefined;
  const rest = bare.slice(at + 1);
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  return { host: match?.[1] ?? rest, user, port };
}

function agentSocket(computed: Computed, defaults: ResolveDefaults, tokens: Tokens): string | undefined {
  const fallback = defaults.agentSocket ?? process.env['SSH_AUTH_SOCK'];
  const configured = first(computed['identityagent']);
  if (configured === undefined || configured === 'SSH_AUTH_SOCK') return fallback || undefined;
  if (configured.toLowerCase() === 'none') return undefined;
  const variable = /^\$(?:\{(\w+)\}|(\w+))$/.exec(configured);
  if (variable) return process.env[variable[1] ?? variable[2] ?? ''] || undefined;
  return expandPath(configured, tokens);
}

function jumpChain(computed: Computed): HostRef[] {
  const value = first(computed['proxyjump']);
  if (value === undefined || value.toLowerCase() === 'none') return [];
  return value.split(',').map(parseHostRef);
}

function unsupported(computed: Computed): string | undefined {
  const proxyCommand = first(computed['proxycommand']);
  if (proxyCommand !== undefined && proxyCommand.toLowerCase() !== 'none') {
    return 'ssh_config sets ProxyCommand, which is not supported; use ProxyJump';
  }
  return undefined;
}

/**
 * Match criteria ssh evaluates and we do not: a local command's exit status, the local network's
 * addresses, a tag. ssh-config leaves such a block out, so without this the host would be reached
 * with other settings than ssh's (a direct connection where ssh goes through a bastion).
 */
const UNEVALUATED_CRITERIA = new Set(['exec', 'localnetwork', 'tagged']);

type Criteria = Extract<Line, { criteria: unknown }>['criteria'];

const criterionText = (value: Criteria[string]): string => (Array.isArray(value) ? value.map(({ val }) => val).join(' ') : value);

/** A comma list of patterns as Match host reads it: any may match, a matching `!pattern` vetoes. */
const matchesPatternList = (list: string, text: string): boolean => {
  let matched = false;
  for (const pattern of list.split(',')) {
    const negated = pattern.startsWith('!');
    if (!wildcardRegExp(negated ? pattern.slice(1) : pattern, { ignoreCase: true }).test(text)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
};

/** What ssh compares a Match block's criteria with: the host and user as the lines before it left them. */
interface MatchNames {
  readonly alias: string;
  readonly hostName: string;
  readonly user: string;
}

/** A criterion's keyword without the `!` that negates it (`!exec "cmd"` holds when cmd fails). */
const keywordOf = (key: string): string => key.toLowerCase().replace(/^!/, '');

/** Whether one criterion we can evaluate holds for this host; undefined for the others. */
const holds = (keyword: string, text: string, names: MatchNames): boolean | undefined => {
  switch (keyword) {
    case 'host': return matchesPatternList(text, names.hostName);
    case 'originalhost': return matchesPatternList(text, names.alias);
    case 'user': return matchesPatternList(text, names.user);
    case 'localuser': return matchesPatternList(text, hostTokens.localUser());
    default: return undefined;
  }
};

/** Whether the criteria we can evaluate let the block apply to this host (the others are taken as true). */
const mayApply = (criteria: Criteria, names: MatchNames): boolean =>
  Object.entries(criteria).every(([key, value]) => {
    const held = holds(keywordOf(key), criterionText(value), names);
    return held === undefined || held !== key.startsWith('!');
  });

/** What the config settles on for this host, first match winning; a user given with the host wins. */
const computeFor = (config: SSHConfig, ref: HostRef): Computed =>
  config.compute(ref.user === undefined ? { Host: ref.host } : { Host: ref.host, User: ref.user }, { ignoreCase: true, matchExec: false });

/** HostName with its %h (and %%) filled in, or the host as given. */
const hostNameOf = (computed: Computed, ref: HostRef): string => (first(computed['hostname']) ?? ref.host).replace(/%h/g, ref.host).replace(/%%/g, '%');

/** The user given with the host, else the configured one, else the local user (as ssh). */
const userOf = (computed: Computed, ref: HostRef): string => ref.user ?? first(computed['user']) ?? hostTokens.localUser();

/**
 * A name every report shows where a check ran (`root@db1:22`): the runbook, --host and an inventory
 * cannot give one holding a character a terminal acts on, and ssh_config's HostName and User may
 * not either. Such a host is refused, as one whose settings cannot be read.
 */
const shownName = (setting: string, value: string): string => {
  const at = firstHidden(value);
  if (at === -1) return value;
  throw new Error(`${setting} "${escapeControl(value)}" from ssh_config holds ${shownCharacter(value[at]!)}, which a terminal acts on: correct it there`);
};

/** The host name and user as the config's first `lines` set them, as ssh has them when it reaches a Match line. */
const namesBefore = (config: SSHConfig, lines: number, ref: HostRef): MatchNames => {
  const computed = computeFor(config.slice(0, lines) as SSHConfig, ref);
  return { alias: ref.host, hostName: hostNameOf(computed, ref), user: userOf(computed, ref) };
};

/** A Match block that may apply to this host and whose other criteria we cannot evaluate: refused, as ProxyCommand is. */
function unevaluatedMatch(config: SSHConfig, ref: HostRef): string | undefined {
  for (const [index, line] of config.entries()) {
    if (!('criteria' in line) || !Object.keys(line.criteria).some((key) => UNEVALUATED_CRITERIA.has(keywordOf(key)))) continue;
    if (!mayApply(line.criteria, namesBefore(config, index, ref))) continue;
    const words = Array.isArray(line.value) ? line.value.map(({ val, quoted }) => (quoted ? JSON.stringify(val) : val)).join(' ') : line.value;
    return `ssh_config has \`Match ${words}\`, which runbook cannot evaluate and which may apply to this host; write this host's settings in a Host block, or give --ssh-config a file without it`;
  }
  return undefined;
}

/**
 * `chain` overrides ssh_config's ProxyJump for this host, as `ssh -J a,b c` does for b (reached via a);
 * undefined means "as configured".
 */
export function resolveTarget(
  config: SSHConfig, ref: HostRef, defaults: ResolveDefaults, chain?: readonly HostRef[], depth = 0,
): SshTarget {
  if (depth > MAX_HOPS) throw new Error(`ProxyJump chain to ${ref.host} is longer than ${MAX_HOPS} hops (a loop?)`);
  const computed = computeFor(config, ref);
  const hostName = shownName('HostName', hostNameOf(computed, ref));
  const user = shownName('User', userOf(computed, ref));
  const port = ref.port ?? Number(first(computed['port']) ?? 22);
  const tokens = hostTokens.for({ alias: ref.host, hostName, user, port });
  const jumps = chain ?? jumpChain(computed);
  const hop = jumps.at(-1);
  const configuredIdentities = list(computed['identityfile']);
  return {
    alias: ref.host, hostName, user, port,
    identityFiles: (configuredIdentities.length ? configuredIdentities : DEFAULT_IDENTITIES).map((p) => expandPath(p, tokens)),
    identityFilesConfigured: configuredIdentities.length > 0,
    identitiesOnly: yes(computed['identitiesonly']),
    agentSocket: agentSocket(computed, defaults, tokens),
    userKnownHostsFiles: list(computed['userknownhostsfile'] ?? DEFAULT_USER_KNOWN_HOSTS).map((p) => expandPath(p, tokens)),
    globalKnownHostsFiles: list(computed['globalknownhostsfile'] ?? DEFAULT_GLOBAL_KNOWN_HOSTS).map((p) => expandPath(p, tokens)),
    hostKeyAlias: first(computed['hostkeyalias']),
    strictHostKeyChecking: defaults.strictHostKeyChecking ?? strictMode(first(computed['stricthostkeychecking'])),
    hashKnownHosts: yes(computed['hashknownhosts']),
    connectTimeoutMs: defaults.connectTimeoutMs ?? Number(first(computed['connecttimeout']) ?? 10) * 1000,
    keepaliveIntervalMs: Number(first(computed['serveraliveinterval']) ?? 15) * 1000,
    keepaliveCountMax: Number(first(computed['serveralivecountmax']) ?? 3),
    via: hop && resolveTarget(config, hop, defaults, jumps.length > 1 ? jumps.slice(0, -1) : undefined, depth + 1),
    unsupported: unsupported(computed) ?? unevaluatedMatch(config, ref),
  };
}

/** How messages name a host: the name the operator used, then where it really goes. */
export const describeTarget = (t: SshTarget): string => `${t.alias} (${t.user}@${t.hostName}:${t.port})`;

/** The connection identity: same user, address, port and path means one shared connection. */
export const destinationKey = (target: SshTarget): string =>
  `${target.user}@${target.hostName}:${target.port}${target.via ? ` via ${destinationKey(target.via)}` : ''}`;
