// Fleets over real OpenSSH, through the built CLI: one role on many lab hosts (host01..), each check
// once per host with its own captures; a dead host and a host whose sshd dies mid-run end as errors
// while the rest complete; --limit; an Ansible inventory in YAML and in INI; three shards merged
// into the report one run gives; --connections below the fleet's size; and 200 hosts.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab } from '../lab/lab.js';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { inlineFiles, runCli, startCli, validateReport } from '../helpers/run-cli.js';

const FLEET_SIZE = 200;

/** Each host says its name; a second check proves, on the same host, that it read its own capture. */
const runbook = (web: string, extra = '') => `version: 1
title: Fleet
hosts:
  web: ${web}
questions:
  - id: web-named
    title: Does every web host know its name?
    checks:
      - id: name
        on: web
        run: cat /etc/hostname
        capture:
          name: { from: stdout, regex: '^(\\S+)' }
      - id: same-host
        on: web
        run: "hostname; echo \${captures.name}"
        depends_on: [name]
        expect:
          stdout: { contains: "\${captures.name}" }
${extra}`;

const SLOW = `  - id: web-works
    title: Does every web host run a command of a few seconds?
    checks:
      - { id: slow, on: web, run: "sleep 6; echo done", depends_on: [name], expect: { stdout: { contains: done } } }
`;

const perHost = (report: RunReport | undefined, id: string): Record<string, CheckResult> =>
  Object.fromEntries((report?.questions ?? []).flatMap((question) => question.checks).filter((check) => check.id === id).map((check): [string, CheckResult] => [check.hostName ?? check.target, check]));

/** Polls the host until a process of that name runs there (pgrep -x: a name of at most 15 characters). */
const untilRunning = async (lab: Lab, host: string, process: string): Promise<void> => {
  const until = Date.now() + 30_000;
  while ((await lab.exec(host, `pgrep -x ${process}`, 5000)).exitCode !== 0) {
    if (Date.now() > until) throw new Error(`no ${process} ran on ${host} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const names = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, index) => `host${String(from + index).padStart(2, '0')}`);

describeLab('fleets over SSH (lab)', () => {
  let lab: Lab;
  const cli = (web: string, args: string[], extra = '', files: Record<string, string> = {}) =>
    runCli({ 'r.yaml': runbook(web, extra), ...files }, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath, ...args]);

  beforeAll(async () => {
    lab = await startLab({ waitMs: 120_000 });
    const missing = FLEET_SIZE - lab.fleet.length;
    if (missing > 0) await lab.addFleet(missing);
  }, 600_000);
  afterAll(async () => {
    await lab?.down();
  });

  test('a 20-host fan-out: every check once per host, each reading the capture of its own host', async () => {
    const result = await cli('"host[01:20]"', []);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(validateReport(result.report)).toBe(true);
    const captured = perHost(result.report, 'name');
    const checked = perHost(result.report, 'same-host');
    expect(Object.keys(checked)).toEqual(names(1, 20));
    for (const host of names(1, 20)) {
      expect(captured[host]!.captures).toEqual({ name: host });
      expect(checked[host]).toMatchObject({ status: 'pass', target: `root@10.201.0.${10 + Number(host.slice(4))}:22` });
      expect(checked[host]!.evidence[0]!.stdout.text).toBe(`${host}\n${host}`);
    }
    expect(result.report!.questions[0]).toMatchObject({ status: 'pass', hosts: { total: 20, pass: 20 } });
  });

  test('a dead host and a host whose sshd dies mid-run end as errors; the other 18 complete', async () => {
    await lab.stopSshd('host05');
    try {
      const dir = inlineFiles({ 'r.yaml': runbook('"host[01:20]"', SLOW) });
      const running = startCli(dir, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath]);
      await untilRunning(lab, 'host07', 'sleep');
      await lab.stopSshd('host07');
      const result = await running;
      const report = JSON.parse(String(result.stdout)) as RunReport;
      expect(result.exitCode).toBe(3);
      const slow = perHost(report, 'slow');
      expect(slow.host05).toMatchObject({ status: 'skipped', reason: 'dependency "name" could not be checked' });
      expect(perHost(report, 'name').host05).toMatchObject({ status: 'error', reason: expect.stringMatching(/10\.201\.0\.15.*(unreachable|refused|timed out|handshake)/) as unknown });
      expect(slow.host07).toMatchObject({ status: 'error' });
      const passing = Object.values(slow).filter((check) => check.status === 'pass').map((check) => check.hostName);
      expect(passing).toEqual(names(1, 20).filter((host) => host !== 'host05' && host !== 'host07'));
      const question = report.questions.find((one) => one.id === 'web-works')!;
      expect(question.reason).toMatch(/^18\/20 hosts pass \(require all\); error: host07 \(slow: .*\); skipped: host05 \(slow: dependency "name" could not be checked\)$/);
    } finally {
      await lab.startSshd('host05');
      await lab.startSshd('host07');
    }
  });

  test("--limit takes Ansible's patterns: a glob, an exclusion, a role as a group", async () => {
    const result = await cli('"host[01:20]"', ['--limit', 'host0*:!host03']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(Object.keys(perHost(result.report, 'same-host'))).toEqual(names(1, 9).filter((host) => host !== 'host03'));
    const byRole = await cli('"host[01:04]"', ['--limit', 'web:!host02']);
    expect(Object.keys(perHost(byRole.report, 'same-host'))).toEqual(['host01', 'host03', 'host04']);
    const typo = await cli('"host[01:04]"', ['--limit', 'hots01']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toMatch(/--limit hots01: "hots01" names no host or group of this run's hosts and roles; did you mean "host01"\?/);
  });

  const YAML_INVENTORY = `all:
  children:
    web:
      hosts:
${names(1, 5).map((host) => `        ${host}: { ansible_host: 10.201.0.${10 + Number(host.slice(4))} }`).join('\n')}
      vars:
        ansible_user: root
        ansible_port: 22
`;
  const INI_INVENTORY = `[web]
host[01:05] ansible_user=root

[web:vars]
ansible_port=22
`;

  test.each([
    ['YAML', YAML_INVENTORY, 'hosts.yaml'],
    ['INI', INI_INVENTORY, 'hosts.ini'],
  ])('an inventory in %s: web: {} takes its group web, hosts keep their inventory names', async (_, text, file) => {
    const result = await cli('{}', ['--inventory', file], '', { [file]: text });
    expect(result.exitCode, result.stderr).toBe(0);
    const checked = perHost(result.report, 'same-host');
    expect(Object.keys(checked)).toEqual(names(1, 5));
    expect(checked.host03).toMatchObject({ status: 'pass', target: 'root@10.201.0.13:22' });
    const byFlag = await cli('host01', ['--inventory', file, '--host', 'web=@web', '--limit', 'host02,host04'], '', { [file]: text });
    expect(Object.keys(perHost(byFlag.report, 'same-host'))).toEqual(['host02', 'host04']);
  });

  test('three shards, merged, give the per-host results of one run', async () => {
    const whole = await cli('"host[01:30]"', []);
    expect(whole.exitCode, whole.stderr).toBe(0);
    const dir = inlineFiles({ 'r.yaml': runbook('"host[01:30]"') });
    const shardHosts: string[][] = [];
    for (const index of [1, 2, 3]) {
      const shard = await startCli(dir, ['run', 'r.yaml', '--shard', `${index}/3`, '--reporter', `json:shard-${index}.json`, '--ssh-config', lab.sshConfigPath, '--quiet']);
      expect(shard.exitCode, String(shard.stderr)).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, `shard-${index}.json`), 'utf8')) as RunReport;
      expect(report.shard).toEqual({ index, total: 3 });
      shardHosts.push(Object.keys(perHost(report, 'name')));
    }
    // Each host in exactly one shard, and none of them empty at 30 hosts.
    expect(shardHosts.flat().sort()).toEqual(names(1, 30));
    expect(shardHosts.every((hosts) => hosts.length > 0)).toBe(true);
    const merged = await startCli(dir, ['merge-reports', 'shard-1.json', 'shard-2.json', 'shard-3.json', '--reporter', 'json']);
    expect(merged.exitCode, String(merged.stderr)).toBe(0);
    const report = JSON.parse(String(merged.stdout)) as RunReport;
    const outcomes = (of: RunReport) => of.questions.flatMap((question) => question.checks).map((check) => `${check.id}@${check.hostName}: ${check.status} ${JSON.stringify(check.captures)}`).sort();
    expect(outcomes(report)).toEqual(outcomes(whole.report!));
    expect(report.questions.map(({ id, status, hosts }) => ({ id, status, hosts }))).toEqual(whole.report!.questions.map(({ id, status, hosts }) => ({ id, status, hosts })));
  });

  test('--connections 4 works through 20 hosts, closing idle connections for the waiting ones', async () => {
    const result = await cli('"host[01:20]"', ['--connections', '4']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(Object.values(perHost(result.report, 'same-host')).every((check) => check.status === 'pass')).toBe(true);
  });

  test(`${FLEET_SIZE} hosts complete without error`, async () => {
    const result = await cli('["host[01:99]", "host[100:200]"]', []);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.report!.summary.checks).toMatchObject({ total: 2 * FLEET_SIZE, pass: 2 * FLEET_SIZE });
    expect(result.report!.questions[0]).toMatchObject({ status: 'pass', hosts: { total: FLEET_SIZE, pass: FLEET_SIZE } });
  });
});
