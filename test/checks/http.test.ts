// The `http:` check kind: its YAML form; real requests through the CLI to real servers on loopback
// (HTTP, HTTPS with good and bad certificates, a silent port, a closed one); and the curl fallback,
// run for real, for a host whose sshd will not forward.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answerGist, BODY_LIMIT_BYTES, curlConfig, curlScript, http, readCurl, wholeCharacters } from '../../src/checks/http.js';
import type { CheckKind } from '../../src/checks/types.js';
import { LocalTransport } from '../../src/transport/local/transport.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';
import { observeWithoutForwarding, runWebChecks, startWebServers, type WebServers } from '../helpers/web-servers.js';
import { recordingContext } from '../fixtures/probes/fixture.js';

const check = (body: string): string => `      - id: a\n        on: here\n${body}`;

describeCheckKind('http', {
  valid: [
    check('        http: { url: "http://127.0.0.1/" }'),
    check('        http: { url: "https://${vars.port}.example/health", method: POST, body: "{}", headers: { content-type: application/json }, follow_redirects: 3, insecure: true, timeout: 2s }'),
    check('        http: { url: "http://db/" }\n        expect:\n          status: 200\n          body: { contains: ok }\n          latency_ms: { lt: 500 }\n          headers: { regex: "^server: nginx" }'),
  ],
  invalid: [
    { check: check('        http: {}'), code: 'RB_SCHEMA', line: 13, col: 15, message: /missing required property "url"/ },
    { check: check('        http: { url: "http://x/", method: FETCH }'), code: 'RB_SCHEMA', line: 13, col: 43, message: /must be one of/ },
    { check: check('        http: { url: "http://x/", follow_redirects: 11 }'), code: 'RB_SCHEMA', line: 13, col: 53, message: /must be <= 10/ },
    { check: check('        http: { url: "http://x/", headers: { "bad name": x } }'), code: 'RB_SCHEMA', line: 13, col: 46 },
    { check: check('        http: { url: "http://x/", insecure: yes }'), code: 'RB_SCHEMA', line: 13, col: 45, message: /must be a boolean/ },
    { check: check('        http: { url: "http://x/" }\n        expect:\n          status: { contains: "2" }'), code: 'RB_MATCHER', line: 15, col: 19, message: /contains applies to text/ },
  ],
});

const resolveAsIs = { shell: (text: string) => text, value: (text: string) => text };

describe('http: the URL is checked before anything runs', () => {
  test.each([
    ['ftp://db/', /url must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/db\/"/],
    ['db:80', /url must be an http/],
    ['http://user:pw@db/', /must not hold a user or password/],
  ])('%s', (url, message) => {
    const probe = (http as unknown as CheckKind<unknown>).probe({ url }, { resolve: resolveAsIs, timeoutMs: 10_000 });
    expect(probe.ok ? 'ok' : probe.error).toMatch(message);
  });

  test('a URL from a capture is shown as written in the plan', () => {
    expect(http.describe({ url: '${captures.url}' }, resolveAsIs)).toBe('HTTP GET ${captures.url}');
  });
});

let servers: WebServers;
beforeAll(async () => {
  servers = await startWebServers();
});
afterAll(async () => servers.stop());

const runChecks = (checks: string) => runWebChecks(servers, checks);

describe('http: through the CLI, against real servers on loopback', () => {
  test('answers, failures and redirects, each told apart', async () => {
    const url = (port: number, path = '/', scheme = 'http'): string => `${scheme}://127.0.0.1:${port}${path}`;
    const checks = await runChecks([
      `      - { id: ok, on: here, http: { url: "${url(servers.http)}" }, expect: { body: { contains: hello }, headers: { contains: "x-served-by: test" } } }`,
      `      - { id: broken, on: here, http: { url: "${url(servers.http, '/broken')}" } }`,
      `      - { id: moved, on: here, http: { url: "${url(servers.http, '/moved')}", follow_redirects: 2 } }`,
      `      - { id: unfollowed, on: here, http: { url: "${url(servers.http, '/moved')}" }, expect: { status: 302, location: { equals: / } } }`,
      `      - { id: away, on: here, http: { url: "${url(servers.http, '/away')}", follow_redirects: 2 }, expect: { status: 302 } }`,
      `      - { id: echo, on: here, http: { url: "${url(servers.http, '/echo')}", method: POST, body: "a \\"b\\"", headers: { x-token: t1 } }, expect: { body: { equals: 'POST t1 a "b"' } } }`,
      `      - { id: slow, on: here, http: { url: "${url(servers.http, '/slow')}", timeout: 500ms } }`,
      `      - { id: silent, on: here, http: { url: "${url(servers.silent)}", timeout: 500ms } }`,
      `      - { id: refused, on: here, http: { url: "${url(servers.closed)}" } }`,
      `      - { id: https, on: here, http: { url: "${url(servers.https.valid, '/', 'https')}" } }`,
      `      - { id: expired, on: here, http: { url: "${url(servers.https.expired, '/', 'https')}" } }`,
      `      - { id: expired-anyway, on: here, http: { url: "${url(servers.https.expired, '/', 'https')}", insecure: true } }`,
      `      - { id: plain-as-https, on: here, http: { url: "${url(servers.http, '/', 'https')}" } }`,
      `      - { id: other-name, on: here, http: { url: "${url(servers.https['wrong-name'], '/', 'https')}" } }`,
      `      - { id: host-header, on: here, http: { url: "${url(servers.http, '/host')}", name: web.test }, expect: { body: { equals: "web.test:${servers.http}" } } }`,
      `      - { id: named, on: here, http: { url: "${url(servers.https['wrong-name'], '/', 'https')}", name: other.example } }`,
    ].join('\n'));
    expect(checks['ok']).toMatchObject({ status: 'pass', observed: { state: 'answered', status: 200, body: 'hello ok\n', body_bytes: 9, redirects: 0, tool: 'socket' } });
    expect(checks['ok']!.observed['latency_ms']).toBeGreaterThanOrEqual(0);
    expect(checks['broken']).toMatchObject({ status: 'fail', observed: { state: 'answered', status: 502, body: 'bad gateway\n' } });
    expect(checks['moved']).toMatchObject({ status: 'pass', observed: { status: 200, redirects: 1 } });
    expect(checks['unfollowed']).toMatchObject({ status: 'pass', observed: { status: 302, redirects: 0, location: '/' } });
    expect(checks['away']).toMatchObject({ status: 'pass', observed: { status: 302, redirects: 0, location: 'http://other.example/' } });
    expect(checks['echo']).toMatchObject({ status: 'pass' });
    expect(checks['slow']).toMatchObject({ status: 'fail', observed: { state: 'timeout', error: 'no answer within 500 ms', status: null } });
    expect(checks['silent']).toMatchObject({ status: 'fail', observed: { state: 'timeout' } });
    expect(checks['refused']).toMatchObject({ status: 'fail', observed: { state: 'refused' } });
    expect(checks['https']).toMatchObject({ status: 'pass', observed: { state: 'answered', status: 200, tls_state: 'valid', tls_protocol: 'TLSv1.3' } });
    expect(checks['https']!.observed['tls_days_left']).toBeGreaterThan(80);
    expect(checks['expired']).toMatchObject({ status: 'fail', observed: { state: 'tls-error', tls_state: 'expired', error: expect.stringMatching(/^the certificate is not fit to serve: expired on \d{4}-\d\d-\d\d \(CERT_HAS_EXPIRED\)$/) as unknown } });
    expect(checks['expired-anyway']).toMatchObject({ status: 'pass', observed: { state: 'answered', status: 200, tls_state: 'expired' } });
    expect(checks['expired-anyway']!.observed['tls_days_left']).toBeLessThan(0);
    // Which names it is for, and which was asked: not the trust code, which read as the name's cause.
    expect(checks['other-name']).toMatchObject({ status: 'fail', observed: { state: 'tls-error', tls_state: 'name-mismatch', error: 'the certificate is not fit to serve: name-mismatch: it is for other.example, not 127.0.0.1' } });
    expect(checks['host-header']).toMatchObject({ status: 'pass' });
    expect(checks['named']).toMatchObject({ status: 'pass', observed: { state: 'answered', status: 200, tls_state: 'valid' } });
    expect(checks['plain-as-https']).toMatchObject({ status: 'fail', observed: { state: 'tls-error', error: expect.stringMatching(/^TLS handshake failed: .*wrong version number/) as unknown } });
  });

  test('the body kept is bounded; its size is counted whole', async () => {
    const big = 'x'.repeat(BODY_LIMIT_BYTES + 1000);
    const checks = await runChecks(`      - { id: big, on: here, http: { url: "http://127.0.0.1:${servers.http}/echo", method: PUT, body: "${big}" } }`);
    expect(checks['big']!.observed['body_bytes']).toBe(BODY_LIMIT_BYTES + 1006) // "PUT - " and the body;
    // The report shows a shortened value; the kind kept the first 64 KiB (see 'observed directly' below).
    expect(String(checks['big']!.observed['body']).length).toBeLessThan(BODY_LIMIT_BYTES);
  });
});

const withoutForwarding = (spec: unknown, path?: string) => observeWithoutForwarding(http, servers, spec, path);

describe('http: observed directly, from this machine', () => {
  test('the body kept is the first 64 KiB of what came', async () => {
    const transport = new LocalTransport();
    try {
      const context = recordingContext({ here: transport }, 'here', {}, []);
      const spec = { url: `http://127.0.0.1:${servers.http}/echo`, method: 'PUT', body: 'y'.repeat(BODY_LIMIT_BYTES * 2) };
      const observation = await (http as unknown as CheckKind<unknown>).observe(spec, context);
      expect(observation.fields['body']).toBe(`PUT - ${'y'.repeat(BODY_LIMIT_BYTES - 6)}`);
      expect(observation.fields['body_bytes']).toBe(BODY_LIMIT_BYTES * 2 + 6);
    } finally {
      await transport.close();
      await servers.idle();
    }
  });
});

describe('http: the transcript line says who answered, and what an error page says', () => {
  const nginx502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
  test.each([
    ['nginx error page: its title', { status: 502, headers: 'server: nginx/1.22.1\ncontent-length: 157', body: nginx502 }, ' from nginx/1.22.1: "502 Bad Gateway"'],
    ['an application\'s own text: its first line', { status: 503, headers: 'content-type: text/plain', body: '\n  database   unavailable  \nretry later\n' }, ': "database unavailable"'],
    ['JSON error', { status: 500, headers: '', body: '{"error":"boom"}' }, ': "{\\"error\\":\\"boom\\"}"'],
    ['a success: only the server', { status: 200, headers: 'server: Apache', body: '<title>Home</title>' }, ' from Apache'],
    ['an empty error', { status: 404, headers: '', body: '' }, ''],
    ['an empty title: the first line of text', { status: 500, headers: '', body: '<title> </title>\n<p>boom</p>' }, ': "boom"'],
    ['a long page is cut', { status: 500, headers: '', body: 'x'.repeat(300) }, `: "${'x'.repeat(120)}…"`],
  ])('%s', (_name, answer, gist) => {
    expect(answerGist(answer)).toBe(gist);
  });
});

describe('http: a body cut at the limit keeps whole characters', () => {
  test('a character the limit would cut in two is left out, never turned into U+FFFD', async () => {
    const transport = new LocalTransport();
    try {
      const context = recordingContext({ here: transport }, 'here', {}, []);
      // "PUT - " (6 bytes) and LIMIT - 7 bytes of y: the euro sign (3 bytes) starts 1 byte before the limit.
      const body = `${'y'.repeat(BODY_LIMIT_BYTES - 7)}€tail`;
      const spec = { url: `http://127.0.0.1:${servers.http}/echo`, method: 'PUT', body };
      const observation = await (http as unknown as CheckKind<unknown>).observe(spec, context);
      expect(observation.fields['body']).toBe(`PUT - ${'y'.repeat(BODY_LIMIT_BYTES - 7)}`);
      expect(observation.fields['body_bytes']).toBe(6 + Buffer.byteLength(body));
    } finally {
      await transport.close();
      await servers.idle();
    }
  });

  test.each([
    ['shorter than the limit', 'ab€', 10, 'ab€'],
    ['cut inside a 3-byte character', 'ab€', 3, 'ab'],
    ['cut inside a 4-byte character', 'a🙂', 4, 'a'],
    ['cut right after a whole character', 'ab€c', 5, 'ab€'],
  ])('%s', (_what, text, limit, kept) => {
    expect(wholeCharacters(Buffer.from(text), limit).toString('utf8')).toBe(kept);
  });
});

describe('http: curl on the host where sshd will not forward (real curl, real servers)', () => {
  const at = (port: number, path = '/', scheme = 'http'): string => `${scheme}://127.0.0.1:${port}${path}`;

  test('an answer: status, headers, body, the timings, and a note saying why curl answered', async () => {
    const seen = await withoutForwarding({ url: at(servers.http) });
    expect(seen.fields).toMatchObject({ state: 'answered', status: 200, body: 'hello ok\n', body_bytes: 9, redirects: 0, tool: 'curl' });
    expect(seen.fields['headers']).toMatch(/^x-served-by: test$/m);
    expect(seen.notes?.[0]).toMatch(/administratively prohibited.*asked curl on the host instead/);
  });

  test('a redirect followed, a 502, a refused port, a silent one', async () => {
    expect((await withoutForwarding({ url: at(servers.http, '/moved'), follow_redirects: 1 })).fields).toMatchObject({ status: 200, redirects: 1 });
    expect((await withoutForwarding({ url: at(servers.http, '/broken') })).fields).toMatchObject({ state: 'answered', status: 502 });
    expect((await withoutForwarding({ url: at(servers.closed) })).fields).toMatchObject({ state: 'refused' });
    expect((await withoutForwarding({ url: at(servers.silent), timeout: '500ms' })).fields).toMatchObject({ state: 'timeout' });
  });

  // curl's own -L would follow to any origin; hop by hop, only within the same scheme, host and port.
  test('a redirect to another origin is not followed, as over the stream; one within it is, hop by hop', async () => {
    const other = servers.https.valid;
    const across = await withoutForwarding({ url: at(servers.http, `/to-port/${other}`), follow_redirects: 3 });
    expect(across.fields).toMatchObject({ state: 'answered', status: 302, redirects: 0, location: `http://127.0.0.1:${other}/` });
    expect(across.records).toHaveLength(1);
    const within = await withoutForwarding({ url: at(servers.http, '/moved'), follow_redirects: 3 });
    expect(within.fields).toMatchObject({ state: 'answered', status: 200, redirects: 1, body: 'hello ok\n' });
    expect(within.records.map((record) => record.command)).toHaveLength(2);
    expect(within.notes).toHaveLength(1);
    expect((await withoutForwarding({ url: at(servers.http, '/moved'), follow_redirects: 0 })).fields).toMatchObject({ status: 302, redirects: 0 });
  });

  test('with `name`, curl asks that name while it connects to the URL\'s address (--connect-to)', async () => {
    const seen = await withoutForwarding({ url: at(servers.http, '/host'), name: 'other.example' });
    expect(seen.fields).toMatchObject({ state: 'answered', status: 200, body: `other.example:${servers.http}` });
  });

  test('an expired certificate is a TLS error unless insecure', async () => {
    expect((await withoutForwarding({ url: at(servers.https.expired, '/', 'https') })).fields).toMatchObject({ state: 'tls-error' });
    expect((await withoutForwarding({ url: at(servers.https.expired, '/', 'https'), insecure: true })).fields).toMatchObject({ state: 'answered', status: 200 });
  });

  test('headers and body reach curl on its standard input, never in a command line', async () => {
    const seen = await withoutForwarding({ url: at(servers.http, '/echo'), method: 'POST', headers: { 'x-token': 's3cr"et\\1' }, body: 'line "1"\nline 2' });
    expect(seen.fields).toMatchObject({ status: 200, body: 'POST s3cr"et\\1 line "1"\nline 2' });
    expect(seen.records.map((record) => record.command).join('\n')).not.toMatch(/s3cr|line 2/);
  });

  test('curl missing: an error naming it and a missing tool, never a failed request', async () => {
    const seen = await withoutForwarding({ url: at(servers.http) }, '/nonexistent');
    expect(seen).toMatchObject({ fields: {}, error: 'curl not installed on here', missingTools: [{ tool: 'curl', host: 'here' }] });
  });

  test('a body cut at the limit by head: curl ends normally and counts every byte', () => {
    const outcome = { exitCode: 0, signal: null, stdout: 'HTTP/1.1 200 OK\r\nx: 1\r\n\r\nabc', stderr: '==curl 200 0.001 0.000 0.002 0.003 0 200000\n==exit 0\n', durationMs: 3 };
    expect(readCurl(outcome)).toMatchObject({ ok: true, value: { status: 200, headers: 'x: 1', body: 'abc', body_bytes: 200000, latency_ms: 1 } });
  });

  test('the script: options only; the config: url, method, headers, body', () => {
    const target = { url: 'http://db/', secure: false, host: 'db', port: 80, authority: 'db', serverName: 'db', path: '/', method: 'GET', headers: { a: 'b' }, body: '', timeoutMs: 2000, follow: 2, insecure: true };
    expect(curlScript(target, 2000).split('\n')[1]).toBe(`{ curl -sS -i -K - --max-time 2 --connect-timeout 2 -k -w '%{stderr}==curl %{http_code} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total} %{num_redirects} %{size_download}\\n'; echo "==exit $?" >&2; } | { head -c 81920; cat >/dev/null; }`);
    expect(curlConfig({ ...target, headers: { 'User-Agent': 'mine' } })).toBe('url = "http://db/"\nrequest = "GET"\nheader = "User-Agent: mine"');
    expect(curlConfig(target)).toBe('url = "http://db/"\nrequest = "GET"\nheader = "user-agent: runbook"\nheader = "a: b"');
  });
});
