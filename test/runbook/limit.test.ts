// --limit patterns against the estate inventory (test/fixtures/inventory/estate.yml, 21 hosts).
// Each row says which hosts are in AND, by difference, which are out, so a matcher that takes too
// much or too little fails it; the rows marked "(2.14)" were also run through
// `ansible PATTERN -i estate.ini --list-hosts` (ansible-core 2.14) with the same hosts.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseInventory, type Inventory } from '../../src/runbook/inventory.js';
import { hostMatcher } from '../../src/runbook/limit.js';

const FILE = 'test/fixtures/inventory/estate.yml';
const { inventory: ESTATE } = parseInventory(FILE, readFileSync(FILE, 'utf8'));
const HOSTS = [...ESTATE.hosts.keys()];

const E = (...n: number[]): string[] => n.map((i) => `web-e0${i}.example.com`);
const W = (...n: number[]): string[] => n.map((i) => `web-w0${i}.example.com`);
const R = (...n: number[]): string[] => n.map((i) => `db-r${i}.example.com`);
const PRIMARY = ['db-a.example.com', 'db-b.example.com'];
const UNGROUPED = ['bastion.example.com', 'localhost', '10.20.0.7', '10.20.0.8', '2001:db8::10'];
const MONITOR = 'monitor.example.com';
const WEB = [...E(1, 2, 3, 4, 5, 6), ...W(1, 2, 3, 4)];
const DB = [...PRIMARY, ...R(1, 3, 5)];

/** The hosts the pattern selects, in inventory order, or its error. */
const select = (pattern: string, inventory: Inventory = ESTATE): string[] | string => {
  const matcher = hostMatcher(pattern, inventory);
  return matcher.ok ? [...inventory.hosts.keys()].filter(matcher.value) : matcher.error;
};

/** In inventory order, so a row can list hosts in any order it reads best. */
const inOrder = (hosts: readonly string[]): string[] => HOSTS.filter((host) => hosts.includes(host));

const SELECTS: [pattern: string, hosts: string[]][] = [
  ['all', HOSTS], // (2.14)
  ['*', HOSTS], // (2.14)
  ['web', WEB], // (2.14) a group brings its children's hosts
  ['web_east', E(1, 2, 3, 4, 5, 6)], // (2.14)
  ['ungrouped', UNGROUPED], // (2.14)
  ['localhost', ['localhost']], // (2.14)
  [MONITOR, [MONITOR]], // (2.14)
  ['web-e0*', E(1, 2, 3, 4, 5, 6)], // (2.14) a glob on host names
  ['web*', WEB], // (2.14) matches the groups web, web_east, web_west and the hosts
  ['*.example.com', [...WEB, ...DB, 'bastion.example.com', MONITOR]], // (2.14) `*` crosses dots
  ['web-e0?.example.com', E(1, 2, 3, 4, 5, 6)], // (2.14)
  ['web-e0[!1-5].example.com', E(6)], // (2.14)
  ['10.20.0.*', ['10.20.0.7', '10.20.0.8']], // (2.14)
  ['2001:db8::10', ['2001:db8::10']], // (2.14) one IPv6 address, not three patterns
  ['2001:db8::10,bastion.example.com', ['2001:db8::10', 'bastion.example.com']], // (2.14)
  ['east:west', [...E(1, 2, 3, 4, 5, 6), ...PRIMARY, MONITOR, ...W(1, 2, 3, 4), ...R(1, 3, 5)]], // (2.14) union
  ['east,west', [...E(1, 2, 3, 4, 5, 6), ...PRIMARY, MONITOR, ...W(1, 2, 3, 4), ...R(1, 3, 5)]], // (2.14)
  ['web:!staging', [...E(1, 2, 3, 4, 5), ...W(1, 2, 3, 4)]], // (2.14) exclusion
  ['web:&staging', E(6)], // (2.14) intersection
  ['db:&west', R(1, 3, 5)], // (2.14)
  ['!db', HOSTS.filter((host) => !DB.includes(host))], // (2.14) only exclusions: all, then out
  ['&east', [...E(1, 2, 3, 4, 5, 6), ...PRIMARY]], // (2.14) only intersections: all, then in
  ['web:!web-e0[1-3]*', [...E(4, 5, 6), ...W(1, 2, 3, 4)]], // (2.14) a character class, not a position
  // (a or b) and c, not d: the order written does not matter (docs, "Pattern processing order").
  ['staging:db:&west:!db-r5*', R(1, 3)], // (2.14)
  ['!db-r5*:&west:staging:db', R(1, 3)], // (2.14)
  ['&west,!db-r5*,db,staging', R(1, 3)], // (2.14)
  ['monitor.example.com:&west', [MONITOR]], // (2.14)
  ['~db-r\\d', R(1, 3, 5)], // (2.14) a regex
  ['~web', WEB], // (2.14) ...matching from the start only, like re.match: groups web, web_east, web_west
  ['~.*\\.example\\.com$:!~web', [...DB, 'bastion.example.com', MONITOR]], // (2.14)
  ['~DB', []], // (2.14) case-sensitive
  ['web[0]', E(1)], // (2.14) a position in the group, in inventory order
  ['web[-1]', W(4)], // (2.14)
  ['web[1:3]', E(2, 3, 4)], // (2.14) both ends included
  ['web_west[2:]', W(3, 4)], // (2.14)
  ['web[0:0]', E(1)], // (2.14)
  ['db[:1]', PRIMARY], // the docs' [:j]; 2.14's code reads it as a character class instead
  ['web*[0]', E(1)], // (2.14) a position in what a glob matched
  ['web_east[1],web_west[1]', [...E(2), ...W(2)]], // (2.14)
  ['nothing*', []], // (2.14) a glob may match nothing
];

describe('hostMatcher with an inventory', () => {
  test.each(SELECTS)('%s', (pattern, hosts) => {
    expect(select(pattern)).toEqual(inOrder(hosts));
  });

  test('hosts of no inventory never match', () => {
    const matcher = hostMatcher('*', ESTATE);
    expect(matcher.ok && matcher.value('web-e99.example.com')).toBe(false);
  });

  // (2.14) A host and a group of one name: a plain pattern means the host (Ansible's _evaluate_patterns),
  // `&`/`!` go through group matching and mean the group.
  test('a plain name of a host is that host, even where a group has the name', () => {
    const { inventory } = parseInventory('same.ini', '[app]\napp\napp1\napp2\n[other]\napp1\n');
    expect(select('app', inventory)).toEqual(['app']);
    expect(select('other:app', inventory)).toEqual(['app', 'app1']);
    expect(select('all:!app', inventory)).toEqual([]);
  });
});

const ERRORS: [pattern: string, error: string][] = [
  ['', 'the limit is empty: give a host, a group or a pattern, e.g. web* or web:&prod'],
  [' , ', 'the limit is empty: give a host, a group or a pattern, e.g. web* or web:&prod'],
  ['web:!', '"!" must be followed by a host, a group or a pattern, e.g. !web07'],
  ['web,&', '"&" must be followed by a host, a group or a pattern, e.g. !web07'],
  ['wbe', '"wbe" names no host or group of test/fixtures/inventory/estate.yml'],
  ['webb', '"webb" names no host or group of test/fixtures/inventory/estate.yml; did you mean "web"?'],
  ['WEB', '"WEB" names no host or group of test/fixtures/inventory/estate.yml; names are case-sensitive: did you mean "web"?'],
  ['web:!web-e01.exmple.com', '"web-e01.exmple.com" names no host or group of test/fixtures/inventory/estate.yml; did you mean "web-e01.example.com"?'],
  // With a comma, ":" is part of a pattern (Ansible's rule, for IPv6 and regexes).
  ['web,db:&staging', '"db:&staging" names no host or group of test/fixtures/inventory/estate.yml; when a limit has a comma, ":" does not separate: use "," throughout'],
  ['web[1-3]', '"web[1-3]": positions are written web[1:3] (the [x-y] form was removed from Ansible); for a character class use ~ and a regular expression'],
  ['web[10]', '"web[10]" is past the end of web: it has 10 hosts, positions 0 to 9 (or -1 to -10)'],
  ['web[-11]', '"web[-11]" is past the end of web: it has 10 hosts, positions 0 to 9 (or -1 to -10)'],
  ['web[3:1]', '"web[3:1]" selects nothing: its first position comes after its last'],
  ['web[:]', '"web[:]" gives no position: write web[0], web[1:3], web[2:] or web[:2]'],
  ['~web(', '"~web(" is not a regular expression: Invalid regular expression: /web(/: Unterminated group'],
  ['@retry.txt', '"@retry.txt": reading hosts from a file is not a pattern; pass the hosts joined by ","'],
];

describe('hostMatcher refuses, with a sentence', () => {
  test.each(ERRORS)('%j', (pattern, error) => {
    expect(hostMatcher(pattern, ESTATE)).toEqual({ ok: false, error });
  });
});

const NAMES = ['web01', 'web02', 'db1', 'db2', 'cache.example.com', 'Web03'];

const WITHOUT_INVENTORY: [pattern: string, hosts: string[] | string][] = [
  ['all', NAMES],
  ['*', NAMES],
  ['web01', ['web01']],
  ['web*', ['web01', 'web02']],
  ['[wW]eb*', ['web01', 'web02', 'Web03']],
  ['!db*', ['web01', 'web02', 'cache.example.com', 'Web03']],
  ['web01,db1', ['web01', 'db1']],
  ['*:&*.example.com', ['cache.example.com']],
  ['~db\\d', ['db1', 'db2']],
  ['web0[!1]', ['web02']],
  ['nothing', []],
  ['web[0]', '"web[0]" picks hosts by their position in a group, which needs an inventory'],
];

describe('hostMatcher without an inventory matches names', () => {
  test.each(WITHOUT_INVENTORY)('%s', (pattern, hosts) => {
    const matcher = hostMatcher(pattern);
    expect(matcher.ok ? NAMES.filter(matcher.value) : matcher.error).toEqual(hosts);
  });
});

// fnmatch's corners, where a path glob (picomatch, minimatch) would answer otherwise.
const GLOBS: [glob: string, name: string, matches: boolean][] = [
  ['*', '.hidden', true],
  ['*', 'a/b', true],
  ['a?c', 'a/c', true],
  ['web[!1]', 'web2', true],
  ['web[!1]', 'web1', false],
  ['web{1}', 'web1', false],
  ['web{1}', 'web{1}', true],
  ['web\\1', 'web\\1', true],
  ['+(a)', '+(a)', true],
  ['web[', 'web[', true],
  ['web[]]', 'web]', true],
  ['web[z-a]x', 'webzx', false],
  ['web[-a]', 'web-', true],
  ['web.prod', 'webXprod', false],
];

describe('globs are Python’s fnmatch', () => {
  test.each(GLOBS)('%s against %s: %s', (glob, name, matches) => {
    // The trailing comma keeps the glob whole: without one, ":" and unclosed brackets split it (Ansible's rule).
    const matcher = hostMatcher(`${glob},`);
    expect(matcher.ok && matcher.value(name)).toBe(matches);
  });
});
