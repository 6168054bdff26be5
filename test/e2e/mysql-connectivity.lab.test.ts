// The shipped runbook is the product's integration test (goss's habit): for every fault of the
// lab, `runbook run mysql-connectivity.yaml` must give the exit code, every question's status and
// exactly the findings that are true, and never a `fail` because a tool was missing.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Status } from '../../src/model/outcome.js';
import type { Scenario } from '../lab/faults.js';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab } from '../lab/lab.js';
import { runCli } from '../helpers/run-cli.js';

type Questions = Record<'service-up' | 'port-listening' | 'hosts-reach' | 'client-connects' | 'proof', Status>;

const healthy: Questions = { 'service-up': 'pass', 'port-listening': 'pass', 'hosts-reach': 'pass', 'client-connects': 'pass', proof: 'pass' };
const refusedRemotely = { 'client-connects': 'fail', proof: 'fail' } as const;

const EXPECTED: Record<Scenario, { exitCode: number; questions: Questions; findings: string[] }> = {
  healthy: { exitCode: 0, questions: healthy, findings: [] },
  'icmp-blocked': { exitCode: 0, questions: healthy, findings: ['icmp-filtered'] },
  'mysql-down': { exitCode: 1, questions: { ...healthy, 'service-up': 'fail', 'port-listening': 'skipped', ...refusedRemotely }, findings: ['service-down'] },
  'bind-localhost': { exitCode: 1, questions: { ...healthy, 'port-listening': 'fail', ...refusedRemotely }, findings: ['bound-to-loopback'] },
  'port-filtered': { exitCode: 1, questions: { ...healthy, ...refusedRemotely }, findings: ['port-filtered'] },
  'wrong-port': { exitCode: 1, questions: { ...healthy, 'port-listening': 'fail', ...refusedRemotely }, findings: ['wrong-port'] },
  'tools-missing': { exitCode: 3, questions: { ...healthy, 'client-connects': 'error', proof: 'error' }, findings: ['tool-missing'] },
};

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
    const result = await runCli({}, ['run', 'mysql-connectivity.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath]);
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
    if (scenario === 'port-filtered') {
      const connect = report.questions.flatMap((q) => q.checks).find((c) => c.id === 'client-connect')!;
      expect(connect.observed.state).toBe('filtered');
      expect(connect.durationMs).toBeLessThan(2000 + 1000);
    }
  });
});
