// Bad input end to end: one line per problem with file:line:col and a code, exit 2, no stack trace,
// nothing on stdout, nothing run.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { execa } from 'execa';
import { BIN, inlineFiles, runbookWith, runCli, startCli } from '../helpers/run-cli.js';

const BROKEN = `version: 1
title: Broken
hosts:
  server: local
questions:
  - id: service-up
    title: Is it up?
    checks:
      - id: first
        on: sever
        run: touch ran-marker
        expect:
          exit_code: zero
      - id: second
        on: server
        run: echo
        depends_on: [frist]
`;

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

describe('invalid input', () => {
  test('every problem of the file, one line each, exit 2, nothing run', async () => {
    const result = await runCli({ 'x.yaml': BROKEN }, ['run', 'x.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([
      'x.yaml:10:13: check "first" runs on unknown host role "sever"; did you mean "server"? [RB_UNKNOWN_HOST]',
      'x.yaml:13:22: questions[0].checks[0].expect.exit_code must be an integer, got "zero" [RB_SCHEMA]',
      'x.yaml:17:22: check "second" depends on unknown check "frist"; did you mean "first"? [RB_UNKNOWN_DEPENDENCY]',
    ]);
    expect(existsSync(join(result.dir, 'ran-marker'))).toBe(false);
  });

  test('YAML syntax errors point at the line', async () => {
    const result = await runCli({ 'y.yaml': 'version: 1\ntitle: [unclosed\nhosts: {}\n' }, ['validate', 'y.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^y\.yaml:\d+:\d+: .+ \[RB_YAML\]\n$/);
  });

  // What YAML parses without an error but a runbook cannot hold: each one line at its node, exit 2,
  // never "internal error" (a document whose conversion to data threw used to exit 70).
  test.each([
    ['an alias that names no anchor', 'version: 1\ntitle: t\nhosts: { here: local }\nquestions: *qs\n', 'a.yaml:4:12: the alias *qs names no anchor defined before it; define &qs on a value above this line, or remove the alias [RB_YAML]'],
    [
      'an alias bomb',
      `version: 1\ntitle: t\nhosts: { here: local }\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n${Array.from({ length: 8 }, (_, i) => `x${i + 1}: &x${i + 1} [${Array.from({ length: 10 }, () => `*x${i}`).join(', ')}]`).join('\n')}\nquestions: []\n`,
      'a.yaml:5:10: aliases here expand into more than 1000 copies of what they name; write the repeated part once (an include, or a variable) instead of aliases of aliases [RB_YAML]',
    ],
    ['an unknown tag, which YAML would drop', 'version: 1\ntitle: t\nhosts: { here: local }\nquestions:\n  - id: q\n    title: q\n    checks:\n      - { id: c, on: here, run: !shell "touch ran-marker" }\n', 'a.yaml:8:33: the tag !shell is not supported in a runbook; remove it; to keep a value that starts with "!", quote it [RB_YAML]'],
    ['a binary value', 'version: 1\ntitle: t\nhosts: { here: local }\nvars: !!binary ""\nquestions: []\n', 'a.yaml:4:7: the tag !!binary is not supported in a runbook; remove it; to keep a value that starts with "!", quote it [RB_YAML]'],
  ])('%s: one line at the node, exit 2', async (_name, text, line) => {
    const result = await runCli({ 'a.yaml': text }, ['run', 'a.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([line]);
    expect(existsSync(join(result.dir, 'ran-marker'))).toBe(false);
  });

  // A timeout of 2^31 ms or more fired at once; .inf was reported as "got null".
  test.each([
    ['timeout: 600h', 'a.yaml:11:18: questions[0].checks[0].timeout must be at most 24h, the longest any timeout or wait may be, got "600h" [RB_SCHEMA]'],
    ['timeout: 90000', 'a.yaml:11:18: questions[0].checks[0].timeout must be at most 24h, the longest any timeout or wait may be, got 90000 [RB_SCHEMA]'],
    ['timeout: .inf', 'a.yaml:11:18: questions[0].checks[0].timeout must be a string or a number, got .inf [RB_SCHEMA]'],
    ['timeout: .nan', 'a.yaml:11:18: questions[0].checks[0].timeout must be a string or a number, got .nan [RB_SCHEMA]'],
  ])('%s: one line saying what it must be', async (setting, line) => {
    const result = await runCli({ 'a.yaml': runbookWith(`      - id: c\n        on: here\n        ${setting}\n        run: "true"\n`) }, ['validate', 'a.yaml']);
    expect(lines(result.stderr)).toEqual([line]);
    expect(result.exitCode).toBe(2);
  });

  test('a NUL in a value is refused where it is written (it used to validate, then fail as an internal error)', async () => {
    const result = await runCli({ 'a.yaml': runbookWith('      - id: c\n        on: here\n        run: "echo a\\0b"\n') }, ['run', 'a.yaml']);
    expect(lines(result.stderr)).toEqual(['a.yaml:11:14: the value holds a NUL character ("\\0"), which no command, file name or variable can carry; remove it [RB_YAML]']);
    expect(result.exitCode).toBe(2);
  });

  test('bytes that are not UTF-8 are refused, never replaced and run', async () => {
    const dir = inlineFiles({});
    writeFileSync(join(dir, 'a.yaml'), Buffer.concat([Buffer.from(runbookWith('      - id: c\n        on: here\n        run: "touch ran-\n'), 'utf8').subarray(0, -1), Buffer.from([0xff]), Buffer.from('marker"\n')]));
    const result = await startCli(dir, ['run', 'a.yaml']);
    expect(String(result.stderr)).toBe('a.yaml: cannot read the runbook: is not UTF-8 text: byte 0xff at line 11, column 25 (save it as UTF-8) [RB_FILE]\n');
    expect(result.exitCode).toBe(2);
    expect(readdirSync(dir)).toEqual(['a.yaml']);
  });

  test('a file above the size limit is refused before it is parsed', async () => {
    const result = await runCli({ 'a.yaml': `version: 1\ntitle: "${'x'.repeat(9 * 1024 * 1024)}"\n` }, ['validate', 'a.yaml']);
    expect(result.stderr).toBe('a.yaml: cannot read the runbook: is larger than 8 MiB, the most such a file may hold [RB_FILE]\n');
    expect(result.exitCode).toBe(2);
  });

  // The YAML library compared each key with every one before it (80,000 keys: 90 s); now one pass.
  test('80,000 keys in one map: read in one pass, the repeated one reported at its line', async () => {
    const keys = Array.from({ length: 80_000 }, (_, index) => `  k${index}: ${index}`).join('\n');
    const result = await runCli({ 'a.yaml': `version: 1\ntitle: t\nvars:\n${keys}\n  k7: again\nhosts: { here: local }\nquestions: []\n` }, ['validate', 'a.yaml']);
    expect(lines(result.stderr)).toEqual(['a.yaml:80004:3: Map keys must be unique: "k7" is already at line 11 [RB_YAML]']);
    expect(result.exitCode).toBe(2);
  });

  // Problems were appended with push(...list), one argument each: past about 120,000 the stack
  // overflowed, and the run ended as an internal error (exit 70) with none of them said.
  test('130,000 problems: each said on its line, exit 2, not an internal error', async () => {
    const result = await runCli({ 'a.yaml': `version: 1\n${'a: 1\n'.repeat(130_001)}` }, ['validate', 'a.yaml']);
    const said = lines(result.stderr);
    expect(said).toHaveLength(130_000);
    expect(said[0]).toBe('a.yaml:3:1: Map keys must be unique: "a" is already at line 2 [RB_YAML]');
    expect(said.at(-1)).toBe('a.yaml:130002:1: Map keys must be unique: "a" is already at line 2 [RB_YAML]');
    expect(result.exitCode).toBe(2);
  });

  test('plain tags that say what YAML would say anyway are fine', async () => {
    const result = await runCli({ 'a.yaml': 'version: !!int 1\ntitle: !!str t\nhosts: !!map { here: local }\nquestions: !!seq\n  - { id: q, title: q, checks: [{ id: c, on: here, run: !!str "true" }] }\n' }, ['validate', 'a.yaml']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  test('problems of several files are all reported, a missing file among them', async () => {
    const result = await runCli({ 'x.yaml': BROKEN }, ['validate', 'x.yaml', 'missing.yaml']);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toHaveLength(4);
    expect(result.stderr).toContain('missing.yaml: no such file, and no shipped runbook of that name');
  });

  test('a directory instead of a file: said as such, with the runbooks in it', async () => {
    const result = await runCli({ 'sub/r.yaml': runbookWith('      - id: a\n        on: here\n        run: "true"\n') }, ['run', 'sub']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('sub: is a directory, not a runbook file; the runbooks in it: sub/r.yaml [RB_FILE]\n');
  });

  test('a device is no runbook (it used to be "no such file"); a pipe is read like a file', async () => {
    const device = await runCli({}, ['validate', '/dev/null']);
    expect(device.exitCode).toBe(2);
    expect(device.stderr).toBe('/dev/null: is a device or a socket, not a runbook file; name a runbook file (.yaml) [RB_FILE]\n');
    const piped = await execa('bash', ['-c', `node ${JSON.stringify(BIN)} validate <(printf 'version: 1\ntitle: t\nhosts: { here: local }\nquestions:\n  - { id: q, title: q, checks: [{ id: c, on: here, run: "true" }] }\n')`], { reject: false });
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toMatch(/^\/dev\/fd\/\d+: valid \(1 question, 1 check\)$/);
    expect(piped.exitCode).toBe(0);
  });

  test('runbook with no command: the help on stderr, exit 2 (it used to exit 0)', async () => {
    const result = await runCli({}, []);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: runbook \[options\] \[command\]\n/);
  });

  test.each([
    [['run'], /missing required argument 'files'/],
    [['run', 'x.yaml', '--reporter', 'xml'], /^--reporter xml: there is no reporter "xml"; did you mean "junit"\? it writes JUnit XML \[RB_USAGE\]\n$/],
    [['run', 'x.yaml', '--concurrency', '0'], /expected a whole number of at least 1, got "0"/],
    [['run', 'x.yaml', '--timeout', 'soon'], /expected a duration such as 500ms, 5s or 2m, got "soon"/],
    // 2^31 ms and more: Node's timers would fire at once, so the run would time out every check.
    [['run', 'x.yaml', '--timeout', '2147484'], /expected at most 24h, the longest any timeout or wait may be, got "2147484"/],
    [['run', 'x.yaml', '--deadline', '600h'], /expected at most 24h, the longest any timeout or wait may be, got "600h"/],
    // Read as 1e20, one number for both: two shards would have run as the same.
    [['run', 'x.yaml', '--shard', '99999999999999999998/99999999999999999999'], /expected i\/n with 1 <= i <= n <= 9007199254740991, e.g. 1\/3, got "99999999999999999998\/99999999999999999999"/],
    [['run', 'x.yaml', '--shard', '3/2'], /expected i\/n with 1 <= i <= n/],
    [['run', 'x.yaml', '--var', 'novalue'], /--var expects name=value, got "novalue"/],
    [['run', 'x.yaml', '--bogus'], /unknown option '--bogus'/],
    [['rn', 'x.yaml'], /unknown command 'rn'[\s\S]*Did you mean run\?/],
  ])('usage error %j: exit 2 and a one-line reason', async (args, message) => {
    const result = await runCli({ 'x.yaml': BROKEN }, args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  test('--host pointing at an unknown role is a usage error', async () => {
    const result = await runCli({ 'r.yaml': runbookWith('      - id: a\n        on: here\n        run: "true"\n') }, ['run', 'r.yaml', '--host', 'hre=local']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('--host hre: the runbook has no host role "hre"; did you mean "here"? [RB_USAGE]\n');
    // No name close to it: the roles it has (dns-and-time.yaml has only "this"; "client" was a guess).
    const far = await runCli({ 'r.yaml': runbookWith('      - id: a\n        on: here\n        run: "true"\n') }, ['run', 'r.yaml', '--host', 'client=local']);
    expect([far.exitCode, far.stderr]).toEqual([2, '--host client: the runbook has no host role "client"; its roles: here [RB_USAGE]\n']);
  });

  test('an unreadable --ssh-config is a usage error before anything runs', async () => {
    const runbook = 'version: 1\ntitle: t\nhosts:\n  server: db.example\nquestions:\n  - id: q\n    title: q\n    checks:\n      - { id: a, on: server, run: "true" }\n';
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--ssh-config', 'no-such-ssh-config']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^--ssh-config no-such-ssh-config: cannot read it: .*ENOENT.* \[RB_USAGE\]\n$/);
  });

  // /dev/zero was read until memory ran out: `run` grew to 16.8 GB and crashed in V8 after 131 s,
  // `plan` passed 4 GB; a binary file's parse error sent its bytes to the terminal.
  test.each([
    ['a device', '/dev/zero', /^--ssh-config \/dev\/zero: cannot read it: \/dev\/zero holds more than 8 MiB, more than such a file may \[RB_USAGE\]\n$/],
    ['an Include of a device', 'include.conf', /^--ssh-config include.conf: cannot read it: \/dev\/zero holds more than 8 MiB, more than such a file may \[RB_USAGE\]\n$/],
    ['9 MiB of text', 'huge.conf', /^--ssh-config huge.conf: cannot read it: huge.conf holds more than 8 MiB, more than such a file may \[RB_USAGE\]\n$/],
    ['a binary file', '/usr/bin/true', /^--ssh-config \/usr\/bin\/true: cannot read it: \/usr\/bin\/true holds a NUL byte, as a binary file does: is it an ssh_config\? \[RB_USAGE\]\n$/],
    ['a broken line holding terminal controls', 'controls.conf', /^--ssh-config controls.conf: cannot read it: .*\\x1b.* \[RB_USAGE\]\n$/],
  ])('an --ssh-config that is %s: one line, exit 2, for run and plan alike', async (_, config, message) => {
    const runbook = 'version: 1\ntitle: t\nhosts:\n  server: db.example\nquestions:\n  - id: q\n    title: q\n    checks:\n      - { id: a, on: server, run: "true" }\n';
    const files = {
      'r.yaml': runbook,
      'include.conf': 'Include /dev/zero\n',
      'huge.conf': `# ${'x'.repeat(9 * 1024 * 1024)}\n`,
      'controls.conf': 'Host x\n  User "\u001b]0;owned\u0007\n',
    };
    for (const command of ['run', 'plan']) {
      const result = await runCli(files, [command, 'r.yaml', '--ssh-config', config]);
      expect([result.exitCode, result.stdout], command).toEqual([2, '']);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain('\u001b');
      expect(result.stderr).not.toContain('\u0007');
    }
  }, 30_000);

  // `run r.yaml --output r.yaml` replaced the runbook with its report, and two spellings of one
  // file (`a.out`, `./a.out`) kept only the second report; each is refused before anything runs,
  // and every file stays as it was.
  test.each([
    ['the runbook itself', ['run', 'r.yaml', '--reporter', 'json', '--output', './r.yaml'], '--output ./r.yaml: the report would be written over the runbook r.yaml'],
    ['one report file spelt twice', ['run', 'r.yaml', '--reporter', 'json:a.out', '--reporter', 'junit:sub/../a.out'], '--reporter junit:sub/../a.out: the report would be written over the report of --reporter json:a.out'],
    ['a vars file', ['run', 'r.yaml', '--vars-file', 'v.yaml', '--reporter', 'junit:v.yaml'], '--reporter junit:v.yaml: the report would be written over --vars-file v.yaml'],
    ['a file of the recording replayed', ['run', 'r.yaml', '--replay', 'rec', '--reporter', 'json:rec/recording.yaml'], '--reporter json:rec/recording.yaml: the report would be written over the recording --replay rec'],
    ['a report being merged', ['merge-reports', 'v.yaml', '--reporter', 'json:v.yaml'], '--reporter json:v.yaml: the report would be written over the report v.yaml'],
  ])('a report written over %s: exit 2, one line, nothing changed', async (_, args, message) => {
    const files = { 'r.yaml': runbookWith('      - { id: a, on: here, run: "echo ran >> ran.log" }\n'), 'v.yaml': 'x: 1\n', 'sub/.keep': '', 'rec/recording.yaml': 'format: 1\n' };
    const result = await runCli(files, args);
    expect([result.exitCode, result.stdout, result.stderr]).toEqual([2, '', `${message}; write each report to a file of its own, which the command does not read [RB_USAGE]\n`]);
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(result.dir, name), 'utf8'), name).toBe(text);
    expect(existsSync(join(result.dir, 'ran.log')), 'nothing ran').toBe(false);
    expect(existsSync(join(result.dir, 'a.out'))).toBe(false);
  });

  test('--help and --version exit 0', async () => {
    const help = await runCli({}, ['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect((await runCli({}, ['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
