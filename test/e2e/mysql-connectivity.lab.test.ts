// The shipped runbook is the product's integration test (goss's habit): for every fault of the
// lab, `runbook run mysql-connectivity.yaml` must give the exit code, every question's status and
// exactly the findings that are true, and never a `fail` because a tool was missing.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Scenario } from '../lab/faults.js';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab } from '../lab/lab.js';
import { LAB_DB } from '../lab/topology.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli } from '../helpers/run-cli.js';
import { reportWithoutTimings } from '../helpers/report-timings.js';
import { ARTICLE_CREDENTIALS, ARTICLE_ENVIRONMENT, ARTICLE_EXPECTED } from '../helpers/article-scenarios.js';

const EXPECTED = ARTICLE_EXPECTED;
const CREDENTIALS = ARTICLE_CREDENTIALS;
const ENVIRONMENT = ARTICLE_ENVIRONMENT;

describeLab('the shipped mysql-connectivity runbook tells the truth in every fault (lab)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ waitMs: 180_000 });
  });
  afterAll(async () => {
    await lab?.down();
  });

  /** Each scenario's run, recorded: the last test replays them all with the lab healthy. */
  const recorded: { scenario: string; dir: string; report: string; exitCode: number }[] = [];

  test.each(Object.entries(EXPECTED))('%s', async (scenario, expected) => {
    await lab.setScenario(scenario as Scenario);
    const dir = mkdtempSync(join(tmpdir(), 'runbook-recorded-'));
    const started = performance.now();
    const result = await runCli({}, ['run', 'mysql-connectivity.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath, ...CREDENTIALS, '--record', join(dir, 'rec')], ENVIRONMENT);
    recorded.push({ scenario, dir, report: result.stdout, exitCode: result.exitCode });
    const elapsedMs = performance.now() - started;
    const report = result.report!;
    expect(report, result.stderr).toBeDefined();
    const statuses = Object.fromEntries(report.questions.map((question) => [question.id, question.status]));
    // What a failing check saw too (a capture's packet lines): a rare miss on a busy machine can then be read.
    const explain = JSON.stringify(report.questions.flatMap((q) => q.checks.map((c) => [c.id, c.status, c.reason, ...(c.status === 'fail' ? [c.observed] : [])])), null, 1);
    expect(statuses, explain).toEqual(expected.questions);
    expect(report.diagnosis.map((finding) => finding.id).sort(), explain).toEqual(expected.findings);
    expect(result.exitCode).toBe(expected.exitCode);
    // A missing tool is an error (or a fallback), never a failed expectation.
    const failedForTools = report.questions.flatMap((q) => q.checks).filter((c) => c.status === 'fail' && c.missingTools.length > 0 && !c.informational);
    expect(failedForTools).toEqual([]);
    // The capture's trigger, held until tcpdump listens, ran only then: where tcpdump never
    // listened (not installed), it ran nothing and is no evidence.
    const capture = report.questions.flatMap((q) => q.checks).find((c) => c.id === 'server-sees-client')!;
    const listened = capture.evidence.some((entry) => /listening on/.test(entry.stderr.text));
    expect(capture.evidence.map((entry) => entry.host.split(' ')[0]), explain).toEqual(listened ? ['client', 'server'] : ['server']);
    // Bounded by the connect timeout (2 s) and the capture (4 s), never a hang on a silent port.
    expect(elapsedMs).toBeLessThan(12_000);
    expect(result.stdout + result.stderr).not.toContain(LAB_DB.password);
    if (scenario === 'port-filtered') {
      const connect = report.questions.flatMap((q) => q.checks).find((c) => c.id === 'client-connect')!;
      expect(connect.observed.state).toBe('filtered');
      expect(connect.durationMs).toBeLessThan(2000 + 1000);
    }
  });

  test('each run replayed from its recording with the lab healthy gives its report, byte for byte apart from timings', async () => {
    await lab.setScenario('healthy');
    expect(recorded.map(({ scenario }) => scenario)).toEqual(Object.keys(EXPECTED));
    for (const { scenario, dir, report, exitCode } of recorded) {
      const replay = await startCli(dir, ['run', 'mysql-connectivity.yaml', '--replay', 'rec', '--reporter', 'json', '--quiet']);
      expect(replay.exitCode, scenario).toBe(exitCode);
      expect(reportWithoutTimings(String(replay.stdout)), scenario).toBe(reportWithoutTimings(report));
      expect(String(replay.stdout)).not.toContain(LAB_DB.password);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The words of each new finding: the evidence it rests on, and never a contradiction of it. */
  const findingsIn = async (scenario: Scenario, human = false) => {
    await lab.setScenario(scenario);
    const result = await runCli({}, ['run', 'mysql-connectivity.yaml', '--ssh-config', lab.sshConfigPath, ...CREDENTIALS, ...(human ? [] : ['--reporter', 'json'])], ENVIRONMENT);
    return { result, findings: Object.fromEntries((result.report?.diagnosis ?? []).map((finding) => [finding.id, finding])) };
  };

  test('mysql-hung: says nc/nmap/tcpdump cannot see it, and that the process is stopped (T)', async () => {
    const { findings } = await findingsIn('mysql-hung');
    expect(findings['service-hung']!.message).toMatch(/never sends the MySQL greeting .*nc, nmap and tcpdump cannot see this.*state T \(stopped\)/s);
    expect(findings['service-hung']!.hint).toMatch(/kill -CONT/);
  });

  test('access-denied: quotes the server, which names the user and the app host; hints at the grant', async () => {
    const { findings } = await findingsIn('access-denied');
    expect(findings['access-denied']!.message).toContain(`"Access denied for user 'app'@'10.200.0.216' (using password: YES)" (error 1045)`);
    expect(findings['access-denied']!.hint).toContain(`(CREATE USER 'app'@'10.200.0.216' IDENTIFIED BY ...) and GRANT it what the app needs`);
  });

  test('too-many-connections: 1040, with max_connections and who holds the connections', async () => {
    const { findings, result } = await findingsIn('too-many-connections');
    expect(findings['too-many-connections']!.message).toContain('"Too many connections" (1040)');
    expect(findings['too-many-connections']!.hint).toMatch(/SHOW PROCESSLIST.*max_connections/s);
    expect(result.exitCode).toBe(1);
  });

  test('query-blocked: names the wait in the server\'s words, and leaves no query of the app\'s waiting behind the lock', async () => {
    const { findings, result } = await findingsIn('query-blocked');
    expect(findings['query-blocked']!.message).toContain(`the server shows it as "Waiting for table metadata lock" (logged in, but ${LAB_DB.query} did not return in 5000 ms)`);
    const query = result.report!.questions.flatMap((q) => q.checks).find((c) => c.id === 'client-query')!;
    expect(query.evidence[0]!.stdout.text).toMatch(/server: connection (\d+)'s query was "Waiting for table metadata lock"; cancelled it \(KILL QUERY \1\)/);
    // Without the cancel, the query would wait inside the server until the lock is gone: one more
    // session queued behind it at every run.
    const waiting = await lab.exec('db', `mariadb --batch --skip-column-names -e "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '${LAB_DB.user}' AND state LIKE 'Waiting%'"`);
    expect(waiting.stdout.trim()).toBe('0');
  });

  test('row-locked: a row lock is named a lock in the server\'s words, not a slow query, and the server ends the wait', async () => {
    const { findings, result } = await findingsIn('row-locked');
    // The process list would have said "Statistics" (MariaDB) for this wait: the session's own
    // innodb_lock_wait_timeout, set a second short of the query's bound, makes the server say it.
    expect(findings['query-blocked']!.message).toContain(`the server shows it as "Lock wait timeout exceeded; try restarting transaction" (logged in, but ${LAB_DB.query} waited 4 s for a lock`);
    expect(findings['query-slow']).toBeUndefined();
    const query = result.report!.questions.flatMap((q) => q.checks).find((c) => c.id === 'client-query')!;
    expect(query.evidence[0]!.stdout.text).toContain('session: row-lock waits end after 4 s (innodb_lock_wait_timeout)');
    expect(query.durationMs).toBeLessThan(5000);
    const left = await lab.exec('db', `mariadb --batch --skip-column-names -e "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '${LAB_DB.user}' AND command = 'Query' AND info NOT LIKE '%runbook_lab_hold%'"`);
    expect(left.stdout.trim()).toBe('0');
  });

  test('host-blocked: TCP is open to every probe, and the server refuses the app\'s host before greeting it (1129)', async () => {
    const { findings, result } = await findingsIn('host-blocked');
    expect(findings['host-blocked']!.message).toMatch(/^the database refuses every connection from the app's host, before its greeting: "Host '[^']+' is blocked because of many connection errors.*" \(1129\)/);
    expect(findings['host-blocked']!.hint).toContain('FLUSH HOSTS');
    const query = result.report!.questions.flatMap((q) => q.checks).find((c) => c.id === 'client-query')!;
    expect(query.observed).toMatchObject({ state: 'login-refused', phase: 'greeting', error_code: 1129 });
    expect(result.exitCode).toBe(1);
  });

  test('the human report of a new fault shows the finding and where the conversation stopped, and no password', async () => {
    const { result } = await findingsIn('access-denied', true);
    expect(result.stdout).toMatch(/FAIL +database-answers/);
    expect(result.stdout).toContain("login: as app to appdb: ERROR 1045 (28000): Access denied for user 'app'@'10.200.0.216'");
    expect(result.stdout + result.stderr).not.toContain(LAB_DB.password);
  });
});
