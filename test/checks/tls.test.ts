// The `tls:` check kind: its YAML form; real handshakes through the CLI with real servers on
// loopback (a certificate that is valid, expired, for another name, self-signed; a plain HTTP port;
// a closed one); and real `openssl s_client` on the host where sshd will not forward.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readOpenssl, tls } from '../../src/checks/tls.js';
import { timeLeftText } from '../../src/checks/probes/tls-session.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { runbookWith, runCli } from '../helpers/run-cli.js';
import { observeWithoutForwarding, runWebChecks, startWebServers, type WebServers } from '../helpers/web-servers.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('tls', {
  valid: [
    check('        tls: { host: 10.200.0.82 }'),
    check('        tls: { host: "${vars.port}.example", port: 8443, name: web.example, timeout: 2s }'),
    check('        tls: { host: web }\n        expect:\n          days_left: { ge: 14 }\n          name_matches: { equals: "yes" }\n          protocol: { regex: "^TLSv1\\\\.[23]$" }'),
  ],
  invalid: [
    { check: check('        tls: {}'), code: 'RB_SCHEMA', line: 13, col: 14, message: /missing required property "host"/ },
    { check: check('        tls: { host: web, port: 0 }'), code: 'RB_SCHEMA', line: 13, col: 33 },
    { check: check('        tls: { host: web, sni: x }'), code: 'RB_SCHEMA', line: 13, col: 27, message: /unknown property "sni"/ },
    { check: check('        tls: { host: web }\n        expect:\n          days_left: { contains: "1" }'), code: 'RB_MATCHER', line: 15, col: 22, message: /contains applies to text/ },
  ],
});

let servers: WebServers;
beforeAll(async () => {
  servers = await startWebServers();
});
afterAll(async () => servers.stop());

const runChecks = (checks: string) => runWebChecks(servers, checks);

describe('tls: through the CLI, against real servers on loopback', () => {
  test('each certificate problem has its own state; the facts are read whatever the verdict', async () => {
    const at = (id: string, port: number, extra = ''): string => `      - { id: ${id}, on: here, tls: { host: 127.0.0.1, port: ${port}, name: web.test${extra} } }`;
    const checks = await runChecks([
      at('valid', servers.https.valid),
      `      - { id: gate, on: here, tls: { host: 127.0.0.1, port: ${servers.https.valid}, name: web.test }, expect: { days_left: { ge: 14 } } }`,
      `      - { id: by-address, on: here, tls: { host: 127.0.0.1, port: ${servers.https.valid} } }`,
      at('expired', servers.https.expired),
      `      - { id: expired-gate, on: here, tls: { host: 127.0.0.1, port: ${servers.https.expired}, name: web.test }, expect: { days_left: { ge: 14 } } }`,
      at('wrong-name', servers.https['wrong-name']),
      at('self-signed', servers.https['self-signed']),
      at('plain', servers.http),
      at('closed', servers.closed),
      at('silent', servers.silent, ', timeout: 500ms'),
    ].join('\n'));
    expect(checks['valid']).toMatchObject({
      status: 'pass',
      observed: { state: 'valid', subject: 'web.test', issuer: 'runbook test CA', names: 'web.test, 127.0.0.1', name_matches: 'yes', trust_error: '', protocol: 'TLSv1.3', tool: 'socket' },
    });
    expect(checks['valid']!.observed['days_left']).toBeGreaterThanOrEqual(89);
    expect(checks['valid']!.observed['chain']).toMatch(/^web\.test \(issuer: runbook test CA, until \d{4}-/);
    expect(checks['valid']!.observed['fingerprint']).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(checks['gate']).toMatchObject({ status: 'pass' });
    expect(checks['by-address']).toMatchObject({ status: 'pass', observed: { state: 'valid', name_matches: 'yes' } });
    expect(checks['expired']).toMatchObject({ status: 'fail', observed: { state: 'expired', trust_error: 'CERT_HAS_EXPIRED' } });
    expect(checks['expired']!.observed['days_left']).toBeLessThan(-29);
    expect(checks['expired-gate']).toMatchObject({ status: 'fail' });
    expect(checks['wrong-name']).toMatchObject({ status: 'fail', observed: { state: 'name-mismatch', name_matches: 'no', subject: 'other.example' } });
    // The evidence says what is wrong in words; a fit certificate has no problem to tell.
    expect(checks['wrong-name']!.evidence[0]!.stderr.text).toBe('name-mismatch: it is for other.example, not web.test');
    expect(checks['expired']!.evidence[0]!.stderr.text).toMatch(/^expired on \d{4}-\d\d-\d\d \(CERT_HAS_EXPIRED\)$/);
    expect(checks['valid']!.evidence[0]!.stderr.text).toBe('');
    expect(checks['self-signed']).toMatchObject({ status: 'fail', observed: { state: 'untrusted', trust_error: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    expect(checks['plain']).toMatchObject({ status: 'fail', observed: { state: 'handshake-failed', error: 'wrong version number' } });
    expect(checks['closed']).toMatchObject({ status: 'fail', observed: { state: 'refused' } });
    expect(checks['silent']).toMatchObject({ status: 'fail', observed: { state: 'timeout', error: 'no TLS handshake within 500 ms' } });
  });

  test('without the CA given to Node (NODE_EXTRA_CA_CERTS), a private CA\'s certificate is untrusted', async () => {
    const result = await runCli({ 'r.yaml': runbookWith(`      - { id: t, on: here, tls: { host: 127.0.0.1, port: ${servers.https.valid}, name: web.test } }`) }, ['run', 'r.yaml', '--reporter', 'json']);
    await servers.idle();
    expect(result.report!.questions[0]!.checks[0]).toMatchObject({ status: 'fail', observed: { state: 'untrusted', trust_error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    expect(result.report!.questions[0]!.checks[0]!.evidence[0]!.stderr.text).toBe(
      "untrusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): not signed by a CA runbook trusts (Mozilla's, or a private one in NODE_EXTRA_CA_CERTS)",
    );
  });
});

/** Real openssl on this machine; every stream refused as sshd without forwarding refuses it. */
const viaOpenssl = (spec: unknown) => observeWithoutForwarding(tls, servers, spec);

describe('tls: openssl s_client on the host where sshd will not forward (real openssl)', () => {
  test('the same states and facts as our own handshake', async () => {
    const valid = await viaOpenssl({ host: '127.0.0.1', port: servers.https.valid, name: 'web.test' });
    // openssl trusts the system's CAs only: our test CA's certificate is read, and untrusted.
    expect(valid.fields).toMatchObject({ state: 'untrusted', subject: 'web.test', issuer: 'runbook test CA', name_matches: 'yes', protocol: 'TLSv1.3', tool: 'openssl' });
    expect(valid.fields['days_left']).toBeGreaterThanOrEqual(89);
    expect(valid.notes?.[0]).toMatch(/asked openssl on the host instead/);
    const expired = await viaOpenssl({ host: '127.0.0.1', port: servers.https.expired, name: 'web.test' });
    expect(expired.fields).toMatchObject({ state: 'expired' });
    expect(expired.fields['days_left']).toBeLessThan(-29);
    expect((await viaOpenssl({ host: '127.0.0.1', port: servers.https['wrong-name'], name: 'web.test' })).fields).toMatchObject({ state: 'name-mismatch', name_matches: 'no' });
    expect((await viaOpenssl({ host: '127.0.0.1', port: servers.closed, name: 'web.test' })).fields).toMatchObject({ state: 'refused' });
    expect((await viaOpenssl({ host: '127.0.0.1', port: servers.http, name: 'web.test' })).fields).toMatchObject({ state: 'handshake-failed' });
    // The silent server took the connection: -state's progress lines, on stderr, outlive the kill.
    expect((await viaOpenssl({ host: '127.0.0.1', port: servers.silent, name: 'web.test', timeout: '500ms' })).fields).toMatchObject({ state: 'timeout', error: 'connected, but no TLS handshake before the timeout' });
    expect((await viaOpenssl({ host: '127.0.0.1', port: servers.https.valid })).fields).toMatchObject({ state: 'untrusted', name_matches: 'yes' });
  });
});

/** What the openssl script prints, as OpenSSL 3.0's s_client -state printed it (captured for real). */
const opensslSaid = (client: string, rc: number) => readOpenssl('web.test')({ exitCode: 0, signal: null, stdout: `${client}\n==rc ${rc}\n`, stderr: '', durationMs: 1 });

describe('tls: what openssl\'s words mean when its time ran out', () => {
  test('progress lines (TCP connected, no handshake) are a silent server; none at all is a dropped connection', () => {
    const silent = opensslSaid('SSL_connect:before SSL initialization\nSSL_connect:SSLv3/TLS write client hello', 124);
    expect(silent).toEqual({ ok: true, value: { state: 'timeout', error: 'connected, but no TLS handshake before the timeout', tool: 'openssl' } });
    expect(opensslSaid('', 124)).toEqual({ ok: true, value: { state: 'filtered', error: 'no connection before the timeout', tool: 'openssl' } });
  });

  test('a failed handshake is said by its error line, not by a progress line', () => {
    const plain = opensslSaid(
      'SSL_connect:before SSL initialization\nSSL_connect:SSLv3/TLS write client hello\nSSL_connect:error in error\n4007F2374F7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record/ssl3_record.c:350:\nCONNECTED(00000003)\n---\nno peer certificate available',
      1,
    );
    expect(plain).toMatchObject({ ok: true, value: { state: 'handshake-failed', error: expect.stringContaining('wrong version number') } });
  });
});


describe('tls: how long a certificate has, for a person', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  const hours = (h: number): number => now + h * 3_600_000;
  test.each([
    [hours(24 * 9 + 5), '9 days left'],
    [hours(48), '2 days left'],
    [hours(47), '47 h left'],
    [hours(23.5), '23 h left'],
    [hours(0.5), '30 min left'],
    [hours(-5), 'expired 5 h ago'],
    [hours(-24 * 40), 'expired 40 days ago'],
  ])('notAfter %i reads "%s" (whole days said "0 days left" a day before the end)', (notAfter, text) => {
    expect(timeLeftText(notAfter, now)).toBe(text);
  });
});
