// Writing runbooks (issue 10): no `${...}` is ever left as literal text, a declared `expect` still
// needs the command to succeed, a tool missing inside a pipeline is an error naming it, and limits
// and timeouts can come from variables. Each driven through the built CLI.
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const runbook = (vars: string, questions: string): string => `version: 1
title: Writing test
vars:
${vars}
hosts:
  here: local
questions:
${questions}`;

const check = (id: string, body: string): string => `      - id: ${id}
        on: here
${body.split('\n').map((line) => `        ${line}`).join('\n')}`;

const oneQuestion = (checks: string, question = '  - id: q\n    title: The question'): string => `${question}\n    checks:\n${checks}`;

describe('variables everywhere an author writes', () => {
  const file = runbook(
    '  port: 8080\n  scratch: /tmp',
    oneQuestion(check('port-echo', 'run: echo 8080\nexpect:\n  stdout: { equals: "${vars.port}" }'), '  - id: q\n    title: Is ${vars.port} served?\n    hint: free space under ${vars.scratch}'),
  );

  test('in an expectation, a question title and a question hint', async () => {
    const passing = await runCli({ 'r.yaml': file }, ['run', 'r.yaml', '--reporter', 'json']);
    expect(passing.exitCode).toBe(0);
    expect(passing.report!.questions[0]).toMatchObject({ title: 'Is 8080 served?', status: 'pass' });
    const failing = await runCli({ 'r.yaml': file }, ['run', 'r.yaml', '--var', 'port=9090', '--var', 'scratch=/nonexistent']);
    expect(failing.exitCode).toBe(1);
    expect(failing.stdout).toContain('stdout expected to equal "9090", got "8080');
    expect(failing.stdout).toContain('free space under /nonexistent');
    expect(failing.stdout).not.toContain('${vars.');
  });

  test('an unknown name anywhere is a load error at its line and column, with a suggestion', async () => {
    const typo = runbook('  port: 8080', oneQuestion(check('c', 'run: echo 8080\nexpect:\n  stdout: { contains: "${vars.prot}" }'), '  - id: q\n    title: Q ${vars.nope}'));
    const result = await runCli({ 'r.yaml': typo }, ['validate', 'r.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('r.yaml:9:12: questions[0].title uses ${vars.nope}, which vars does not declare; declare it under vars (declared: port) [RB_UNKNOWN_VAR]');
    expect(result.stderr).toContain('r.yaml:15:31: questions[0].checks[0].expect.stdout.contains uses ${vars.prot}, which vars does not declare; did you mean "port"? [RB_UNKNOWN_VAR]');
  });

  test('${env.X} is no runbook reference: refused at load, never left to the shell', async () => {
    const result = await runCli({ 'r.yaml': runbook('  port: 1', oneQuestion(check('c', 'run: echo ${env.HOME}'))) }, ['validate', 'r.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/r\.yaml:13:14: questions\[0\]\.checks\[0\]\.run uses \$\{env\.HOME\}, which is no runbook reference; runbook fills in \$\{vars\.NAME\} \(set with --var, RUNBOOK_VAR_NAME or the file\)/);
  });

  test('a capture where the run fills in none is refused at load', async () => {
    const file2 = runbook('  port: 1', oneQuestion(`${check('a', 'run: echo 5\ncapture:\n  n: "(\\\\d+)"')}\n${check('b', 'run: echo 5\ndepends_on: [a]\nexpect:\n  stdout: { contains: "${captures.n}" }')}`));
    const result = await runCli({ 'r.yaml': file2 }, ['validate', 'r.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/expect\.stdout\.contains uses \$\{captures\.n\} where the run fills in no capture.*\[RB_CAPTURE_SCOPE\]/);
  });
});

describe('thresholds and timeouts from variables', () => {
  const file = runbook(
    '  max: 50\n  wait: 5s',
    oneQuestion(check('usage', 'run: echo 42\ntimeout: ${vars.wait}\nexpect:\n  stdout:\n    lt: ${vars.max}')),
  );

  test('lt: ${vars.max} compares numbers, from the file or from --var', async () => {
    expect((await runCli({ 'r.yaml': file }, ['run', 'r.yaml'])).exitCode).toBe(0);
    const lower = await runCli({ 'r.yaml': file }, ['run', 'r.yaml', '--var', 'max=40']);
    expect(lower.exitCode).toBe(1);
    expect(lower.stdout).toContain('stdout expected to be less than 40, got 42');
  });

  test('a variable that is no number is a load error at the reference', async () => {
    const result = await runCli({ 'r.yaml': file }, ['validate', 'r.yaml', '--var', 'max=lots']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('r.yaml:18:17: questions[0].checks[0].expect.stdout.lt must be a number, got "lots" [RB_MATCHER]');
  });

  test('timeout: ${vars.wait} is the check\'s timeout; "1" from --var is one second', async () => {
    const slow = runbook('  wait: 5s', oneQuestion(check('slow', 'run: sleep 3\ntimeout: ${vars.wait}')));
    const result = await runCli({ 'r.yaml': slow }, ['run', 'r.yaml', '--var', 'wait=1', '--reporter', 'json']);
    expect(result.exitCode).toBe(3);
    expect(result.report!.questions[0]!.checks[0]!.reason).toBe('timed out after 1s on here (the command was killed)');
    const bad = await runCli({ 'r.yaml': slow }, ['validate', 'r.yaml', '--var', 'wait=soon']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('questions[0].checks[0].timeout must be a duration such as 500ms, 5s or 2m, got "soon" from ${vars.wait} [RB_SCHEMA]');
  });

  test('a kind\'s own duration from a variable', async () => {
    const file3 = runbook('  wait: 700ms', oneQuestion(check('c', 'tcp_connect: { host: 127.0.0.1, port: 1, timeout: "${vars.wait}" }\nexpect:\n  state: { equals: refused }')));
    const plan = await runCli({ 'r.yaml': file3 }, ['plan', 'r.yaml']);
    expect(plan.stdout).toContain("timeout --foreground 0.7 bash -c 'exec 3<>/dev/tcp/127.0.0.1/1'");
    const bad = await runCli({ 'r.yaml': file3 }, ['run', 'r.yaml', '--var', 'wait=soon', '--reporter', 'json']);
    expect(bad.report!.questions[0]!.checks[0]).toMatchObject({ status: 'error', reason: 'timeout must be a duration such as 500ms, 2s or 1m, got "soon"' });
  });
});

describe('no silent pass', () => {
  test('a declared expect keeps exit_code 0: "status: ok" printed by a failing command fails', async () => {
    const file = runbook('  x: 1', oneQuestion(check('c', 'run: \'echo "status: ok"; exit 2\'\nexpect:\n  stdout: { contains: ok }')));
    const result = await runCli({ 'r.yaml': file }, ['run', 'r.yaml', '--reporter', 'json']);
    expect(result.exitCode).toBe(1);
    expect(result.report!.questions[0]!.checks[0]!.reason).toBe('exit_code expected to equal 0, got 2');
    const allowed = runbook('  x: 1', oneQuestion(check('c', 'run: \'echo "status: ok"; exit 2\'\nexpect:\n  stdout: { contains: ok }\n  exit_code: 2')));
    expect((await runCli({ 'r.yaml': allowed }, ['run', 'r.yaml'])).exitCode).toBe(0);
  });

  test('a tool missing inside a pipeline is an error naming it, and tool_missing fires', async () => {
    const file = `${runbook('  x: 1', oneQuestion(check('ntp', 'run: chronyc-absent-x1 -c tracking | awk -F, \'{ print $5 }\'')))}
diagnosis:
  - id: tools
    when: { tool_missing: true }
    finding: "missing: \${tools.missing}"
`;
    const result = await runCli({ 'r.yaml': file }, ['run', 'r.yaml', '--reporter', 'json']);
    expect(result.exitCode).toBe(3);
    expect(result.report!.questions[0]!.checks[0]).toMatchObject({
      status: 'error',
      reason: 'chronyc-absent-x1 not installed on here: the pipeline ran without it (exit 0); stderr says so',
      missingTools: [{ tool: 'chronyc-absent-x1', host: 'here' }],
    });
    expect(result.report!.diagnosis[0]).toMatchObject({ message: 'missing: chronyc-absent-x1 on here' });
  });
});
