// The `listening:` check kind: its YAML form, and what it makes of lsof / ss / /proc/net/tcp output
// recorded on db in each lab scenario.
import { describe, expect, test } from 'vitest';
import { formatSocket, listening, listeningAttempts, listeningFields, parseLsof, parseProcNet, parseSs, scopeOf } from '../../src/checks/listening.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { loadFixture, notInstalled, recordedOutcome, replayObserve, type Recorded } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('listening', {
  valid: [
    check('        listening: { port: 3306 }'),
    check('        listening: { port: "${vars.port}" }'),
    check('        listening: { pid: 1234 }'),
    check('        listening: { port: 3306, pid: "1234" }\n        expect:\n          scope: { equals: any }\n          addresses: { contains: "0.0.0.0:3306" }\n          count: { ge: 1 }'),
    check('        listening: { port: 3306 }\n        expect:\n          count: 0\n          tool: { any_of: [{ equals: lsof }, { equals: ss }] }'),
  ],
  invalid: [
    { check: check('        listening: {}'), code: 'RB_SCHEMA', line: 13, col: 20, message: /must not be empty/ },
    { check: check('        listening: { port: 0 }'), code: 'RB_SCHEMA', line: 13, col: 28, message: /must be >= 1/ },
    { check: check('        listening: { port: 70000 }'), code: 'RB_SCHEMA', line: 13, col: 28, message: /must be <= 65535/ },
    { check: check('        listening: { port: "33o6" }'), code: 'RB_SCHEMA', line: 13, col: 28, message: /must be a TCP port 1-65535, or a reference/ },
    { check: check('        listening: { port: [3306] }'), code: 'RB_SCHEMA', line: 13, col: 28, message: /must be an integer or a string/ },
    { check: check('        listening: { prot: 3306 }'), code: 'RB_SCHEMA', line: 13, col: 22, message: /unknown property "prot"/ },
    { check: check('        listening: { port: 3306 }\n        expect:\n          scope: 1'), code: 'RB_MATCHER', line: 15, col: 18, message: /a bare number compares numbers/ },
    { check: check('        listening: { port: "${vars.prot}" }'), code: 'RB_UNKNOWN_VAR', line: 13, col: 20, message: /vars\.prot/ },
  ],
});

describe('listening: observing recorded lab output (db, port 3306)', () => {
  test.each([
    ['healthy', { count: 1, addresses: '0.0.0.0:3306', ports: '3306', scope: 'any', tool: 'lsof' }],
    ['icmp-blocked', { count: 1, addresses: '0.0.0.0:3306', scope: 'any', tool: 'lsof' }],
    ['mysql-down', { count: 0, addresses: '', ports: '', pids: '', scope: 'none', tool: 'lsof' }],
    ['bind-localhost', { count: 1, addresses: '127.0.0.1:3306', ports: '3306', scope: 'loopback', tool: 'lsof' }],
    ['port-filtered', { count: 1, addresses: '0.0.0.0:3306', scope: 'any', tool: 'lsof' }],
    ['wrong-port', { count: 0, scope: 'none', tool: 'lsof' }],
    ['tools-missing', { count: 1, addresses: '0.0.0.0:3306', scope: 'any', tool: 'ss' }],
  ])('%s', async (scenario, fields) => {
    const { observation, unused } = await replayObserve(listening, `listening/${scenario}.txt`);
    expect(unused).toBe(0);
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject(fields);
    if (fields.count === 1) expect(observation.fields.pids).toMatch(/^\d+$/);
  });

  test('tools-missing: lsof is reported missing on db, and the note says ss answered', async () => {
    const { observation } = await replayObserve(listening, 'listening/tools-missing.txt');
    expect(observation.missingTools).toEqual([{ tool: 'lsof', host: 'db' }]);
    expect(observation.notes).toEqual(['lsof not installed on db; ss -ltnpH answered']);
  });

  test.each([
    ['healthy', '0.0.0.0:3306', 'lsof'],
    ['bind-localhost', '127.0.0.1:3306', 'lsof'],
    ['wrong-port', '0.0.0.0:3307', 'lsof'],
    ['tools-missing', '0.0.0.0:3306', 'ss'],
  ])('%s, by pid (mysqld\'s): %s', async (scenario, addresses, tool) => {
    const { observation, unused } = await replayObserve(listening, `listening/${scenario}.pid.txt`);
    expect(unused).toBe(0);
    expect(observation.fields).toMatchObject({ count: 1, addresses, tool, pids: loadFixture(`listening/${scenario}.pid.txt`).vars.pid });
  });

  test('lsof exits 1 with no output when nothing listens: that is count 0, not an error', async () => {
    const outcome = recordedOutcome('listening/mysql-down.txt');
    expect([outcome.exitCode, outcome.stdout]).toEqual([1, '']);
    const { observation } = await replayObserve(listening, 'listening/mysql-down.txt');
    expect(observation).toEqual({ fields: expect.objectContaining({ count: 0 }) });
  });

  test('nothing answers: an error naming all three, and lsof and ss missing (never a count of 0)', async () => {
    const [lsof, ss, proc] = listeningAttempts({ port: 3306 });
    const unreadable: Recorded = { how: 'run', role: 'db', command: proc!.script, outcome: { exitCode: 0, signal: null, stdout: '', stderr: '', durationMs: 2 } };
    const { observation, unused } = await replayObserve(listening, 'listening/healthy.txt', (fixture) => ({
      ...fixture,
      records: [notInstalled('run', 'db', lsof!.script, 'lsof'), notInstalled('run', 'db', ss!.script, 'ss'), unreadable],
    }));
    expect(unused).toBe(0);
    expect(observation).toMatchObject({ fields: {}, error: 'lsof, ss and /proc/net/tcp unavailable on db' });
    expect(observation.missingTools).toEqual([{ tool: 'lsof', host: 'db' }, { tool: 'ss', host: 'db' }]);
  });

  test('lsof and ss missing: /proc/net/tcp answers (recorded), both tools reported', async () => {
    const [lsof, ss, proc] = listeningAttempts({ port: 3306 });
    const { observation } = await replayObserve(listening, 'listening/bind-localhost.txt', (fixture) => ({
      ...fixture,
      records: [
        notInstalled('run', 'db', lsof!.script, 'lsof'),
        notInstalled('run', 'db', ss!.script, 'ss'),
        { how: 'run', role: 'db', command: proc!.script, outcome: recordedOutcome('listening/bind-localhost.proc.txt') },
      ],
    }));
    expect(observation.fields).toMatchObject({ count: 1, addresses: '127.0.0.1:3306', scope: 'loopback', tool: '/proc/net/tcp' });
    expect(observation.fields.pids).toMatch(/^\d+$/);
    expect(observation.notes).toEqual(['lsof not installed on db; ss not installed on db; /proc/net/tcp answered']);
  });

  test('a port that is not a port once resolved is an error before anything runs', async () => {
    const { observation, unused } = await replayObserve(listening, 'listening/healthy.txt', (fixture) => ({ ...fixture, spec: { port: '${vars.port}' }, vars: { port: '99999' } }));
    expect(observation.error).toBe('port must be a TCP port 1-65535, got "99999"');
    expect(unused).toBe(1);
  });

  test('describe: the lsof command line, a capture shown as written', () => {
    const resolve = { shell: (t: string) => t, value: (t: string) => t.replace('${vars.port}', '3306') };
    expect(listening.describe({ port: '${vars.port}', pid: '${captures.pid}' }, resolve)).toBe('lsof -nP -iTCP:3306 -sTCP:LISTEN -a -p ${captures.pid}');
  });
});

describe('listening: parsers on recorded output', () => {
  test.each([
    ['healthy', ['0.0.0.0:22', '0.0.0.0:3306']],
    ['mysql-down', ['0.0.0.0:22']],
    ['bind-localhost', ['0.0.0.0:22', '127.0.0.1:3306']],
    ['wrong-port', ['0.0.0.0:22', '0.0.0.0:3307']],
  ])('ss -ltnpH, %s', (scenario, addresses) => {
    const sockets = parseSs(recordedOutcome(`listening/${scenario}.ss.txt`).stdout);
    expect(sockets.map(formatSocket).sort()).toEqual(addresses);
    expect(sockets.find((socket) => socket.port === 22)?.pids).toEqual([1]);
  });

  test.each([
    ['healthy', ['0.0.0.0:22', '0.0.0.0:3306']],
    ['mysql-down', ['0.0.0.0:22']],
    ['bind-localhost', ['0.0.0.0:22', '127.0.0.1:3306']],
    ['wrong-port', ['0.0.0.0:22', '0.0.0.0:3307']],
  ])('/proc/net/tcp and the descriptors in /proc/*/fd, %s', (scenario, addresses) => {
    const { sockets, tables } = parseProcNet(recordedOutcome(`listening/${scenario}.proc.txt`).stdout);
    expect(tables).toBe(2);
    expect(sockets.map(formatSocket).sort()).toEqual(addresses);
    expect(sockets.find((socket) => socket.port === 22)?.pids).toEqual([1]);
  });

  test.each(['healthy', 'bind-localhost', 'wrong-port'])('/proc for one pid (mysqld), %s: only its socket has an owner', (scenario) => {
    const { sockets } = parseProcNet(recordedOutcome(`listening/${scenario}.proc-pid.txt`).stdout);
    const pid = Number(/\/proc\/(\d+)\/fd:/.exec(loadFixture(`listening/${scenario}.proc-pid.txt`).records[0]!.command)![1]);
    expect(sockets.filter((socket) => socket.pids.includes(pid)).map((socket) => socket.port)).toEqual([scenario === 'wrong-port' ? 3307 : 3306]);
  });

  test('lsof: IPv4 and IPv6 wildcards and addresses (lab has no IPv6: lines as lsof prints them)', () => {
    const stdout = [
      'COMMAND  PID  USER FD TYPE DEVICE SIZE/OFF NODE NAME',
      'sshd       1  root 3u IPv4  11111      0t0  TCP *:22 (LISTEN)',
      'sshd       1  root 4u IPv6  11112      0t0  TCP *:22 (LISTEN)',
      'mysqld    67 mysql 21u IPv6 11113      0t0  TCP [::1]:3306 (LISTEN)',
    ].join('\n');
    expect(parseLsof(stdout).map(formatSocket)).toEqual(['0.0.0.0:22', '[::]:22', '[::1]:3306']);
  });

  test('ss: IPv6, dual-stack "*" and an interface suffix', () => {
    const stdout = [
      'LISTEN 0 4096 [::]:22 [::]:* users:(("sshd",pid=1,fd=4))',
      'LISTEN 0 511 *:80 *:* users:(("nginx",pid=7,fd=6),("nginx",pid=8,fd=6))',
      'LISTEN 0 4096 127.0.0.53%lo:53 0.0.0.0:*',
    ].join('\n');
    expect(parseSs(stdout).map((socket) => [formatSocket(socket), socket.pids])).toEqual([['[::]:22', [1]], ['[::]:80', [7, 8]], ['127.0.0.53:53', []]]);
  });

  test('/proc/net/tcp6: addresses are 32-bit words in host byte order', () => {
    const line = (address: string, inode: number) => `   0: ${address}:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   102        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
    const stdout = ['== /proc/net/tcp6', line('00000000000000000000000001000000', 5), line('00000000000000000000000000000000', 6), line('0000000000000000FFFF00000100007F', 7), line('B80D0120000000000000000001000000', 8)].join('\n');
    expect(parseProcNet(stdout).sockets.map(formatSocket)).toEqual(['[::1]:3306', '[::]:3306', '[::ffff:127.0.0.1]:3306', '[2001:db8::1]:3306']);
  });

  test.each([
    [[], 'none'],
    [['0.0.0.0'], 'any'],
    [['127.0.0.1', '::'], 'any'],
    [['127.0.0.1', '::1', '127.0.1.1'], 'loopback'],
    [['127.0.0.1', '10.200.0.82'], 'specific'],
    [['10.200.0.82'], 'specific'],
  ])('scope of %j is %s', (hosts, scope) => {
    expect(scopeOf(hosts.map((host) => ({ host })))).toBe(scope);
  });

  test('fields: one address per line, unique; ports unique and sorted', () => {
    const sockets = [{ host: '0.0.0.0', port: 3307, pids: [9] }, { host: '::', port: 22, pids: [1] }, { host: '0.0.0.0', port: 22, pids: [1] }, { host: '0.0.0.0', port: 22, pids: [2] }];
    expect(listeningFields(sockets, 'ss')).toEqual({ count: 3, addresses: '0.0.0.0:22\n0.0.0.0:3307\n[::]:22', ports: '22 3307', pids: '1 2 9', scope: 'any', tool: 'ss' });
  });
});

