// An Ansible inventory (YAML or INI) read as Ansible reads it, so a fleet already described for
// Ansible needs no second description. The rules come from ansible/ansible:
// plugins/inventory/{yaml,ini}.py (the two formats), inventory/data.py and group.py (the implicit
// `all` and `ungrouped`, children, depth), inventory/helpers.py `sort_groups` (variables: all <
// parent group < child group < host; groups of one depth by ansible_group_priority, then by name,
// the later winning) and plugins/connection/ssh.py (ansible_ssh_host over ansible_host, ...).
//
// The INI reader is our own. The `ini` package (npm, maintained) reads `key=value` pairs: a host line
// `web1 ansible_port=22 ansible_user=ops` becomes one key "web1 ansible_port" with the value
// "22 ansible_user=ops", and it keeps no line numbers, which every message here needs. Ansible's INI
// is line-oriented and small: section headers, host lines split like a shell (shlex), `key=value`.
//
// Where this differs from Ansible, on purpose:
// - every problem is collected as a Diagnostic at file:line:col (Ansible stops at the first one,
//   and only warns about unknown YAML keys, which are usually typos);
// - on `[group:vars]` lines a " #" starts a comment, as on host lines (Ansible keeps it in text values);
// - a port after a host (`web1:99999`) must be 1-65535; a lone `[fe80::1]` is an IPv6 host;
// - hosts of a group are listed breadth first through its children, in the order written
//   (Ansible walks grandchildren in the order of a Python set, which changes from run to run);
// - Ansible's docs say `:vars` values are text, its code reads them as Python literals, as on host
//   lines (`x=8080` is a number): the code is followed.
// A host whose ansible_connection runbook cannot use (winrm, docker) is no error of the file: the
// rest of a mixed inventory stays usable, and destinationOf says why that host has no destination.
import { isIPv6 } from 'node:net';
import type { Diagnostic } from '../errors/diagnostic.js';
import { formatLocation } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { describeHost } from '../model/host-address.js';
import { expandHostPattern } from '../model/host-pattern.js';
import { isPort, PORT_RANGE } from '../model/port.js';
import { failed, ok, type Result } from '../model/result.js';
import type { SourceLocation } from '../model/runbook.js';
import { firstHidden } from '../model/visible-text.js';
import { hiddenCharacterProblem } from './hidden-characters.js';
import { parseHostAddress } from './hosts.js';
import { parseRunbookSource, type RunbookSource } from './source.js';
import { pushAll } from '../model/push-all.js';

export type InventoryFormat = 'yaml' | 'ini';

export interface InventoryGroup {
  readonly name: string;
  /** Its hosts and its children's, each once: its own first, then each level of children in the order written. */
  readonly hosts: readonly string[];
  readonly children: readonly string[];
  /** Where it is first named; none for an implicit `all` or `ungrouped`. */
  readonly location?: SourceLocation;
}

export interface InventoryHost {
  readonly name: string;
  /** Every group it is in, directly or through children, `all` included, in inventory order. */
  readonly groups: readonly string[];
  /** Its variables after Ansible's precedence: all < parent group < child group < the host's own. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** Where it is first named. */
  readonly location: SourceLocation;
}

/** How to reach a host: `[user@]host[:port]` or `local`, as a runbook's `hosts:` takes it. */
export interface HostDestination {
  readonly destination: string;
  readonly become: boolean;
}

export interface Inventory {
  readonly file: string;
  readonly format: InventoryFormat;
  /** Every group, `all` and `ungrouped` first, then in the order they are first named. */
  readonly groups: ReadonlyMap<string, InventoryGroup>;
  /** Every host, in the order first named. */
  readonly hosts: ReadonlyMap<string, InventoryHost>;
  /** From ansible_host, ansible_user, ansible_port, ansible_become, ansible_connection=local. */
  destinationOf(host: string): Result<HostDestination>;
}

// ---------------------------------------------------------------------------------------------
// The inventory as it is read: groups, hosts and variables, each with where it was written.

interface Defined {
  readonly value: unknown;
  readonly location: SourceLocation;
}

type VarTable = Map<string, Defined>;

interface ChildRef {
  readonly name: string;
  readonly location: SourceLocation;
}

interface GroupDraft {
  readonly name: string;
  location?: SourceLocation;
  /** Direct members, in the order written. */
  readonly hosts: string[];
  /** The same members, to ask whether a host is one without a search through them. */
  readonly hostSet: Set<string>;
  readonly children: ChildRef[];
  readonly vars: VarTable;
  /** ansible_group_priority: among groups of one depth, the higher is merged later and wins. */
  priority: number;
}

interface HostDraft {
  readonly name: string;
  readonly location: SourceLocation;
  readonly vars: VarTable;
}

interface Draft {
  readonly file: string;
  readonly groups: Map<string, GroupDraft>;
  readonly hosts: Map<string, HostDraft>;
  readonly diagnostics: Diagnostic[];
  /** A line took the inventory past MAX_INVENTORY_HOSTS: said there, and no host joins after it. */
  full: boolean;
}

/**
 * The most hosts one inventory holds. Each pattern makes at most 10,000 (model/host-pattern.ts),
 * but a 4 KB file of 300 such lines made 3 million and took more than 60 s and 3.4 GB. The
 * largest fleets we know of run in parts well below this; 80,000 hosts read in 2.7 s.
 */
export const MAX_INVENTORY_HOSTS = 100_000;

/**
 * The most hosts the groups may hold in all, a host counting once in every group that holds it,
 * directly or through its children. Ansible's groups list their hosts through their children:
 * 3,000 groups that each had a group of 100,000 hosts as their child (62 KB of INI) took more than
 * 60 s and 2.5 GB. 100,000 hosts in `all`, a region, an environment and a role hold 400,000;
 * reaching this limit takes about 2 s.
 */
export const MAX_INVENTORY_MEMBERSHIPS = 2_000_000;

/**
 * The most groups the groups may hold in all, through their children: each group's are listed to
 * find its hosts. A chain of 150,000 groups, each the child of the next (3.8 MB of INI), holds
 * 11 billion; 3,000 deep holds 4.5 million and reads in a second.
 */
export const MAX_INVENTORY_NESTING = 5_000_000;

const ALL = 'all';
const UNGROUPED = 'ungrouped';
const DEFAULT_PRIORITY = 1;

const newGroup = (name: string, location?: SourceLocation): GroupDraft => ({
  name,
  ...(location ? { location } : {}),
  hosts: [],
  hostSet: new Set(),
  children: [],
  vars: new Map(),
  priority: DEFAULT_PRIORITY,
});

const newDraft = (file: string): Draft => ({
  file,
  groups: new Map([ALL, UNGROUPED].map((name) => [name, newGroup(name)])),
  hosts: new Map(),
  diagnostics: [],
  full: false,
});

// RB_INVENTORY: the file the operator hands --inventory (YAML syntax errors keep RB_YAML).
const report = (draft: Draft, location: SourceLocation, message: string, hint?: string): void => {
  draft.diagnostics.push({ code: 'RB_INVENTORY', message, location, ...(hint ? { hint } : {}) });
};

const quoted = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value));

// ---------------------------------------------------------------------------------------------
// Values Ansible itself interprets: checked where they are written, so a bad one is reported
// at its own line even when another definition wins for some hosts.

const asPort = (value: unknown): number | undefined => {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return isPort(number) ? number : undefined;
};

/** Ansible's boolean(): true/false, yes/no, on/off, y/n, t/f, 1/0, in any case. */
const asBoolean = (value: unknown): boolean | undefined => {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === undefined) return undefined;
  if (['y', 'yes', 'on', '1', 'true', 't'].includes(text)) return true;
  if (['n', 'no', 'off', '0', 'false', 'f'].includes(text)) return false;
  return undefined;
};

/** A name or an address for ssh: no spaces, no user, IPv6 with or without brackets. */
const asAddress = (value: unknown): string | undefined => {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const bare = /^\[(.*)\]$/.exec(text)?.[1] ?? text;
  if (bare === '' || /[\s@[\]]/.test(bare)) return undefined;
  return bare.includes(':') && !isIPv6(bare) ? undefined : bare;
};

const asUser = (value: unknown): string | undefined => {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return text === '' || /[\s@]/.test(text) ? undefined : text;
};

const asPriority = (value: unknown): number | undefined => {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(number) ? number : undefined;
};

const PORT_RULE = `must be a port number (${PORT_RANGE})`;
const ADDRESS_RULE = 'must be a host name or an IP address (IPv6 with or without brackets), with no user and no port';
const USER_RULE = 'must be a user name, with no spaces and no "@"';

/** The rule each variable Ansible interprets must follow, and how to read it. */
const INTERPRETED: Readonly<Record<string, { readonly rule: string; readonly read: (value: unknown) => unknown }>> = {
  ansible_port: { rule: PORT_RULE, read: asPort },
  ansible_ssh_port: { rule: PORT_RULE, read: asPort },
  ansible_host: { rule: ADDRESS_RULE, read: asAddress },
  ansible_ssh_host: { rule: ADDRESS_RULE, read: asAddress },
  ansible_user: { rule: USER_RULE, read: asUser },
  ansible_ssh_user: { rule: USER_RULE, read: asUser },
  ansible_become: { rule: 'must be true or false (or yes/no, on/off, 1/0)', read: asBoolean },
};

const checkVar = (draft: Draft, name: string, { value, location }: Defined): void => {
  const interpreted = INTERPRETED[name];
  if (interpreted && interpreted.read(value) === undefined) report(draft, location, `${name} ${interpreted.rule}, got ${quoted(value)}`);
};

const setGroupVar = (draft: Draft, group: GroupDraft, name: string, value: unknown, location: SourceLocation): void => {
  // Ansible keeps this one out of the variables: it orders the group among its equals.
  if (name === 'ansible_group_priority') {
    const priority = asPriority(value);
    if (priority === undefined) report(draft, location, `ansible_group_priority must be a whole number, got ${quoted(value)}`);
    else group.priority = priority;
    return;
  }
  checkVar(draft, name, { value, location });
  group.vars.set(name, { value, location });
};

// ---------------------------------------------------------------------------------------------
// Groups, children and hosts.

const addGroup = (draft: Draft, name: string, location: SourceLocation): GroupDraft => {
  const existing = draft.groups.get(name);
  if (existing) {
    existing.location ??= location;
    return existing;
  }
  const group = newGroup(name, location);
  draft.groups.set(name, group);
  return group;
};

const addChild = (draft: Draft, parent: string, child: string, location: SourceLocation): void => {
  if (child === ALL) {
    report(draft, location, `group "${parent}" names "all" as a child: "all" holds every group and cannot be inside another`);
    return;
  }
  const group = draft.groups.get(parent)!;
  if (!group.children.some((ref) => ref.name === child)) group.children.push({ name: child, location });
};

/** `host`, `host:port`, `[ipv6]:port` (Ansible's parse_address): the name part and the port as written. */
const splitPort = (pattern: string): { host: string; port?: string } => {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(pattern);
  if (bracketed && isIPv6(bracketed[1]!)) return { host: bracketed[1]!, ...(bracketed[2] ? { port: bracketed[2] } : {}) };
  const withPort = /^((?:[^:[\]]|\[[^\]]*\])*):(\d+)$/.exec(pattern);
  return withPort ? { host: withPort[1]!, port: withPort[2]! } : { host: pattern };
};

/** Why a name (after ranges are expanded) cannot be a host, or undefined. */
const hostNameProblem = (name: string, pattern: string): string | undefined => {
  if (/\s/.test(name)) return `host "${name}" has a space in its name: variables go after the name as key=value (INI) or under it as a map (YAML)`;
  if (name.includes('@')) {
    const [user, host] = [name.slice(0, name.indexOf('@')), name.slice(name.indexOf('@') + 1)];
    return `host "${name}" holds "@": name the host ${host} and give ansible_user ${user} as its variable`;
  }
  if (name.endsWith(':')) return `host "${pattern}" ends in ":": write the port after it (${pattern}22) or drop the ":"`;
  if (name.includes(':') && !isIPv6(name)) return `host "${pattern}" has ":" followed by something other than a port number (${PORT_RANGE})`;
  return undefined;
};

/** The hosts a host pattern stands for, and the port it gives them, or why it is not one. */
const hostsOfPattern = (pattern: string): Result<{ names: string[]; port?: number }> => {
  const { host, port } = splitPort(pattern);
  const portNumber = port === undefined ? undefined : Number(port);
  if (portNumber !== undefined && !isPort(portNumber)) return failed(`port ${port} of host "${pattern}" is not a port number (${PORT_RANGE})`);
  const names = expandHostPattern(host);
  if (!names.ok) return names;
  const problem = names.value.map((name) => hostNameProblem(name, pattern)).find((text) => text !== undefined);
  if (problem) return failed(problem);
  return ok({ names: names.value, ...(portNumber !== undefined ? { port: portNumber } : {}) });
};

/** The hosts of `pattern` join `group`; the port and variables become host variables, as in Ansible. */
const addHosts = (draft: Draft, group: string, pattern: string, location: SourceLocation, vars: readonly [string, Defined][]): void => {
  if (draft.full) return;
  const parsed = hostsOfPattern(pattern);
  if (!parsed.ok) {
    report(draft, location, parsed.error);
    return;
  }
  const total = draft.hosts.size + parsed.value.names.filter((name) => !draft.hosts.has(name)).length;
  if (total > MAX_INVENTORY_HOSTS) {
    draft.full = true;
    report(draft, location, `"${pattern}" brings the inventory to ${total} hosts, more than ${MAX_INVENTORY_HOSTS}, the most one inventory may hold`, 'split the fleet into inventories of fewer hosts, one per run');
    return;
  }
  // Checked once where written, not once per host of a range.
  for (const [name, defined] of vars) checkVar(draft, name, defined);
  // The group's set, kept as members join: a set made afresh for each entry made an inventory of
  // 20,000 hosts written one by one take 45 s (50,000: 5 minutes).
  const { hosts: members, hostSet } = draft.groups.get(group)!;
  for (const name of parsed.value.names) {
    const host = draft.hosts.get(name) ?? { name, location, vars: new Map() };
    draft.hosts.set(name, host);
    if (!hostSet.has(name)) {
      members.push(name);
      hostSet.add(name);
    }
    if (parsed.value.port !== undefined) host.vars.set('ansible_port', { value: parsed.value.port, location });
    for (const [key, defined] of vars) host.vars.set(key, defined);
  }
};

// ---------------------------------------------------------------------------------------------
// YAML: `all:` (or any group) with `hosts:`, `children:` and `vars:`, nested as deep as needed.

const GROUP_KEYS = ['hosts', 'children', 'vars'];

type Path = readonly string[];

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const kindOf = (value: unknown): string => (Array.isArray(value) ? 'a list' : value === null ? 'nothing' : typeof value === 'object' ? 'a map' : `${quoted(value)}`);

/** `hosts: web1` and `children: web` are allowed shorthands for a map of one entry (Ansible). */
const entriesOf = (value: unknown): [string, unknown][] | undefined =>
  typeof value === 'string' ? [[value, null]] : value === null || value === undefined ? [] : isMap(value) ? Object.entries(value) : undefined;

interface YamlReader {
  readonly draft: Draft;
  readonly source: RunbookSource;
}

const readYamlHosts = (reader: YamlReader, group: string, value: unknown, path: Path): void => {
  const { draft, source } = reader;
  const entries = entriesOf(value);
  if (!entries) {
    report(draft, source.locate(path), `hosts of group "${group}" must be a map of host names, got ${kindOf(value)}`, 'write each host as a key ending in ":", e.g. "web01:"');
    return;
  }
  for (const [pattern, vars] of entries) {
    const at = [...path, pattern];
    const varEntries = vars === null || vars === undefined ? [] : isMap(vars) ? Object.entries(vars) : undefined;
    if (!varEntries) {
      report(draft, source.locate(at), `host "${pattern}" must be followed by a map of its variables, or nothing, got ${kindOf(vars)}`, `e.g. "${pattern}: { ansible_port: 2222 }"`);
      continue;
    }
    const defined = varEntries.map(([key, item]): [string, Defined] => [key, { value: item, location: source.locate([...at, key]) }]);
    addHosts(draft, group, pattern, source.locate(at, 'key'), defined);
  }
};

const readYamlVars = (reader: YamlReader, group: GroupDraft, value: unknown, path: Path): void => {
  const { draft, source } = reader;
  if (value === null || value === undefined) return;
  if (!isMap(value)) {
    report(draft, source.locate(path), `vars of group "${group.name}" must be a map of names to values, got ${kindOf(value)}`);
    return;
  }
  for (const [name, item] of Object.entries(value)) setGroupVar(draft, group, name, item, source.locate([...path, name]));
};

const readYamlGroup = (reader: YamlReader, name: string, value: unknown, path: Path, parent?: string): void => {
  const { draft, source } = reader;
  const location = source.locate(path, 'key');
  const group = addGroup(draft, name, location);
  if (parent !== undefined) addChild(draft, parent, name, location);
  if (value === null || value === undefined) return;
  if (!isMap(value)) {
    report(draft, source.locate(path), `group "${name}" must be a map with hosts:, children: or vars:, got ${kindOf(value)}`);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = [...path, key];
    if (key === 'hosts') readYamlHosts(reader, name, item, at);
    else if (key === 'vars') readYamlVars(reader, group, item, at);
    else if (key === 'children') readYamlChildren(reader, name, item, at);
    else report(draft, source.locate(at, 'key'), `group "${name}" has an unknown key "${key}": a group holds hosts:, children: and vars:`, didYouMean(key, GROUP_KEYS));
  }
};

const readYamlChildren = (reader: YamlReader, parent: string, value: unknown, path: Path): void => {
  const entries = entriesOf(value);
  if (!entries) {
    report(reader.draft, reader.source.locate(path), `children of group "${parent}" must be a map of group names, got ${kindOf(value)}`, 'write each group as a key ending in ":", e.g. "web:"');
    return;
  }
  for (const [name, item] of entries) readYamlGroup(reader, name, item, [...path, name], parent);
};

const readYaml = (draft: Draft, text: string): void => {
  // Read quickly where plain (source.ts ParseOptions.quick): an inventory of 80,000 hosts (7.8 MB)
  // took 11.8 s and 700 MB on the exact reading alone. A `!vault` value takes the exact reading.
  const { source, diagnostics } = parseRunbookSource(draft.file, text, { foreignTags: 'keep', quick: true });
  pushAll(draft.diagnostics, diagnostics);
  if (diagnostics.length > 0 || source.data === null || source.data === undefined) return;
  if (!isMap(source.data)) {
    report(draft, source.locate([]), `a YAML inventory must be a map of groups, e.g. "all:" with hosts: under it, got ${kindOf(source.data)}`);
    return;
  }
  if ('plugin' in source.data) {
    report(draft, source.locate(['plugin'], 'key'), 'this is the configuration of an inventory plugin, not an inventory: give the file of hosts and groups');
    return;
  }
  for (const [name, value] of Object.entries(source.data)) readYamlGroup({ draft, source }, name, value, [name]);
};

// ---------------------------------------------------------------------------------------------
// INI: `[group]` host lines, `[group:children]` group names, `[group:vars]` key=value lines.

interface Token {
  readonly text: string;
  /** 1-based column of its first character (or opening quote) in the line. */
  readonly col: number;
}

/**
 * Splits a host line as Python's shlex does for Ansible: spaces separate, quotes group (a
 * backslash escapes inside double quotes and outside quotes), `#` ends the line. The error is the
 * column of a quote never closed.
 */
const tokenize = (line: string): Result<Token[], number> => {
  const tokens: { text: string; col: number }[] = [];
  let inToken = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (/\s/.test(char)) {
      inToken = false;
      continue;
    }
    if (char === '#') break;
    if (!inToken) tokens.push({ text: '', col: index + 1 });
    inToken = true;
    const token = tokens[tokens.length - 1]!;
    if (char === "'" || char === '"') {
      const close = char === "'" ? line.indexOf("'", index + 1) : closingDoubleQuote(line, index + 1);
      if (close === -1) return failed(index + 1);
      const inner = line.slice(index + 1, close);
      token.text += char === "'" ? inner : inner.replace(/\\(["\\$`])/g, '$1');
      index = close;
    } else if (char === '\\' && index + 1 < line.length) {
      token.text += line[index + 1];
      index += 1;
    } else {
      token.text += char;
    }
  }
  return ok(tokens);
};

const closingDoubleQuote = (line: string, from: number): number => {
  for (let at = from; at < line.length; at += 1) {
    if (line[at] === '\\') at += 1;
    else if (line[at] === '"') return at;
  }
  return -1;
};

/** Ansible reads INI values with Python's ast.literal_eval: numbers, True/False/None, quoted text; the rest stays text. */
const pythonLiteral = (text: string): unknown => {
  if (/^[+-]?(?:0+|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (/^[+-]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][+-]?\d+)?$/.test(text)) return Number(text);
  const named: Record<string, unknown> = { True: true, False: false, None: null };
  if (text in named) return named[text];
  const string = /^'([^'\\]*)'$|^"([^"\\]*)"$/.exec(text);
  return string ? (string[1] ?? string[2]) : text;
};

/** The text before a ` #` comment that is not inside quotes. */
const withoutComment = (text: string): string => {
  let quote: string | undefined;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at]!;
    if (quote) quote = char === quote ? undefined : quote;
    else if (char === "'" || char === '"') quote = char;
    else if (char === '#' && (at === 0 || /\s/.test(text[at - 1]!))) return text.slice(0, at);
  }
  return text;
};

type SectionKind = 'hosts' | 'children' | 'vars';

const SECTION_KINDS: readonly SectionKind[] = ['hosts', 'children', 'vars'];

/** `[web]`, `[web:children]`, `[web:vars]`, optionally followed by a comment. */
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;

/** A host line that starts with a bracketed IPv6 address, `[fe80::1]:2222 ...`, is not a section. */
const startsWithIPv6Host = (text: string): boolean => {
  const address = /^\[([^\]]+)\](?::\d+)?(?:\s|$)/.exec(text)?.[1];
  return address !== undefined && isIPv6(address);
};

const GROUP_NAME = /^([^:\]\s]+)\s*(?:[#;].*)?$/;

interface IniLine {
  readonly number: number;
  /** The line without its indentation or trailing spaces. */
  readonly text: string;
  /** 1-based column where `text` starts. */
  readonly col: number;
}

interface IniReader {
  readonly draft: Draft;
  /** Groups that a [group] or [group:children] section defines (Ansible's rule for `:vars` and children). */
  readonly defined: Set<string>;
  readonly varsSections: { readonly group: string; readonly location: SourceLocation }[];
  readonly childRefs: { readonly parent: string; readonly child: string; readonly location: SourceLocation }[];
  section: { readonly group: string; readonly kind: SectionKind } | undefined;
}

const at = (reader: IniReader, line: IniLine, offset = 0): SourceLocation => ({ file: reader.draft.file, line: line.number, col: line.col + offset });

const readSection = (reader: IniReader, line: IniLine): void => {
  const match = SECTION.exec(line.text);
  if (!match) {
    reader.section = undefined;
    report(reader.draft, at(reader, line), `"${line.text}" is not a section header: write [group], [group:children] or [group:vars], with no spaces inside the brackets`);
    return;
  }
  const [, group, rawKind] = match as unknown as [string, string, string | undefined];
  const kind = (rawKind ?? 'hosts') as SectionKind;
  if (!SECTION_KINDS.includes(kind)) {
    reader.section = undefined;
    const hint = didYouMean(kind, SECTION_KINDS) ?? `use [${group}], [${group}:children] or [${group}:vars]`;
    report(reader.draft, at(reader, line, group.length + 2), `section [${group}:${kind}] has an unknown type "${kind}"`, hint);
    return;
  }
  addGroup(reader.draft, group, at(reader, line, 1));
  if (kind === 'vars') reader.varsSections.push({ group, location: at(reader, line, 1) });
  else reader.defined.add(group);
  reader.section = { group, kind };
};

const readHostLine = (reader: IniReader, group: string, line: IniLine): void => {
  const tokens = tokenize(line.text);
  if (!tokens.ok) {
    report(reader.draft, at(reader, line, tokens.error - 1), 'this quote is never closed: close it on the same line');
    return;
  }
  const [pattern, ...assignments] = tokens.value;
  if (!pattern) return;
  if (pattern.text === '---') {
    report(reader.draft, at(reader, line), '"---" in an INI inventory: if this file is YAML, its first line must be a group, e.g. "all:"');
    return;
  }
  const vars: [string, Defined][] = [];
  for (const { text, col } of assignments) {
    const equals = text.indexOf('=');
    if (equals <= 0) {
      report(reader.draft, at(reader, line, col - 1), `"${text}" is not a host variable: write key=value after the host name, e.g. ansible_port=2222`);
      continue;
    }
    vars.push([text.slice(0, equals), { value: pythonLiteral(text.slice(equals + 1)), location: at(reader, line, col + equals) }]);
  }
  addHosts(reader.draft, group, pattern.text, at(reader, line, pattern.col - 1), vars);
};

const readVarLine = (reader: IniReader, group: string, line: IniLine): void => {
  const equals = line.text.indexOf('=');
  const name = line.text.slice(0, Math.max(equals, 0)).trim();
  if (equals === -1 || name === '' || /\s/.test(name)) {
    report(reader.draft, at(reader, line), `"${line.text}" is not a variable: a [${group}:vars] line is name=value`);
    return;
  }
  const rest = line.text.slice(equals + 1);
  const valueOffset = equals + 1 + (rest.length - rest.trimStart().length);
  const value = pythonLiteral(withoutComment(rest).trim());
  setGroupVar(reader.draft, reader.draft.groups.get(group)!, name, value, at(reader, line, valueOffset));
};

const readChildLine = (reader: IniReader, parent: string, line: IniLine): void => {
  const match = GROUP_NAME.exec(line.text);
  if (!match) {
    report(reader.draft, at(reader, line), `"${line.text}" is not a group name: a [${parent}:children] section lists one group per line`);
    return;
  }
  reader.childRefs.push({ parent, child: match[1]!, location: at(reader, line) });
};

const readIniLine = (reader: IniReader, line: IniLine): void => {
  // Host names and values are shown in every report: none may act on the terminal (as in YAML,
  // yaml-content.ts).
  const hidden = firstHidden(line.text);
  if (hidden !== -1) {
    const { message, hint } = hiddenCharacterProblem(line.text[hidden]!);
    report(reader.draft, at(reader, line, hidden), `the line ${message}`, hint);
    return;
  }
  if (line.text.startsWith('[') && !startsWithIPv6Host(line.text)) {
    readSection(reader, line);
    return;
  }
  // Lines before the first section are hosts of `ungrouped` (Ansible); after a bad header, skipped.
  const section = reader.section;
  if (!section) return;
  if (section.kind === 'hosts') readHostLine(reader, section.group, line);
  else if (section.kind === 'vars') readVarLine(reader, section.group, line);
  else readChildLine(reader, section.group, line);
};

/** Children and `:vars` may name a group defined further down; settled once the whole file is read. */
const settleIniReferences = (reader: IniReader): void => {
  const { draft, defined } = reader;
  for (const { parent, child, location } of reader.childRefs) {
    if (defined.has(child)) addChild(draft, parent, child, location);
    else report(draft, location, `[${parent}:children] names group "${child}", which no section defines`, didYouMean(child, [...defined]) ?? `add a [${child}] section with its hosts`);
  }
  for (const { group, location } of reader.varsSections) {
    if (defined.has(group)) continue;
    report(draft, location, `[${group}:vars] sets variables of group "${group}", which no section defines`, didYouMean(group, [...defined]) ?? `add a [${group}] section with its hosts`);
    draft.groups.delete(group);
  }
};

const readIni = (draft: Draft, text: string): void => {
  const reader: IniReader = { draft, defined: new Set([ALL, UNGROUPED]), varsSections: [], childRefs: [], section: { group: UNGROUPED, kind: 'hosts' } };
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    readIniLine(reader, { number: index + 1, text: trimmed, col: raw.length - raw.trimStart().length + 1 });
  });
  settleIniReferences(reader);
};

// ---------------------------------------------------------------------------------------------
// From what was read to the inventory: cycles, the implicit groups, depths, precedence.

/** A group on the way down from where the search for cycles started, with the children it has yet to look at. */
interface Step {
  readonly name: string;
  readonly via?: ChildRef;
  readonly refs: readonly ChildRef[];
  next: number;
}

const reportCycle = (draft: Draft, loop: readonly Step[], ref: ChildRef): void => {
  const names = [...loop.map((step) => step.name), ref.name].map((step) => `"${step}"`).join(' -> ');
  const places = [...loop.slice(1).map((step) => step.via!.location), ref.location].map(formatLocation).join(' -> ');
  report(draft, ref.location, `groups ${names} form a cycle of children: ${places}`, 'a group cannot contain itself, directly or through its children');
};

/**
 * Each cycle of children reported once, at the child that closes it, and that edge dropped. A
 * depth-first search with a stack of its own: groups may nest thousands deep (an INI file of
 * `[gN:children]` sections), deeper than the call stack goes.
 */
const dropCycles = (draft: Draft): void => {
  const done = new Set<string>();
  const path: Step[] = [];
  const onPath = new Map<string, number>();
  const enter = (name: string, via?: ChildRef): void => {
    onPath.set(name, path.length);
    path.push({ name, ...(via ? { via } : {}), refs: [...draft.groups.get(name)!.children], next: 0 });
  };
  for (const root of draft.groups.keys()) {
    if (done.has(root)) continue;
    enter(root);
    while (path.length > 0) {
      const step = path.at(-1)!;
      const ref = step.refs[step.next];
      step.next += 1;
      if (ref === undefined) {
        done.add(step.name);
        onPath.delete(step.name);
        path.pop();
        continue;
      }
      const start = onPath.get(ref.name);
      if (start !== undefined) {
        reportCycle(draft, path.slice(start), ref);
        const children = draft.groups.get(step.name)!.children;
        children.splice(children.indexOf(ref), 1);
      } else if (!done.has(ref.name)) {
        enter(ref.name, ref);
      }
    }
  }
};

/**
 * Ansible's reconcile_inventory: `ungrouped` first (made with `all`), then the children written
 * under `all`, then every group without a parent, in the order first named.
 */
const childrenOfAll = (draft: Draft): ChildRef[] => {
  const withParent = new Set([...draft.groups.values()].flatMap((group) => group.children.map((ref) => ref.name)));
  const orphans = [...draft.groups.keys()].filter((name) => name !== ALL && !withParent.has(name));
  const names = new Set([UNGROUPED, ...draft.groups.get(ALL)!.children.map((ref) => ref.name), ...orphans]);
  // Cycles are settled by now: these edges need no place in the file.
  return [...names].map((name) => ({ name, location: { file: draft.file, line: 1, col: 1 } }));
};

/** Ansible's rule for `ungrouped`: the hosts in no group but `all`, and only those. */
const settleUngrouped = (draft: Draft): void => {
  const ungrouped = draft.groups.get(UNGROUPED)!;
  const elsewhere = new Set([...draft.groups.values()].filter((group) => group.name !== ALL && group.name !== UNGROUPED).flatMap((group) => group.hosts));
  const members = new Set([...ungrouped.hosts, ...draft.hosts.keys()].filter((name) => !elsewhere.has(name)));
  // Refilled in a loop: a splice given every host as an argument overflows the stack past ~100,000.
  ungrouped.hosts.length = 0;
  ungrouped.hostSet.clear();
  for (const name of members) {
    ungrouped.hosts.push(name);
    ungrouped.hostSet.add(name);
  }
};

interface Shape {
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly parents: ReadonlyMap<string, readonly string[]>;
}

/** Children and parents of every group, each list in inventory order; one pass over the children. */
const shapeOf = (draft: Draft): Shape => {
  const children = new Map([...draft.groups.values()].map((group) => [group.name, group.children.map((ref) => ref.name)]));
  const parents = new Map<string, string[]>([...draft.groups.keys()].map((name) => [name, []]));
  for (const [parent, kids] of children) for (const kid of kids) parents.get(kid)?.push(parent);
  return { children, parents };
};

/**
 * Ansible's depth: the longest way down from `all` (0). A child group is deeper than every parent.
 * A depth-first search over parents with a stack of its own (groups may nest thousands deep): a
 * group's parents are measured before it. A parent still being measured closes a loop through
 * `all` (a group that names `all` as its child); it adds nothing, as a cycle must not.
 */
const depthsOf = (shape: Shape): Map<string, number> => {
  const depths = new Map<string, number>();
  const entered = new Set<string>();
  for (const start of shape.children.keys()) {
    const stack = [start];
    while (stack.length > 0) {
      const name = stack.at(-1)!;
      const parents = shape.parents.get(name) ?? [];
      if (depths.has(name)) {
        stack.pop();
      } else if (!entered.has(name)) {
        entered.add(name);
        for (const parent of parents) if (!entered.has(parent)) stack.push(parent);
      } else {
        stack.pop();
        depths.set(name, parents.reduce((deepest, parent) => Math.max(deepest, (depths.get(parent) ?? -1) + 1), 0));
      }
    }
  }
  return depths;
};

/** The group and every group below it, level by level, each level in the order written. */
const groupAndBelow = (name: string, shape: Shape): string[] => {
  const seen = [name];
  const known = new Set(seen);
  // Breadth first: the list is its own queue, so each level follows the one above, in order.
  for (let next = 0; next < seen.length; next += 1) {
    for (const child of shape.children.get(seen[next]!) ?? []) {
      if (known.has(child)) continue;
      known.add(child);
      seen.push(child);
    }
  }
  return seen;
};

/** Ansible's get_group_vars then the host's own: by depth, then ansible_group_priority, then name; later wins. */
const effectiveVars = (host: HostDraft, groups: readonly GroupDraft[], depths: ReadonlyMap<string, number>): VarTable => {
  const order = [...groups].sort(
    (a, b) => depths.get(a.name)! - depths.get(b.name)! || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return new Map([...order.flatMap((group) => [...group.vars]), ...host.vars]);
};

const SSH_CONNECTIONS = ['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'ansible.builtin.ssh', 'ansible.builtin.paramiko_ssh'];
const LOCAL_CONNECTIONS = ['local', 'ansible.builtin.local'];

const where = (defined: Defined): string => formatLocation(defined.location);

/** The destination of one host from its effective variables; ansible_ssh_* win over ansible_* (ssh.py). */
const destinationFrom = (name: string, vars: VarTable): Result<HostDestination> => {
  const becomeDefined = vars.get('ansible_become');
  const become = becomeDefined ? asBoolean(becomeDefined.value) : false;
  if (become === undefined) return failed(`host "${name}": ansible_become is not true or false (${where(becomeDefined!)})`);
  const connection = vars.get('ansible_connection');
  const kind = connection === undefined ? 'ssh' : String(connection.value);
  if (LOCAL_CONNECTIONS.includes(kind)) return ok({ destination: 'local', become });
  if (!SSH_CONNECTIONS.includes(kind)) {
    return failed(`host "${name}" connects with ansible_connection=${kind} (${where(connection!)}): runbook reaches hosts over SSH, or on this machine with ansible_connection=local`);
  }
  const read = <T>(keys: readonly string[], as: (value: unknown) => T | undefined): Result<T | undefined> => {
    const defined = keys.map((key) => vars.get(key)).filter((item) => item !== undefined).at(-1);
    if (!defined) return ok(undefined);
    const value = as(defined.value);
    return value === undefined ? failed(`host "${name}" has an unusable ${keys.find((key) => vars.get(key) === defined)} (${where(defined)})`) : ok(value);
  };
  const host = read(['ansible_host', 'ansible_ssh_host'], asAddress);
  const user = read(['ansible_user', 'ansible_ssh_user'], asUser);
  const port = read(['ansible_port', 'ansible_ssh_port'], asPort);
  if (!host.ok) return host;
  if (!user.ok) return user;
  if (!port.ok) return port;
  const spec = { role: name, kind: 'ssh' as const, name, host: host.value ?? name, become, ...(user.value ? { user: user.value } : {}), ...(port.value ? { port: port.value } : {}) };
  const destination = describeHost(spec);
  // The destination must read back as this SSH host: a host named "local" would mean this machine.
  if (parseHostAddress(name, destination)?.kind !== 'ssh') {
    return failed(`host "${name}" is not an address runbook can reach over SSH: set ansible_host to its name or address, or ansible_connection=local`);
  }
  return ok({ destination, become });
};

/**
 * Every group with its hosts through its children, until the groups hold more than
 * MAX_INVENTORY_MEMBERSHIPS hosts or MAX_INVENTORY_NESTING groups: that is said at the group that
 * crossed it, and the groups after it are left empty (the
 * inventory is refused anyway). Counted as the work is done, so no inventory costs more than it.
 */
const groupsWithHosts = (draft: Draft, shape: Shape): Map<string, InventoryGroup> => {
  const groups = new Map<string, InventoryGroup>();
  let [memberships, nesting, full] = [0, 0, false];
  for (const group of draft.groups.values()) {
    const below = full ? [] : groupAndBelow(group.name, shape);
    const held = below.flatMap((name) => draft.groups.get(name)!.hosts);
    memberships += held.length;
    nesting += below.length;
    const past = full ? undefined : memberships > MAX_INVENTORY_MEMBERSHIPS ? `${MAX_INVENTORY_MEMBERSHIPS} hosts` : nesting > MAX_INVENTORY_NESTING ? `${MAX_INVENTORY_NESTING} groups` : undefined;
    if (past) {
      full = true;
      report(draft, group.location ?? { file: draft.file, line: 1, col: 1 }, `the groups hold more than ${past} in all, each counted once in every group that holds it through children, from the group "${group.name}" on`, 'nest fewer groups over large ones, or split the fleet into inventories of fewer hosts');
    }
    const hosts = full ? [] : [...new Set(held)];
    groups.set(group.name, { name: group.name, hosts, children: shape.children.get(group.name)!, ...(group.location ? { location: group.location } : {}) });
  }
  return groups;
};

const finish = (draft: Draft, format: InventoryFormat): Inventory => {
  dropCycles(draft);
  const all = draft.groups.get(ALL)!;
  const children = childrenOfAll(draft); // before the list it reads is emptied
  all.children.length = 0;
  pushAll(all.children, children);
  settleUngrouped(draft);
  const shape = shapeOf(draft);
  const depths = depthsOf(shape);
  const groups = groupsWithHosts(draft, shape);
  // Each host's groups in one pass over the groups, not one search of every group per host.
  const groupsOf = new Map<string, GroupDraft[]>();
  for (const group of groups.values()) {
    for (const host of group.hosts) {
      const memberOf = groupsOf.get(host);
      if (memberOf) memberOf.push(draft.groups.get(group.name)!);
      else groupsOf.set(host, [draft.groups.get(group.name)!]);
    }
  }
  const tables = new Map<string, VarTable>();
  const hosts = new Map<string, InventoryHost>();
  for (const host of draft.hosts.values()) {
    const memberOf = groupsOf.get(host.name) ?? [];
    const table = effectiveVars(host, memberOf, depths);
    tables.set(host.name, table);
    const vars = Object.fromEntries([...table].map(([key, defined]) => [key, defined.value]));
    hosts.set(host.name, { name: host.name, groups: memberOf.map((group) => group.name), vars, location: host.location });
  }
  const destinationOf = (host: string): Result<HostDestination> => {
    const table = tables.get(host);
    if (table) return destinationFrom(host, table);
    return failed([`${draft.file} has no host "${host}"`, didYouMean(host, [...hosts.keys()])].filter(Boolean).join('; '));
  };
  return { file: draft.file, format, groups, hosts, destinationOf };
};

// ---------------------------------------------------------------------------------------------

/**
 * YAML when the first line that is not a comment opens a map (`all:`, `web: {...}`), a document
 * (`---`), a JSON object or a list; INI otherwise (`[web]`, `web01`, `web01:2222 ansible_user=ops`).
 */
export const detectInventoryFormat = (text: string): InventoryFormat => {
  const first = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#') && !line.startsWith(';'));
  if (first === undefined) return 'ini';
  if (/^(?:---|\{|- )/.test(first) || first === '-') return 'yaml';
  return /^(?:"[^"]*"|'[^']*'|[^\s'"[]\S*?):(?:\s|$)/.test(first) ? 'yaml' : 'ini';
};

/** `file` names the file in messages; `text` is its content. Every problem is a diagnostic at its line and column. */
export const parseInventory = (file: string, text: string): { inventory: Inventory; diagnostics: Diagnostic[] } => {
  const draft = newDraft(file);
  const format = detectInventoryFormat(text);
  if (format === 'yaml') readYaml(draft, text);
  else readIni(draft, text);
  const inventory = finish(draft, format);
  if (draft.diagnostics.length === 0 && inventory.hosts.size === 0) {
    report(draft, { file, line: 1, col: 1 }, `${file} defines no hosts`, format === 'yaml' ? 'e.g. "all:", then "  hosts:", then "    web01:"' : 'e.g. "[web]", then "web01" on the next line');
  }
  return { inventory, diagnostics: draft.diagnostics };
};
