// Several reporters at once (issue 11), through the built CLI: `--reporter NAME[:FILE]`, at most one
// on stdout, every target checked before anything runs, a reporter that fails taking none of the
// others down, and GitHub's step summary when GitHub Actions runs us.
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'tap-parser';
import { describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { inlineFiles, runbookWith, runCli, startCli, validateReport } from '../helpers/run-cli.js';

const check = (id: string, body: string): string => `      - id: ${id}\n        on: here\n${body.split('\n').map((line) => `        ${line}`).join('\n')}\n`;

const RUNBOOK = runbookWith(check('fine', 'run: echo fine') + check('broken', 'run: echo oops; exit 2') + check('after', 'run: "true"\ndepends_on: [broken]'));

const JUNIT_XSD = join(import.meta.dirname, '../fixtures/junit/junit-10.xsd');

describe('--reporter NAME[:FILE], repeatable', () => {
  test('human on stdout, junit, json and tap into files: all written, all telling the same run', async () => {
    const result = await runCli({ 'r.yaml': RUNBOOK, 'out/.keep': '' }, ['run', 'r.yaml', '--quiet', '--reporter', 'human', '--reporter', 'junit:out/junit.xml', '--reporter', 'json:out/report.json', '--reporter', 'tap:out/report.tap']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/Result: FAIL, exit code 1/);
    expect(result.stderr).toBe('runbook: fail, exit code 1; reports written to out/junit.xml, out/report.json, out/report.tap\n');
    const report = JSON.parse(readFileSync(join(result.dir, 'out/report.json'), 'utf8')) as RunReport;
    expect(validateReport(report)).toBe(true);
    expect(report.summary.checks).toMatchObject({ total: 3, pass: 1, fail: 1, skipped: 1 });

    const junitFile = join(result.dir, 'out/junit.xml');
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junitFile, 'utf8')) as { testsuites: { tests: string; failures: string; testsuite: { testcase: { name: string; failure?: unknown; skipped?: unknown }[] } } };
    expect(junit.testsuites).toMatchObject({ tests: '3', failures: '1' });
    expect(junit.testsuites.testsuite.testcase.map((testcase) => [testcase.name, 'failure' in testcase, 'skipped' in testcase])).toEqual([
      ['fine on here (local)', false, false],
      ['broken on here (local)', true, false],
      ['after on here (local)', false, true],
    ]);
    const xmllint = await execa('xmllint', ['--noout', '--schema', JUNIT_XSD, junitFile], { reject: false });
    expect(xmllint.exitCode, xmllint.stderr).toBe(0);

    const tap = new Parser({ strict: true });
    const done = new Promise<{ ok: boolean; count: number }>((resolve) => tap.on('complete', resolve));
    tap.end(readFileSync(join(result.dir, 'out/report.tap'), 'utf8'));
    expect(await done).toMatchObject({ ok: false, count: 1 });
  });

  test('an unknown reporter is refused before anything runs, with the closest name', async () => {
    const result = await runCli({ 'r.yaml': runbookWith(check('mark', 'run: touch ran-marker')) }, ['run', 'r.yaml', '--reporter', 'junti:x.xml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('--reporter junti:x.xml: there is no reporter "junti"; did you mean "junit"? [RB_USAGE]\n');
    expect(existsSync(join(result.dir, 'ran-marker'))).toBe(false);
  });

  test('two reports on stdout, one file twice, or --output with two reporters: usage errors saying what to do', async () => {
    const cases: [string[], string][] = [
      [['--reporter', 'human', '--reporter', 'json'], '--reporter: human and json would both write to stdout; give all but one a file, e.g. --reporter junit:report.xml [RB_USAGE]\n'],
      [['--reporter', 'json:a.out', '--reporter', 'tap:a.out'], '--reporter: two reports would be written to a.out; give each its own file [RB_USAGE]\n'],
      [['--reporter', 'human', '--reporter', 'json', '--output', 'x.json'], '--output x.json: it names the file of one reporter given without a file, and there are 2; give each reporter its own file: --reporter NAME:FILE [RB_USAGE]\n'],
      [['--reporter', 'junit:'], '--reporter junit:: a file must follow the colon; e.g. --reporter junit:report.out, or --reporter junit for stdout [RB_USAGE]\n'],
      [['--reporter', 'junit:no/such/dir/x.xml'], '--reporter junit:no/such/dir/x.xml: its directory does not exist; name a file in a directory you can write to [RB_USAGE]\n'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml', ...args]);
      expect([result.exitCode, result.stderr]).toEqual([2, message]);
    }
  });

  test('a reporter that fails takes none of the others down, and the exit code stays the run\'s', async () => {
    // A directory where the JSON report should go, made by a check once the run started (a bad
    // --reporter file is refused before the run): the report cannot be renamed over it, so that reporter fails.
    const dir = inlineFiles({ 'r.yaml': runbookWith(check('fine', 'run: mkdir taken') + check('broken', 'run: echo oops; exit 2') + check('after', 'run: "true"\ndepends_on: [broken]')) });
    const result = await startCli(dir, ['run', 'r.yaml', '--quiet', '--reporter', 'json:taken', '--reporter', 'junit:junit.xml', '--reporter', 'human']);
    expect(result.exitCode).toBe(1);
    expect(String(result.stdout)).toMatch(/Result: FAIL, exit code 1/);
    expect(String(result.stderr)).toMatch(/^runbook: the json report could not be written \(.*\); the others were, and the exit code is still the run's\nrunbook: fail, exit code 1; report written to junit\.xml\n$/);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuites');
  });
});

describe('a command that never ran', () => {
  // Port 1 of loopback refuses at once: the SSH connection fails before any command starts.
  const UNREACHABLE = `version: 1
title: an unreachable host
hosts:
  far: nobody@127.0.0.1:1
questions:
  - id: q
    title: Does the far host answer?
    checks:
      - { id: kernel, on: far, run: uname -a }
`;

  test('every report says "not run", not an exit code that never was or the milliseconds of the refusal', async () => {
    const reporters = ['json', 'junit', 'tap', 'html', 'github'];
    const result = await runCli({ 'r.yaml': UNREACHABLE }, ['run', 'r.yaml', '--quiet', '--reporter', 'human', ...reporters.flatMap((name) => ['--reporter', `${name}:out.${name}`])]);
    expect(result.exitCode).toBe(3);
    // The line has just said where: the transport's "HOST (TARGET): " is not said twice.
    expect(result.stdout).toContain('    ERROR kernel on far (nobody@127.0.0.1:1): connection refused\n          $ uname -a\n          not run on far (nobody@127.0.0.1:1)\n');
    const written = Object.fromEntries(reporters.map((name) => [name, readFileSync(join(result.dir, `out.${name}`), 'utf8')]));
    for (const text of [result.stdout, written.junit, written.tap, written.html, written.github]) {
      expect(text).toMatch(/not run|notRun: true/);
      expect(text).not.toContain('no exit code');
    }
    const report = JSON.parse(written.json!) as RunReport;
    expect(validateReport(report)).toBe(true);
    expect(report.questions[0]!.checks[0]!.evidence).toEqual([expect.objectContaining({ command: 'uname -a', exitCode: null, notRun: true })]);
    // Where the reason stands alone, it keeps the host it could not reach.
    expect(report.questions[0]!.checks[0]!.reason).toBe('127.0.0.1 (nobody@127.0.0.1:1): connection refused');
    expect(written.junit).toContain('$ uname -a\nnot run on far (nobody@127.0.0.1:1)');
    expect(written.tap).toMatch(/exitCode: null\n\s+notRun: true/);
    expect(written.html).toMatch(/<span class="exit">not run<\/span> · on <span class="on">far \(nobody@127\.0\.0\.1:1\)<\/span>/);
    expect(written.github).toContain('%0Anot run on far (nobody@127.0.0.1:1)');
  });
});

describe('GitHub Actions', () => {
  test('GITHUB_ACTIONS=true: the step summary is appended, annotations follow the human report; JSON on stdout stays JSON', async () => {
    const dir = inlineFiles({ 'r.yaml': RUNBOOK, 'summary.md': '# earlier step\n' });
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
    const human = await startCli(dir, ['run', 'r.yaml', '--quiet'], env);
    expect(String(human.stdout)).toMatch(/Result: FAIL, exit code 1\n[\s\S]*^::error file=r\.yaml,line=\d+,col=\d+,title=[^:]*::/m);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary.startsWith('# earlier step\n')).toBe(true);
    expect(summary).toContain('broken');
    const json = await startCli(dir, ['run', 'r.yaml', '--quiet', '--reporter', 'json'], env);
    expect((JSON.parse(String(json.stdout)) as RunReport).status).toBe('fail');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8').length).toBeGreaterThan(summary.length);
  });

  test('--reporter github prints the workflow commands without GitHub around', async () => {
    const result = await runCli({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml', '--quiet', '--reporter', 'github']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n').filter(Boolean).every((line) => line.startsWith('::'))).toBe(true);
    expect(result.stdout).toMatch(/^::error file=r\.yaml,line=\d+,col=\d+,title=.*broken/m);
  });
});
