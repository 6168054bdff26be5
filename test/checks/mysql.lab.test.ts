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

  test('the password went over the wire but appears nowhere in the report', async () => {
    const { report } = await run('access-denied');
    expect(JSON.stringify(report)).not.toContain(LAB_DB.password);
  });
});
