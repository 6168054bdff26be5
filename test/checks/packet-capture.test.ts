// The `packet_capture:` check kind: its YAML form, and tcpdump on db while app connects, recorded
// in every lab scenario (the capture's outcome, then the trigger's).
import { describe, expect, test } from 'vitest';
import { captureFields, packetCapture, parsePackets, replyTo, synPattern } from '../../src/checks/packet-capture.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { loadFixture, notInstalled, recordedOutcome, replayObserve, type ProbeFixture } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;
const trigger = '          trigger: { on: here, run: "nc -vz -w2 10.200.0.82 3306" }';

describeCheckKind('packet-capture', {
  valid: [
    check(`        packet_capture:\n          filter: host 10.200.0.216 and port \${vars.port}\n          client: 10.200.0.216\n${trigger}`),
    check(`        packet_capture:\n          filter: tcp port 3306\n          client: 10.200.0.216\n          interface: eth0\n          duration: 5s\n          packets: 4\n${trigger}\n        expect:\n          reply: { equals: syn-ack }\n          server_packets: { ge: 1 }\n          lines: { contains: "Flags [S.]" }`),
  ],
  invalid: [
    { check: check('        packet_capture:\n          filter: port 3306\n          client: 10.200.0.216'), code: 'RB_SCHEMA', line: 14, col: 11, message: /missing required property "trigger"/ },
    { check: check(`        packet_capture:\n          client: 10.200.0.216\n${trigger}`), code: 'RB_SCHEMA', line: 14, col: 11, message: /missing required property "filter"/ },
    { check: check('        packet_capture:\n          filter: port 3306\n          client: 10.200.0.216\n          trigger: { on: here }'), code: 'RB_SCHEMA', line: 16, col: 20, message: /missing required property "run"/ },
    { check: check('        packet_capture:\n          filter: port 3306\n          client: 10.200.0.216\n          trigger: { on: App, run: "true" }'), code: 'RB_SCHEMA', line: 16, col: 26, message: /must be a host role declared under hosts/ },
    { check: check('        packet_capture:\n          filter: port 3306\n          client: 10.200.0.216\n          trigger: { on: app, run: "true" }'), code: 'RB_UNKNOWN_HOST', line: 14, col: 11, message: /uses unknown host role "app"/ },
    { check: check(`        packet_capture:\n          filter: port 3306\n          client: 10.200.0.216\n          packets: 0\n${trigger}`), code: 'RB_SCHEMA', line: 16, col: 20, message: /must be >= 1/ },
    { check: check(`        packet_capture:\n          filter: port 3306\n          client: 10.200.0.216\n          duration: forever\n${trigger}`), code: 'RB_SCHEMA', line: 16, col: 21, message: /must be a duration/ },
    { check: check(`        packet_capture:\n          filter: ""\n          client: 10.200.0.216\n${trigger}`), code: 'RB_SCHEMA', line: 14, col: 19, message: /must not be empty/ },
    { check: check(`        packet_capture:\n          filter: port 3306\n          client: 10.200.0.216\n${trigger}\n        expect:\n          reply: 1`), code: 'RB_MATCHER', line: 18, col: 18, message: /a bare number compares numbers/ },
  ],
});

describe('packet_capture: observing recorded lab output (tcpdump on db, nc on app)', () => {
  test.each([
    ['healthy', 'syn-ack'],
    ['icmp-blocked', 'syn-ack'],
    ['mysql-down', 'rst'],
    ['bind-localhost', 'rst'],
    ['port-filtered', 'none'],
    ['wrong-port', 'rst'],
  ])('%s: the reply to the SYN is %s', async (scenario, reply) => {
    const { observation, unused, stops } = await replayObserve(packetCapture, `packet-capture/${scenario}.txt`);
    expect(unused).toBe(0);
    expect(stops).toBe(1);
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject({ reply, client_packets: expect.any(Number) });
    expect(observation.fields.client_packets).toBeGreaterThanOrEqual(1);
    expect(observation.fields.lines).toMatch(/IP 10\.200\.0\.216\.\d+ > 10\.200\.0\.82\.3306: Flags \[S\]/);
    expect(observation.notes?.[0]).toMatch(/^trigger on app exited [01]/);
  });

  test('port-filtered: the SYN reaches db (and is retransmitted) but nothing answers (LAB-NOTES 8)', async () => {
    const { observation } = await replayObserve(packetCapture, 'packet-capture/port-filtered.txt');
    expect(observation.fields).toMatchObject({ packets: 2, client_packets: 2, server_packets: 0, reply: 'none' });
  });

  // A trigger still waiting (its recording marked stopped: it ends only when stopped, as a running
  // `nc -w 2` would) is stopped once the client's SYN has gone 1.5 s unanswered in the capture.
  const stillWaiting = (fixture: ProbeFixture): ProbeFixture => ({
    ...fixture,
    records: [fixture.records[0]!, { ...fixture.records[1]!, outcome: { ...fixture.records[1]!.outcome, exitCode: null, signal: 'SIGTERM', termination: 'stopped' } }],
  });

  test('port-filtered: a trigger still waiting is stopped once the SYN has gone 1.5 s unanswered', async () => {
    const { observation, stops } = await replayObserve(packetCapture, 'packet-capture/port-filtered.txt', stillWaiting);
    expect(observation.fields).toMatchObject({ reply: 'none', server_packets: 0 });
    expect(observation.notes).toEqual(["trigger on app stopped: the client's SYN went 1.5 s without an answer"]);
    expect(stops).toBe(2);
  });

  test('healthy: a trigger still running when the answer is in is not stopped for it', async () => {
    const replay = replayObserve(packetCapture, 'packet-capture/healthy.txt', stillWaiting);
    const outcome = await Promise.race([replay, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300))]);
    // Only the capture's end would stop it (the observation waits for the trigger): never here.
    expect(outcome).toBe('still waiting');
  });

  test('tools-missing: tcpdump not installed on db is an error; the trigger never runs', async () => {
    const { observation, unused, stops } = await replayObserve(packetCapture, 'packet-capture/tools-missing.txt');
    expect(observation).toEqual({ fields: {}, error: 'tcpdump not installed on db', missingTools: [{ tool: 'tcpdump', host: 'db' }] });
    expect(unused).toBe(0);
    expect(stops).toBe(1);
  });

  test('a trigger that cannot run (nc missing on app) is an error, not "no packets"', async () => {
    const { observation, stops } = await replayObserve(packetCapture, 'packet-capture/port-filtered.txt', (fixture) => ({
      ...fixture,
      records: [fixture.records[0]!, notInstalled('start', 'app', fixture.records[1]!.command, 'nc')],
    }));
    expect(observation).toEqual({ fields: {}, error: 'the trigger could not run on app: nc not installed', missingTools: [{ tool: 'nc', host: 'app' }] });
    expect(stops).toBe(1);
  });

  test('tcpdump that never starts listening: an error with its own words', async () => {
    const failed = { exitCode: 1, signal: null, stdout: '', stderr: 'tcpdump: eth9: No such device exists\n(SIOCGIFHWADDR: No such device)\n', durationMs: 5 };
    const { observation } = await replayObserve(packetCapture, 'packet-capture/healthy.txt', (fixture) => ({
      ...fixture,
      records: [{ ...fixture.records[0]!, outcome: failed }],
    }));
    expect(observation).toEqual({ fields: {}, error: 'tcpdump did not start listening on db: tcpdump: eth9: No such device exists' });
  });

  test.each([
    [{ client: 'app' }, 'client must be the IP address tcpdump -n prints for the initiating host, got "app"'],
    [{ interface: 'eth0 -w /tmp/x' }, 'interface must be an interface name or "any", got "eth0 -w /tmp/x"'],
    [{ filter: 'port 1\nport 2' }, 'filter must be one line of BPF, got "port 1\\nport 2"'],
  ])('settings are checked before anything runs: %j', async (change, error) => {
    const { observation, unused } = await replayObserve(packetCapture, 'packet-capture/healthy.txt', (fixture) => ({ ...fixture, spec: { ...(fixture.spec as object), ...change } }));
    expect(observation.error).toBe(error);
    expect(unused).toBe(2);
  });

  test('renameRoles maps the trigger\'s host, as an include does, and leaves the rest', () => {
    const spec = loadFixture('packet-capture/healthy.txt').spec as never;
    const renamed = packetCapture.renameRoles(spec, (role) => (role === 'app' ? 'client' : role)) as { trigger: { on: string; run: string }; filter: string };
    expect(renamed.trigger.on).toBe('client');
    expect(renamed.trigger.run).toBe((spec as { trigger: { run: string } }).trigger.run);
    expect(packetCapture.otherHosts(renamed as never)).toEqual(['client']);
    expect(packetCapture.otherHosts(spec)).toEqual(['app']);
  });

  test('otherHosts names the trigger\'s host; describe shows both commands', () => {
    const spec = loadFixture('packet-capture/healthy.txt').spec as never;
    expect(packetCapture.otherHosts(spec)).toEqual(['app']);
    expect(packetCapture.describe(spec, { shell: (t) => t, value: (t) => t })).toBe(
      "timeout --foreground 3 tcpdump -n -l --immediate-mode -i any -c 10 'host 10.200.0.216 and port 3306'; while it runs, on app: nc -vz -w2 10.200.0.82 3306",
    );
  });
});

describe('packet_capture: reading tcpdump lines', () => {
  const line = (from: string, to: string, flags: string) => `01:00:00.000000 eth0  In  IP ${from} > ${to}: Flags [${flags}], seq 1, win 1, length 0`;
  const C = '10.200.0.216';
  test.each([
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.5`, 'S.')], 'syn-ack'],
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.5`, 'R.')], 'rst'],
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.5`, 'R')], 'rst'],
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line(`${C}.5`, '10.200.0.82.3306', 'S')], 'none'],
    [[line('10.200.0.82.3306', `${C}.5`, 'S.')], 'none'],
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.5`, 'P.'), line('10.200.0.82.3306', `${C}.5`, 'R.')], 'rst'],
    [[line(`${C}0.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}0.5`, 'S.')], 'none'],
    // Another connection of the client to the same port (the app's, another check's) interleaves:
    // only the answer on the SYN's own connection counts.
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.7`, 'R.'), line('10.200.0.82.3306', `${C}.5`, 'S.')], 'syn-ack'],
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.7`, 'S.'), line(`${C}.5`, '10.200.0.82.3306', 'S')], 'none'],
    [[line(`${C}.7`, '10.200.0.82.3306', 'P.'), line(`${C}.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.5`, 'R.')], 'rst'],
    // Which connection is the trigger's, tcpdump cannot tell: a login's SYN came first and stayed
    // unanswered in the capture (a CI run), the trigger's next got its SYN-ACK: the server accepts.
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line(`${C}.7`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.7`, 'S.')], 'syn-ack'],
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line(`${C}.7`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.7`, 'R.')], 'rst'],
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.5`, 'R.'), line(`${C}.7`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.7`, 'S.')], 'syn-ack'],
    // A retransmitted SYN is its first SYN's connection, answered after the first or after itself.
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line(`${C}.5`, '10.200.0.82.3306', 'S'), line('10.200.0.82.3306', `${C}.5`, 'S.')], 'syn-ack'],
    [[line(`${C}.5`, '10.200.0.82.3306', 'S'), line(`${C}.7`, '10.200.0.82.3306', 'S'), line(`${C}.5`, '10.200.0.82.3306', 'S'), line(`${C}.7`, '10.200.0.82.3306', 'S')], 'none'],
  ])('%#: %s', (lines, reply) => {
    expect(replyTo(parsePackets(lines.join('\n')).packets, C)).toBe(reply);
  });

  test('only packet lines are evidence: the stats on stderr and blank lines are not', () => {
    const { stdout } = recordedOutcome('packet-capture/healthy.txt');
    const fields = captureFields(`${stdout}\n\n`, C);
    expect(fields.packets).toBe(fields.lines.split('\n').length);
    expect(fields.client_packets + fields.server_packets).toBe(fields.packets);
  });

  // How long the check still waits for a reply counts from the last SYN of the client's first
  // connection in the capture: its first SYN and the retransmissions of it, not other connections' SYNs.
  test('synPattern: the client\'s first SYN, then retransmissions from that same port only', () => {
    const lines = [
      line(`${C}.5`, '10.200.0.82.3306', 'S'),
      line(`${C}.7`, '10.200.0.82.3306', 'S'),
      line(`${C}.7`, '10.200.0.82.3306', 'S'),
      line(`${C}.50`, '10.200.0.82.3306', 'S'),
      line(`${C}.5`, '10.200.0.82.3306', 'S'),
    ];
    const upTo = (count: number) => lines.slice(0, count).join('\n');
    expect(synPattern(C, 1).test(upTo(0))).toBe(false);
    expect(synPattern(C, 1).test(upTo(1))).toBe(true);
    expect(synPattern(C, 2).test(upTo(3))).toBe(false);
    expect(synPattern(C, 2).test(upTo(4))).toBe(false);
    expect(synPattern(C, 2).test(upTo(5))).toBe(true);
    expect(synPattern(C, 3).test(upTo(5))).toBe(false);
    expect(synPattern('10.200.0.21', 1).test(upTo(5))).toBe(false);
  });

  test('IPv6 addresses', () => {
    const packets = parsePackets('12:00:00.000000 lo    In  IP6 ::1.40000 > ::1.3306: Flags [S], seq 1, length 0').packets;
    expect(packets).toEqual([expect.objectContaining({ from: '::1', to: '::1', flags: 'S' })]);
  });
});

