// Ansible inventories, YAML and INI. The estate fixtures (21 hosts in nested groups) were also read
// by ansible-inventory 2.14: every host's variables below, and every group's hosts except the
// order of `all` past its first level (Ansible walks that in Python set order, which changed
// from run to run), are what Ansible printed.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../../src/errors/diagnostic.js';
import { detectInventoryFormat, parseInventory, type Inventory } from '../../src/runbook/inventory.js';
import { parseHostAddress } from '../../src/runbook/hosts.js';

const FIXTURES = 'test/fixtures/inventory';

const read = (name: string): { inventory: Inventory; diagnostics: Diagnostic[] } =>
  parseInventory(`${FIXTURES}/${name}`, readFileSync(`${FIXTURES}/${name}`, 'utf8'));

/** Lines joined, so a row reads as the file it stands for. */
const lines = (...text: string[]): string => `${text.join('\n')}\n`;

/** A clean parse: the inventory, after checking there was nothing to report. */
const parsed = (file: string, text: string): Inventory => {
  const { inventory, diagnostics } = parseInventory(file, text);
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  return inventory;
};

/** `line:col message; hint`: what a person reads, with the place. */
const spots = (diagnostics: readonly Diagnostic[]): string[] =>
  diagnostics.map(({ location, message, hint }) => `${location?.line}:${location?.col} ${message}${hint ? `; ${hint}` : ''}`);

const E = (n: number): string => `web-e0${n}.example.com`;
const W = (n: number): string => `web-w0${n}.example.com`;
const UNGROUPED = ['bastion.example.com', 'localhost', '10.20.0.7', '10.20.0.8', '2001:db8::10'];
const WEB_EAST = [1, 2, 3, 4, 5, 6].map(E);
const WEB_WEST = [1, 2, 3, 4].map(W);
const DB = ['db-a.example.com', 'db-b.example.com', 'db-r1.example.com', 'db-r3.example.com', 'db-r5.example.com'];

describe('the estate, in YAML and in INI', () => {
  const yaml = read('estate.yml');
  const ini = read('estate.ini');

  test('both read without a problem, as YAML and as INI', () => {
    expect([...yaml.diagnostics, ...ini.diagnostics]).toEqual([]);
    expect([yaml.inventory.format, ini.inventory.format]).toEqual(['yaml', 'ini']);
    expect(yaml.inventory.hosts.size).toBe(21);
  });

  // Everything but where things are written.
  const withoutPlaces = (inventory: Inventory): unknown => ({
    groups: [...inventory.groups.values()].map(({ name, hosts, children }) => ({ name, hosts, children })),
    hosts: [...inventory.hosts.values()].map(({ name, groups, vars }) => ({ name, groups, vars })),
    destinations: [...inventory.hosts.keys()].map((host) => inventory.destinationOf(host)),
  });

  test('both formats give the same groups, hosts, variables and destinations', () => {
    expect(withoutPlaces(ini.inventory)).toEqual(withoutPlaces(yaml.inventory));
  });

  test('groups come in the order first named, all and ungrouped first, each with its children', () => {
    const groups = [...yaml.inventory.groups.values()].map(({ name, children }) => [name, children]);
    expect(groups).toEqual([
      ['all', ['ungrouped', 'web', 'db', 'east', 'west', 'staging']],
      ['ungrouped', []],
      ['web', ['web_east', 'web_west']],
      ['web_east', []],
      ['web_west', []],
      ['db', ['db_primary', 'db_replica']],
      ['db_primary', []],
      ['db_replica', []],
      ['east', ['web_east', 'db_primary']],
      ['west', ['web_west', 'db_replica']],
      ['staging', []],
    ]);
  });

  const GROUP_HOSTS: [group: string, hosts: string[]][] = [
    ['ungrouped', UNGROUPED],
    ['web_east', WEB_EAST],
    ['web', [...WEB_EAST, ...WEB_WEST]],
    ['db', DB],
    ['east', [...WEB_EAST, 'db-a.example.com', 'db-b.example.com']],
    // Its own host first, then its children's.
    ['west', ['monitor.example.com', ...WEB_WEST, 'db-r1.example.com', 'db-r3.example.com', 'db-r5.example.com']],
    ['staging', [E(6), 'db-r5.example.com']],
    // Own hosts, then level by level in the order written: ungrouped, west's and staging's, then the grandchildren.
    ['all', [...UNGROUPED, 'monitor.example.com', E(6), 'db-r5.example.com', ...WEB_EAST.slice(0, 5), ...WEB_WEST, ...DB.slice(0, 4)]],
  ];

  test.each(GROUP_HOSTS)('%s has its hosts and its children’s, each once, in a stable order', (group, hosts) => {
    expect(yaml.inventory.groups.get(group)?.hosts).toEqual(hosts);
  });

  test('a host knows every group it is in, directly or through children', () => {
    expect(yaml.inventory.hosts.get(E(6))?.groups).toEqual(['all', 'web', 'web_east', 'east', 'staging']);
    expect(yaml.inventory.hosts.get('db-r5.example.com')?.groups).toEqual(['all', 'db', 'db_replica', 'west', 'staging']);
    expect(yaml.inventory.hosts.get('localhost')?.groups).toEqual(['all', 'ungrouped']);
  });

  /** [host, variable, value, why]: Ansible's precedence, one rule per row. */
  const PRECEDENCE: [host: string, name: string, value: unknown, why: string][] = [
    ['bastion.example.com', 'tier', 'none', 'only all sets it'],
    [E(1), 'tier', 'web', 'a group beats all'],
    [W(1), 'http_port', 8080, 'a child group (web_west) beats its parent (web)'],
    [E(6), 'http_port', 8081, 'the host beats every group'],
    [E(1), 'zone', 'web-zone', 'groups of one depth merge by name, the later name winning: web after east'],
    ['db-a.example.com', 'zone', 'east-zone', 'only east sets it for db-a'],
    [E(1), 'deploy_branch', 'main', 'web sets it, staging does not hold web-e01'],
    [E(6), 'deploy_branch', 'develop', 'ansible_group_priority 10 merges staging after web, against name order'],
    ['db-r1.example.com', 'backup', 'hourly', 'depth beats name: db_replica (depth 2) over west (depth 1), though "west" sorts later'],
    ['monitor.example.com', 'backup', 'nightly', 'a group beats all'],
    ['monitor.example.com', 'ansible_user', 'monitor', 'the host beats all'],
    ['db-r1.example.com', 'datacenter', 'west', 'through db_replica, a child of west'],
    [E(6), 'ansible_group_priority', undefined, 'orders groups and is no variable (as in Ansible)'],
  ];

  test.each(PRECEDENCE)('%s: %s is %j (%s)', (host, name, value) => {
    expect(yaml.inventory.hosts.get(host)?.vars[name]).toEqual(value);
    expect(ini.inventory.hosts.get(host)?.vars[name]).toEqual(value);
  });

  test('a host’s variables are exactly those ansible-inventory 2.14 lists for it', () => {
    expect(yaml.inventory.hosts.get(E(6))?.vars).toEqual({
      ansible_user: 'ops',
      backup: 'none',
      datacenter: 'east',
      deploy_branch: 'develop',
      http_port: 8081,
      ntp_server: 'ntp.example.com',
      tier: 'web',
      zone: 'web-zone',
    });
  });

  const DESTINATIONS: [host: string, destination: string, become: boolean][] = [
    ['bastion.example.com', 'ops@bastion.example.com:2222', false],
    ['localhost', 'local', false],
    ['10.20.0.7', 'ops@10.20.0.7', false],
    ['2001:db8::10', 'ops@[2001:db8::10]:2200', false],
    ['monitor.example.com', 'monitor@10.20.0.5:2200', false],
    ['db-a.example.com', 'ops@db-a.example.com', true],
    [W(4), `ops@${W(4)}`, false],
  ];

  test.each(DESTINATIONS)('%s is reached as %s (become: %s)', (host, destination, become) => {
    expect(yaml.inventory.destinationOf(host)).toEqual({ ok: true, value: { destination, become } });
  });

  test('every destination reads back as the same host, user and port', () => {
    for (const host of yaml.inventory.hosts.keys()) {
      const found = yaml.inventory.destinationOf(host);
      expect(found.ok && parseHostAddress('r', found.value.destination)).toBeTruthy();
    }
  });

  test('each host and group remembers where it is first named', () => {
    // Read quickly, a YAML inventory's places are found when read: compared as they are written out.
    expect(JSON.parse(JSON.stringify(yaml.inventory.hosts.get(E(1))?.location))).toEqual({ file: `${FIXTURES}/estate.yml`, line: 26, col: 13 });
    expect(ini.inventory.hosts.get(E(1))?.location).toEqual({ file: `${FIXTURES}/estate.ini`, line: 25, col: 1 });
    expect(ini.inventory.groups.get('west')?.location).toEqual({ file: `${FIXTURES}/estate.ini`, line: 58, col: 2 });
    expect(ini.inventory.groups.get('all')?.location).toEqual({ file: `${FIXTURES}/estate.ini`, line: 8, col: 2 });
    expect(ini.inventory.groups.get('ungrouped')?.location).toBeUndefined();
  });
});

describe('INI', () => {
  test('host variables are read as Python literals, as Ansible does (checked against 2.14)', () => {
    const inventory = parsed('v.ini', `h a=1 b=-2 c=1.5 d=True e=False f=None g=web h="'8080'" i='"x y"' j=007 k=1e3 l=true m=00 n=web#1 o=lost\n`);
    expect(inventory.hosts.get('h')?.vars).toEqual({ a: 1, b: -2, c: 1.5, d: true, e: false, f: null, g: 'web', h: '8080', i: 'x y', j: '007', k: 1000, l: 'true', m: 0, n: 'web' });
  });

  test('[group:vars] lines are name = value; a " #" starts a comment unless quoted', () => {
    const inventory = parsed('v.ini', lines('[g]', 'h', '[g:vars]', 'v1 = True # a comment', 'v2 = text # a comment', "v3 = 'quoted # kept'", 'v4=a=b', 'v5 ='));
    expect(inventory.hosts.get('h')?.vars).toEqual({ v1: true, v2: 'text', v3: 'quoted # kept', v4: 'a=b', v5: '' });
  });

  test('comments, blank lines, indentation, CRLF and [group:hosts] are all fine', () => {
    const text = ['; a comment', '# another', '', '  [web:hosts]  # trailing comment', '\tweb1   # why', '  web2 a=1 # a comment', '[db] ; comment', 'db1'].join('\r\n');
    const inventory = parsed('c.ini', text);
    expect(inventory.groups.get('web')?.hosts).toEqual(['web1', 'web2']);
    expect(inventory.hosts.get('web2')?.vars).toEqual({ a: 1 });
    expect(inventory.groups.get('db')?.hosts).toEqual(['db1']);
    expect(inventory.hosts.get('web2')?.location).toEqual({ file: 'c.ini', line: 6, col: 3 });
  });

  test('hosts before any section are ungrouped; a host in two groups joins both and keeps the later value', () => {
    const inventory = parsed('two.ini', lines('lonely', 'both x=1', '[a]', 'both x=2 y=1', '[b]', 'both'));
    expect(inventory.groups.get('ungrouped')?.hosts).toEqual(['lonely']);
    expect(inventory.hosts.get('both')?.groups).toEqual(['all', 'a', 'b']);
    expect(inventory.hosts.get('both')?.vars).toEqual({ x: 2, y: 1 });
  });

  // all's children are refilled once the file is read: from what they were, before the list is emptied.
  test("all's children keep the order [all:children] gives them, not the order their groups were written in", () => {
    const inventory = parsed('order.ini', lines('[z]', 'z1', '[a]', 'a1', '[all:children]', 'a', 'z'));
    expect(inventory.groups.get('all')?.children).toEqual(['ungrouped', 'a', 'z']);
    expect(inventory.groups.get('all')?.hosts).toEqual(['a1', 'z1']);
  });

  test('children and :vars may name a group defined further down', () => {
    const inventory = parsed('later.ini', lines('[prod:children]', 'web', '[web:vars]', 'x=1', '[web]', 'web1'));
    expect(inventory.groups.get('prod')?.hosts).toEqual(['web1']);
    expect(inventory.hosts.get('web1')?.vars).toEqual({ x: 1 });
  });

  test('a port and an IPv6 address on a host line', () => {
    const inventory = parsed('p.ini', lines('[web]', 'web[1:2]:2222', '[fe80::1]:2200 ansible_user=root', '[fe80::2]', 'fe80::3'));
    expect([...inventory.hosts.keys()]).toEqual(['web1', 'web2', 'fe80::1', 'fe80::2', 'fe80::3']);
    expect(['web2', 'fe80::1', 'fe80::3'].map((host) => inventory.destinationOf(host))).toEqual([
      { ok: true, value: { destination: 'web2:2222', become: false } },
      { ok: true, value: { destination: 'root@[fe80::1]:2200', become: false } },
      { ok: true, value: { destination: '[fe80::3]', become: false } },
    ]);
  });
});

describe('YAML', () => {
  test('top-level groups without a parent are children of all; hosts and children may be a single name', () => {
    const inventory = parsed('t.yml', lines('web:', '  hosts: web1', 'prod:', '  children: web', '  vars:', '    env: prod', 'db:'));
    // web is prod's child, so not all's (Ansible's reconcile_inventory).
    expect(inventory.groups.get('all')?.children).toEqual(['ungrouped', 'prod', 'db']);
    expect(inventory.groups.get('prod')?.hosts).toEqual(['web1']);
    expect(inventory.hosts.get('web1')?.vars).toEqual({ env: 'prod' });
  });

  test('a group named in two places is one group; its hosts and variables add up', () => {
    const inventory = parsed('twice.yml', lines('all:', '  children:', '    web:', '      hosts: {web1: }', '    prod:', '      children:', '        web:', '          hosts: {web2: }', '          vars: {x: 1}'));
    expect(inventory.groups.get('web')?.hosts).toEqual(['web1', 'web2']);
    expect(inventory.hosts.get('web1')?.vars).toEqual({ x: 1 });
  });

  test('values keep their YAML types, lists and maps included', () => {
    const inventory = parsed('v.yml', lines('all:', '  hosts:', '    h:', '      ports: [80, 443]', '      owner: {team: ops}', '      on: true'));
    expect(inventory.hosts.get('h')?.vars).toEqual({ ports: [80, 443], owner: { team: 'ops' }, on: true });
  });
});

describe('connections', () => {
  test('ansible_ssh_host, _user and _port win over ansible_host, _user and _port, wherever each is set', () => {
    const inventory = parsed('ssh.ini', lines('[all:vars]', 'ansible_ssh_user=legacy', 'ansible_ssh_port=2200', '[web]', 'web1 ansible_host=10.0.0.1 ansible_ssh_host=10.0.0.2 ansible_user=ops ansible_port=22'));
    expect(inventory.destinationOf('web1')).toEqual({ ok: true, value: { destination: 'legacy@10.0.0.2:2200', become: false } });
  });

  const BECOME: [written: string, become: boolean][] = [
    ['ansible_become=yes', true],
    ['ansible_become=on', true],
    ['ansible_become=1', true],
    ['ansible_become=TRUE', true],
    ['ansible_become=no', false],
    ['ansible_become=False', false],
    ['ansible_become=0', false],
    ['', false],
  ];

  test.each(BECOME)('%j gives become: %s', (written, become) => {
    expect(parsed('b.ini', `web1 ${written}\n`).destinationOf('web1')).toEqual({ ok: true, value: { destination: 'web1', become } });
  });

  test('ansible_connection=local means this machine; ssh, smart and paramiko mean SSH', () => {
    const inventory = parsed('c.ini', lines('a ansible_connection=local ansible_become=yes', 'b ansible_connection=ssh', 'c ansible_connection=smart ansible_user=x'));
    expect(['a', 'b', 'c'].map((host) => inventory.destinationOf(host))).toEqual([
      { ok: true, value: { destination: 'local', become: true } },
      { ok: true, value: { destination: 'b', become: false } },
      { ok: true, value: { destination: 'x@c', become: false } },
    ]);
  });

  const UNREACHABLE: [text: string, host: string, error: string][] = [
    ['w1 ansible_connection=winrm', 'w1', 'host "w1" connects with ansible_connection=winrm (u.ini:1:23): runbook reaches hosts over SSH, or on this machine with ansible_connection=local'],
    ['local', 'local', 'host "local" is not an address runbook can reach over SSH: set ansible_host to its name or address, or ansible_connection=local'],
    ['web1', 'web9', 'u.ini has no host "web9"; did you mean "web1"?'],
  ];

  test.each(UNREACHABLE)('%j: no destination for %s', (text, host, error) => {
    expect(parsed('u.ini', `${text}\n`).destinationOf(host)).toEqual({ ok: false, error });
  });

  test('a bad value is reported where it is written, and the hosts it reaches have no destination', () => {
    const { inventory, diagnostics } = parseInventory('bad.ini', lines('[web]', 'web1', 'web2 ansible_port=2222', '[web:vars]', 'ansible_port=ssh'));
    expect(spots(diagnostics)).toEqual(['5:14 ansible_port must be a port number (1-65535), got "ssh"']);
    expect(inventory.destinationOf('web1')).toEqual({ ok: false, error: 'host "web1" has an unusable ansible_port (bad.ini:5:14)' });
    // The host's own port wins over the group's bad one.
    expect(inventory.destinationOf('web2')).toEqual({ ok: true, value: { destination: 'web2:2222', become: false } });
  });
});

describe('the format is told by the content', () => {
  const FORMATS: [text: string, format: 'yaml' | 'ini'][] = [
    ['all:\n  hosts:\n', 'yaml'],
    ['# comment\n\nweb: {hosts: {web1: }}\n', 'yaml'],
    ['"web servers":\n', 'yaml'],
    ['---\nall:\n', 'yaml'],
    ['{"all": {}}\n', 'yaml'],
    ['- web1\n', 'yaml'],
    ['[web]\nweb1\n', 'ini'],
    ['; comment\nweb1\n', 'ini'],
    ['web1:2222 ansible_user=ops\n', 'ini'],
    ['fe80::1\n', 'ini'],
    ['[fe80::1]:22\n', 'ini'],
    ['', 'ini'],
  ];

  test.each(FORMATS)('%j is %s', (text, format) => {
    expect(detectInventoryFormat(text)).toBe(format);
  });
});

describe('every problem is reported at its line and column', () => {
  test('an INI inventory: all of its problems at once', () => {
    expect(spots(read('broken.ini').diagnostics)).toEqual([
      '2:20 ansible_port must be a port number (1-65535), got 99999',
      '3:1 port 70000 of host "web02:70000" is not a port number (1-65535)',
      '4:1 [5:1] in "web[5:1]" counts down from 5 to 1: write the smaller number first, [1:5]',
      '5:22 ansible_become must be true or false (or yes/no, on/off, 1/0), got "maybe"',
      '6:7 "color" is not a host variable: write key=value after the host name, e.g. ansible_port=2222',
      '7:1 host "admin@web05" holds "@": name the host web05 and give ansible_user admin as its variable',
      '8:12 this quote is never closed: close it on the same line',
      '9:1 "[web servers]" is not a section header: write [group], [group:children] or [group:vars], with no spaces inside the brackets',
      '10:5 section [db:child] has an unknown type "child"; use [db], [db:children] or [db:vars]',
      '15:20 ansible_host must be a host name or an IP address (IPv6 with or without brackets), with no user and no port, got "a b"',
      '23:16 ansible_user must be a user name, with no spaces and no "@", got "ops admin"',
      '25:24 ansible_group_priority must be a whole number, got "high"',
      '28:3 host "web08:" ends in ":": write the port after it (web08:22) or drop the ":"',
      // Settled once the whole file is read: a group may be defined further down.
      '13:1 [prod:children] names group "dbs", which no section defines; add a [dbs] section with its hosts',
      '16:2 [cache:vars] sets variables of group "cache", which no section defines; add a [cache] section with its hosts',
      '21:1 groups "loop_a" -> "loop_b" -> "loop_a" form a cycle of children: test/fixtures/inventory/broken.ini:19:1 -> test/fixtures/inventory/broken.ini:21:1; a group cannot contain itself, directly or through its children',
    ]);
  });

  test('a YAML inventory: all of its problems at once', () => {
    expect(spots(read('broken.yml').diagnostics)).toEqual([
      '4:19 ansible_port must be a port number (1-65535), got 0',
      '6:5 [01:x] in "web[01:x]" mixes a number and a letter: a range goes from number to number ([1:20]) or from letter to letter ([a:f])',
      '7:5 port 70000 of host "web09:70000" is not a port number (1-65535)',
      '9:23 ansible_become must be true or false (or yes/no, on/off, 1/0), got "sometimes"',
      '10:3 group "all" has an unknown key "childen": a group holds hosts:, children: and vars:; did you mean "children"?',
      '15:9 hosts of group "db" must be a map of host names, got a list; write each host as a key ending in ":", e.g. "web01:"',
      '18:17 host "cache1" must be followed by a map of its variables, or nothing, got "fast"; e.g. "cache1: { ansible_port: 2222 }"',
      '25:13 vars of group "web" must be a map of names to values, got a list',
      '26:17 group "web" names "all" as a child: "all" holds every group and cannot be inside another',
      '23:13 groups "loop_a" -> "loop_b" -> "loop_a" form a cycle of children: test/fixtures/inventory/broken.yml:21:9 -> test/fixtures/inventory/broken.yml:23:13; a group cannot contain itself, directly or through its children',
    ]);
  });

  test('every problem carries a code and the file', () => {
    for (const name of ['broken.ini', 'broken.yml']) {
      for (const diagnostic of read(name).diagnostics) expect(diagnostic).toMatchObject({ code: 'RB_INVENTORY', location: { file: `${FIXTURES}/${name}` } });
    }
  });

  const ROWS: [name: string, file: string, text: string, want: string[]][] = [
    ['YAML syntax', 'a.yml', lines('all:', '\thosts:'), ['2:1 Tabs are not allowed as indentation: indent with spaces']],
    ['a YAML list', 'a.yml', lines('- web1', '- web2'), ['1:1 a YAML inventory must be a map of groups, e.g. "all:" with hosts: under it, got a list']],
    ['an inventory plugin’s configuration', 'a.yml', lines('plugin: aws_ec2', 'regions: [eu-west-1]'), ['1:1 this is the configuration of an inventory plugin, not an inventory: give the file of hosts and groups']],
    ['a group that is not a map', 'a.yml', lines('all:', '  children:', '    web: [web1]'), ['3:10 group "web" must be a map with hosts:, children: or vars:, got a list']],
    ['a host with a space', 'a.yml', lines('web:', '  hosts:', '    web1 ansible_port=22:'), ['3:5 host "web1 ansible_port=22" has a space in its name: variables go after the name as key=value (INI) or under it as a map (YAML)']],
    ['a group its own child', 'a.ini', lines('[a:children]', 'a'), ['2:1 groups "a" -> "a" form a cycle of children: a.ini:2:1; a group cannot contain itself, directly or through its children']],
    ['YAML in an INI file', 'a.ini', lines('web1', '---'), ['2:1 "---" in an INI inventory: if this file is YAML, its first line must be a group, e.g. "all:"']],
    ['a host:text that is no port', 'a.ini', lines('web1:ssh'), ['1:1 host "web1:ssh" has ":" followed by something other than a port number (1-65535)']],
    ['a child a typo away', 'a.ini', lines('[web]', 'web1', '[prod:children]', 'webb'), ['4:1 [prod:children] names group "webb", which no section defines; did you mean "web"?']],
    ['a bad children line', 'a.ini', lines('[prod:children]', 'web db'), ['2:1 "web db" is not a group name: a [prod:children] section lists one group per line']],
    ['a bad vars line', 'a.ini', lines('[web]', 'web1', '[web:vars]', 'just words'), ['4:1 "just words" is not a variable: a [web:vars] line is name=value']],
    ['an empty INI file', 'a.ini', lines('# nothing yet'), ['1:1 a.ini defines no hosts; e.g. "[web]", then "web01" on the next line']],
    ['an empty YAML file', 'a.yml', lines('all:'), ['1:1 a.yml defines no hosts; e.g. "all:", then "  hosts:", then "    web01:"']],
  ];

  test.each(ROWS)('%s', (_name, file, text, want) => {
    expect(spots(parseInventory(file, text).diagnostics)).toEqual(want);
  });

  test('a YAML syntax error keeps its own code', () => {
    expect(parseInventory('a.yml', lines('all:', '  hosts:', '    web1: {')).diagnostics.map((d) => d.code)).toEqual(['RB_YAML']);
  });
});
