// `--limit`: which hosts of a fleet take part, in Ansible's pattern language, so an operator's
// habits (and scripts) carry over. The rules are Ansible's (ansible/ansible
// lib/ansible/inventory/manager.py; docs "Patterns: targeting hosts and groups"):
// - `a,b` or `a:b` (a comma anywhere makes ":" part of the pattern, for IPv6 and regexes);
// - every plain pattern adds hosts, then every `&pattern` keeps only its hosts, then every
//   `!pattern` removes its hosts, whatever the order written; only `&` or `!` means `all` first;
// - a pattern matches group names (a group brings all its hosts, children included) and, when no
//   group matched or it holds a wildcard (`*`, `?`, `[`, `.`, `~`), host names too;
// - `*`, `?`, `[seq]`, `[!seq]` as Python's fnmatch: case-sensitive, `*` crosses dots;
// - `~regex` is a regular expression that must match at the start of the name (Python's re.match),
//   written in JavaScript's dialect;
// - `group[0]`, `group[-1]`, `group[1:3]` (both ends included), `group[2:]` pick hosts by
//   position, in inventory order; `group[:2]` too, as the docs say (2.14's code reads it as a glob).
// Globbing is our own ~25 lines rather than picomatch or minimatch: those are path matchers. In
// picomatch `*` stops at "/" and skips names starting with ".", `{a,b}` and `+(a)` are syntax, a
// leading "!" negates and "\" escapes, and `web[!1]` did not match "web2"; each would need an
// option or a workaround and would still not be fnmatch, which is what Ansible users write.
// Where this differs from Ansible, on purpose: a plain name that is neither a host nor a group of
// the inventory is an error (Ansible warns and goes on; `!web07` with a typo would exclude nothing),
// an empty pattern is an error (Ansible takes it as no limit), and so are `[1-3]` (Ansible's
// removed spelling of `[1:3]`, which would otherwise read as a character class), `[3:1]` (the docs
// say empty, the code picks host 3) and `@file` (reading the file is the command line's to do).
import { isIPv6 } from 'node:net';
import { didYouMean } from '../errors/did-you-mean.js';
import { failed, ok, type Result } from '../model/result.js';
import type { Inventory } from './inventory.js';

export type HostPredicate = (host: string) => boolean;

type Operator = 'add' | 'intersect' | 'exclude';

interface Term {
  readonly operator: Operator;
  /** Without its `&` or `!`. */
  readonly pattern: string;
}

// ---------------------------------------------------------------------------------------------
// Splitting a limit into terms (Ansible's split_host_pattern and order_patterns).

/** One host with an optional port: a comma-less pattern Ansible does not split on ":". */
const isOneAddress = (pattern: string): boolean => {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(pattern);
  if (bracketed) return isIPv6(bracketed[1]!);
  return isIPv6(pattern) || /^(?:[\w.-]|\[[^\]]*\])+:\d+$/.test(pattern);
};

/** `:` separates, except inside brackets (`web[1:3]`). */
const COLON_SEPARATED = /(?:[^\s:[\]]|\[[^\]]*\])+/g;

const splitPattern = (pattern: string): string[] => {
  const pieces = pattern.includes(',') ? pattern.split(',') : isOneAddress(pattern.trim()) ? [pattern] : (pattern.match(COLON_SEPARATED) ?? []);
  return pieces.map((piece) => piece.trim()).filter((piece) => piece !== '');
};

const termOf = (piece: string): Term => {
  if (piece.startsWith('!')) return { operator: 'exclude', pattern: piece.slice(1) };
  if (piece.startsWith('&')) return { operator: 'intersect', pattern: piece.slice(1) };
  return { operator: 'add', pattern: piece };
};

/** Plain patterns first, then `&`, then `!`; only `&`/`!` terms start from `all` (order_patterns). */
const inAnsibleOrder = (terms: readonly Term[]): Term[] => {
  const adds = terms.filter((term) => term.operator === 'add');
  return [
    ...(adds.length > 0 ? adds : [{ operator: 'add' as const, pattern: 'all' }]),
    ...terms.filter((term) => term.operator === 'intersect'),
    ...terms.filter((term) => term.operator === 'exclude'),
  ];
};

// ---------------------------------------------------------------------------------------------
// Matching one name: fnmatch globs and `~` regexes (Ansible's _match_list).

const escapeForRegex = (char: string): string => char.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** `[seq]` as fnmatch reads it: `!` first negates, a `]` first is literal, reversed ranges match nothing. */
const characterClass = (inside: string): string => {
  const negated = inside.startsWith('!');
  const body = negated ? inside.slice(1) : inside;
  const items: string[] = [];
  for (let index = 0; index < body.length; index += 1) {
    const [from, dash, to] = [body[index]!, body[index + 1], body[index + 2]];
    if (dash === '-' && to !== undefined) {
      if (from <= to) items.push(`${escapeForRegex(from)}-${escapeForRegex(to)}`);
      index += 2;
    } else {
      items.push(escapeForRegex(from));
    }
  }
  if (items.length === 0) return negated ? '.' : '(?!)';
  return `[${negated ? '^' : ''}${items.join('')}]`;
};

/** Python's fnmatch.translate: the whole name must match; an unclosed `[` is a plain character. */
const globToRegex = (glob: string): RegExp => {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index]!;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      // fnmatch: a `!` and then a `]` right after `[` belong to the set, not its end.
      let end = index + 1;
      if (glob[end] === '!') end += 1;
      if (glob[end] === ']') end += 1;
      end = glob.indexOf(']', end);
      if (end === -1) source += '\\[';
      else {
        source += characterClass(glob.slice(index + 1, end));
        index = end;
      }
    } else source += escapeForRegex(char);
  }
  return new RegExp(`^(?:${source})$`, 's');
};

const nameTest = (pattern: string): Result<(name: string) => boolean> => {
  if (!pattern.startsWith('~')) {
    const glob = globToRegex(pattern);
    return ok((name) => glob.test(name));
  }
  try {
    // Compiled alone first, so an error quotes what was written, not the anchor added around it.
    new RegExp(pattern.slice(1));
    const regex = new RegExp(`^(?:${pattern.slice(1)})`);
    return ok((name) => regex.test(name));
  } catch (error) {
    return failed(`"${pattern}" is not a regular expression: ${(error as Error).message}`);
  }
};

/** A pattern that may match several names, or none without a typo: a regex or a glob. */
const isGlobOrRegex = (pattern: string): boolean => pattern.startsWith('~') || ['*', '?', '['].some((char) => pattern.includes(char));

/** Ansible also looks at host names when no group matched or the pattern may be a host's (_enumerate_matches). */
const looksAtHostNames = (pattern: string, groupsMatched: number): boolean => groupsMatched === 0 || isGlobOrRegex(pattern) || pattern.includes('.');

// ---------------------------------------------------------------------------------------------
// Positions: `web[0]`, `web[-1]`, `web[1:3]`, `web[2:]`, `web[:2]` (Ansible's _split_subscript).

type Subscript = { readonly index: number } | { readonly from: number; readonly to?: number };

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d*):(\d*)|(\d+)-(\d*))\]$/;

const splitSubscript = (pattern: string): Result<{ pattern: string; subscript?: Subscript }> => {
  const match = pattern.startsWith('~') ? null : SUBSCRIPT.exec(pattern);
  if (!match) return ok({ pattern });
  const [, base, index, from, to, dashFrom, dashTo] = match as unknown as (string | undefined)[];
  if (dashFrom !== undefined) {
    return failed(`"${pattern}": positions are written ${base}[${dashFrom}:${dashTo}] (the [x-y] form was removed from Ansible); for a character class use ~ and a regular expression`);
  }
  if (index !== undefined) return ok({ pattern: base!, subscript: { index: Number(index) } });
  if (from === '' && to === '') return failed(`"${pattern}" gives no position: write ${base}[0], ${base}[1:3], ${base}[2:] or ${base}[:2]`);
  return ok({ pattern: base!, subscript: { from: from ? Number(from) : 0, ...(to ? { to: Number(to) } : {}) } });
};

const applySubscript = (original: string, base: string, hosts: readonly string[], subscript: Subscript): Result<string[]> => {
  // As Ansible: a position in nothing is nothing; past the end of something is a mistake.
  if (hosts.length === 0) return ok([]);
  if ('index' in subscript) {
    const host = hosts.at(subscript.index);
    if (host !== undefined) return ok([host]);
    return failed(`"${original}" is past the end of ${base}: it has ${hosts.length} hosts, positions 0 to ${hosts.length - 1} (or -1 to -${hosts.length})`);
  }
  const to = subscript.to ?? hosts.length - 1;
  if (subscript.from > to) return failed(`"${original}" selects nothing: its first position comes after its last`);
  return ok(hosts.slice(subscript.from, to + 1));
};

// ---------------------------------------------------------------------------------------------
// Evaluating terms against an inventory, or against bare names when there is none.

const unique = (names: readonly string[]): string[] => [...new Set(names)];

const unknownName = (pattern: string, inventory: Inventory): string => {
  const names = [...inventory.groups.keys(), ...inventory.hosts.keys()];
  const otherCase = names.find((name) => name.toLowerCase() === pattern.toLowerCase());
  const advice =
    pattern.includes(':') && !isIPv6(pattern)
      ? 'when a limit has a comma, ":" does not separate: use "," throughout'
      : otherCase
        ? `names are case-sensitive: did you mean "${otherCase}"?`
        : didYouMean(pattern, names);
  return [`"${pattern}" names no host or group of ${inventory.file}`, advice].filter(Boolean).join('; ');
};

/** The hosts one term stands for, in inventory order: matching groups' hosts, then matching hosts. */
const hostsOfTerm = (term: Term, inventory: Inventory): Result<string[]> => {
  // A plain name of a host is that host, even when a group has the same name (_evaluate_patterns).
  if (term.operator === 'add' && inventory.hosts.has(term.pattern)) return ok([term.pattern]);
  const split = splitSubscript(term.pattern);
  if (!split.ok) return split;
  const { pattern, subscript } = split.value;
  const test = nameTest(pattern);
  if (!test.ok) return test;
  // A plain name is looked up, not matched against every name: a limit may list thousands.
  const plain = !isGlobOrRegex(pattern);
  const groups = plain ? [inventory.groups.get(pattern)].filter((group) => group !== undefined) : [...inventory.groups.values()].filter((group) => test.value(group.name));
  const byGroup = groups.flatMap((group) => group.hosts);
  const byName = !looksAtHostNames(pattern, groups.length) ? [] : plain ? (inventory.hosts.has(pattern) ? [pattern] : []) : [...inventory.hosts.keys()].filter(test.value);
  const hosts = unique([...byGroup, ...byName]);
  if (hosts.length === 0 && groups.length === 0 && !isGlobOrRegex(pattern)) return failed(unknownName(pattern, inventory));
  return subscript ? applySubscript(term.pattern, pattern, hosts, subscript) : ok(hosts);
};

const withInventory = (terms: readonly Term[], inventory: Inventory): Result<HostPredicate> => {
  let selected = new Set<string>();
  // Each term costs what it names, not what is selected so far: 9,000 `!host` terms over 10,000
  // hosts took 12 s when each made the selection anew.
  for (const term of terms) {
    const hosts = hostsOfTerm(term, inventory);
    if (!hosts.ok) return hosts;
    if (term.operator === 'add') for (const host of hosts.value) selected.add(host);
    else if (term.operator === 'exclude') for (const host of hosts.value) selected.delete(host);
    else {
      const these = new Set(hosts.value);
      selected = new Set([...selected].filter((host) => these.has(host)));
    }
  }
  const chosen = selected;
  return ok((host) => chosen.has(host));
};

/** Without an inventory there are no groups: a pattern matches names, and `all` every name. */
/** Whether a name matches any of some terms: plain names looked up in a set, the others tested one by one. */
interface AnyOf {
  readonly names: Set<string>;
  readonly tests: ((name: string) => boolean)[];
}

const matchesAnyOf = ({ names, tests }: AnyOf, host: string): boolean => names.has(host) || tests.some((test) => test(host));

const withoutInventory = (terms: readonly Term[]): Result<HostPredicate> => {
  const adds: AnyOf = { names: new Set(), tests: [] };
  const excludes: AnyOf = { names: new Set(), tests: [] };
  const intersects: ((name: string) => boolean)[] = [];
  for (const term of terms) {
    const split = splitSubscript(term.pattern);
    if (!split.ok) return split;
    if (split.value.subscript) return failed(`"${term.pattern}" picks hosts by their position in a group, which needs an inventory`);
    const test = term.pattern === 'all' ? ok(() => true) : nameTest(term.pattern);
    if (!test.ok) return test;
    if (term.operator === 'intersect') intersects.push(test.value);
    else {
      const into = term.operator === 'add' ? adds : excludes;
      // A plain name matches only itself: a limit listing 15,000 names took 8 s tested one by one per host.
      if (term.pattern !== 'all' && !isGlobOrRegex(term.pattern)) into.names.add(term.pattern);
      else into.tests.push(test.value);
    }
  }
  return ok((host) => matchesAnyOf(adds, host) && intersects.every((test) => test(host)) && !matchesAnyOf(excludes, host));
};

/**
 * Whether a host takes part under an Ansible `--limit` pattern: `web*:&prod:!web07`, `db,~cache\d+`.
 * With an inventory, group names stand for their hosts and only its hosts can match.
 */
export const hostMatcher = (pattern: string, inventory?: Inventory): Result<HostPredicate> => {
  const pieces = splitPattern(pattern);
  if (pieces.length === 0) return failed('the limit is empty: give a host, a group or a pattern, e.g. web* or web:&prod');
  const at = pieces.find((piece) => piece.startsWith('@'));
  if (at) return failed(`"${at}": reading hosts from a file is not a pattern; pass the hosts joined by ","`);
  const terms = pieces.map(termOf);
  const bare = terms.find((term) => term.pattern === '');
  if (bare) return failed(`"${bare.operator === 'exclude' ? '!' : '&'}" must be followed by a host, a group or a pattern, e.g. !web07`);
  // A term written twice does what it does once: `web:web:...` 20,000 times took minutes, each one
  // adding the group's hosts again.
  const ordered = inAnsibleOrder([...new Map(terms.map((term) => [`${term.operator} ${term.pattern}`, term])).values()]);
  return inventory ? withInventory(ordered, inventory) : withoutInventory(ordered);
};
