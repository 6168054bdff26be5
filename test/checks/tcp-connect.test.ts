// The `tcp_connect:` check kind: its YAML form, and how it reads nc's and bash's words, recorded in
// the lab (app -> db:3306, and db -> 127.0.0.1:3306) in each scenario.
import { describe, expect, test } from 'vitest';
import { readDevTcp, readNc } from '../../src/checks/probes/connect-output.js';
import { connectAttempts, devTcpScript, ncScript, tcpConnect } from '../../src/checks/tcp-connect.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { notInstalled, observeWithin, recordedOutcome, replayObserve } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('tcp-connect', {
  valid: [
    check('        tcp_connect: { host: 10.200.0.82, port: 3306 }'),
    check('        tcp_connect: { host: db.example, port: "${vars.port}", timeout: 500ms }'),
    check('        tcp_connect: { host: "::1", port: 22, timeout: 3 }\n        expect:\n          state: { any_of: [{ equals: open }, { equals: refused }] }\n          duration_ms: { lt: 3000 }'),
  ],
  invalid: [
    { check: check('        tcp_connect: { host: db }'), code: 'RB_SCHEMA', line: 13, col: 22, message: /missing required property "port"/ },
    { check: check('        tcp_connect: { port: 3306 }'), code: 'RB_SCHEMA', line: 13, col: 22, message: /missing required property "host"/ },
    { check: check('        tcp_connect: { host: db, port: 65536 }'), code: 'RB_SCHEMA', line: 13, col: 40, message: /must be <= 65535/ },
    { check: check('        tcp_connect: { host: db, port: 3306, timeout: 0s }'), code: 'RB_SCHEMA', line: 13, col: 55, message: /must be a duration/ },
    { check: check('        tcp_connect: { host: db, port: 3306, timeout: 2 seconds }'), code: 'RB_SCHEMA', line: 13, col: 55, message: /must be a duration/ },
    { check: check('        tcp_connect: { host: "", port: 3306 }'), code: 'RB_SCHEMA', line: 13, col: 30, message: /must not be empty/ },
    { check: check('        tcp_connect: { host: db, port: 3306 }\n        expect:\n          state: open'), code: 'RB_SCHEMA', line: 15, col: 18, message: /must be an object/ },
    { check: check('        tcp_connect: { host: db, port: 3306 }\n        expect:\n          duration_ms: { contains: "1" }'), code: 'RB_MATCHER', line: 15, col: 24, message: /contains applies to text/ },
  ],
});

describe('tcp_connect: observing recorded lab output', () => {
  test.each([
    ['healthy', 'open', 'nc'],
    ['icmp-blocked', 'open', 'nc'],
    ['mysql-down', 'refused', 'nc'],
    ['bind-localhost', 'refused', 'nc'],
    ['port-filtered', 'filtered', 'nc'],
    ['wrong-port', 'refused', 'nc'],
    ['tools-missing', 'open', 'bash'],
    ['no-route', 'unreachable', 'nc'],
  ])('app -> db:3306, %s: %s (%s)', async (scenario, state, tool) => {
    const { observation, unused } = await replayObserve(tcpConnect, `tcp-connect/${scenario}.txt`);
    expect(unused).toBe(0);
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject({ state, tool, duration_ms: expect.any(Number) });
  });

  test.each([
    ['healthy', 'open'],
    ['mysql-down', 'refused'],
    ['bind-localhost', 'open'],
    ['port-filtered', 'open'],
    ['wrong-port', 'refused'],
  ])('db -> 127.0.0.1:${vars.port}, %s: %s', async (scenario, state) => {
    const { observation } = await replayObserve(tcpConnect, `tcp-connect/${scenario}.local.txt`);
    expect(observation.fields).toMatchObject({ state, tool: 'nc' });
  });

  test('filtered costs the whole connect timeout (2 s), and no more than a little over it', async () => {
    const { observation } = await replayObserve(tcpConnect, 'tcp-connect/port-filtered.txt');
    expect(observation.fields.duration_ms).toBeGreaterThanOrEqual(1900);
    expect(observation.fields.duration_ms).toBeLessThan(3000);
  });

  test('tools-missing: nc reported missing on app; the note says bash /dev/tcp answered', async () => {
    const { observation } = await replayObserve(tcpConnect, 'tcp-connect/tools-missing.txt');
    expect(observation.missingTools).toEqual([{ tool: 'nc', host: 'app' }]);
    expect(observation.notes).toEqual(['nc not installed on app; bash /dev/tcp answered']);
  });

  test('an unknown host name is an error, not a state', async () => {
    const { observation } = await replayObserve(tcpConnect, 'tcp-connect/unknown-host.txt');
    expect(observation.error).toMatch(/^cannot resolve the host: nc: getaddrinfo for host "no-such-host"/);
  });

  test('neither nc nor bash: an error, both reported missing', async () => {
    const target = { host: '10.200.0.82', port: 3306, timeoutMs: 2000 };
    const { observation } = await replayObserve(tcpConnect, 'tcp-connect/healthy.txt', (fixture) => ({
      ...fixture,
      records: [notInstalled('run', 'app', ncScript(target), 'nc'), notInstalled('run', 'app', devTcpScript(target), 'timeout')],
    }));
    expect(observation).toMatchObject({ fields: {}, error: 'nc and bash unavailable on app' });
    expect(observation.missingTools).toEqual([{ tool: 'nc', host: 'app' }, { tool: 'timeout', host: 'app' }]);
  });

  test.each([
    [{ host: 'db; reboot', port: 3306 }, 'host must be a host name or an IP address, got "db; reboot"'],
    [{ host: '-oProxyCommand=x', port: 3306 }, 'host must be a host name or an IP address, got "-oProxyCommand=x"'],
    [{ host: 'db', port: '${vars.port}' }, 'port must be a TCP port 1-65535, got "0"'],
  ])('resolved values are checked before anything runs: %j', async (spec, error) => {
    const { observation, unused } = await replayObserve(tcpConnect, 'tcp-connect/healthy.txt', (fixture) => ({ ...fixture, spec, vars: { port: '0' } }));
    expect(observation.error).toBe(error);
    expect(unused).toBe(1);
  });

  test('commands: -n only for an address, -w in whole seconds, the fallback under timeout --foreground', () => {
    expect(connectAttempts({ host: 'db.example', port: 3306, timeoutMs: 1500 }).map((attempt) => attempt.script)).toEqual([
      'nc -vz -w 2 db.example 3306',
      "timeout --foreground 1.5 bash -c 'exec 3<>/dev/tcp/db.example/3306'",
    ]);
    expect(tcpConnect.describe({ host: '${vars.ip}', port: 3306 }, { shell: (t) => t, value: (t) => t.replace('${vars.ip}', '10.0.0.1') })).toBe('nc -vzn -w 2 10.0.0.1 3306');
  });
});

describe('tcp_connect: bash /dev/tcp, recorded on app', () => {
  test.each([
    ['healthy', 'open'],
    ['mysql-down', 'refused'],
    ['bind-localhost', 'refused'],
    ['port-filtered', 'filtered'],
    ['wrong-port', 'refused'],
    ['tools-missing', 'open'],
  ])('%s: %s', (scenario, state) => {
    expect(readDevTcp(recordedOutcome(`tcp-connect/${scenario}.bash.txt`))).toEqual({ ok: true, value: state });
  });

  test('nc words the tools print for each state', () => {
    const nc = (exitCode: number, stderr: string) => readNc({ exitCode, signal: null, stdout: '', stderr, durationMs: 1 });
    expect(nc(1, 'nc: connect to 10.0.0.1 port 1 (tcp) failed: Network is unreachable\n')).toEqual({ ok: true, value: 'unreachable' });
    expect(nc(1, 'nc: connect to 10.0.0.9 port 1 (tcp) failed: No route to host\n')).toEqual({ ok: true, value: 'unreachable' });
    expect(nc(1, 'nc: something else\n')).toEqual({ ok: false, error: 'nc failed (exit 1): nc: something else' });
  });
});


describe('tcp_connect: its own timeout never outlasts the check\'s', () => {
  test('a 60 s connect timeout under 3 s left: nc waits 2 s, so a silent port still reads as filtered', async () => {
    const { observation, scripts } = await observeWithin(tcpConnect, 'tcp-connect/port-filtered.txt', 3000, { timeout: '60s' });
    expect(scripts).toEqual(['nc -vzn -w 2 10.200.0.82 3306']);
    expect(observation.fields).toMatchObject({ state: 'filtered' });
  });

  test('with time to spare, the kind\'s own timeout stands (nc rounds up to whole seconds)', async () => {
    const { scripts } = await observeWithin(tcpConnect, 'tcp-connect/port-filtered.txt', 30_000, { timeout: '1.2s' });
    expect(scripts).toEqual(['nc -vzn -w 2 10.200.0.82 3306']);
  });

  test('the bash fallback is bounded the same way', async () => {
    const { scripts } = await observeWithin(tcpConnect, 'tcp-connect/tools-missing.txt', 1800, { timeout: '60s' });
    expect(scripts[0]).toBe('nc -vzn -w 1 10.200.0.82 3306');
    expect(scripts[1]).toMatch(/^timeout --foreground 1\.3 bash -c /);
  });
});
