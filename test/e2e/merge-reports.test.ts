// `runbook merge-reports` through the built CLI, as a CI pipeline uses it: `runbook run --shard i/3
// --reporter json:shard-i.json` on three "runners", then one merge into any reporters, with the
// exit code of the whole run. The fleet is six inventory hosts on this machine
// (ansible_connection=local), so no lab is needed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { inlineFiles, startCli, validateReport } from '../helpers/run-cli.js';

const INVENTORY = `[web]\n${['web01', 'web02', 'web03', 'web04', 'web05', 'web06'].map((name) => `${name} ansible_connection=local`).join('\n')}\n`;

/**
 * Every web check waits for the database check, so each shard runs that too. With `require: 6` a
 * shard (two web hosts of the six) cannot pass alone; the three together can.
 */
const runbook = (webCommand: string): string => `version: 1
title: Web tier
hosts:
  web: "@web"
  db: local
questions:
  - id: db-up
    title: Is the database up?
    checks:
      - { id: db-ping, on: db, run: echo pong }
  - id: web-serves
    title: Does every web host serve?
    require: 6
    hint: restart nginx
    checks:
      - { id: serve, on: web, run: "${webCommand}", depends_on: [db-ping] }
`;

const SHARDS = ['shard-1.json', 'shard-2.json', 'shard-3.json'];

/** A directory with the runbook, the inventory and the JSON report of each of the three shards. */
const shardedRun = async (webCommand: string): Promise<string> => {
  const dir = inlineFiles({ 'web.yaml': runbook(webCommand), 'hosts.ini': INVENTORY });
  // Side by side, as the runners would.
  const runs = await Promise.all(SHARDS.map((file, index) => startCli(dir, ['run', 'web.yaml', '--inventory', 'hosts.ini', '--shard', `${index + 1}/3`, '--quiet', '--reporter', `json:${file}`])));
  for (const shard of runs) expect(shard.exitCode, String(shard.stderr)).toBe(1);
  return dir;
};

const readJson = (dir: string, file: string): RunReport => JSON.parse(readFileSync(join(dir, file), 'utf8')) as RunReport;

/** What a verdict is made of, without the times that differ from run to run. */
const verdicts = (report: RunReport) =>
  report.questions.map(({ id, status, hosts, reason }) => ({ id, status, hosts, reason }));

describe('runbook merge-reports', () => {
  test('three shards that each fail alone merge into the passing run of all six hosts: exit 0, JSON valid, JUnit written', async () => {
    const dir = await shardedRun('echo ok');
    expect(SHARDS.map((file) => readJson(dir, file).questions[1]?.reason)).toEqual(SHARDS.map(() => '2/2 hosts pass (require at least 6, but only 2 took part)'));

    const [merged, whole] = await Promise.all([
      startCli(dir, ['merge-reports', ...SHARDS, '--reporter', 'json', '--reporter', 'junit:junit.xml']),
      startCli(dir, ['run', 'web.yaml', '--inventory', 'hosts.ini', '--quiet', '--reporter', 'json']),
    ]);
    expect(merged.exitCode).toBe(0);
    expect(merged.stderr).toBe('runbook: pass, exit code 0; report written to junit.xml\n');
    const report = JSON.parse(String(merged.stdout)) as RunReport;
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report).toMatchObject({ status: 'pass', exitCode: 0, mergedShards: [{ index: 1, total: 3 }, { index: 2, total: 3 }, { index: 3, total: 3 }] });
    expect(report).not.toHaveProperty('shard');
    // The database check every shard ran is there once.
    expect(report.summary.checks).toEqual({ total: 7, pass: 7, fail: 0, error: 0, skipped: 0 });
    expect(report.questions[1]!.checks.map((check) => check.hostName)).toEqual(['web01', 'web02', 'web03', 'web04', 'web05', 'web06']);

    // The same verdicts as one run over all the hosts.
    expect(verdicts(report)).toEqual(verdicts(JSON.parse(String(whole.stdout)) as RunReport));

    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(join(dir, 'junit.xml'), 'utf8')) as { testsuites: { tests: string; failures: string; errors: string } };
    expect(junit.testsuites).toMatchObject({ tests: '7', failures: '0', errors: '0' });
  }, 60_000);

  test('shards that fail merge into a failing run: exit 1, in the human report', async () => {
    const dir = await shardedRun('exit-with 1');
    const merged = await startCli(dir, ['merge-reports', ...SHARDS]);
    expect(merged.exitCode).toBe(1);
    expect(String(merged.stdout)).toMatch(/Result: FAIL, exit code 1/);
    expect(String(merged.stdout)).toContain('0/6 hosts pass (require at least 6)');
  }, 60_000);

  test('files that are not reports: every problem of every file on its own line, exit 2, no stack', async () => {
    const whole = await startCli(inlineFiles({ 'web.yaml': runbook('echo ok'), 'hosts.ini': INVENTORY }), ['run', 'web.yaml', '--inventory', 'hosts.ini', '--quiet', '--reporter', 'json']);
    const report = JSON.parse(String(whole.stdout)) as RunReport;
    const wrong = { ...report, questions: [{ ...report.questions[0]!, status: 'ok' }, ...report.questions.slice(1)] };
    const files = inlineFiles({ 'shard-1.json': JSON.stringify(wrong), 'broken.json': '{"reportVersion": 1,}', 'package.json': '{"name": "x"}', 'v2.json': JSON.stringify({ ...report, reportVersion: 2 }) });
    const result = await startCli(files, ['merge-reports', 'shard-1.json', 'missing.json', 'broken.json', 'package.json', 'v2.json', '--reporter', 'junit:junit.xml']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    const lines = String(result.stderr).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('shard-1.json: /questions/0/status must be one of pass, fail, error, skipped [RB_USAGE]');
    expect(lines[1]).toBe("missing.json: cannot read it: ENOENT: no such file or directory, open 'missing.json' [RB_USAGE]");
    // JSON.parse's own words differ between Node versions; the position does not.
    expect(lines[2]).toMatch(/^broken\.json: not JSON: .* at position 20\b.* \[RB_USAGE\]$/);
    expect(lines[3]).toBe('package.json: /reportVersion is missing; not a runbook report: runbook run --reporter json:FILE writes one [RB_USAGE]');
    expect(lines[4]).toBe('v2.json: report version 2, but this runbook merges version 1; make every report with the runbook that merges them [RB_USAGE]');
  }, 60_000);

  test('a missing shard is refused, not merged into a verdict that leaves its hosts out', async () => {
    const dir = await shardedRun('echo ok');
    const result = await startCli(dir, ['merge-reports', 'shard-1.json', 'shard-3.json', '--reporter', 'json']);
    expect([result.exitCode, result.stdout, result.stderr]).toEqual([2, '', "shard 2/3 is missing: merge every shard's report [RB_USAGE]\n"]);
  }, 60_000);

  test('shards of two runs are refused: another runbook, or the same one with other variables', async () => {
    // They merged into a passing run: each runbook judged on the hosts of one shard, or the
    // first shard's variables shown for all.
    const withPort = runbook('echo ok').replace('hosts:', 'vars:\n  port: 80\nhosts:');
    const dir = inlineFiles({ 'web.yaml': withPort, 'other.yaml': withPort, 'hosts.ini': INVENTORY });
    const shard = (index: number, file: string, extra: string[] = []) =>
      startCli(dir, ['run', file, '--inventory', 'hosts.ini', '--shard', `${index}/3`, '--quiet', '--reporter', `json:${file}-${index}${extra.length > 0 ? '-var' : ''}.json`, ...extra]);
    await Promise.all([shard(1, 'web.yaml'), shard(2, 'web.yaml'), shard(2, 'other.yaml'), shard(2, 'web.yaml', ['--var', 'port=8080']), shard(3, 'web.yaml')]);
    const otherRunbook = await startCli(dir, ['merge-reports', 'web.yaml-1.json', 'other.yaml-2.json', 'web.yaml-3.json']);
    expect([otherRunbook.exitCode, otherRunbook.stdout, otherRunbook.stderr]).toEqual([2, '', 'web.yaml-1.json ran web.yaml, other.yaml-2.json ran other.yaml; merge the shards of one run: each runs the same runbooks, named by the same paths (relative ones read alike on every runner) [RB_USAGE]\n']);
    const otherVars = await startCli(dir, ['merge-reports', 'web.yaml-1.json', 'web.yaml-2-var.json', 'web.yaml-3.json']);
    expect([otherVars.exitCode, otherVars.stdout, otherVars.stderr]).toEqual([2, '', 'web.yaml-1.json and web.yaml-2-var.json ran web.yaml with other variables (port: 80 against "8080"); merge the shards of one run: give every shard the same --var, --vars-file and RUNBOOK_VAR_ values [RB_USAGE]\n']);
    const oneRun = await startCli(dir, ['merge-reports', 'web.yaml-1.json', 'web.yaml-2.json', 'web.yaml-3.json', '--reporter', 'json']);
    expect(oneRun.exitCode, String(oneRun.stderr)).toBe(0);
  }, 60_000);

  test('a report whose texts hold a terminal control is refused, not shown on the terminal', async () => {
    const dir = await shardedRun('echo ok');
    const file = join(dir, 'shard-2.json');
    const report = readJson(dir, 'shard-2.json');
    // What a tampered artifact could carry: retitle the terminal, clear it, and a C1 CSI (U+009B).
    const hostile = { ...report, questions: report.questions.map((question, at) => (at === 1 ? { ...question, title: '\u001b]0;owned\u0007\u001b[2J\u009b31m' } : question)) };
    writeFileSync(file, JSON.stringify(hostile));
    const result = await startCli(dir, ['merge-reports', ...SHARDS]);
    expect([result.exitCode, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toBe('shard-2.json: /questions/1/title holds \\x1b, a character that acts on a terminal, which runbook writes as its escape in every report it makes; merge the reports runbook run --reporter json:FILE wrote, unchanged [RB_USAGE]\n');
  }, 60_000);
});
