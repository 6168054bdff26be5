// The `process:` check kind: its YAML form, and what it makes of ps / /proc output recorded in the lab.
import { describe, expect, test } from 'vitest';
import { liveOthers, parseProc, parsePs, PROC_MARKER, PROC_SCRIPT, processCheck, processFields, PS_MARKER, PS_SCRIPT, selectProcesses, whatRunsInstead } from '../../src/checks/process.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { notInstalled, recordedOutcome, replayObserve } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('process', {
  valid: [
    check('        process: { name: "mysqld|mariadbd" }'),
    check('        process: { command: "--port=3306", user: mysql }'),
    check('        process:\n          name: mysqld\n          command: "--bind-address"\n          user: mysql\n        expect:\n          count: 0'),
    check('        process: { name: "${vars.port}" }\n        capture:\n          pid: { from: pid }'),
    check('        process: { name: sshd }\n        expect:\n          names: { contains: sshd }\n          users: { equals: root }\n          pids: { regex: "^[0-9]+" }'),
  ],
  invalid: [
    { check: check('        process: { user: mysql }'), code: 'RB_SCHEMA', line: 13, col: 18, message: /process needs "name" or "command"/ },
    { check: check('        process: {}'), code: 'RB_SCHEMA', line: 13, col: 18, message: /process needs "name" or "command"/ },
    { check: check('        process: mysqld'), code: 'RB_SCHEMA', line: 13, col: 18, message: /must be an object/ },
    { check: check('        process: { nmae: mysqld }'), code: 'RB_SCHEMA', line: 13, col: 20, message: /unknown property "nmae"/ },
    { check: check('        process: { name: "" }'), code: 'RB_SCHEMA', line: 13, col: 26, message: /must not be empty/ },
    { check: check('        process: { name: "mysqld(" }'), code: 'RB_SCHEMA', line: 13, col: 26, message: /process\.name "mysqld\(" is not a valid regular expression/ },
    { check: check('        process: { name: mysqld, command: "--port=[" }'), code: 'RB_SCHEMA', line: 13, col: 43, message: /process\.command "--port=\[" is not a valid regular expression/ },
    { check: check('        process: { name: mysqld }\n        expect:\n          count: { contains: "1" }'), code: 'RB_MATCHER', line: 15, col: 18, message: /contains applies to text/ },
    { check: check('        process: { name: mysqld }\n        expect:\n          pid: 12'), code: 'RB_MATCHER', line: 15, col: 16, message: /a bare number compares numbers/ },
    { check: check('        process: { name: "${vars.nope}" }'), code: 'RB_UNKNOWN_VAR', line: 13, col: 18 },
  ],
});

describe('process: observing recorded lab output (ps over SSH on db)', () => {
  test.each([
    ['healthy', 1],
    ['icmp-blocked', 1],
    ['mysql-down', 0],
    ['bind-localhost', 1],
    ['port-filtered', 1],
    ['wrong-port', 1],
    ['tools-missing', 1],
  ] as const)('%s: %i mysqld', async (scenario, count) => {
    const { observation, unused } = await replayObserve(processCheck, `process/${scenario}.txt`);
    expect(unused).toBe(0);
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject(
      count === 0 ? { count: 0, pid: '', pids: '', names: '', users: '', states: '' } : { count: 1, pid: expect.stringMatching(/^\d+$/), names: 'mysqld', users: 'mysql', states: 'S (sleeping)' },
    );
  });

  test('nothing matched: a note names what runs instead, runbook\'s own processes left out', async () => {
    const { observation } = await replayObserve(processCheck, 'process/mysql-down.txt');
    const note = observation.notes?.at(-1) ?? '';
    expect(note).toMatch(/^no match among the \d+ process(es)? running besides runbook's own and the kernel's: /);
    expect(note).toContain('sshd');
    expect(note).not.toMatch(/timeout|ps\b/);
    const { observation: found } = await replayObserve(processCheck, 'process/healthy.txt');
    expect(found.notes ?? []).toEqual([]);
  });

  test('the note lists at most 15 names, and says how many more', () => {
    const rows = Array.from({ length: 20 }, (_, index) => ({ pid: index + 100, ppid: 1, user: 'root', state: 'S', name: `daemon${String(index).padStart(2, '0')}`, args: '' }));
    expect(whatRunsInstead(rows)).toMatch(/^no match among the 20 processes running besides runbook's own and the kernel's: daemon00, .*daemon14 and 5 more names$/);
    expect(whatRunsInstead(rows.slice(0, 1))).toBe("no match among the 1 process running besides runbook's own and the kernel's: daemon00");
    expect(whatRunsInstead([])).toBe("nothing else runs there but runbook's own processes");
    const kernel = [{ pid: 2, ppid: 0, user: 'root', state: 'S', name: 'kthreadd', args: '[kthreadd]' }, { pid: 30, ppid: 2, user: 'root', state: 'I', name: 'kworker/0:1', args: '' }];
    expect(whatRunsInstead([...kernel, rows[0]!])).toBe("no match among the 1 process running besides runbook's own and the kernel's: daemon00");
  });

  test('mysql-hung: a mysqld frozen with SIGSTOP is still a process, and its state says so', async () => {
    const { observation } = await replayObserve(processCheck, 'process/mysql-hung.txt');
    expect(observation.fields).toMatchObject({ count: 1, names: 'mysqld', states: 'T (stopped)' });
  });

  test('the probe never finds itself: its ps, and the transport wrapper carrying its script, are dropped', () => {
    const table = parsePs(recordedOutcome('process/healthy.txt').stdout);
    expect(table.rows.some((row) => row.args.includes(PS_MARKER))).toBe(true); // they are in the raw output
    const others = liveOthers(table, PS_MARKER);
    expect(selectProcesses(others, { command: /ps -eww|pid:10=/ })).toEqual([]);
    // The listener stays; the session that serves our own connection (sshd: root@notty) is runbook's.
    expect(selectProcesses(others, { name: /sshd/ }).map((row) => row.args)).toEqual([expect.stringMatching(/\[listener\]/)]);
  });

  /** A ps line as PS_SCRIPT prints it. */
  const psLine = (pid: number, ppid: number, name: string, args: string): string =>
    `${String(pid).padStart(10)} ${String(ppid).padStart(10)} ${'root'.padEnd(32)} ${'S'.padEnd(8)} ${name.padEnd(15)} ${args}`;
  const wrapperOf = (marker: string, script: string) => `/bin/sh -c rb_s='${script}'; rb_m=${marker}; rb_b=35.0 LC_ALL=C; export LC_ALL`;
  const names = (self: number, lines: readonly string[]) => liveOthers(parsePs([String(self), ...lines].join('\n')), PS_MARKER).map((row) => row.pid);

  test("an SSH host: what runs under our session or under any runbook command's wrapper is runbook's, the rest is the host's", () => {
    const table = [
      psLine(1, 0, 'sshd', 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'),
      psLine(40, 1, 'java', 'java -jar app.jar --name grep-me'),
      psLine(90, 1, 'sshd', 'sshd: root@notty'),
      // Another check of ours on the same connection, its command line holding the pattern.
      psLine(91, 90, 'sh', wrapperOf('RUNBOOK-00112233445566aa', 'sleep 1; grep grep-me /etc/app.conf')),
      psLine(92, 91, 'timeout', 'timeout -k 5 35.0 /bin/sh -c printf "%s" "$PPID" >&4 /bin/sh RUNBOOK-00112233445566aa sleep 1; grep grep-me'),
      psLine(93, 92, 'sleep', 'sleep 1'),
      // Our other connection to the host, or another run of runbook: a wrapper carrying a command's mark.
      psLine(95, 1, 'sshd', 'sshd: root@notty'),
      psLine(96, 95, 'sh', wrapperOf('RUNBOOK-ffeeddccbbaa9988', 'tail -f /var/log/grep-me.log')),
      psLine(97, 96, 'tail', 'tail -f /var/log/grep-me.log'),
      // The probe: its wrapper carries its script, then ps itself.
      psLine(98, 90, 'sh', wrapperOf('RUNBOOK-0123456789abcdef', PS_SCRIPT)),
      psLine(99, 98, 'ps', `ps -eww -o ${PS_MARKER}`),
    ];
    expect(names(99, table)).toEqual([1, 40, 95]);
  });

  test('the local host: the runbook CLI and everything it started are runbook\'s; what started it is not', () => {
    const table = [
      psLine(1, 0, 'systemd', '/sbin/init'),
      psLine(500, 1, 'bash', '-bash'),
      psLine(600, 500, 'node', 'node /usr/bin/runbook run app.yaml'),
      psLine(610, 600, 'sh', '/bin/sh -c sleep 1; echo app.yaml'),
      psLine(611, 610, 'sleep', 'sleep 1'),
      psLine(620, 600, 'ps', `ps -eww -o ${PS_MARKER}`),
      psLine(700, 1, 'node', 'node /srv/app.js'),
    ];
    expect(names(620, table)).toEqual([1, 500, 700]);
  });

  test('a runbook that is PID 1 (a container) is dropped, but not the orphans it adopted', () => {
    const table = [
      psLine(1, 0, 'node', 'node /usr/bin/runbook run app.yaml'),
      psLine(30, 1, 'nginx', 'nginx: master process /usr/sbin/nginx'),
      psLine(60, 1, 'ps', `ps -eww -o ${PS_MARKER}`),
    ];
    expect(names(60, table)).toEqual([30]);
  });

  test('zombies are dead: state Z never counts', () => {
    const { stdout } = recordedOutcome('process/healthy.txt');
    const zombie = `${stdout}       4242          1 mysql                            Z        mysqld          [mysqld] <defunct>\n`;
    const rows = liveOthers(parsePs(zombie), PS_MARKER);
    expect(processFields(selectProcesses(rows, { name: /^(?:mysqld)$/ }))).toMatchObject({ count: 1 });
  });

  test('name is a full match (of the kernel name or argv[0]); command is a search; user is exact', () => {
    const rows = liveOthers(parsePs(recordedOutcome('process/healthy.txt').stdout), PS_MARKER);
    expect(selectProcesses(rows, { name: /^(?:mysql)$/ })).toEqual([]);
    expect(selectProcesses(rows, { name: /^(?:mysqld|mariadbd)$/ })).toHaveLength(1);
    expect(selectProcesses(rows, { command: /sbin\/mysql/ })).toHaveLength(1);
    expect(selectProcesses(rows, { command: /sbin\/mysql/, user: 'root' })).toEqual([]);
  });

  test('the regex given in YAML is anchored for name, so "sql" does not match mysqld', async () => {
    const { observation } = await replayObserve(processCheck, 'process/healthy.txt', (fixture) => ({ ...fixture, spec: { name: 'sql' } }));
    expect(observation.fields).toMatchObject({ count: 0 });
  });

  test('an invalid regex is an error, not a count of 0', async () => {
    const { observation, unused } = await replayObserve(processCheck, 'process/healthy.txt', (fixture) => ({ ...fixture, spec: { name: '(' } }));
    expect(observation.error).toMatch(/"\(" is not a valid regular expression/);
    expect(unused).toBe(1);
  });
});

describe('process: the /proc walk, where ps is missing (recorded on db)', () => {
  test.each([
    ['healthy', 1],
    ['mysql-down', 0],
    ['wrong-port', 1],
  ] as const)('%s: %i mysqld, users named from /etc/passwd, the walking shell and its wrappers not counted', (scenario, count) => {
    const table = parseProc(recordedOutcome(`process/${scenario}.proc.txt`).stdout);
    const rows = liveOthers(table, PROC_MARKER);
    expect(processFields(selectProcesses(rows, { name: /^(?:mysqld|mariadbd)$/ }))).toMatchObject({ count, users: count ? 'mysql' : '' });
    expect(selectProcesses(rows, { command: /echo ==passwd/ })).toEqual([]);
    expect(selectProcesses(rows, { name: /^sshd$/ }).length).toBeGreaterThanOrEqual(1);
  });

  test('ps not installed: /proc answers, and ps is reported missing on db', async () => {
    const { observation, unused } = await replayObserve(processCheck, 'process/healthy.txt', (fixture) => ({
      ...fixture,
      records: [notInstalled('run', 'db', PS_SCRIPT, 'exec: ps'), { ...recordedFixtureRecord(), command: PROC_SCRIPT }],
    }));
    expect(unused).toBe(0);
    expect(observation).toMatchObject({
      fields: { count: 1, names: 'mysqld', users: 'mysql' },
      notes: ['ps not installed on db; a walk of /proc answered'],
      missingTools: [{ tool: 'ps', host: 'db' }],
    });
  });

  test('describe shows the ps command line', () => {
    expect(processCheck.describe({ name: 'mysqld' }, { shell: (t) => t, value: (t) => t })).toBe(PS_SCRIPT);
  });
});

function recordedFixtureRecord() {
  return { how: 'run' as const, role: 'db', command: PROC_SCRIPT, outcome: recordedOutcome('process/healthy.proc.txt') };
}

