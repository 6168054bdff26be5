// The `ping:` check kind: its YAML form, and iputils ping's output recorded from app to db.
import { describe, expect, test } from 'vitest';
import { ping, readPing } from '../../src/checks/ping.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { loadFixture, notInstalled, observeWithin, replayObserve } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('ping', {
  valid: [
    check('        ping: { host: 10.200.0.82 }'),
    check('        ping: { host: "${vars.port}", count: 3, timeout: 500ms }'),
    check('        ping: { host: db }\n        expect:\n          replies: 0\n          loss_percent: 100\n          rtt_ms: { lt: 5 }'),
  ],
  invalid: [
    { check: check('        ping: {}'), code: 'RB_SCHEMA', line: 13, col: 15, message: /missing required property "host"/ },
    { check: check('        ping: 10.200.0.82'), code: 'RB_SCHEMA', line: 13, col: 15, message: /must be an object/ },
    { check: check('        ping: { host: db, count: 0 }'), code: 'RB_SCHEMA', line: 13, col: 34, message: /must be >= 1/ },
    { check: check('        ping: { host: db, count: 11 }'), code: 'RB_SCHEMA', line: 13, col: 34, message: /must be <= 10/ },
    { check: check('        ping: { host: db, count: "3" }'), code: 'RB_SCHEMA', line: 13, col: 34, message: /must be an integer/ },
    { check: check('        ping: { host: db, wait: 1s }'), code: 'RB_SCHEMA', line: 13, col: 27, message: /unknown property "wait"/ },
    { check: check('        ping: { host: db }\n        expect:\n          replies: { regex: "1" }'), code: 'RB_MATCHER', line: 15, col: 20, message: /regex applies to text/ },
  ],
});

describe('ping: observing recorded lab output (app -> db)', () => {
  test.each([
    ['healthy', { sent: 1, replies: 1, loss_percent: 0 }],
    ['icmp-blocked', { sent: 1, replies: 0, loss_percent: 100, rtt_ms: null }],
    ['mysql-down', { sent: 1, replies: 1, loss_percent: 0 }],
    ['port-filtered', { sent: 1, replies: 1, loss_percent: 0 }],
    ['tools-missing', { sent: 1, replies: 1, loss_percent: 0 }],
    ['three', { sent: 3, replies: 3, loss_percent: 0 }],
  ])('%s', async (scenario, fields) => {
    const { observation, unused } = await replayObserve(ping, `ping/${scenario}.txt`);
    expect(unused).toBe(0);
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject(fields);
    if (fields.replies > 0) expect(observation.fields.rtt_ms).toBeGreaterThan(0);
  });

  test('icmp-blocked costs the reply timeout: ping waited about 1 s (LAB-NOTES 9)', () => {
    expect(loadFixture('ping/icmp-blocked.txt').records[0]!.outcome.durationMs).toBeGreaterThanOrEqual(900);
  });

  test('an unknown host (exit 2) is an error with ping\'s own message', async () => {
    const { observation } = await replayObserve(ping, 'ping/unknown-host.txt');
    expect(observation).toMatchObject({ fields: {}, error: 'ping failed (exit 2): ping: no-such-host: Temporary failure in name resolution' });
  });

  test('ping not installed: an error and a missing tool, never replies 0', async () => {
    const { observation } = await replayObserve(ping, 'ping/healthy.txt', (fixture) => ({
      ...fixture,
      records: [notInstalled('run', 'app', fixture.records[0]!.command, 'ping')],
    }));
    expect(observation).toEqual({ fields: {}, error: 'ping not installed on app', missingTools: [{ tool: 'ping', host: 'app' }] });
  });

  test('the summary with errors (+N errors) and without a rtt line', () => {
    const stdout = 'PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.\nFrom 10.0.0.1 icmp_seq=1 Destination Host Unreachable\n\n--- 10.0.0.9 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n\n';
    expect(readPing({ exitCode: 1, signal: null, stdout, stderr: '', durationMs: 3000 })).toEqual({ ok: true, value: { sent: 1, replies: 0, lossPercent: 100, rttMs: null } });
  });

  test('describe: the ping command line, -W in seconds', () => {
    expect(ping.describe({ host: 'db', count: 3, timeout: '500ms' }, { shell: (t) => t, value: (t) => t })).toBe('ping -n -c 3 -W 0.5 db');
    expect(ping.describe({ host: 'db' }, { shell: (t) => t, value: (t) => t })).toBe('ping -n -c 1 -W 1 db');
  });
});


describe('ping: its waits never outlast the check\'s timeout', () => {
  test('3 requests with a 5 s wait under 3 s left: the last reply is waited for 0.5 s (2 s go to the interval)', async () => {
    const { scripts } = await observeWithin(ping, 'ping/three.txt', 3000, { timeout: '5s' });
    expect(scripts).toEqual(['ping -n -c 3 -W 0.5 10.200.0.82']);
  });

  test('with time to spare, the wait asked for stands', async () => {
    const { scripts } = await observeWithin(ping, 'ping/three.txt', 30_000, { timeout: '5s' });
    expect(scripts).toEqual(['ping -n -c 3 -W 5 10.200.0.82']);
  });
});
