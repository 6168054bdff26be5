// `include:` (issue 10, reuse): a runbook brings in other runbook files (beside it, or shipped ones
// by name) with values for their variables and their roles mapped to its own, under a prefix. Each
// behaviour driven through the built CLI, and every input problem at its include, once.
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { runCli, validateReport } from '../helpers/run-cli.js';
import { startServer } from '../helpers/web-server.js';

/** A template: the first line of a file under a directory must match a limit; role `target`. */
const FIRST_LINE = `version: 1
title: First line of a file
vars:
  file: /etc/hostname
  min_length: 1
hosts:
  target: local
questions:
  - id: first-line
    title: Does \${vars.file} start with a long enough line?
    checks:
      - id: read-file
        on: target
        run: head -n 1 \${vars.file} | awk '{ print length($0) }'
        capture:
          length: { regex: '^(\\d+)$', expect: { ge: "\${vars.min_length}" } }
        hint: look at \${vars.file}
diagnosis:
  - id: too-short
    when: { check: read-file, status: fail }
    finding: the first line of \${vars.file} is \${captures.length} characters (\${fields.read-file.stdout})
`;

const including = (includes: string, rest = ''): string => `version: 1
title: Composed
vars:
  long: 5
hosts:
  here: local
include:
${includes}
${rest}`;

const checkOf = (report: RunReport, id: string): CheckResult => {
  const found = report.questions.flatMap((question) => question.checks).find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no check ${id} in the report`);
  return found;
};

const files = (main: string, more: Record<string, string> = {}) => ({ 'main.yaml': main, 'lib/first-line.yaml': FIRST_LINE, 'data/short.txt': 'ab\n', 'data/long.txt': 'abcdefgh\n', ...more });

describe('a template included twice, each with its own values and prefix', () => {
  const twice = including(`  - file: lib/first-line.yaml
    as: short
    vars: { file: data/short.txt, min_length: "\${vars.long}" }
    hosts: { target: here }
  - file: lib/first-line.yaml
    as: long
    vars: { file: data/long.txt, min_length: "\${vars.long}" }
    hosts: { target: here }`);

  test('runs both under their prefixes, with their own values, and their diagnosis', async () => {
    const result = await runCli(files(twice), ['run', 'main.yaml', '--reporter', 'json']);
    expect(result.exitCode).toBe(1);
    const report = result.report!;
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.questions.map((question) => [question.id, question.title, question.status])).toEqual([
      ['short.first-line', 'Does data/short.txt start with a long enough line?', 'fail'],
      ['long.first-line', 'Does data/long.txt start with a long enough line?', 'pass'],
    ]);
    expect(checkOf(report, 'short.read-file')).toMatchObject({ status: 'fail', reason: 'short.length expected to be at least 5, got 2', captures: { 'short.length': '2' }, hint: 'look at data/short.txt' });
    expect(checkOf(report, 'long.read-file')).toMatchObject({ status: 'pass', captures: { 'long.length': '8' } });
    expect(report.diagnosis.map((finding) => [finding.id, finding.message])).toEqual([['short.too-short', 'the first line of data/short.txt is 2 characters (2)']]);
    expect(report.runbooks[0]!.vars).toEqual({ 'short.file': 'data/short.txt', 'short.min_length': 5, 'long.file': 'data/long.txt', 'long.min_length': 5, long: 5 });
  });

  test('a when: of the included file names its checks with the prefix, in the plan and in the reason of a skip', async () => {
    const gated = FIRST_LINE.replace('        hint: look at ${vars.file}\n', '        hint: look at ${vars.file}\n      - id: only-if-short\n        on: target\n        run: "true"\n        when: { check: read-file, status: fail }\n');
    const main = including('  - file: lib/first-line.yaml\n    as: long\n    vars: { file: data/long.txt }\n    hosts: { target: here }');
    const result = await runCli(files(main, { 'lib/first-line.yaml': gated }), ['run', 'main.yaml', '--quiet', '--reporter', 'json']);
    expect(checkOf(result.report!, 'long.only-if-short')).toMatchObject({ status: 'skipped', reason: 'its when does not hold: { check: long.read-file, status: fail }' });
    const plan = await runCli(files(main, { 'lib/first-line.yaml': gated }), ['plan', 'main.yaml']);
    expect(plan.stdout).toContain('when: { check: long.read-file, status: fail }');
  });

  test("the including runbook's --var reaches the included checks; plan shows prefixed ids", async () => {
    const passing = await runCli(files(twice), ['run', 'main.yaml', '--var', 'long=2']);
    expect(passing.exitCode).toBe(0);
    const plan = await runCli(files(twice), ['plan', 'main.yaml']);
    expect(plan.stdout).toContain("1. short.read-file [short.first-line] on here (local), command, timeout 30s\n       $ head -n 1 data/short.txt | awk '{ print length($0) }'\n       expect: exit_code equals 0; short.length >= 5");
    expect(plan.stdout).toContain('capture: long.length <- stdout /^(\\d+)$/');
  });

  test("the including runbook's own checks use what an include brings: dependency, capture, diagnosis", async () => {
    const main = including(
      '  - file: lib/first-line.yaml\n    as: short\n    vars: { file: data/short.txt, min_length: 1 }\n    hosts: { target: here }',
      `questions:
  - id: reuse
    title: Is the length reported?
    checks:
      - id: echo-length
        on: here
        depends_on: [short.read-file]
        run: echo "length \${captures.short.length}"
        expect:
          stdout: { equals: "length \${captures.short.length}" }
diagnosis:
  - id: short-but-fine
    when: { all: [{ check: short.read-file, status: pass }, { check: echo-length, status: pass }] }
    finding: short.txt starts with \${captures.short.length} characters
`,
    );
    const result = await runCli(files(main), ['run', 'main.yaml', '--reporter', 'json']);
    expect(result.exitCode).toBe(0);
    expect(checkOf(result.report!, 'echo-length').evidence[0]!.command).toBe('echo "length 2"');
    expect(result.report!.diagnosis.map((finding) => finding.message)).toEqual(['short.txt starts with 2 characters']);
  });
});

describe('includes of includes, and shipped runbooks by name', () => {
  test('variables flow through two levels; a shipped runbook is found by its name', async () => {
    const middle = `version: 1
title: Middle
vars:
  path: /nonexistent
hosts:
  box: local
include:
  - file: first-line.yaml
    as: inner
    vars: { file: "\${vars.path}" }
    hosts: { target: box }
questions:
  - id: middle-own
    title: Is true true?
    checks:
      - { id: truth, on: box, run: "true" }
`;
    const main = including('  - file: lib/middle.yaml\n    as: mid\n    vars: { path: data/long.txt }\n    hosts: { box: here }\n  - file: local-host\n    as: host\n    hosts: { this: here }');
    const result = await runCli(files(main, { 'lib/middle.yaml': middle }), ['run', 'main.yaml', '--reporter', 'json']);
    expect(result.exitCode).toBe(0);
    const ids = result.report!.questions.map((question) => question.id);
    expect(ids).toEqual(['mid.inner.first-line', 'mid.middle-own', 'host.shell-works', 'host.disk-space', 'host.loopback-up', 'host.process-table']);
    expect(checkOf(result.report!, 'mid.inner.read-file').evidence[0]!.command).toBe("head -n 1 data/long.txt | awk '{ print length($0) }'");
    expect(checkOf(result.report!, 'host.lo-is-up').status).toBe('pass');
  });

  test('a runbook made only of includes is valid; --host moves the included checks too', async () => {
    const main = including('  - file: lib/first-line.yaml\n    hosts: { target: here }');
    expect((await runCli(files(main), ['validate', 'main.yaml'])).stdout).toBe('main.yaml: valid (1 question, 1 check)\n');
    const plan = await runCli(files(main), ['plan', 'main.yaml', '--host', 'here=ops@db1.example:2222']);
    expect(plan.stdout).toContain('1. read-file [first-line] on here (ops@db1.example:2222)');
  });
});

describe('a role named like a property of every object', () => {
  test('constructor is mapped like any other role', async () => {
    // Found by fuzzing: looked up in the include's `hosts:` (a plain object, whose prototype has a
    // `constructor`), the role was taken as mapped to a function, and the include refused.
    const lib = 'version: 1\ntitle: Lib\nhosts:\n  constructor: local\nquestions:\n  - id: lib-q\n    title: Q\n    checks:\n      - { id: lib-check, on: constructor, run: "true" }\n';
    const main = 'version: 1\ntitle: Main\nhosts:\n  constructor: local\ninclude:\n  - file: lib/lib.yaml\n';
    const result = await runCli({ 'main.yaml': main, 'lib/lib.yaml': lib }, ['plan', 'main.yaml']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('1. lib-check [lib-q] on constructor');
  });
});

describe('the shipped web-host.yaml: local-host, web-service and a disk template, composed', () => {
  test('passes against a real HTTP server, and names a full log disk across two includes', async () => {
    const server = await startServer();
    const vars = ['--var', `process=${server.name}`, '--var', `port=${String(server.port)}`, '--var', `docroot=${tmpdir()}`, '--var', `log_dir=${tmpdir()}`];
    const healthy = await runCli({}, ['run', 'web-host.yaml', ...vars, '--reporter', 'json']);
    expect(healthy.exitCode, healthy.stderr).toBe(0);
    expect(healthy.report!.questions.map((question) => question.id)).toEqual([
      'host.shell-works', 'host.disk-space', 'host.loopback-up', 'host.process-table',
      'service.process-running', 'service.port-listening', 'service.http-answers', 'service.certificate', 'service.disk-space',
      'logs.disk-space',
    ]);
    expect(checkOf(healthy.report!, 'service.web-process').captures).toEqual({ 'service.pid': String(server.pid) });
    // Its client role is mapped to web: the request starts on the web host; plain http, so no certificate.
    expect(checkOf(healthy.report!, 'service.http-get')).toMatchObject({ host: 'web', status: 'pass', captures: { 'service.http_status': '200' } });
    expect(checkOf(healthy.report!, 'service.tls-certificate')).toMatchObject({ host: 'web', status: 'skipped' });
    const full = await runCli({}, ['run', 'web-host.yaml', ...vars, '--var', 'max_log_used_percent=0', '--reporter', 'json']);
    expect(full.exitCode).toBe(1);
    const used = checkOf(full.report!, 'logs.disk-usage').captures['logs.used_percent']!;
    expect(used).toMatch(/^\d+$/);
    expect(full.report!.diagnosis.map((finding) => finding.id)).toEqual(['logs.disk-full', 'logs-full-while-serving']);
    expect(full.report!.diagnosis[1]!.message).toBe(`the web server runs, but the filesystem of ${tmpdir()} is ${used}% used: it may soon fail to write its logs`);
  });
});

describe('include problems: each at its include, once, saying what to do', () => {
  const validate = async (main: string, more: Record<string, string> = {}) => {
    const result = await runCli(files(main, more), ['validate', 'main.yaml']);
    expect(result.exitCode).toBe(2);
    return result.stderr.trimEnd().split('\n');
  };

  test('a missing file, with a suggestion', async () => {
    expect(await validate(including('  - file: lib/frist-line.yaml'))).toEqual([
      'main.yaml:8:11: include[0].file cannot find lib/frist-line.yaml; did you mean "first-line.yaml"? [RB_INCLUDE]',
    ]);
  });

  test('a cycle, through another file, with the whole loop', async () => {
    const loop = (other: string) => `version: 1\ntitle: Loop\nhosts:\n  here: local\ninclude:\n  - file: ${other}\n`;
    expect(await validate(including('  - file: lib/a.yaml'), { 'lib/a.yaml': loop('b.yaml'), 'lib/b.yaml': loop('a.yaml') })).toEqual([
      'lib/b.yaml:6:11: include[0].file closes a cycle of includes: lib/a.yaml -> lib/b.yaml -> lib/a.yaml; a runbook cannot include itself, directly or through others [RB_INCLUDE]',
    ]);
  });

  test('roles and variables that do not fit', async () => {
    const main = including(`  - file: lib/first-line.yaml
    vars: { fiel: x }
  - file: lib/first-line.yaml
    as: two
    hosts: { target: hree, targte: here }`);
    expect(await validate(main)).toEqual([
      'main.yaml:8:11: include[0] lib/first-line.yaml runs checks on role "target", which this runbook\'s hosts do not define; map it to one of this runbook\'s roles: hosts: { target: here } [RB_INCLUDE]',
      'main.yaml:9:13: include[0].vars.fiel: lib/first-line.yaml declares no variable "fiel"; did you mean "file"? [RB_INCLUDE]',
      'main.yaml:12:22: include[1].hosts.target maps role "target" to "hree", which this runbook\'s hosts do not define; did you mean "here"? [RB_INCLUDE]',
      'main.yaml:12:28: include[1].hosts.targte: lib/first-line.yaml has no host role "targte"; did you mean "target"? [RB_INCLUDE]',
    ]);
  });

  test('the same template twice without a prefix: one line for all its clashing names', async () => {
    const main = including('  - file: lib/first-line.yaml\n    hosts: { target: here }\n  - file: lib/first-line.yaml\n    hosts: { target: here }');
    expect(await validate(main)).toEqual([
      'main.yaml:10:11: include[1] lib/first-line.yaml brings question "first-line", already question "first-line" at lib/first-line.yaml:9:5, and 3 more; give this include a prefix of its own: as: NAME makes its ids NAME.id [RB_INCLUDE]',
    ]);
  });

  test("a name the including runbook gives itself is not taken by an include: the include is told", async () => {
    const main = including('  - file: lib/first-line.yaml\n    hosts: { target: here }', 'questions:\n  - id: first-line\n    title: Mine\n    checks:\n      - { id: mine, on: here, run: "true" }\n');
    expect(await validate(main)).toEqual([
      'main.yaml:8:11: include[0] lib/first-line.yaml brings question "first-line", already question "first-line" at main.yaml:11:5; give this include a prefix of its own: as: NAME makes its ids NAME.id [RB_INCLUDE]',
    ]);
  });

  test("a problem inside the included file is reported at that file's line, and only there", async () => {
    const broken = FIRST_LINE.replace('on: target', 'on: targt');
    expect(await validate(including('  - file: lib/first-line.yaml'), { 'lib/first-line.yaml': broken })).toEqual([
      'lib/first-line.yaml:13:13: check "read-file" runs on unknown host role "targt"; did you mean "target"? [RB_UNKNOWN_HOST]',
    ]);
  });

  test("a secret of the included runbook takes a secret of the including one, never its value", async () => {
    const secretive = FIRST_LINE.replace('  min_length: 1', '  min_length: 1\n  token: { secret: true }');
    expect(await validate(including('  - file: lib/first-line.yaml\n    hosts: { target: here }\n    vars: { token: hunter2 }'), { 'lib/first-line.yaml': secretive })).toEqual([
      'main.yaml:10:20: include[0].vars.token is a secret of lib/first-line.yaml: it takes no value written in the file; give it a secret variable of this runbook, e.g. "${vars.db_password}" [RB_INCLUDE]',
    ]);
  });
});

describe('includes that multiply: bounded, and said once at the include that crosses the limit', () => {
  // The corpus (test/fixtures/invalid/include) holds the include bomb and the long chain with a
  // typo at its end; these limits need inputs too large to keep in the repository.
  const template = (checks: number, padding = 0): string =>
    `version: 1\ntitle: Big template\nhosts:\n  here: local\nquestions:\n  - id: q\n    title: Many checks\n    checks:\n${Array.from({ length: checks }, (_, index) => `      - { id: c${index}, on: here, run: "true" }\n`).join('')}${'# padding to make the file large\n'.repeat(padding)}`;
  const copies = (count: number): string => Array.from({ length: count }, (_, index) => `  - { file: lib/big.yaml, as: copy${index} }`).join('\n');
  const withOwnQuestion = 'questions:\n  - id: own\n    title: Own\n    checks:\n      - { id: own, on: here, run: "true" }\n';

  test('more than 16 MiB of runbook text in all: the include that would cross it is refused', async () => {
    const big = template(1, Math.ceil((7 * 1024 * 1024) / 33));
    const result = await runCli({ 'main.yaml': including(copies(4), withOwnQuestion), 'lib/big.yaml': big }, ['validate', 'main.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'main.yaml:10:13: include[2].file lib/big.yaml (7 MiB) would bring the runbook text read to 21 MiB, and a runbook and its includes may hold at most 16 MiB in all; include smaller runbooks, or fewer copies of this one [RB_INCLUDE]',
    ]);
  });

  test('includes that bring more than 100,000 checks: refused at the include that crosses it', async () => {
    const result = await runCli({ 'main.yaml': including(copies(3), withOwnQuestion), 'lib/big.yaml': template(40_000) }, ['validate', 'main.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'main.yaml:10:13: include[2].file lib/big.yaml brings the includes of this runbook to 120,000 checks, and the includes of a runbook may bring at most 100,000; split the runbook, or include fewer copies [RB_INCLUDE]',
    ]);
  });

  test('under the limits, the same copies load and count', async () => {
    const result = await runCli({ 'main.yaml': including(copies(2), withOwnQuestion), 'lib/big.yaml': template(40_000) }, ['validate', 'main.yaml']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('(3 questions, 80001 checks)');
  });
});
