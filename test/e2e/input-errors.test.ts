// Bad input end to end: one line per problem with file:line:col and a code, exit 2, no stack trace,
// nothing on stdout, nothing run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runbookWith, runCli } from '../helpers/run-cli.js';

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

  test('problems of several files are all reported, a missing file among them', async () => {
    const result = await runCli({ 'x.yaml': BROKEN }, ['validate', 'x.yaml', 'missing.yaml']);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toHaveLength(4);
    expect(result.stderr).toContain('missing.yaml: no such file, and no shipped runbook of that name');
  });

  test('a directory instead of a file', async () => {
    const result = await runCli({ 'sub/r.yaml': runbookWith('      - id: a\n        on: here\n        run: "true"\n') }, ['run', 'sub']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^sub: no such file, and no shipped runbook of that name; .* \[RB_FILE\]\n$/);
  });

  test.each([
    [['run'], /missing required argument 'files'/],
    [['run', 'x.yaml', '--reporter', 'xml'], /^--reporter xml: there is no reporter "xml"; did you mean "html"\? \[RB_USAGE\]\n$/],
    [['run', 'x.yaml', '--concurrency', '0'], /expected a whole number of at least 1, got "0"/],
    [['run', 'x.yaml', '--timeout', 'soon'], /expected a duration such as 500ms, 5s or 2m, got "soon"/],
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
  });

  test('an unreadable --ssh-config is a usage error before anything runs', async () => {
    const runbook = 'version: 1\ntitle: t\nhosts:\n  server: db.example\nquestions:\n  - id: q\n    title: q\n    checks:\n      - { id: a, on: server, run: "true" }\n';
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--ssh-config', 'no-such-ssh-config']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^--ssh-config no-such-ssh-config: cannot read it: .*ENOENT.* \[RB_USAGE\]\n$/);
  });

  test('--help and --version exit 0', async () => {
    const help = await runCli({}, ['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect((await runCli({}, ['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
