// The shipped runbook is the product's integration test (goss's habit): for every fault of the
// lab, `runbook run mysql-connectivity.yaml` must give the exit code, every question's status and
// exactly the findings that are true, and never a `fail` because a tool was missing.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Status } from '../../src/model/outcome.js';
import type { Scenario } from '../lab/faults.js';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab } from '../lab/lab.js';
import { LAB_DB } from '../lab/topology.js';
import { runCli } from '../helpers/run-cli.js';

type Questions = Record<'service-up' | 'port-listening' | 'hosts-reach' | 'client-connects' | 'proof' | 'database-answers', Status>;

const healthy: Questions = { 'service-up': 'pass', 'port-listening': 'pass', 'hosts-reach': 'pass', 'client-connects': 'pass', proof: 'pass', 'database-answers': 'pass' };
const refusedRemotely = { 'client-connects': 'fail', proof: 'fail', 'database-answers': 'fail' } as const;
/** TCP is fine in these: only the database's own answer tells. */
const silentDatabase = { ...healthy, 'database-answers': 'fail' } as const;

const EXPECTED: Record<Scenario, { exitCode: number; questions: Questions; findings: string[] }> = {
  healthy: { exitCode: 0, questions: healthy, findings: [] },
  'icmp-blocked': { exitCode: 0, questions: healthy, findings: ['icmp-filtered'] },
  'mysql-down': { exitCode: 1, questions: { ...healthy, 'service-up': 'fail', 'port-listening': 'skipped', ...refusedRemotely }, findings: ['service-down'] },
  'bind-localhost': { exitCode: 1, questions: { ...healthy, 'port-listening': 'fail', ...refusedRemotely }, findings: ['bound-to-loopback'] },
  'port-filtered': { exitCode: 1, questions: { ...healthy, ...refusedRemotely }, findings: ['port-filtered'] },
  'wrong-port': { exitCode: 1, questions: { ...healthy, 'port-listening': 'fail', ...refusedRemotely }, findings: ['wrong-port'] },
  // The database is asked over a forwarded channel: no tool on the host is needed for that.
  'tools-missing': { exitCode: 3, questions: { ...healthy, 'client-connects': 'error', proof: 'error' }, findings: ['tool-missing'] },
  'mysql-hung': { exitCode: 1, questions: silentDatabase, findings: ['service-hung'] },
  'access-denied': { exitCode: 1, questions: silentDatabase, findings: ['access-denied'] },
  'too-many-connections': { exitCode: 1, questions: silentDatabase, findings: ['too-many-connections'] },
};

/** The app's credentials, as a CI job would pass them: the password only in the environment. */
const CREDENTIALS = ['--var', `db_user=${LAB_DB.user}`, '--var', `db_name=${LAB_DB.database}`];
const ENVIRONMENT = { RUNBOOK_VAR_db_password: LAB_DB.password };

describeLab('the shipped mysql-connectivity runbook tells the truth in every fault (lab)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ waitMs: 180_000 });
  });
  afterAll(async () => {
    await lab?.down();
  });

  test.each(Object.entries(EXPECTED))('%s', async (scenario, expected) => {
    await lab.setScenario(scenario as Scenario);
    const started = performance.now();
    const result = await runCli({}, ['run', 'mysql-connectivity.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath, ...CREDENTIALS], ENVIRONMENT);
    const elapsedMs = performance.now() - started;
    const report = result.report!;
    expect(report, result.stderr).toBeDefined();
    const statuses = Object.fromEntries(report.questions.map((question) => [question.id, question.status]));
    const explain = JSON.stringify(report.questions.flatMap((q) => q.checks.map((c) => [c.id, c.status, c.reason])), null, 1);
    expect(statuses, explain).toEqual(expected.questions);
    expect(report.diagnosis.map((finding) => finding.id).sort(), explain).toEqual(expected.findings);
    expect(result.exitCode).toBe(expected.exitCode);
    // A missing tool is an error (or a fallback), never a failed expectation.
    const failedForTools = report.questions.flatMap((q) => q.checks).filter((c) => c.status === 'fail' && c.missingTools.length > 0 && !c.informational);
    expect(failedForTools).toEqual([]);
    // Bounded by the connect timeout (2 s) and the capture (4 s), never a hang on a silent port.
    expect(elapsedMs).toBeLessThan(12_000);
    expect(result.stdout + result.stderr).not.toContain(LAB_DB.password);
    if (scenario === 'port-filtered') {
      const connect = report.questions.flatMap((q) => q.checks).find((c) => c.id === 'client-connect')!;
      expect(connect.observed.state).toBe('filtered');
      expect(connect.durationMs).toBeLessThan(2000 + 1000);
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
    expect(findings['access-denied']!.hint).toContain(`GRANT ... ON appdb.* TO 'app'@'10.200.0.216'`);
  });

  test('too-many-connections: 1040, with max_connections and who holds the connections', async () => {
    const { findings, result } = await findingsIn('too-many-connections');
    expect(findings['too-many-connections']!.message).toContain('"Too many connections" (1040)');
    expect(findings['too-many-connections']!.hint).toMatch(/SHOW PROCESSLIST.*max_connections/s);
    expect(result.exitCode).toBe(1);
  });

  test('the human report of a new fault shows the finding and where the conversation stopped, and no password', async () => {
    const { result } = await findingsIn('access-denied', true);
    expect(result.stdout).toMatch(/FAIL +database-answers/);
    expect(result.stdout).toContain("login: as app to appdb: ERROR 1045 (28000): Access denied for user 'app'@'10.200.0.216'");
    expect(result.stdout + result.stderr).not.toContain(LAB_DB.password);
  });
});
