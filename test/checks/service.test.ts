// The `service:` check kind: its YAML form, and what it makes of systemctl / journalctl output.
// Recorded by test/fixtures/probes/record-host.ts on this machine, which has no systemd as PID 1:
// no-systemd.txt as is; no-bus.txt and the unit states inside systemd-namespace.sh, where a real
// systemd 252 manager (a user manager that systemctl, as root, reaches at /run/systemd/private) and
// journald run units web (active, enabled), worker (fails at start, exit 3), backup (static, never started).
import { describe, expect, test } from 'vitest';
import { JOURNAL_MAX_CHARS, parseShow, readService, service, serviceFields, serviceScript } from '../../src/checks/service.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { loadFixture, notInstalled, recordedOutcome, replayObserve } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('service', {
  valid: [
    check('        service: { name: nginx }'),
    check('        service: { name: getty@tty1.service, journal_lines: 50 }'),
    check('        service: { name: "mariadb-${vars.port}", journal_lines: 0 }'),
    check('        service: { name: nginx }\n        expect:\n          state: { any_of: [{ equals: active }, { equals: activating }] }\n          enabled: { equals: enabled }\n          main_pid: { gt: 0 }\n          journal: { not: { contains: "Out of memory" } }'),
  ],
  invalid: [
    { check: check('        service: {}'), code: 'RB_SCHEMA', line: 13, col: 18, message: /missing required property "name"/ },
    { check: check('        service: nginx'), code: 'RB_SCHEMA', line: 13, col: 18, message: /must be an object/ },
    { check: check('        service: { name: "nginx; reboot" }'), code: 'RB_SCHEMA', line: 13, col: 26, message: /must be a systemd unit name such as nginx/ },
    { check: check('        service: { name: --all }'), code: 'RB_SCHEMA', line: 13, col: 26, message: /must be a systemd unit name/ },
    { check: check('        service: { name: "" }'), code: 'RB_SCHEMA', line: 13, col: 26, message: /must be a systemd unit name/ },
    { check: check('        service: { name: nginx, journal_lines: 51 }'), code: 'RB_SCHEMA', line: 13, col: 48, message: /must be <= 50/ },
    { check: check('        service: { name: nginx, journal_lines: -1 }'), code: 'RB_SCHEMA', line: 13, col: 48, message: /must be >= 0/ },
    { check: check('        service: { unit: nginx }'), code: 'RB_SCHEMA', line: 13, col: 20, message: /unknown property "unit"/ },
    { check: check('        service: { name: nginx }\n        expect:\n          main_pid: { contains: "1" }'), code: 'RB_MATCHER', line: 15, col: 21, message: /contains applies to text/ },
    { check: check('        service: { name: "${vars.unit}" }'), code: 'RB_UNKNOWN_VAR', line: 13, col: 18, message: /vars\.unit/ },
  ],
});

describe('service: observing recorded systemd output', () => {
  test.each([
    ['active', { state: 'active', load_state: 'loaded', sub_state: 'running', enabled: 'enabled', exit_status: 0, journal: '' }],
    ['failed', { state: 'failed', load_state: 'loaded', sub_state: 'failed', enabled: 'disabled', main_pid: null, exit_status: 3 }],
    ['inactive', { state: 'inactive', load_state: 'loaded', sub_state: 'dead', enabled: 'static', main_pid: null, journal: '' }],
    // systemd says "inactive" for a unit it has no file for: only LoadState tells.
    ['not-found', { state: 'not-found', load_state: 'not-found', sub_state: 'dead', enabled: '', main_pid: null, journal: '' }],
  ] as const)('%s', async (name, fields) => {
    const { observation, unused } = await replayObserve(service, `service/${name}.txt`);
    expect(unused).toBe(0);
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject(fields);
  });

  test('active: the main pid is a number, and the journal is not read', async () => {
    const { observation } = await replayObserve(service, 'service/active.txt');
    expect(observation.fields.main_pid).toEqual(expect.any(Number));
    expect(recordedOutcome('service/active.txt').stdout).not.toContain('==journal');
  });

  test('failed: the unit\'s last journal lines say why (the name came from a variable)', async () => {
    const { observation } = await replayObserve(service, 'service/failed.txt');
    expect(observation.fields.journal).toBe('worker: reading /etc/worker.conf\nworker: cannot bind 0.0.0.0:8080: Address already in use\n');
    expect(loadFixture('service/failed.txt').records[0]!.command).toContain("u=worker.service\n");
  });

  test('no systemd as PID 1 (this machine): an error that says so, never "inactive"', async () => {
    const { observation } = await replayObserve(service, 'service/no-systemd.txt');
    expect(observation).toEqual({ fields: {}, error: "no systemd on here: System has not been booted with systemd as init system (PID 1). Can't operate." });
  });

  test('a systemd host whose manager cannot be reached: an error with systemctl\'s words', async () => {
    const { observation } = await replayObserve(service, 'service/no-bus.txt');
    expect(observation).toEqual({ fields: {}, error: 'no systemd on here: Failed to connect to bus: No such file or directory' });
  });

  test('systemctl not installed: no systemd there, and systemctl is named', async () => {
    const command = loadFixture('service/active.txt').records[0]!.command;
    const { observation } = await replayObserve(service, 'service/active.txt', (fixture) => ({ ...fixture, records: [notInstalled('run', 'here', command, 'systemctl')] }));
    expect(observation).toEqual({ fields: {}, error: 'no systemd on here: systemctl is not installed', missingTools: [{ tool: 'systemctl', host: 'here' }] });
  });

  test('journalctl not installed: an error naming it, not a unit without a journal', async () => {
    const fixture = loadFixture('service/failed.txt');
    const record = fixture.records[0]!;
    const stdout = record.outcome.stdout.replace(/==journal\n[\s\S]*$/, '==journal\n');
    const outcome = { ...record.outcome, exitCode: 127, stdout, stderr: '/bin/sh: 6: exec: journalctl: not found\n' };
    const { observation } = await replayObserve(service, 'service/failed.txt', (f) => ({ ...f, records: [{ ...record, outcome }] }));
    expect(observation).toMatchObject({ error: 'journalctl not installed on here', missingTools: [{ tool: 'journalctl', host: 'here' }] });
  });

  test('what journalctl says on stderr is a note (its words on a host without journal files)', async () => {
    const fixture = loadFixture('service/not-found.txt');
    const record = fixture.records[0]!;
    const { observation } = await replayObserve(service, 'service/not-found.txt', (f) => ({ ...f, records: [{ ...record, outcome: { ...record.outcome, stderr: 'No journal files were found.\n' } }] }));
    expect(observation.notes).toEqual(['journalctl: No journal files were found.']);
  });

  test('another systemctl failure is an error with its words', () => {
    const outcome = { exitCode: 1, signal: null, stdout: '', stderr: 'Failed to get properties: Access denied\n', durationMs: 5 };
    expect(readService(outcome)).toEqual({ ok: false, error: 'systemctl show failed (exit 1): Failed to get properties: Access denied' });
  });

  test('a long journal keeps its newest end', () => {
    const { stdout } = recordedOutcome('service/failed.txt');
    const long = `${stdout.replace(/==journal\n[\s\S]*$/, '==journal\n')}${'x'.repeat(20_000)}\nlast line\n`;
    const reading = readService({ exitCode: 0, signal: null, stdout: long, stderr: '', durationMs: 5 });
    if (!reading.ok || reading.value.kind !== 'unit') throw new Error('expected a unit');
    const { journal } = serviceFields(reading.value.facts);
    expect(String(journal)).toHaveLength(JOURNAL_MAX_CHARS);
    expect(String(journal).endsWith('last line\n')).toBe(true);
  });

  test('systemctl show prints Key=Value lines; a value may hold "="', () => {
    expect(parseShow('MainPID=0\nExecMainStatus=3\nUnitFileState=\nDescription=a=b\n')).toEqual({ MainPID: '0', ExecMainStatus: '3', UnitFileState: '', Description: 'a=b' });
  });

  test('a name from a capture that is no unit name is an error before anything runs', async () => {
    const { observation, unused } = await replayObserve(service, 'service/failed.txt', (fixture) => ({ ...fixture, vars: { unit: 'worker; reboot' } }));
    expect(observation).toEqual({ fields: {}, error: 'name must be a systemd unit name such as nginx or nginx.service, got "worker; reboot"' });
    expect(unused).toBe(1);
  });

  test('describe: one command line; journal_lines 0 never reads the journal', () => {
    const plain = { shell: (t: string) => t, value: (t: string) => t };
    expect(service.describe({ name: 'nginx' }, plain)).toBe(serviceScript('nginx', 10));
    expect(service.describe({ name: 'nginx', journal_lines: 0 }, plain)).not.toContain('journalctl');
  });
});
