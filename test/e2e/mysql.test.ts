// The mysql kind through the built CLI: conversations recorded in the lab are replayed by loopback
// servers, one per fault, and a local runbook asks each of them what the app would ask. The
// verdicts, the fields, the evidence, the diagnosis and the exit code are the user's view; the
// password (a secret variable from the environment) must appear in none of it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConversation, replayServer } from '../fixtures/probes/mysql-conversation.js';
import { closedPort } from '../helpers/closed-port.js';
import { runCli } from '../helpers/run-cli.js';

const SECRET = 'Pw-e2e-mysql-7Qz';
const SERVERS = ['healthy', 'mysql-hung', 'access-denied', 'too-many-connections', 'port-22.greeting'] as const;

const runbook = (ports: Record<string, number>): string => `version: 1
title: mysql kind, replayed
vars:
  db_user: app
  db_password: { secret: true }
hosts:
  app: local
questions:
${Object.entries(ports).map(([name, port]) => `  - id: ${name.replace('.', '-')}
    title: Does the ${name} server answer?
    checks:
      - id: ${name.replace('.', '-')}-query
        on: app
        mysql:
          host: 127.0.0.1
          port: ${port}
          user: \${vars.db_user}
          password: \${vars.db_password}
          database: appdb
          timeouts: { greeting: 500ms }
`).join('')}
diagnosis:
  - id: service-hung
    when: { check: mysql-hung-query, field: state, matches: { equals: no-greeting } }
    finding: 'TCP accepted, no greeting: \${fields.mysql-hung-query.error}'
  - id: access-denied
    when: { check: access-denied-query, field: error_code, matches: 1045 }
    finding: 'login refused: \${fields.access-denied-query.error}'
  - id: too-many-connections
    when: { check: too-many-connections-query, field: error_code, matches: 1040 }
    finding: 'no slot: \${fields.too-many-connections-query.error}'
`;

describe('mysql through the CLI, against replayed lab conversations', () => {
  const closers: (() => Promise<void>)[] = [];
  let ports: Record<string, number>;

  beforeAll(async () => {
    ports = {};
    for (const name of SERVERS) {
      const server = await replayServer(loadConversation(name));
      closers.push(server.close);
      ports[name] = server.port;
    }
    ports.refused = await closedPort();
  });
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  test('each fault gets its state, its server words and its finding; the exit code says fail', async () => {
    const result = await runCli({ 'm.yaml': runbook(ports) }, ['run', 'm.yaml', '--reporter', 'json'], { RUNBOOK_VAR_db_password: SECRET });
    expect(result.exitCode, result.stderr).toBe(1);
    const checks = Object.fromEntries(result.report!.questions.flatMap((question) => question.checks).map((check) => [check.id, check]));
    expect(checks['healthy-query']).toMatchObject({ status: 'pass', observed: { state: 'answered', result: '1', rows: 1, tool: 'socket' } });
    expect(checks['mysql-hung-query']).toMatchObject({ status: 'fail', observed: { state: 'no-greeting', phase: 'greeting', greeting_ms: expect.any(Number) } });
    expect(checks['access-denied-query']).toMatchObject({ status: 'fail', observed: { state: 'login-refused', error_code: 1045 } });
    expect(checks['too-many-connections-query']).toMatchObject({ status: 'fail', observed: { state: 'login-refused', error_code: 1040 } });
    expect(checks['port-22-greeting-query']).toMatchObject({ status: 'fail', observed: { state: 'not-mysql' } });
    expect(checks['refused-query']).toMatchObject({ status: 'fail', observed: { state: 'refused', phase: 'connect', greeting_ms: null } });
    expect(checks['healthy-query']!.evidence[0]!.stdout.text).toMatch(/^connect: open .*\ngreeting: \d+ bytes .*MariaDB.*\nlogin: as app to appdb: accepted .*\nsession: row-lock waits end after 4 s \(innodb_lock_wait_timeout\)\nquery: SELECT 1: 1 row/);
    expect(result.report!.diagnosis.map((finding) => [finding.id, finding.message])).toEqual([
      ['service-hung', 'TCP accepted, no greeting: TCP was accepted but no greeting came in 500 ms'],
      ['access-denied', "login refused: Access denied for user 'app'@'10.200.0.216' (using password: YES)"],
      ['too-many-connections', 'no slot: Too many connections'],
    ]);
  });

  test('the password given as RUNBOOK_VAR_ is sent (the login happens) but shown nowhere: human, json, plan', async () => {
    const files = { 'm.yaml': runbook(ports) };
    const env = { RUNBOOK_VAR_db_password: SECRET };
    const outputs = await Promise.all([
      runCli(files, ['run', 'm.yaml'], env),
      runCli(files, ['run', 'm.yaml', '--reporter', 'json'], env),
      runCli(files, ['plan', 'm.yaml'], env),
      runCli(files, ['plan', 'm.yaml', '--json'], env),
    ]);
    for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(SECRET);
    expect(outputs[0].stdout).toContain('login-refused');
    // A conversation is shown as one, not as a command without an exit code.
    expect(outputs[0].stdout).toMatch(/~ MySQL from app to 127\.0\.0\.1:\d+: greeting, login as app to appdb, SELECT 1 \(socket to 127\.0\.0\.1:\d+\)\n +\d+ ms from app\n +said:\n +connect: open/);
    expect(outputs[0].stdout).not.toContain('no exit code');
    expect(outputs[1].report!.questions[0]!.checks[0]!.evidence[0]).toMatchObject({ conversation: true, exitCode: null });
    expect(outputs[2].stdout).toContain('login as app to appdb, SELECT 1');
  });

  test('a query held by a lock: the check asks the server what it waits on, cancels it, and a rule names the lock', async () => {
    // The lab's server answered the stalled query only once it was cancelled: without that answer
    // the replay stalls as the server did (its flights end with the query sent: greeting, login,
    // the session's lock bound, the query). The second connection is the one that asked and cancelled.
    const recorded = loadConversation('query-blocked');
    const server = await replayServer({ ...recorded, flights: recorded.flights.slice(0, 6) }, loadConversation('query-blocked.second'));
    closers.push(server.close);
    const yaml = `version: 1
title: a query held by a lock
vars:
  db_password: { secret: true }
hosts: { app: local }
questions:
  - id: q
    title: Does the app's query return?
    checks:
      - id: orders
        on: app
        mysql: { host: 127.0.0.1, port: ${server.port}, user: app, password: "\${vars.db_password}", database: appdb, query: "SELECT COUNT(*) FROM orders LOCK IN SHARE MODE", timeouts: { query: 300ms } }
diagnosis:
  - id: query-blocked
    when: { check: orders, field: waiting, matches: { regex: "[Ll]ock" } }
    finding: 'the query waits: \${fields.orders.waiting}'
`;
    const result = await runCli({ 'b.yaml': yaml }, ['run', 'b.yaml', '--reporter', 'json'], { RUNBOOK_VAR_db_password: SECRET });
    expect(result.exitCode, result.stderr).toBe(1);
    const orders = result.report!.questions[0]!.checks[0]!;
    expect(orders).toMatchObject({ status: 'fail', observed: { state: 'query-timeout', phase: 'query', waiting: 'Waiting for table metadata lock' } });
    expect(orders.evidence[0]!.stdout.text).toMatch(/\nquery: logged in, but SELECT COUNT\(\*\) FROM orders LOCK IN SHARE MODE did not return in 300 ms\nserver: connection (\d+)'s query was "Waiting for table metadata lock"; cancelled it \(KILL QUERY \1\)$/);
    expect(server.clientBytes().toString('latin1')).toMatch(/KILL QUERY \d+/);
    expect(result.report!.diagnosis.map((finding) => [finding.id, finding.message])).toEqual([['query-blocked', 'the query waits: Waiting for table metadata lock']]);
  });

  test('no user: the greeting is checked and the login said not to be tried', async () => {
    const yaml = `version: 1
title: greeting only
hosts: { app: local }
questions:
  - id: q
    title: greets?
    checks:
      - id: greets
        on: app
        mysql: { host: 127.0.0.1, port: ${ports.healthy} }
`;
    const result = await runCli({ 'g.yaml': yaml }, ['run', 'g.yaml', '--reporter', 'json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const greets = result.report!.questions[0]!.checks[0]!;
    expect(greets).toMatchObject({ status: 'pass', observed: { state: 'greeted', login_ms: null, server_version: expect.stringContaining('MariaDB') } });
    expect(greets.notes).toEqual(['no user given: the login was not tried']);
  });
});
