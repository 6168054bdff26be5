// The shipped runbook's recordings in every lab scenario (test/fixtures/recordings/, made by
// `npm run record:fixtures` as root), replayed with no lab and no root: each gives the verdicts
// and findings the lab test holds true, and `runbook test` catches a diagnosis rule broken in a copy.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { SCENARIOS } from '../lab/faults.js';
import { ARTICLE_EXPECTED } from '../helpers/article-scenarios.js';
import { inlineFiles, ROOT, startCli } from '../helpers/run-cli.js';

const RECORDINGS = join(ROOT, 'test/fixtures/recordings');
const ARTICLE = join(ROOT, 'runbooks/mysql-connectivity.yaml');

const runbook = async (dir: string, args: string[]) => {
  const result = await startCli(dir, args);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
};

describe('the recordings of the shipped runbook in every lab scenario', () => {
  test('there is one per scenario, and its expect.yaml says what the lab test holds true', () => {
    expect(readdirSync(RECORDINGS).sort()).toEqual([...SCENARIOS].sort());
    for (const scenario of SCENARIOS) {
      const expected = parse(readFileSync(join(RECORDINGS, scenario, 'expect.yaml'), 'utf8')) as { exit_code: number; questions: object; findings: string[] };
      const truth = ARTICLE_EXPECTED[scenario];
      expect({ exitCode: expected.exit_code, questions: expected.questions, findings: expected.findings }, scenario).toEqual({ exitCode: truth.exitCode, questions: truth.questions, findings: [...truth.findings].sort() });
    }
  });

  test('runbook test replays each and finds the expected verdicts and findings', async () => {
    const result = await runbook(ROOT, ['test', ...SCENARIOS.map((scenario) => join(RECORDINGS, scenario))]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    for (const scenario of SCENARIOS) expect(result.stdout).toMatch(new RegExp(`^PASS +${join(RECORDINGS, scenario)} \\(exit code ${ARTICLE_EXPECTED[scenario].exitCode}, `, 'm'));
    expect(result.stdout).toContain(`${SCENARIOS.length} recordings: ${SCENARIOS.length} as expected, 0 not`);
  });

  test('run --replay marks the report, and the finding quotes what the recorded server said', async () => {
    const result = await runbook(ROOT, ['run', 'mysql-connectivity.yaml', '--replay', join(RECORDINGS, 'access-denied'), '--reporter', 'json', '--quiet']);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as { replay: { unused: unknown[] }; diagnosis: { id: string; message: string }[] };
    expect(report.replay.unused).toEqual([]);
    expect(report.diagnosis[0]!.message).toContain(`"Access denied for user 'app'@'10.200.0.216' (using password: YES)" (error 1045)`);
  });

  test('a stalled query replays as it stalled (the server\'s late answer comes late), and a malformed delay is placed', async () => {
    const dir = inlineFiles({});
    cpSync(join(RECORDINGS, 'query-blocked'), join(dir, 'rec'), { recursive: true });
    const started = performance.now();
    const replay = await runbook(ROOT, ['run', 'mysql-connectivity.yaml', '--replay', join(dir, 'rec'), '--only', 'database-answers', '--quiet']);
    expect(replay.exitCode).toBe(1);
    expect(replay.stdout).toMatch(/- query-blocked: the app logs in, but its query waits: the server shows it as "Waiting for table metadata lock"/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(5000);
    const answers = join(dir, 'rec/mysql-connectivity/client-query@10.200.0.216.yaml');
    writeFileSync(answers, readFileSync(answers, 'utf8').replace(/after_ms: \d+/, 'after_ms: soon'));
    const broken = await runbook(ROOT, ['run', 'mysql-connectivity.yaml', '--replay', join(dir, 'rec')]);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/client-query@10\.200\.0\.216\.yaml:\d+:\d+: attempts\[0\]\.exchange\[\d+\]\.after_ms must be .*\[RB_RECORDING\]\n$/);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a conversation asked otherwise than it was recorded is not replayed: the login of another user gets no answer', async () => {
    // A stream's bytes are recorded as counts, not as what was sent: its step says what the probe spoke.
    const result = await runbook(ROOT, ['run', 'mysql-connectivity.yaml', '--replay', join(RECORDINGS, 'healthy'), '--var', 'db_user=root', '--only', 'database-answers', '--quiet']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('the recording holds no answer to a stream to 10.200.0.82:3306 for MySQL to 10.200.0.82:3306 over ssh -W (a socket when local): greeting, login as root to appdb, SELECT COUNT(*) FROM orders LOCK IN SHARE MODE on client for check client-query');
    expect(result.stdout).toContain('not asked in this replay: a stream to 10.200.0.82:3306 for MySQL to 10.200.0.82:3306 over ssh -W (a socket when local): greeting, login as app to appdb, SELECT COUNT(*) FROM orders LOCK IN SHARE MODE of check client-query');
  });

  test('a capture runbook stopped once its trigger ended reads "stopped by runbook", not as if something killed it', async () => {
    const result = await runbook(ROOT, ['run', 'mysql-connectivity.yaml', '--replay', join(RECORDINGS, 'wrong-port'), '--only', 'proof']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^ {10}stopped by runbook \(SIGTERM\) after \d+ ms on server \(root@10\.200\.0\.82:22\)$/m);
    expect(result.stdout).not.toContain('ended by SIGTERM');
    const json = JSON.parse((await runbook(ROOT, ['run', 'mysql-connectivity.yaml', '--replay', join(RECORDINGS, 'wrong-port'), '--only', 'proof', '--reporter', 'json', '--quiet'])).stdout) as {
      questions: { checks: { id: string; evidence: { command: string; stopped?: true }[] }[] }[];
    };
    const capture = json.questions.flatMap((question) => question.checks).find((check) => check.id === 'server-sees-client')!;
    expect(capture.evidence.map((evidence) => [evidence.command.split(' ')[0], evidence.stopped])).toEqual([['if', undefined], ['timeout', true]]);
  });

  test('runbook test catches a diagnosis rule broken in a copy of the runbook, as a diff', async () => {
    const dir = inlineFiles({});
    const broken = readFileSync(ARTICLE, 'utf8').replace(
      '- { check: pid-listens, field: scope, matches: { equals: loopback } }',
      '- { check: pid-listens, field: scope, matches: { equals: any } }',
    );
    expect(broken).not.toBe(readFileSync(ARTICLE, 'utf8'));
    writeFileSync(join(dir, 'changed.yaml'), broken);
    const result = await runbook(dir, ['test', join(RECORDINGS, 'bind-localhost'), join(RECORDINGS, 'healthy'), '--runbook', 'changed.yaml']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`FAIL    ${join(RECORDINGS, 'bind-localhost')} (exit code 1, 0 findings)\n  - findings: [bound-to-loopback]\n  + findings: []\n`);
    expect(result.stdout).toMatch(/^PASS +.*healthy/m);
    expect(result.stdout).toContain('2 recordings: 1 as expected, 1 not');
  });

  test('--update writes expect.yaml from the replay; without one, runbook test says how to make it', async () => {
    const dir = inlineFiles({});
    cpSync(join(RECORDINGS, 'port-filtered'), join(dir, 'incident'), { recursive: true });
    rmSync(join(dir, 'incident/expect.yaml'));
    // The recording names its runbook by a path from where it was made: from here, name it.
    const missing = await runbook(dir, ['test', 'incident', '--runbook', ARTICLE]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe('incident/expect.yaml is missing: runbook test compares a replay with it; write the verdicts you expect, or run runbook test incident --update to write what the replay gives, then read it [RB_RECORDING]\n');
    const update = await runbook(dir, ['test', 'incident', '--runbook', ARTICLE, '--update']);
    expect(update.exitCode, update.stderr).toBe(0);
    expect(update.stdout).toMatch(/^UPDATED incident \(exit code 1, 1 finding\)/);
    expect(parse(readFileSync(join(dir, 'incident/expect.yaml'), 'utf8'))).toMatchObject({ exit_code: 1, findings: ['port-filtered'] });
    const again = await runbook(dir, ['test', 'incident', '--runbook', ARTICLE]);
    expect(again.exitCode).toBe(0);
  });

  test('a directory that holds no recording is told so, not that its expect.yaml is missing (with --update too)', async () => {
    const dir = inlineFiles({ 'report.json': '{}\n' });
    mkdirSync(join(dir, 'empty'));
    for (const [target, update] of [['empty', []], ['nowhere', []], ['report.json', []], ['empty', ['--update']]] as const) {
      const result = await runbook(dir, ['test', target, '--runbook', ARTICLE, ...update]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe(`${target}: no recording here (recording.yaml is missing); make one with runbook run RUNBOOK --record DIR [RB_RECORDING]\n`);
    }
  });
});
