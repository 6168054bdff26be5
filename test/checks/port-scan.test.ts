// The `port_scan:` check kind: its YAML form, and nmap's output recorded from app against db:3306.
import { describe, expect, test } from 'vitest';
import { portScan, readNmap } from '../../src/checks/port-scan.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { observeWithin, recordedOutcome, replayObserve } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('port-scan', {
  valid: [
    check('        port_scan: { host: 10.200.0.82, port: 3306 }'),
    check('        port_scan: { host: db, port: "${vars.port}", timeout: 10s }\n        expect:\n          state: { any_of: [{ equals: closed }, { equals: filtered }] }\n          host_up: { equals: "yes" }'),
  ],
  invalid: [
    { check: check('        port_scan: { host: db }'), code: 'RB_SCHEMA', line: 13, col: 20, message: /missing required property "port"/ },
    { check: check('        port_scan: { host: db, port: -1 }'), code: 'RB_SCHEMA', line: 13, col: 38, message: /must be >= 1/ },
    { check: check('        port_scan: { host: db, port: 3306, timeout: 1x }'), code: 'RB_SCHEMA', line: 13, col: 53, message: /must be a duration/ },
    { check: check('        port_scan: { host: db, port: 3306, ports: [1] }'), code: 'RB_SCHEMA', line: 13, col: 44, message: /unknown property "ports"/ },
    { check: check('        port_scan: { host: db, port: 3306 }\n        expect:\n          status: { equals: open }'), code: 'RB_SCHEMA', line: 15, col: 11, message: /unknown property "status"/ },
  ],
});

describe('port_scan: observing recorded lab output (app -> db:3306)', () => {
  test.each([
    ['healthy', 'open'],
    ['icmp-blocked', 'open'],
    ['mysql-down', 'closed'],
    ['bind-localhost', 'closed'],
    ['port-filtered', 'filtered'],
    ['wrong-port', 'closed'],
  ])('%s: %s, and nmap says the host is up in every one (LAB-NOTES 7)', async (scenario, state) => {
    const { observation, unused } = await replayObserve(portScan, `port-scan/${scenario}.txt`);
    expect(unused).toBe(0);
    expect(observation).toEqual({ fields: { state, host_up: 'yes' } });
  });

  test('no host at that address: host-down', async () => {
    const { observation } = await replayObserve(portScan, 'port-scan/no-host.txt');
    expect(observation.fields).toEqual({ state: 'host-down', host_up: 'no' });
  });

  test('an unresolvable name is an error, not host-down (nmap says "0 hosts up" for both)', async () => {
    const { observation } = await replayObserve(portScan, 'port-scan/unknown-host.txt');
    expect(observation).toMatchObject({ fields: {}, error: 'nmap cannot resolve the host: Failed to resolve "no-such-host".' });
  });

  test('tools-missing: an error and nmap missing on app', async () => {
    const { observation } = await replayObserve(portScan, 'port-scan/tools-missing.txt');
    expect(observation).toEqual({ fields: {}, error: 'nmap not installed on app', missingTools: [{ tool: 'nmap', host: 'app' }] });
  });

  test('a scan cut short by the host timeout is an error', () => {
    const stdout = 'Starting Nmap 7.93\nSkipping host 10.200.0.82 due to host timeout\nNmap done: 1 IP address (1 host up) scanned in 1.00 seconds\n';
    expect(readNmap({ exitCode: 0, signal: null, stdout, stderr: '', durationMs: 1000 }, 3306)).toMatchObject({ error: expect.stringMatching(/host timeout/) });
  });

  test('the port line, not "Host is up", decides (another port\'s line does not count)', () => {
    const { stdout } = recordedOutcome('port-scan/port-filtered.txt');
    expect(readNmap({ ...recordedOutcome('port-scan/port-filtered.txt'), stdout }, 3307)).toMatchObject({ error: expect.stringMatching(/no port state/) });
  });

  test('describe: the nmap command line', () => {
    expect(portScan.describe({ host: 'db', port: '${vars.port}' }, { shell: (t) => t, value: (t) => t.replace('${vars.port}', '3306') })).toBe(
      'nmap -n -PS3306 -p3306 --max-retries 1 --host-timeout 5000ms db',
    );
  });
});


describe('port_scan: nmap\'s host timeout never outlasts the check\'s', () => {
  test('a 60 s host timeout under 4 s left: 3500 ms, so a filtered port is still reported as nmap saw it', async () => {
    const { observation, scripts } = await observeWithin(portScan, 'port-scan/port-filtered.txt', 4000, { timeout: '60s' });
    expect(scripts).toEqual(['nmap -n -PS3306 -p3306 --max-retries 1 --host-timeout 3500ms 10.200.0.82']);
    expect(observation.fields).toMatchObject({ state: 'filtered' });
  });
});
