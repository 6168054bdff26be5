// The mysql kind against the real lab, through the real pipeline (load, plan, execute over SSH,
// report): from app through a forwarded channel (sshd on port 22 forwards), and from
// app-noforward (the same host, its sshd on port 2222 refuses forwarding), where the host's own
// mariadb client answers, or bash reads the greeting when no user is given.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runRunbooks } from '../../src/app/run-runbooks.js';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab, type Scenario } from '../lab/lab.js';
import { LAB_DB } from '../lab/topology.js';

const RUNBOOK = `version: 1
title: mysql kind in the lab
vars:
  db_ip: 10.200.0.82
  db_password: { secret: true }
hosts:
  app: app
  app-noforward: app-noforward
questions:
  - id: forwarded
    title: through a forwarded channel from app
    checks:
      - id: query
        on: app
        mysql: { host: "\${vars.db_ip}", user: ${LAB_DB.user}, password: "\${vars.db_password}", database: ${LAB_DB.database}, query: SELECT CURRENT_USER() }
      - id: greeting
        on: app
        mysql: { host: "\${vars.db_ip}" }
  - id: on-host
    title: with the host's own tools, where sshd does not forward
    checks:
      - id: client
        on: app-noforward
        mysql: { host: "\${vars.db_ip}", user: ${LAB_DB.user}, password: "\${vars.db_password}", database: ${LAB_DB.database}, query: SELECT CURRENT_USER() }
      - id: bash
        on: app-noforward
        mysql: { host: "\${vars.db_ip}" }
  - id: locking
    title: the app's locking read, on both paths
    checks:
      - id: locking-forwarded
        on: app
        mysql: { host: "\${vars.db_ip}", user: ${LAB_DB.user}, password: "\${vars.db_password}", database: ${LAB_DB.database}, query: ${LAB_DB.query}, timeouts: { query: 3s } }
      - id: locking-client
        on: app-noforward
        mysql: { host: "\${vars.db_ip}", user: ${LAB_DB.user}, password: "\${vars.db_password}", database: ${LAB_DB.database}, query: ${LAB_DB.query}, timeouts: { query: 3s } }
`;

describeLab('the mysql kind in the lab', () => {
  let lab: Lab;
  let dir: string;

  beforeAll(async () => {
    lab = await startLab({ waitMs: 120_000 });
    dir = mkdtempSync(join(tmpdir(), 'runbook-mysql-'));
    writeFileSync(join(dir, 'mysql.yaml'), RUNBOOK);
  });

  afterAll(async () => {
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = async (scenario: Scenario): Promise<{ checks: Record<string, CheckResult>; report: RunReport }> => {
    await lab.setScenario(scenario);
    const report = await runRunbooks({
      files: [join(dir, 'mysql.yaml')],
      overrides: { environment: { RUNBOOK_VAR_db_password: LAB_DB.password } },
      concurrency: 4,
      defaultTimeoutMs: 30_000,
      signal: new AbortController().signal,
      ssh: { sshConfigPath: lab.sshConfigPath },
    });
    return { report, checks: Object.fromEntries(report.questions.flatMap((question) => question.checks).map((check) => [check.id, check])) };
  };

  test('healthy: every path answers, and says which it was', async () => {
    const { checks } = await run('healthy');
    expect(checks.query).toMatchObject({ status: 'pass', observed: { state: 'answered', result: `${LAB_DB.user}@%`, tool: 'ssh-forward', server_version: expect.stringContaining('MariaDB') } });
    expect(checks.greeting).toMatchObject({ status: 'pass', observed: { state: 'greeted', tool: 'ssh-forward' } });
    expect(checks.client).toMatchObject({ status: 'pass', observed: { state: 'answered', result: `${LAB_DB.user}@%`, tool: 'mariadb' } });
    expect(checks.client!.notes[0]).toMatch(/administratively prohibited.* on app-noforward; asked the host's own tools instead/);
    expect(checks.bash).toMatchObject({ status: 'pass', observed: { state: 'greeted', tool: 'bash', server_version: expect.stringContaining('MariaDB') } });
  });

  test('mysql-hung: TCP is accepted and nothing greets, on every path, within the greeting bound', async () => {
    const { checks } = await run('mysql-hung');
    for (const id of ['query', 'greeting', 'client', 'bash']) expect(checks[id]!.observed, id).toMatchObject({ state: 'no-greeting', phase: 'greeting' });
    expect(checks.query!.durationMs).toBeLessThan(2000 + 1500);
  });

  test('access-denied: the server\'s 1045 names the app host as it sees it, on both login paths', async () => {
    const { checks } = await run('access-denied');
    const refused = { state: 'login-refused', phase: 'login', error_code: 1045, error: `Access denied for user 'app'@'10.200.0.216' (using password: YES)` };
    expect(checks.query!.observed).toMatchObject(refused);
    expect(checks.client!.observed).toMatchObject(refused);
    expect(checks.greeting).toMatchObject({ status: 'pass', observed: { state: 'greeted' } });
  });

  test('too-many-connections: 1040 at login', async () => {
    const { checks } = await run('too-many-connections');
    expect(checks.query!.observed).toMatchObject({ state: 'login-refused', error_code: 1040, error: 'Too many connections' });
    expect(checks.client!.observed).toMatchObject({ state: 'login-refused', error_code: 1040 });
  });

  test('port-filtered and mysql-down: filtered within the connect bound, refused at once', async () => {
    const filtered = await run('port-filtered');
    expect(filtered.checks.query!.observed).toMatchObject({ state: 'filtered', phase: 'connect' });
    expect(filtered.checks.query!.durationMs).toBeLessThan(2000 + 1000);
    expect(filtered.checks.client!.observed).toMatchObject({ state: 'filtered' });
    const down = await run('mysql-down');
    expect(down.checks.query!.observed).toMatchObject({ state: 'refused', phase: 'connect' });
    expect(down.checks.bash!.observed).toMatchObject({ state: 'refused' });
  });

  /** The app's sessions still running a query on db, the lab's own holder aside. */
  const appQueriesLeft = async (): Promise<string> =>
    (await lab.exec('db', `mariadb --batch --skip-column-names -e "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '${LAB_DB.user}' AND command = 'Query' AND info NOT LIKE '%runbook_lab_hold%'"`)).stdout.trim();

  test('row-locked: on both paths the server ends the wait a second before the query\'s bound, in its own words, and no query is left waiting', async () => {
    const { checks } = await run('row-locked');
    const blocked = { state: 'query-timeout', phase: 'query', error_code: 1205, waiting: 'Lock wait timeout exceeded; try restarting transaction' };
    expect(checks['locking-forwarded']!.observed).toMatchObject({ ...blocked, tool: 'ssh-forward' });
    expect(checks['locking-client']!.observed).toMatchObject({ ...blocked, tool: 'mariadb' });
    for (const id of ['locking-forwarded', 'locking-client']) {
      expect(checks[id]!.observed['error'], id).toBe(`logged in, but ${LAB_DB.query} waited 2 s for a lock another session holds, the most its session allowed, and the server gave it up`);
      expect(checks[id]!.durationMs, id).toBeLessThan(3000);
    }
    // Without its session's bounds, the host's client was ended by timeout, and InnoDB kept its
    // query waiting for the row (up to innodb_lock_wait_timeout, 50 s), a slot of the account held.
    expect(await appQueriesLeft()).toBe('0');
  });

  test('query-blocked: the host\'s client, which cannot cancel, has the server end the table lock\'s wait too', async () => {
    const { checks } = await run('query-blocked');
    expect(checks['locking-client']!.observed).toMatchObject({ state: 'query-timeout', error_code: 1205, tool: 'mariadb' });
    expect(checks['locking-forwarded']!.observed).toMatchObject({ state: 'query-timeout', waiting: 'Waiting for table metadata lock', tool: 'ssh-forward' });
    expect(await appQueriesLeft()).toBe('0');
  });

  test('the password went over the wire but appears nowhere in the report', async () => {
    const { report } = await run('access-denied');
    expect(JSON.stringify(report)).not.toContain(LAB_DB.password);
  });
});
