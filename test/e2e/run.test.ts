// `runbook run` end to end through the built CLI: verdicts, exit codes, reports, captures, timeouts,
// concurrency, overrides and interruption, as an operator or a CI job would see them.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { inlineFiles, runbookWith, runCli, startCli, validateReport } from '../helpers/run-cli.js';

const check = (id: string, body: string): string =>
  `      - id: ${id}\n        on: here\n${body.split('\n').map((line) => `        ${line}`).join('\n')}\n`;

const json = ['--reporter', 'json'];

describe('runbook run', () => {
  test('all checks pass: exit 0, every question PASS, only progress on stderr (nothing with --quiet)', async () => {
    const result = await runCli({ 'r.yaml': runbookWith(check('a', 'run: echo hello\nexpect:\n  stdout: { contains: hello }')) }, ['run', 'r.yaml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^PASS +q +The question$/m);
    expect(result.stdout).toMatch(/Result: PASS, exit code 0/);
    expect(result.stderr).toMatch(/^running r\.yaml: 1 check on here \(local\)\npass +a on here \(local\), \d+ ms\npass, exit code 0, 1 check in \d+ ms: 1 pass\n$/);
    const quiet = await runCli({ 'r.yaml': runbookWith(check('a', 'run: echo hello')) }, ['run', 'r.yaml', '--quiet']);
    expect(quiet.stderr).toBe('');
  });

  test('a failed check: exit 1, the reason, the evidence, the hint, and its dependent skipped with why', async () => {
    const runbook = runbookWith(
      check('down', 'run: exit-with 1\nhint: start the service') + check('after', 'run: "true"\ndepends_on: [down]'),
    );
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', ...json]);
    expect(result.exitCode).toBe(1);
    const question = result.report!.questions[0]!;
    expect(question.status).toBe('fail');
    const [down, after] = question.checks;
    expect(down).toMatchObject({ status: 'fail', reason: 'exit_code expected to equal 0, got 1', hint: 'start the service' });
    expect(down!.evidence[0]).toMatchObject({ command: 'exit-with 1', exitCode: 1, exitMeaning: 'general failure' });
    expect(down!.evidence[0]!.stderr.text).toBe('err: exiting with 1');
    expect(after).toMatchObject({ status: 'skipped', reason: 'dependency "down" failed' });
    expect(result.report!.summary.checks).toEqual({ total: 2, pass: 0, fail: 1, error: 0, skipped: 1 });
  });

  test('the human report shows evidence and hint for what did not pass', async () => {
    const result = await runCli({ 'r.yaml': runbookWith(check('down', 'run: exit-with 3\nhint: start the service')) }, ['run', 'r.yaml']);
    expect(result.stdout).toContain('FAIL  down on here (local): exit_code expected to equal 0, got 3');
    expect(result.stdout).toContain('$ exit-with 3');
    expect(result.stdout).toMatch(/^ +exit 3 after \d+ ms on here$/m);
    expect(result.stdout).toContain('hint: start the service');
  });

  test("an exit code is explained by the program that gave it: grep's 1 is no line matched, not a general failure", async () => {
    const runbook = runbookWith(check('no-line', 'run: grep -q absent notes.txt') + check('counted', 'run: grep absent notes.txt | wc -l\nexpect: { exit_code: 0, stdout: { equals: "1" } }'));
    const result = await runCli({ 'r.yaml': runbook, 'notes.txt': 'present\n' }, ['run', 'r.yaml']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^ +exit 1 \(grep: no line matched\) after \d+ ms on here$/m);
    // wc decides the pipeline's status; its 0 is plain success.
    expect(result.stdout).toMatch(/^ +exit 0 \(success\) after \d+ ms on here$/m);
  });

  test('a missing command is an error, not a failure: exit 3', async () => {
    const result = await runCli({ 'r.yaml': runbookWith(check('tool', 'run: no-such-tool-xyz --version')) }, ['run', 'r.yaml', ...json]);
    expect(result.exitCode).toBe(3);
    expect(result.report!.questions[0]!.checks[0]).toMatchObject({ status: 'error', reason: expect.stringMatching(/^command not found \(exit 127\)/) as unknown });
  });

  test('failure wins over error in the exit code', async () => {
    const result = await runCli({ 'r.yaml': runbookWith(check('tool', 'run: no-such-tool-xyz') + check('down', 'run: exit-with 1')) }, ['run', 'r.yaml', ...json]);
    expect(result.exitCode).toBe(1);
    expect(result.report!.exitCode).toBe(1);
    expect(result.report!.summary.checks).toMatchObject({ fail: 1, error: 1 });
  });

  test('--reporter json prints only the report, valid against schemas/report.schema.json', async () => {
    const runbook = runbookWith(check('ok', 'run: echo fine') + check('bad', 'run: exit-with 2') + check('dep', 'run: "true"\ndepends_on: [bad]'));
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', ...json]);
    expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
    expect(validateReport(result.report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(result.report).toMatchObject({ reportVersion: 1, status: 'fail', exitCode: 1, interrupted: false });
    expect(result.report!.runbooks).toEqual([expect.objectContaining({ file: 'r.yaml', title: 'Inline test runbook', hosts: { here: 'local' } })]);
    // stderr holds the progress lines only: header, a line per check, footer.
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(5);
  });

  test('--output writes the report atomically and keeps stdout empty', async () => {
    const result = await runCli({ 'r.yaml': runbookWith(check('ok', 'run: echo fine')) }, ['run', 'r.yaml', ...json, '--output', 'out/report.json'].slice(0, 4).concat(['--output', 'report.json']));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('report written to report.json');
    const report = JSON.parse(readFileSync(join(result.dir, 'report.json'), 'utf8')) as { status: string };
    expect(report.status).toBe('pass');
  });

  // Each refused before anything runs (they used to surface after the checks, as exit 70, with the
  // report lost and a temporary file left): one line, exit 2, no marker, nothing left beside it.
  test.each([
    ['no/such/dir/report.json', 'its directory does not exist'],
    ['out', 'it is a directory'],
    ['r.yaml/report.json', `${'DIR'}/r.yaml is not a directory`],
    ['/proc/version', 'its directory does not take new files (ENOENT)'],
    ['/dev/null', 'it is not a regular file'],
  ])('--output %s is refused before anything runs', async (output, why) => {
    const files = { 'r.yaml': runbookWith(check('mark', 'run: touch ran-marker')), 'out/keep': '' };
    const result = await runCli(files, ['run', 'r.yaml', '--output', output]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`--output ${output}: ${why.replace('DIR', result.dir)}; name a file in a directory you can write to [RB_USAGE]\n`);
    expect(existsSync(join(result.dir, 'ran-marker'))).toBe(false);
    expect(readdirSync(result.dir).sort()).toEqual(['out', 'r.yaml']);
  });

  test('--var overrides a default; an unknown --var is a usage error with a suggestion', async () => {
    const runbook = runbookWith(check('say', 'run: echo ${vars.word}\nexpect:\n  stdout: { equals: bye }'), 'vars:\n  word: hello\n');
    expect((await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml'])).exitCode).toBe(1);
    expect((await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--var', 'word=bye'])).exitCode).toBe(0);
    const typo = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--var', 'wrod=bye']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toBe('--var wrod: the runbook declares no variable "wrod"; did you mean "word"? [RB_USAGE]\n');
  });

  test('a value given on the command line or in the environment holding a terminal control is refused, as in the YAML', async () => {
    // Titles and hints are filled while the file loads: the human report printed this title as it
    // is, and the terminal took the new title and cleared itself.
    const runbook = runbookWith(check('say', 'run: echo ${vars.word}'), 'vars:\n  word: hello\n  token: { secret: true }\n').replace('title: Inline test runbook', 'title: "About ${vars.word}"');
    const flag = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--var', 'word=\u001b]0;owned\u0007\u001b[2J']);
    expect([flag.exitCode, flag.stdout]).toEqual([2, '']);
    expect(flag.stderr).toBe("--var word: the value of word holds the control character U+001B, which a terminal acts on: `runbook plan` and the reports could not show the value as it is; remove it; a command writes a control character with its own escapes, e.g. printf '\\033[1m' or printf 'a\\r\\n' [RB_USAGE]\n");
    const environment = await runCli({ 'r.yaml': runbook }, ['plan', 'r.yaml'], { RUNBOOK_VAR_word: 'left\u202eright' });
    expect([environment.exitCode, environment.stdout]).toEqual([2, '']);
    expect(environment.stderr).toMatch(/^RUNBOOK_VAR_word: the value of word holds U\+202E, a bidi control: .* \[RB_USAGE\]\n$/);
    // A tab or a line break is text; a secret's value is never shown, so it may hold anything.
    const kept = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--quiet', '--var', 'word=a\tb'], { RUNBOOK_VAR_token: 'p\u001bw' });
    expect([kept.exitCode, kept.stderr]).toEqual([0, '']);
  });

  test('a captured value is one shell word in the dependent, never code', async () => {
    const runbook = runbookWith(
      check('produce', `run: "echo 'value=x; touch pwned'"\ncapture:\n  value: 'value=(.*)'`) +
        check('consume', "run: printf '<%s>' ${captures.value}\ndepends_on: [produce]\nexpect:\n  stdout: { equals: '<x; touch pwned>' }"),
    );
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', ...json]);
    expect(result.exitCode).toBe(0);
    expect(result.report!.questions[0]!.checks[0]!.captures).toEqual({ value: 'x; touch pwned' });
    expect(existsSync(join(result.dir, 'pwned'))).toBe(false);
  });

  test('a capture that finds nothing fails the producer and skips its dependents', async () => {
    const runbook = runbookWith(check('produce', "run: echo nothing here\ncapture:\n  pid: 'pid=(\\d+)'") + check('consume', 'run: echo ${captures.pid}\ndepends_on: [produce]'));
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', ...json]);
    expect(result.exitCode).toBe(1);
    const [produce, consume] = result.report!.questions[0]!.checks;
    expect(produce).toMatchObject({ status: 'fail', reason: 'capture "pid": /pid=(\\d+)/ found nothing in stdout' });
    expect(consume).toMatchObject({ status: 'skipped', reason: 'dependency "produce" failed' });
  });

  test('a check timeout (per check, or --timeout by default) is an error and the command is killed', async () => {
    const runbook = runbookWith(check('slow', 'run: sleep 20\ntimeout: 300ms') + check('slower', 'run: sleep 20'));
    const started = performance.now();
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', ...json, '--timeout', '700ms']);
    expect(performance.now() - started).toBeLessThan(8000);
    expect(result.exitCode).toBe(3);
    const [slow, slower] = result.report!.questions[0]!.checks;
    expect(slow).toMatchObject({ status: 'error', reason: 'timed out after 300ms on here (the command was killed)' });
    expect(slower).toMatchObject({ status: 'error', reason: 'timed out after 700ms on here (the command was killed)' });
  });

  test('independent checks run concurrently; --concurrency 1 runs them one at a time', async () => {
    // Each check waits (up to 3 s) for the other to have started: only possible when both run at once.
    const waitFor = (mine: string, other: string) =>
      `run: touch ${mine}; i=0; while [ ! -e ${other} ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done; [ -e ${other} ]`;
    const runbook = runbookWith(check('left', waitFor('l', 'r')) + check('right', waitFor('r', 'l')));
    expect((await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml'])).exitCode).toBe(0);
    expect((await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--concurrency', '1'])).exitCode).toBe(1);
  });

  test('a dependent starts only after its dependency finished', async () => {
    const runbook = runbookWith(check('first', 'run: sleep 0.3; touch first-done') + check('second', 'run: test -e first-done\ndepends_on: [first]'));
    expect((await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml'])).exitCode).toBe(0);
  });

  test('several files run in one report, each question naming its runbook', async () => {
    const result = await runCli(
      { 'a.yaml': runbookWith(check('x', 'run: "true"')), 'b.yaml': runbookWith(check('y', 'run: exit-with 1')) },
      ['run', 'a.yaml', 'b.yaml', ...json],
    );
    expect(result.exitCode).toBe(1);
    expect(result.report!.questions.map((q) => [q.runbook, q.status])).toEqual([['a.yaml', 'pass'], ['b.yaml', 'fail']]);
    expect(result.report!.runbooks.map((r) => r.status)).toEqual(['pass', 'fail']);
  });

  test('output from a host is escaped: no control sequence reaches the terminal', async () => {
    const result = await runCli({ 'r.yaml': runbookWith(check('noisy', 'run: control-chars; exit 1')) }, ['run', 'r.yaml']);
    expect(result.stdout).toContain('\\x1b[31mred\\x1b[0m');
    expect(result.stdout).toContain('carriage\\rreturn');
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  // Not only the evidence: a reason made of raw stderr (exit 127), a finding and a hint built from a
  // captured value, a C1 control (U+009B, a one-byte CSI), on stdout and in the progress on stderr.
  test('what a host prints reaches no terminal raw through reasons, findings or hints either', async () => {
    const hostile = 'printf "\\033]0;owned\\007\\302\\2332J\\n"';
    const runbook = runbookWith(
      `${check('banner', `run: '${hostile}'\ncapture:\n  banner: { from: stdout }`)}${check('missing', `run: '${hostile} >&2; exit 127'`)}`,
    ) + `diagnosis:\n  - id: odd\n    when: { check: banner, status: pass }\n    finding: 'the banner is \${captures.banner}'\n    hint: 'look at \${captures.banner}'\n`;
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--verbose']);
    expect(result.stdout).toContain('the banner is \\x1b]0;owned\\x07\\x9b2J');
    expect(result.stdout).toContain('look at \\x1b]0;owned\\x07\\x9b2J');
    // eslint-disable-next-line no-control-regex
    expect(result.stdout + result.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  // A captured value in a later command's line (shown in its evidence), a value a matcher quotes
  // (`got "..."` in every reporter's expectations) and the bidi controls: `ESC c` resets the
  // terminal, `ESC M` moves its cursor up over the report's lines, and after a right-to-left
  // override `KO sutats` reads `status OK`.
  test('a captured value reaches no terminal raw through a command line or a matcher, and no bidi control does', async () => {
    const hostile = String.raw`printf "v=\033c\033M\342\200\256KO sutats\302\233\n"`;
    const runbook = runbookWith(
      `${check('banner', `run: '${hostile}'\ncapture:\n  v: 'v=(.*)'`)}${check('again', 'run: echo ${captures.v}; exit 1\ndepends_on: [banner]\nexpect:\n  stdout: { contains: fine }')}`,
    );
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--verbose', '--reporter', 'human', '--reporter', 'tap:r.tap', '--reporter', 'junit:r.xml', '--reporter', 'json:r.json', '--reporter', 'github:r.txt']);
    expect(result.exitCode).toBe(1);
    // The command line quotes the value as one word; a matcher quotes it as JSON (ESC as \u001b).
    const shown = String.raw`\x1bc\x1bM\u202EKO sutats\x9b`;
    const quoted = String.raw`"\u001bc\u001bM\u202EKO sutats\x9b\n"`;
    expect(result.stdout).toContain(`$ echo '${shown}'; exit 1`);
    expect(result.stdout).toContain(`stdout expected to contain "fine", got ${quoted}`);
    const reports = ['r.tap', 'r.xml', 'r.json', 'r.txt'].map((name) => readFileSync(join(result.dir, name), 'utf8'));
    for (const text of [result.stdout, result.stderr, ...reports]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    }
    const json = JSON.parse(reports[2]!) as { questions: { checks: { id: string; evidence: { command: string }[]; expectations: { actual: string }[] }[] }[] };
    const again = json.questions[0]!.checks.find((entry) => entry.id === 'again')!;
    expect(again.evidence[0]!.command).toBe(`echo '${shown}'; exit 1`);
    expect(again.expectations[0]!.actual).toBe(quoted);
  });

  // Observed values come from the host too: the line a file's regex matched, a symlink's target.
  test('observed values reach no report raw: a matched line, a link target', async () => {
    const dir = inlineFiles({ 'notes.txt': 'status: \u202eKO sutats \u001b]0;owned\u0007\n' });
    symlinkSync('\u001bc\u202etegrat', join(dir, 'link'));
    const files = (name: string): string => `file: { path: ${JSON.stringify(join(dir, name))}${name === 'notes.txt' ? ", regex: 'status: .*'" : ''} }`;
    const runbook = runbookWith(`${check('notes', `${files('notes.txt')}\nexpect:\n  match: { equals: fine }`)}${check('link', `${files('link')}\nexpect:\n  link: { equals: fine }`)}`);
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--reporter', 'human', '--reporter', 'junit:r.xml', '--reporter', 'json:r.json']);
    expect(result.exitCode).toBe(1);
    const reports = ['r.xml', 'r.json'].map((name) => readFileSync(join(result.dir, name), 'utf8'));
    for (const text of [result.stdout, result.stderr, ...reports]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    }
    const json = JSON.parse(reports[1]!) as { questions: { checks: { id: string; observed: Record<string, unknown> }[] }[] };
    const observed = Object.fromEntries(json.questions[0]!.checks.map((entry) => [entry.id, entry.observed]));
    expect(observed.notes).toMatchObject({ match: String.raw`status: \u202EKO sutats \x1b]0;owned\x07` });
    expect(observed.link).toMatchObject({ link: String.raw`\x1bc\u202Etegrat` });
  });

  // It backtracked for about 66 s on 31 bytes, past the check's timeout and deaf to SIGINT; the
  // linear engine answers at once (a hang here ends in the test's own timeout, a failure).
  test('a catastrophic regex answers at once, and the check fails as it should', async () => {
    const runbook = runbookWith(check('greedy', `run: printf '${'a'.repeat(31)}b'\nexpect:\n  stdout: { regex: '^(a+)+$' }`));
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--timeout', '5s']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`FAIL  greedy on here (local): stdout expected to match /^(a+)+$/, got "${'a'.repeat(31)}b"`);
  });

  test('colours only when asked or on a terminal', async () => {
    const files = { 'r.yaml': runbookWith(check('ok', 'run: "true"')) };
    expect((await runCli(files, ['run', 'r.yaml'])).stdout).not.toContain('\x1b[');
    expect((await runCli(files, ['run', 'r.yaml', '--color'], { NO_COLOR: '', FORCE_COLOR: '1' })).stdout).toContain('\x1b[');
  });

  test('SIGINT stops running checks, prints the partial report and exits 130', async () => {
    const dir = inlineFiles({ 'r.yaml': runbookWith(check('long', 'run: echo $$ > long.pid; exec sleep 30') + check('never', 'run: "true"\ndepends_on: [long]')) });
    const cli = startCli(dir, ['run', 'r.yaml', ...json]);
    const deadline = Date.now() + 10_000;
    while (!existsSync(join(dir, 'long.pid')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    cli.kill('SIGINT');
    const result = await cli;
    expect(result.exitCode).toBe(130);
    const report = JSON.parse(String(result.stdout)) as { interrupted: boolean; exitCode: number; questions: { checks: { id: string; status: string; reason: string }[] }[] };
    expect(report).toMatchObject({ interrupted: true, exitCode: 130 });
    expect(report.questions[0]!.checks.map((c) => [c.id, c.status, c.reason])).toEqual([
      ['long', 'error', 'interrupted before it finished'],
      ['never', 'skipped', 'dependency "long" could not be checked'],
    ]);
    const pid = Number(readFileSync(join(dir, 'long.pid'), 'utf8'));
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  test('a captured value is bounded in the report, and whole for the checks that read it', async () => {
    const runbook = runbookWith(
      check('big', "run: printf '\\033]0;title\\007'; head -c 100000 /dev/zero | tr '\\0' x\ncapture:\n  big: { from: stdout }") +
      check('reader', 'run: printf %s ${captures.big} | wc -c\ndepends_on: [big]\nexpect:\n  stdout: { equals: 100010 }'),
    );
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', ...json]);
    expect(result.exitCode, result.stderr).toBe(0);
    const captured = result.report!.questions[0]!.checks[0]!.captures['big']!;
    // Its terminal escape shown as \xNN, as in the evidence.
    expect(captured).toBe(`\\x1b]0;title\\x07${'x'.repeat(4086)}… (100010 chars)`);
  });

  /** Whether a process of this group still runs (a zombie not yet reaped does not count). */
  const groupRuns = (pgid: number): boolean => {
    try {
      process.kill(-pgid, 0);
    } catch {
      return false;
    }
    return readdirSync('/proc').some((entry) => /^\d+$/.test(entry) && (() => {
      try {
        const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        return fields[0] !== 'Z' && Number(fields[2]) === pgid;
      } catch {
        return false;
      }
    })());
  };

  test('a second SIGINT kills what ignores TERM at once, and the partial report is still written', async () => {
    // The shell and its sleep ignore TERM: only KILL ends them, and the first SIGINT's grace is 2 s.
    const dir = inlineFiles({ 'r.yaml': runbookWith(check('stubborn', "run: trap '' TERM; echo $$ > group.pid; sleep 30; sleep 30")) });
    const cli = startCli(dir, ['run', 'r.yaml', ...json]);
    const deadline = Date.now() + 10_000;
    while (!existsSync(join(dir, 'group.pid')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const pgid = Number(readFileSync(join(dir, 'group.pid'), 'utf8'));
    const first = Date.now();
    cli.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(groupRuns(pgid)).toBe(true); // TERM alone did not end it
    cli.kill('SIGINT');
    const result = await cli;
    // Waiting out the first SIGINT's grace would take 2 s from it; the second kills at once.
    expect(Date.now() - first).toBeLessThan(1800);
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr)).toContain('killing what still runs now');
    const report = JSON.parse(String(result.stdout)) as { interrupted: boolean; questions: { checks: { id: string; status: string }[] }[] };
    expect(report.interrupted).toBe(true);
    expect(report.questions[0]!.checks).toMatchObject([{ id: 'stubborn', status: 'error' }]);
    expect(groupRuns(pgid)).toBe(false);
  });

  test('what a command leaves behind ends with it, and a leftover holding its output does not make it time out', async () => {
    const runbook = runbookWith(
      check('background', 'run: echo $$ > background.pid; nohup sleep 30 >/dev/null 2>&1 & echo started\nexpect:\n  stdout: { equals: started }') +
      check('holder', 'run: echo $$ > holder.pid; (trap "" TERM; sleep 30) & echo ok; exit 3\ntimeout: 10s\nexpect:\n  exit_code: 3\n  stdout: { equals: ok }'),
    );
    const started = Date.now();
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', ...json]);
    expect(result.report!.questions[0]!.checks.map((c) => [c.id, c.status, c.reason])).toEqual([
      ['background', 'pass', undefined],
      ['holder', 'pass', undefined],
    ]);
    expect(Date.now() - started).toBeLessThan(9000); // never the holder's 10 s timeout
    for (const name of ['background.pid', 'holder.pid']) expect(groupRuns(Number(readFileSync(join(result.dir, name), 'utf8')))).toBe(false);
  });

  test("a process check never counts runbook's own processes: the CLI itself, another check's command beside it", async () => {
    const token = `rb-own-${randomBytes(6).toString('hex')}`;
    // A process of the host's own with the token in its command line, started here and not by runbook: it is found.
    const outsider = execa('/bin/sh', ['-c', `sleep 30; : ${token}-outsider`], { reject: false, detached: true });
    const seen = (id: string, pattern: string) => check(id, `process: { command: "${pattern}" }\ndepends_on: [soon]`);
    const runbook = runbookWith(
      check('beside', `run: sleep 1; echo ${token}-beside`) +
      check('soon', 'run: sleep 0.2') +
      seen('sees-beside', `${token}-beside`) + seen('sees-cli', `${token}\\\\.yaml`) + seen('sees-outsider', `${token}-outsider`),
    );
    const result = await runCli({ [`${token}.yaml`]: runbook }, ['run', `${token}.yaml`, ...json]).finally(async () => {
      process.kill(-outsider.pid!, 'SIGKILL'); // its group: the shell and its sleep
      await outsider;
    });
    const checks = Object.fromEntries(result.report!.questions[0]!.checks.map((c) => [c.id, [c.status, (c.observed as { count?: number } | undefined)?.count]]));
    expect(checks).toEqual({ beside: ['pass', undefined], soon: ['pass', undefined], 'sees-beside': ['fail', 0], 'sees-cli': ['fail', 0], 'sees-outsider': ['pass', 1] });
    // Where nothing matched, a note names what runs instead, not the kernel's threads; a match needs none.
    const notes = Object.fromEntries(result.report!.questions[0]!.checks.map((c) => [c.id, c.notes]));
    expect(notes['sees-cli']).toEqual([expect.stringMatching(/^no match among the \d+ process(es)? running besides runbook's own and the kernel's: \S/)]);
    expect(notes['sees-cli']![0]).not.toMatch(/kthreadd|kworker|cpuhp|ksoftirqd/);
    expect(notes['sees-outsider']).toEqual([]);
  });

  test('a hint is for a failure: a check that could not check (a timeout, a missing tool) and a skipped question show none', async () => {
    const runbook = `version: 1
title: hints
hosts:
  here: local
questions:
  - id: failing
    title: Fails
    hint: fix what failed
    checks:
      - { id: fails, on: here, run: exit-with 1, hint: the check failed }
  - id: erring
    title: Could not check
    hint: restart the service
    checks:
      - { id: hangs, on: here, run: sleep 5, timeout: 300ms, hint: the service is down }
      - { id: no-tool, on: here, run: no-such-tool-here, hint: the service is down }
  - id: skipped
    title: Skipped
    hint: look at the listener
    checks:
      - { id: after, on: here, run: "true", depends_on: [hangs], hint: nothing listens }
`;
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', ...json]);
    const questions = result.report!.questions.map((q) => [q.id, q.status, q.hint, q.checks.map((c) => [c.id, c.status, c.hint])]);
    expect(questions).toEqual([
      ['failing', 'fail', 'fix what failed', [['fails', 'fail', 'the check failed']]],
      ['erring', 'error', undefined, [['hangs', 'error', undefined], ['no-tool', 'error', undefined]]],
      ['skipped', 'skipped', undefined, [['after', 'skipped', undefined]]],
    ]);
    const human = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml']);
    expect(human.stdout.match(/hint: .*/g)).toEqual(['hint: the check failed', 'hint: fix what failed']);
  });

  test('pgrep -f that would find its own shell: refused at load, or at run time when a variable makes the pattern; the bracket form can fail', async () => {
    const absent = `rb-absent-${randomBytes(6).toString('hex')}`;
    const refused = await runCli({ 'r.yaml': runbookWith(check('by-pgrep', `run: pgrep -f ${absent}`)) }, ['validate', 'r.yaml']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(`r.yaml:11:14: questions[0].checks[0].run runs pgrep -f "${absent}", which finds the shell running this check (its command line holds the pattern), so it never fails; use process: { command: "${absent}" }, which leaves runbook's own processes out [RB_SCHEMA]\n`);
    const runbook = runbookWith(check('by-variable', 'run: pgrep -f ${vars.name}') + check('by-bracket', `run: pgrep -f '[${absent[0]}]${absent.slice(1)}'`), `vars:\n  name: ${absent}\n`);
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', ...json]);
    expect(result.report!.questions[0]!.checks.map((c) => [c.id, c.status, c.reason])).toEqual([
      ['by-variable', 'error', expect.stringMatching(new RegExp(`^runs pgrep -f "${absent}", which finds the shell running this check`)) as unknown],
      ['by-bracket', 'fail', 'exit_code expected to equal 0, got 1'],
    ]);
  });
});
