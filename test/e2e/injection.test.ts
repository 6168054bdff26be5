// Issue 14's injection matrix through the CLI on the real /bin/sh: hostile values (from variables
// and from captures) in every place a reference can stand. Where the load accepts the place, the
// command prints the value back exactly and nothing of it runs; where a value would be parsed again
// or never expanded, the runbook does not load and nothing runs at all.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ACCEPTED, PAYLOADS, POSITIONS, REFUSED, capturedRunbook, matrixRunbook, refusedRunbook } from '../helpers/injection-matrix.js';
import { inlineFiles, runCli } from '../helpers/run-cli.js';

const HOSTS = { here: 'local' };

describe('values reach the shell as data', () => {
  test(`${PAYLOADS('m').length} payloads in ${ACCEPTED.length} accepted places: each printed back, none run`, async () => {
    const dir = inlineFiles({});
    const mark = join(dir, 'PWNED');
    const result = await runCli({ 'm.yaml': matrixRunbook(mark, 'here', HOSTS) }, ['run', 'm.yaml', '--reporter', 'json']);
    const checks = result.report!.questions.flatMap((question) => question.checks);
    expect(checks).toHaveLength(PAYLOADS(mark).length * ACCEPTED.length);
    expect(checks.filter((check) => check.status !== 'pass').map((check) => `${check.id}: ${check.reason ?? ''}`)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(existsSync(mark)).toBe(false);
  }, 60_000);

  test('a captured payload in each accepted place: printed back, not run', async () => {
    const dir = inlineFiles({});
    const mark = join(dir, 'PWNED');
    const payloadFile = join(dir, 'payload');
    writeFileSync(payloadFile, PAYLOADS(mark)[0]!);
    const result = await runCli({ 'c.yaml': capturedRunbook(mark, 'here', HOSTS, payloadFile) }, ['run', 'c.yaml', '--reporter', 'json']);
    const checks = result.report!.questions.flatMap((question) => question.checks);
    expect(checks.filter((check) => check.status !== 'pass').map((check) => `${check.id}: ${check.reason ?? ''}`)).toEqual([]);
    expect(checks).toHaveLength(ACCEPTED.length + 1);
    expect(existsSync(mark)).toBe(false);
  });

  test('the evidence shows the line that ran: the value quoted, or set in a variable first', async () => {
    const runbook = `version: 1
title: t
vars: { v: "x $(touch y)" }
hosts: { here: local }
questions:
  - id: q
    title: q
    checks:
      - { id: bare, on: here, run: "printf '%s' \${vars.v}" }
      - { id: quoted, on: here, run: 'printf "<%s>" "got \${vars.v}"' }
`;
    const result = await runCli({ 'e.yaml': runbook }, ['run', 'e.yaml', '--reporter', 'json']);
    const commands = result.report!.questions[0]!.checks.map((check) => check.evidence[0]?.command);
    expect(commands).toEqual([
      "printf '%s' 'x $(touch y)'",
      `rb_vars_v='x $(touch y)'; printf "<%s>" "got \${rb_vars_v}"`,
    ]);
  });

  test.each(REFUSED.map((position) => [position.name, position] as const))('in %s: the runbook does not load, nothing runs', async (_name, position) => {
    const result = await runCli({ 'r.yaml': refusedRunbook(position, HOSTS, 'here') }, ['run', 'r.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^r\.yaml:\d+:\d+: questions\[0\]\.checks\[0\]\.run uses \$\{vars\.v\} in .+: .+ \[RB_UNSAFE_REFERENCE\]$/);
    expect(existsSync(join(result.dir, 'ran-marker'))).toBe(false);
  });

  test('the messages say where and how to rewrite', async () => {
    const messages = await Promise.all(['single quotes', 'sh -c', 'shell arithmetic'].map(async (name) => {
      const position = POSITIONS.find((candidate) => candidate.name === name)!;
      return (await runCli({ 'r.yaml': refusedRunbook(position, HOSTS, 'here') }, ['validate', 'r.yaml'])).stderr.trimEnd();
    }));
    expect(messages).toEqual([
      "r.yaml:13:14: questions[0].checks[0].run uses ${vars.v} in single quotes, where the shell never expands it: end the quotes before it and open them again after it: 'got '${vars.v} [RB_UNSAFE_REFERENCE]",
      `r.yaml:13:14: questions[0].checks[0].run uses \${vars.v} in the script of sh -c, which a second shell parses again: pass it as an argument instead: sh -c 'echo "$1"' sh \${vars.v} [RB_UNSAFE_REFERENCE]`,
      'r.yaml:13:14: questions[0].checks[0].run uses ${vars.v} in $(( )), where bash evaluates a value as an expression and can run commands in it: compare the value with an expectation (lt, ge) or a capture regex instead of shell arithmetic [RB_UNSAFE_REFERENCE]',
    ]);
  });
});
