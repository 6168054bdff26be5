// The `dns:` check kind: its YAML form, and getent / dig / host output recorded on loopback against
// dnsmasq servers (test/fixtures/probes/record-dns.ts says how): each state, each fallback.
import { describe, expect, test } from 'vitest';
import { dns, readDig, readGetent } from '../../src/checks/dns.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { observeWithin, recordedOutcome, replayObserve } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('dns', {
  valid: [
    check('        dns: { name: db.example.com }'),
    check('        dns: { name: "${vars.port}.lab", server: 127.0.0.53, port: 5353, type: AAAA, timeout: 500ms }'),
    check('        dns: { name: localhost. }\n        expect:\n          addresses: { contains: 127.0.0.1 }\n          count: { ge: 1 }\n          ttl: { le: 300 }'),
    check('        dns: { name: _ldap._tcp.example.com, server: "${vars.port}" }\n        expect:\n          state: { any_of: [{ equals: nxdomain }, { equals: servfail }] }\n          rcode: { equals: NXDOMAIN }'),
  ],
  invalid: [
    { check: check('        dns: {}'), code: 'RB_SCHEMA', line: 13, col: 14, message: /missing required property "name"/ },
    { check: check('        dns: db.example.com'), code: 'RB_SCHEMA', line: 13, col: 14, message: /must be an object/ },
    { check: check('        dns: { name: "db example.com" }'), code: 'RB_SCHEMA', line: 13, col: 22, message: /must be a DNS name such as db\.example\.com.*got "db example\.com"/ },
    { check: check('        dns: { name: -db.example.com }'), code: 'RB_SCHEMA', line: 13, col: 22, message: /must be a DNS name/ },
    { check: check('        dns: { name: db..example.com }'), code: 'RB_SCHEMA', line: 13, col: 22, message: /must be a DNS name/ },
    { check: check(`        dns: { name: ${'a'.repeat(64)}.com }`), code: 'RB_SCHEMA', line: 13, col: 22, message: /must be a DNS name/ },
    { check: check('        dns: { name: db, type: MX }'), code: 'RB_SCHEMA', line: 13, col: 32, message: /must be one of A, AAAA, got "MX"/ },
    { check: check('        dns: { name: db, port: 5353 }'), code: 'RB_SCHEMA', line: 13, col: 32, message: /port is the server's port: give server too/ },
    { check: check('        dns: { name: db, server: ns, port: 0 }'), code: 'RB_SCHEMA', line: 13, col: 44, message: /must be >= 1/ },
    { check: check('        dns: { name: db, timeout: soon }'), code: 'RB_SCHEMA', line: 13, col: 35, message: /timeout must be a duration/ },
    { check: check('        dns: { name: db, nameserver: ns }'), code: 'RB_SCHEMA', line: 13, col: 26, message: /unknown property "nameserver"/ },
    { check: check('        dns: { name: db }\n        expect:\n          count: { contains: "1" }'), code: 'RB_MATCHER', line: 15, col: 18, message: /contains applies to text/ },
    { check: check('        dns: { name: "${vars.nope}" }'), code: 'RB_UNKNOWN_VAR', line: 13, col: 14 },
  ],
});

const observe = async (file: string) => {
  const { observation, unused } = await replayObserve(dns, `dns/${file}`);
  expect(unused).toBe(0);
  return observation;
};

const nothing = { addresses: '', address: '', count: 0, ttl: null };

describe("dns: the host's resolver (getent), and dig telling why it found nothing", () => {
  test.each([
    ['hosts-file.txt', { addresses: '127.0.0.1', count: 1 }],
    ['resolved.txt', { addresses: '10.200.0.82', address: '10.200.0.82', count: 1 }],
    ['multi.txt', { addresses: '10.200.0.83 10.200.0.84', address: '10.200.0.83', count: 2 }],
    ['aaaa.txt', { addresses: 'fd00::85', count: 1 }],
  ])('%s: resolved by getent; rcode, server and ttl are not known to it', async (file, fields) => {
    const observation = await observe(file);
    expect(observation).toEqual({ fields: expect.objectContaining({ state: 'resolved', rcode: null, server: null, ttl: null, tool: 'getent', ...fields }) });
  });

  test.each([
    ['nxdomain.txt', 'nxdomain', 'NXDOMAIN', 'getent found nothing; dig says NXDOMAIN from 127.0.0.77'],
    ['servfail.txt', 'servfail', 'SERVFAIL', 'getent found nothing; dig says SERVFAIL from 127.0.0.77'],
    ['refused.txt', 'refused', 'REFUSED', 'getent found nothing; dig says REFUSED from 127.0.0.77'],
    ['no-answer.txt', 'no-answer', 'NOERROR', 'getent found nothing; dig says NOERROR from 127.0.0.77, without a record of that type'],
    ['timeout.txt', 'timeout', null, 'getent timed out; dig says no answer from 127.0.0.77'],
  ])('%s: getent finds nothing, dig says why: %s', async (file, state, rcode, note) => {
    const observation = await observe(file);
    expect(observation).toEqual({ fields: { state, rcode, server: '127.0.0.77', tool: 'getent+dig', duration_ms: expect.any(Number), ...nothing }, notes: [note] });
  });

  test('no-answer: getent ahostsv6 gives the IPv4 address mapped (::ffff:), which is no AAAA record', () => {
    const { stdout } = recordedOutcome('dns/no-answer.txt');
    expect(stdout).toContain('::ffff:10.200.0.86');
    expect(readGetent('AAAA')(recordedOutcome('dns/no-answer.txt'))).toMatchObject({ ok: true, value: { state: 'not-found', addresses: [] } });
  });

  test('timeout: getent is bounded by coreutils timeout (exit 124) and dig by +time, each half of the check\'s time', async () => {
    expect(recordedOutcome('dns/timeout.txt').exitCode).toBe(124);
    const { scripts } = await observeWithin(dns, 'dns/timeout.txt', 3000, { timeout: '5s' });
    expect(scripts).toEqual(['timeout --foreground 1 getent ahostsv4 broken.lab', 'dig +noall +comments +answer +stats +tries=1 +time=1 +search -t A -q broken.lab']);
  });

  test('getent missing: dig answers, with rcode, server and ttl, and says it did not read /etc/hosts', async () => {
    const observation = await observe('getent-missing.txt');
    expect(observation).toEqual({
      fields: { state: 'resolved', addresses: '10.200.0.82', address: '10.200.0.82', count: 1, rcode: 'NOERROR', server: '127.0.0.77', ttl: 60, tool: 'dig', duration_ms: expect.any(Number) },
      notes: ['getent not installed on client; dig answered', 'dig asks DNS only: /etc/hosts is not read'],
      missingTools: [{ tool: 'getent', host: 'client' }],
    });
  });

  test('dig missing: host tells why getent found nothing', async () => {
    const observation = await observe('dig-missing.txt');
    expect(observation).toMatchObject({
      fields: { state: 'nxdomain', rcode: 'NXDOMAIN', tool: 'getent+host' },
      notes: ['dig not installed on client; host -v answered', 'getent found nothing; host says NXDOMAIN from 127.0.0.77'],
      missingTools: [{ tool: 'dig', host: 'client' }],
    });
  });

  test('neither dig nor host: getent\'s "not found" stands, the reason unknown, both tools missing', async () => {
    const observation = await observe('dns-tools-missing.txt');
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject({ state: 'not-found', rcode: null, server: null, tool: 'getent', ...nothing });
    expect(observation.notes?.at(-1)).toBe('getent found nothing; dig and host unavailable on client, so why is not known');
    expect(observation.missingTools).toEqual([{ tool: 'dig', host: 'client' }, { tool: 'host', host: 'client' }]);
  });

  test('dig resolves what getent did not: getent\'s "not found" stands, and the note points at nsswitch.conf', async () => {
    const { observation } = await replayObserve(dns, 'dns/nxdomain.txt', (fixture) => ({
      ...fixture,
      records: [fixture.records[0]!, { ...fixture.records[1]!, outcome: recordedOutcome('dns/getent-missing.txt', 1) }],
    }));
    expect(observation.fields).toMatchObject({ state: 'not-found', ...nothing, tool: 'getent+dig' });
    expect(observation.notes).toEqual(['getent found nothing, yet dig resolves it through DNS to 10.200.0.82: check hosts: in /etc/nsswitch.conf']);
  });

  test('the resolver unreachable: dig names it and says the query was never sent', async () => {
    const { observation } = await replayObserve(dns, 'dns/nxdomain.txt', (fixture) => ({
      ...fixture,
      records: [fixture.records[0]!, { ...fixture.records[1]!, outcome: recordedOutcome('dns/server-unreachable.txt') }],
    }));
    expect(observation.fields).toMatchObject({ state: 'unreachable', rcode: null, server: '10.9.9.9', ...nothing, tool: 'getent+dig' });
    expect(observation.notes).toEqual(['getent found nothing; dig says 10.9.9.9 is unreachable: no route to it from this host, the query was never sent']);
  });
});

describe('dns: asking a given server (dig, else host)', () => {
  test.each([
    ['server-resolved.txt', { state: 'resolved', addresses: '10.200.0.82', count: 1, rcode: 'NOERROR', server: '127.0.0.77', ttl: 60, tool: 'dig' }],
    ['server-nxdomain.txt', { state: 'nxdomain', rcode: 'NXDOMAIN', server: '127.0.0.77', ...nothing, tool: 'dig' }],
    ['server-refused.txt', { state: 'refused', rcode: 'REFUSED', server: '127.0.0.77', ...nothing, tool: 'dig' }],
    ['server-no-answer.txt', { state: 'no-answer', rcode: 'NOERROR', server: '127.0.0.77', ...nothing, tool: 'dig' }],
    ['server-servfail.txt', { state: 'servfail', rcode: 'SERVFAIL', server: '127.0.0.80', ...nothing, tool: 'dig' }],
    ['server-timeout.txt', { state: 'timeout', rcode: null, server: '127.0.0.79', ...nothing, tool: 'dig' }],
    ['server-connection-refused.txt', { state: 'connection-refused', rcode: null, server: '127.0.0.78', ...nothing, tool: 'dig' }],
    ['server-host.txt', { state: 'resolved', addresses: '10.200.0.83 10.200.0.84', count: 2, rcode: 'NOERROR', server: '127.0.0.77', ttl: 60, tool: 'host' }],
    ['server-host-nxdomain.txt', { state: 'nxdomain', rcode: 'NXDOMAIN', server: '127.0.0.77', ...nothing, tool: 'host' }],
    ['server-host-servfail.txt', { state: 'servfail', rcode: 'SERVFAIL', server: '127.0.0.80', ...nothing, tool: 'host' }],
    ['server-host-timeout.txt', { state: 'timeout', rcode: null, server: '127.0.0.79', ...nothing, tool: 'host' }],
    ['server-host-connection-refused.txt', { state: 'connection-refused', rcode: null, server: '127.0.0.78', ...nothing, tool: 'host' }],
    ['server-unreachable.txt', { state: 'unreachable', rcode: null, server: '10.9.9.9', ...nothing, tool: 'dig' }],
    ['server-unreachable-route.txt', { state: 'unreachable', rcode: null, server: '10.9.8.9', ...nothing, tool: 'dig' }],
    ['server-host-unreachable.txt', { state: 'unreachable', rcode: null, server: '10.9.9.9', ...nothing, tool: 'host' }],
    ['server-host-unreachable-route.txt', { state: 'unreachable', rcode: null, server: '10.9.8.9', ...nothing, tool: 'host' }],
  ])('%s', async (file, fields) => {
    const observation = await observe(file);
    expect(observation.error).toBeUndefined();
    expect(observation.fields).toMatchObject(fields);
    if (fields.tool === 'host') expect(observation.missingTools).toEqual([{ tool: 'dig', host: 'client' }]);
  });

  test.each([
    ['dns/server-unreachable.txt', 'network unreachable', 'dig', '10.9.9.9'],
    ['dns/server-unreachable-route.txt', 'host unreachable', 'dig', '10.9.8.9'],
    ['dns/server-host-unreachable.txt', 'network unreachable', 'host', '10.9.9.9'],
    ['dns/server-host-unreachable-route.txt', 'host unreachable', 'host', '10.9.8.9'],
  ])('%s: "%s" is unreachable, though "no servers could be reached" follows it as it follows a timeout', (file, words, tool, server) => {
    // The host fixtures' first record is dig, not installed there.
    const outcome = recordedOutcome(file, tool === 'dig' ? 0 : 1);
    expect(outcome.stdout).toContain(`;; UDP setup with ${server}#53(${server}) for good.lab failed: ${words}.\n;; no servers could be reached`);
    expect(readDig(tool, 'A')(outcome)).toEqual({ ok: true, value: { state: 'unreachable', addresses: [], rcode: null, server, ttl: null } });
  });

  test('the server\'s name that does not resolve is an error in dig\'s words, not a state', () => {
    const outcome = { exitCode: 10, signal: null, stdout: '', stderr: "dig: couldn't get address for 'ns.nowhere': not found\n", durationMs: 5 };
    expect(readDig('dig', 'A')(outcome)).toEqual({ ok: false, error: "dig failed (exit 10): dig: couldn't get address for 'ns.nowhere': not found" });
  });

  test('describe: the server and port go to dig; getent is never asked', () => {
    const resolve = { shell: (t: string) => t, value: (t: string) => t };
    expect(dns.describe({ name: 'db.lab', server: '10.0.0.2', port: 5353, type: 'AAAA' }, resolve)).toBe('dig +noall +comments +answer +stats +tries=1 +time=2 @10.0.0.2 -p 5353 -t AAAA -q db.lab');
    expect(dns.describe({ name: 'db.lab' }, resolve)).toBe('timeout --foreground 2 getent ahostsv4 db.lab');
    expect(dns.probe({ name: 'db lab' }, { resolve, timeoutMs: 5000 })).toEqual({ ok: false, error: 'name must be a DNS name, got "db lab"' });
  });
});
