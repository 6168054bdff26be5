// The `file:` check kind: its YAML form, and what it makes of stat / sha256sum / head output
// recorded on this machine (Debian 12, MariaDB's config files) by test/fixtures/probes/record-host.ts:
// as root, as nobody (denied, unreadable), and with BusyBox's applets alone.
import { describe, expect, test } from 'vitest';
import '../../src/cli/linear-regex.js';
import { fileCheck, fileFields, fileScript, readFile } from '../../src/checks/file.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { inlineFiles, runbookWith, runCli } from '../helpers/run-cli.js';
import { loadFixture, notInstalled, recordedOutcome, replayObserve } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('file', {
  valid: [
    check('        file: { path: /etc/mysql/my.cnf }'),
    check('        file: { path: "/etc/mysql/${vars.port}.cnf", contains: "port = ${vars.port}" }'),
    check('        file: { path: "${vars.port}", regex: "^bind-address\\\\s*=\\\\s*(\\\\S+)", max_bytes: 4096 }'),
    check('        file: { path: /etc/mysql/mariadb.conf.d/50-server.cnf, contains: bind-address, regex: "^port" }\n        expect:\n          contains: 1\n          matches: { equals: 1 }\n          match: { not: { equals: 127.0.0.1 } }\n          mode: { equals: "0644" }\n          age_s: { gt: 60 }'),
    check('        file: { path: /var/log/syslog }\n        capture:\n          digest: { from: sha256 }'),
  ],
  invalid: [
    { check: check('        file: {}'), code: 'RB_SCHEMA', line: 13, col: 15, message: /missing required property "path"/ },
    { check: check('        file: /etc/my.cnf'), code: 'RB_SCHEMA', line: 13, col: 15, message: /must be an object/ },
    { check: check('        file: { path: etc/my.cnf }'), code: 'RB_SCHEMA', line: 13, col: 23, message: /must be an absolute path/ },
    { check: check('        file: { path: /etc/my.cnf, contains: "" }'), code: 'RB_SCHEMA', line: 13, col: 46, message: /must not be empty/ },
    { check: check('        file: { path: /etc/my.cnf, regex: "bind-(address" }'), code: 'RB_SCHEMA', line: 13, col: 43, message: /file\.regex "bind-\(address" is not a valid regular expression/ },
    { check: check('        file: { path: /etc/my.cnf, max_bytes: 0 }'), code: 'RB_SCHEMA', line: 13, col: 47, message: /must be >= 1/ },
    { check: check('        file: { path: /etc/my.cnf, max_bytes: 8388609 }'), code: 'RB_SCHEMA', line: 13, col: 47, message: /must be <= 8388608/ },
    { check: check('        file: { path: /etc/my.cnf, grep: x }'), code: 'RB_SCHEMA', line: 13, col: 36, message: /unknown property "grep"/ },
    { check: check('        file: { path: /etc/my.cnf }\n        expect:\n          contains: { regex: "1" }'), code: 'RB_MATCHER', line: 15, col: 21, message: /regex applies to text/ },
    { check: check('        file: { path: /etc/my.cnf }\n        expect:\n          mode: 644'), code: 'RB_MATCHER', line: 15, col: 17, message: /a bare number compares numbers/ },
    { check: check('        file: { path: "/etc/${vars.nope}" }'), code: 'RB_UNKNOWN_VAR', line: 13, col: 15, message: /vars\.nope/ },
  ],
});

const SERVER_CNF = { state: 'file', type: 'file', link: '', mode: '0644', owner: 'root', group: 'root', size: 3769, sha256: 'c05b27c6fa13550e78d9d7795442041d7b83aef60b6063b55d510b23e3989add' };
const NOTHING_KNOWN = { mode: null, owner: null, group: null, size: null, age_s: null, sha256: null, contains: null, matches: null, match: null };

describe('file: observing recorded output', () => {
  test.each([
    ['bind-address', { ...SERVER_CNF, contains: 1, matches: 1, match: '127.0.0.1' }],
    ['busybox', { ...SERVER_CNF, contains: 1, matches: 1, match: '127.0.0.1' }],
    // "#port                   = 3306" in the file: the text asked for is not there.
    ['vars', { ...SERVER_CNF, contains: 0, matches: null, match: null }],
    ['symlink', { state: 'symlink', type: 'file', link: '/etc/alternatives/my.cnf', mode: '0644', size: 1126, contains: 1 }],
    ['dangling', { ...NOTHING_KNOWN, state: 'symlink', type: 'missing', link: '/tmp/runbook-record-files/gone.conf' }],
    ['missing', { ...NOTHING_KNOWN, state: 'missing', type: 'missing', link: '' }],
    ['not-a-directory', { ...NOTHING_KNOWN, state: 'missing', type: 'missing' }],
    ['directory', { state: 'directory', type: 'directory', mode: '0755', sha256: null, contains: null }],
    ['device', { state: 'other', type: 'other', mode: '0666', sha256: null, contains: null }],
    ['denied', { ...NOTHING_KNOWN, state: 'denied', type: 'denied' }],
    ['unreadable', { state: 'denied', type: 'denied', mode: '0640', owner: 'root', group: 'shadow', size: 714, sha256: null, contains: null }],
  ] as const)('%s', async (name, fields) => {
    const { observation, unused } = await replayObserve(fileCheck, `file/${name}.txt`);
    expect(unused).toBe(0);
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject(fields);
  });

  test('the age is measured on the host clock: its `date +%s` minus the mtime', async () => {
    const { observation } = await replayObserve(fileCheck, 'file/bind-address.txt');
    const { stdout } = recordedOutcome('file/bind-address.txt');
    const [now = '', stat = ''] = stdout.split('\n');
    expect(observation.fields.age_s).toBe(Number(now) - Number(stat.split('|').at(-1)));
  });

  test('a file searched only in part says so: a 0 from the first 200 bytes is not a 0 for the file', async () => {
    const { observation } = await replayObserve(fileCheck, 'file/truncated.txt');
    expect(observation).toMatchObject({ fields: { contains: 0, matches: 0, match: null }, notes: ['only the first 200 of 3769 bytes were searched (max_bytes)'] });
  });

  test('a file over 64 MiB gets no sha256, and a note says why', async () => {
    const { observation } = await replayObserve(fileCheck, 'file/large.txt');
    expect(observation).toMatchObject({ fields: { state: 'file', size: 68157440, sha256: null }, notes: ['no sha256: the file is larger than 67108864 bytes'] });
  });

  test('the regex reads like a capture: the group named value, else the first group, else the whole match', () => {
    const facts = readFile(recordedOutcome('file/bind-address.txt'));
    if (!facts.ok) throw new Error(facts.error);
    const match = (regex: RegExp) => fileFields(facts.value, { readBytes: 1, regex }).match;
    expect(match(/^bind-address\s*=\s*(?<value>[\d.]+)/m)).toBe('127.0.0.1');
    expect(match(/^(bind)-address/m)).toBe('bind');
    expect(match(/^bind-address/m)).toBe('bind-address');
    expect(fileFields(facts.value, { readBytes: 1, regex: /^skip-networking/m })).toMatchObject({ matches: 0, match: null });
  });

  test('a backtracking regex does not hang: V8 switches it to the linear engine, as for the matchers', async () => {
    const started = performance.now();
    const { observation } = await replayObserve(fileCheck, 'file/bind-address.txt', (fixture) => ({
      ...fixture,
      records: fixture.records.map((record) => ({ ...record, outcome: { ...record.outcome, stdout: record.outcome.stdout.replace(/==head\n[\s\S]*$/, `==head\n${'a'.repeat(31)}b`) } })),
      spec: { path: '/etc/mysql/mariadb.conf.d/50-server.cnf', contains: 'bind-address', regex: '^(a+)+$' },
    }));
    expect(observation.fields).toMatchObject({ contains: 0, matches: 0 });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('stat not installed: an error naming it, never a missing file', async () => {
    const fixture = loadFixture('file/bind-address.txt');
    const { observation } = await replayObserve(fileCheck, 'file/bind-address.txt', (f) => ({ ...f, records: [notInstalled('run', 'here', fixture.records[0]!.command, 'stat')] }));
    expect(observation).toEqual({ fields: {}, error: 'stat not installed on here', missingTools: [{ tool: 'stat', host: 'here' }] });
  });

  test('sha256sum not installed (the shell names it): the error names sha256sum', async () => {
    const fixture = loadFixture('file/bind-address.txt');
    const outcome = { exitCode: 127, signal: null, stdout: '1796174889\n==stat regular file|644|root|root|3769|1789718888\n==sha256 ', stderr: '/bin/sh: 7: sha256sum: not found\n', durationMs: 3 };
    const { observation } = await replayObserve(fileCheck, 'file/bind-address.txt', (f) => ({ ...f, records: [{ ...fixture.records[0]!, outcome }] }));
    expect(observation).toMatchObject({ error: 'sha256sum not installed on here', missingTools: [{ tool: 'sha256sum', host: 'here' }] });
  });

  test('a stat failure that is neither missing nor denied is an error with its words', () => {
    const outcome = { exitCode: 1, signal: null, stdout: '1796174889\n', stderr: "stat: cannot statx '/a/b': Too many levels of symbolic links\n", durationMs: 3 };
    expect(readFile(outcome)).toEqual({ ok: false, error: "stat failed (exit 1): stat: cannot statx '/a/b': Too many levels of symbolic links" });
  });

  test('a relative path from a variable is an error before anything runs', async () => {
    const { observation, unused } = await replayObserve(fileCheck, 'file/vars.txt', (fixture) => ({ ...fixture, vars: { ...fixture.vars, conf: 'my.cnf' } }));
    expect(observation).toEqual({ fields: {}, error: 'path must be absolute, got "my.cnf"' });
    expect(unused).toBe(1);
  });

  test('describe: the script quotes the path as one word; the head is read only when something is searched', () => {
    const plain = { shell: (t: string) => t, value: (t: string) => t };
    expect(fileCheck.describe({ path: "/etc/it's here.cnf" }, plain)).toBe(fileScript("/etc/it's here.cnf", undefined));
    expect(fileCheck.describe({ path: "/etc/it's here.cnf" }, plain)).toMatch(/^f="\/etc\/it's here\.cnf"\n/);
    expect(fileCheck.describe({ path: '/etc/$(reboot).cnf' }, plain).split('\n')[0]).toBe('f=/etc/\\$\\(reboot\\).cnf');
    expect(fileCheck.describe({ path: '/etc/my.cnf' }, plain)).not.toContain('head');
    expect(fileCheck.describe({ path: '/etc/my.cnf', contains: 'x', max_bytes: 10 }, plain)).toContain('exec head -c 10 -- "$f"');
  });
});

describe('file: what `contains` and `regex` assert, through the CLI on local files', () => {
  test('writing what to look for asks that it be found; an expect naming the field asks otherwise', async () => {
    const dir = inlineFiles({ 'open.cnf': 'port = 3306\nbind-address = 0.0.0.0\n', 'local.cnf': 'port = 3306\nbind-address = 127.0.0.1\n' });
    const at = (id: string, file: string, search: string, expect = ''): string =>
      `      - { id: ${id}, on: here, file: { path: ${dir}/${file}, ${search} }${expect ? `, expect: ${expect}` : ''} }`;
    const contains = 'contains: "bind-address = 0.0.0.0"';
    const regex = `regex: '^bind-address\\s*=\\s*0\\.0\\.0\\.0$'`;
    const checks = [
      at('contains-found', 'open.cnf', contains),
      at('contains-not-found', 'local.cnf', contains),
      at('contains-absent-asked', 'local.cnf', contains, '{ contains: 0 }'),
      at('contains-absent-asked-but-found', 'open.cnf', contains, '{ contains: 0 }'),
      at('contains-with-other-expect', 'local.cnf', contains, '{ owner: { regex: "." } }'),
      at('regex-matched', 'open.cnf', regex),
      at('regex-not-matched', 'local.cnf', regex),
      at('regex-no-match-asked', 'local.cnf', regex, '{ matches: 0 }'),
    ];
    const result = await runCli({ 'r.yaml': runbookWith(checks.join('\n')) }, ['run', 'r.yaml', '--reporter', 'json']);
    const verdicts = Object.fromEntries(result.report!.questions[0]!.checks.map(({ id, status, reason }) => [id, reason === undefined ? status : `${status}: ${reason}`]));
    expect(verdicts).toEqual({
      'contains-found': 'pass',
      'contains-not-found': 'fail: contains expected to equal 1, got 0',
      'contains-absent-asked': 'pass',
      'contains-absent-asked-but-found': 'fail: contains expected to equal 0, got 1',
      'contains-with-other-expect': 'fail: contains expected to equal 1, got 0',
      'regex-matched': 'pass',
      'regex-not-matched': 'fail: matches expected to equal 1, got 0',
      'regex-no-match-asked': 'pass',
    });
    expect(result.exitCode).toBe(1);
  });

  test('the plan shows what `contains` asserts beside the default', async () => {
    const result = await runCli({ 'r.yaml': runbookWith('      - { id: bind-all, on: here, file: { path: /etc/mysql/my.cnf, contains: "bind-address = 0.0.0.0" } }') }, ['plan', 'r.yaml']);
    expect(result.stdout).toContain('expect: state equals "file"; contains equals 1\n');
  });
});
