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

  test('in the matcher of a when: and of a diagnosis rule, as in expect (they compared with the text "${vars.want}")', async () => {
    const conditions = `${runbook('  want: hello', oneQuestion([
      check('a', 'run: echo hello'),
      check('b', 'run: echo b\nwhen: { check: a, field: stdout, matches: { equals: "${vars.want}" } }'),
    ].join('\n')))}\ndiagnosis:\n  - id: said-it\n    when: { check: a, field: stdout, matches: { equals: "\${vars.want}" } }\n    finding: a said \${vars.want}\n`;
    const said = await runCli({ 'r.yaml': conditions }, ['run', 'r.yaml', '--reporter', 'json']);
    expect(said.report!.questions[0]!.checks.map((c) => [c.id, c.status])).toEqual([['a', 'pass'], ['b', 'pass']]);
    expect(said.report!.diagnosis.map((finding) => finding.message)).toEqual(['a said hello']);
    const other = await runCli({ 'r.yaml': conditions }, ['run', 'r.yaml', '--var', 'want=bye', '--reporter', 'json']);
    expect(other.report!.questions[0]!.checks.map((c) => [c.id, c.status])).toEqual([['a', 'pass'], ['b', 'skipped']]);
    expect(other.report!.diagnosis).toEqual([]);
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

  test('a capture where the run fills in none (a question title) is refused at load', async () => {
    const file2 = runbook('  port: 1', oneQuestion(`${check('a', 'run: echo 5\ncapture:\n  n: "(\\\\d+)"')}`, '  - id: q\n    title: Is ${captures.n} there?'));
    const result = await runCli({ 'r.yaml': file2 }, ['validate', 'r.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('r.yaml:9:12: questions[0].title uses ${captures.n} where the run fills in no capture; a capture can be used in the spec (the command), the hint and the expectations of a check that depends on its producer [RB_CAPTURE_SCOPE]');
  });
});

describe('matchers on captured values', () => {
  const curlLike = (output: string, limit = '0.5'): string => runbook(
    `  max_seconds: ${limit}`,
    oneQuestion(check('fetch', `run: echo "${output}"\ncapture:\n  status: { regex: '^(\\d+) ', expect: { equals: "200" } }\n  seconds: { regex: ' ([0-9.]+)$', expect: { lt: "\${vars.max_seconds}" } }`)),
  );

  test('one check asserts "200 and fast" on its own captures, and fails on either', async () => {
    const fast = await runCli({ 'r.yaml': curlLike('200 0.42') }, ['run', 'r.yaml', '--reporter', 'json']);
    expect(fast.exitCode).toBe(0);
    expect(fast.report!.questions[0]!.checks[0]!.expectations.map((e: { field: string; pass: boolean }) => [e.field, e.pass])).toEqual([['exit_code', true], ['status', true], ['seconds', true]]);
    const slow = await runCli({ 'r.yaml': curlLike('200 0.92') }, ['run', 'r.yaml']);
    expect(slow.exitCode).toBe(1);
    expect(slow.stdout).toContain('FAIL  fetch on here (local): seconds expected to be less than 0.5, got 0.92');
    const broken = await runCli({ 'r.yaml': curlLike('503 0.01') }, ['run', 'r.yaml']);
    expect(broken.stdout).toContain('status expected to equal "200", got "503"');
    const looser = await runCli({ 'r.yaml': curlLike('200 0.92') }, ['run', 'r.yaml', '--var', 'max_seconds=1']);
    expect(looser.exitCode).toBe(0);
  });

  test('a capture that finds nothing fails with that, not with its matcher', async () => {
    const result = await runCli({ 'r.yaml': curlLike('no answer') }, ['run', 'r.yaml']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('FAIL  fetch on here (local): capture "status": /^(\\d+) / found nothing in stdout');
  });

  test('the plan shows the matcher of each capture', async () => {
    const result = await runCli({ 'r.yaml': curlLike('200 0.42') }, ['plan', 'r.yaml']);
    expect(result.stdout).toContain('expect: exit_code equals 0; status equals "200"; seconds < 0.5');
  });

  test('a matcher on a capture is compiled at load: a bare number on text is refused at its place', async () => {
    const file = runbook('  x: 1', oneQuestion(check('c', "run: echo 200\ncapture:\n  status: { regex: '(\\d+)', expect: 200 }")));
    const result = await runCli({ 'r.yaml': file }, ['validate', 'r.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('r.yaml:15:45: questions[0].checks[0].capture.status.expect a bare number compares numbers; this value is text: write {equals: "200"} or {gt: ...} [RB_MATCHER]');
  });

  const producerAndReader = (readerExpect: string, dependsOn = 'depends_on: [producer]\n'): string => runbook('  x: 1', oneQuestion([
    check('producer', 'run: echo "pid 4242 token ab("\ncapture:\n  pid: "pid (\\\\d+)"\n  token: "token (\\\\S+)"\n  code: { regex: "(\\\\d)", expect: { equals: "4" } }'),
    check('reader', `run: printf 'owner 4242\\n'; exit 4\n${dependsOn}expect:\n${readerExpect}`),
  ].join('\n')));

  test("a later check's matcher takes an earlier check's capture, text or number", async () => {
    const file = producerAndReader('  stdout: { regex: "^owner ${captures.pid}$" }\n  exit_code: "${captures.code}"');
    const passing = await runCli({ 'r.yaml': file }, ['run', 'r.yaml']);
    expect(passing.exitCode).toBe(0);
    const plan = await runCli({ 'r.yaml': file }, ['plan', 'r.yaml']);
    expect(plan.stdout).toContain('expect: stdout regex /^owner ${captures.pid}$/; exit_code equals ${captures.code}');
    const other = await runCli({ 'r.yaml': producerAndReader('  stdout: { contains: "owner ${captures.pid}0" }\n  exit_code: 4') }, ['run', 'r.yaml']);
    expect(other.exitCode).toBe(1);
    expect(other.stdout).toContain('stdout expected to contain "owner 42420", got "owner 4242\\n"');
  });

  test('a capture read by a matcher without depending on its producer is refused at the expectation', async () => {
    const result = await runCli({ 'r.yaml': producerAndReader('  stdout: { contains: "${captures.pid}" }', '') }, ['validate', 'r.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('r.yaml:22:19: check "reader" uses ${captures.pid} from check "producer" without depending on it; add depends_on: [producer] [RB_CAPTURE_SCOPE]');
  });

  test('a captured value that makes a matcher invalid is an error before the check runs', async () => {
    const file = producerAndReader('  stderr: { regex: "${captures.token}" }');
    const result = await runCli({ 'r.yaml': file }, ['run', 'r.yaml']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/ERROR\s+reader on here \(local\): expect stderr: with the captured values, it .*regular expression/);
    expect(result.stdout).not.toContain('owner 4242');
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

describe('--vars-file', () => {
  const file = runbook('  port: 8080\n  host_name: web', oneQuestion(check('c', 'run: echo ${vars.host_name}:${vars.port}')));
  const said = async (files: Record<string, string>, args: string[], env: Record<string, string> = {}) => {
    const result = await runCli({ 'r.yaml': file, ...files }, ['run', 'r.yaml', '--reporter', 'json', ...args], env);
    return result.report?.questions[0]?.checks[0]?.evidence[0]?.stdout.text;
  };

  test('values for one environment, under RUNBOOK_VAR_ and --var; a later file wins', async () => {
    const files = { 'prod.yaml': 'port: 9090\nhost_name: prod-web\n', 'eu.yaml': 'host_name: eu-web\n' };
    expect(await said(files, ['--vars-file', 'prod.yaml'])).toBe('prod-web:9090');
    expect(await said(files, ['--vars-file', 'prod.yaml', '--vars-file', 'eu.yaml'])).toBe('eu-web:9090');
    expect(await said(files, ['--vars-file', 'prod.yaml'], { RUNBOOK_VAR_port: '7070' })).toBe('prod-web:7070');
    expect(await said(files, ['--vars-file', 'prod.yaml', '--var', 'port=6060'], { RUNBOOK_VAR_port: '7070' })).toBe('prod-web:6060');
  });

  test('every problem at its line and column in the vars file, nothing run', async () => {
    const result = await runCli({ 'r.yaml': file, 'bad.yaml': 'port: 9090\nprot: 1\nhost_name: [a, b]\n' }, ['run', 'r.yaml', '--vars-file', 'bad.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('bad.yaml:3:12: host_name must be a text, a number or true/false, got a list [RB_USAGE]');
    expect(result.stdout).toBe('');
    const typo = await runCli({ 'r.yaml': file, 'typo.yaml': 'port: 9090\nprot: 1\n' }, ['run', 'r.yaml', '--vars-file', 'typo.yaml']);
    expect(typo.stderr).toBe('typo.yaml:2:1: prot: no runbook of this run declares a variable "prot"; did you mean "port"? [RB_USAGE]\n');
    const yaml = await runCli({ 'r.yaml': file, 'y.yaml': 'port: [9090\n' }, ['validate', 'r.yaml', '--vars-file', 'y.yaml']);
    expect(yaml.exitCode).toBe(2);
    expect(yaml.stderr).toMatch(/^y\.yaml:\d+:\d+: .* \[RB_YAML\]/m);
    const missing = await runCli({ 'r.yaml': file }, ['validate', 'r.yaml', '--vars-file', 'nope.yaml']);
    expect(missing.stderr).toMatch(/^--vars-file nope\.yaml: cannot read it: ENOENT.* \[RB_FILE\]/m);
  });
});

describe('errors an author meets, one root cause each, saying what to do', () => {
  const head = 'version: 1\ntitle: t\nvars:\n  max: 5\nhosts:\n  here: local\nquestions:\n  - id: q\n    title: Q\n    checks:\n      - id: c\n        on: here\n';
  const validate = async (yaml: string) => runCli({ 'r.yaml': yaml }, ['validate', 'r.yaml']);

  test('an unquoted ${ in a flow mapping: one line that says to quote it, not a cascade', async () => {
    const many = `${head}        run: echo 3\n        expect:\n          stdout: { lt: \${vars.max} }\n      - id: d\n        on: here\n        run: echo 4\n      - id: e\n        on: here\n        run: echo 5\n`;
    const result = await validate(many);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('r.yaml:15:26: ${vars.max} must be quoted here: YAML reads the "{" after "$" as the start of a mapping; write "${vars.max}" [RB_YAML]\n');
  });

  test('": " inside a value: quote the whole value, shown written back', async () => {
    const result = await validate(`${head}        run: echo "a: b"; exit 1\n`);
    expect(result.stderr).toBe(`r.yaml:13:14: Nested mappings are not allowed in compact mappings: the value holds ": ", which YAML reads as another key; quote the whole value: run: 'echo "a: b"; exit 1' [RB_YAML]\n`);
    const finding = await validate(`${head}        run: echo 1\ndiagnosis:\n  - id: d\n    when: { check: c, status: fail }\n    finding: the database refused: check the grants\n`);
    expect(finding.stderr).toContain("quote the whole value: finding: 'the database refused: check the grants' [RB_YAML]");
  });

  test('bad indentation is named as such, at the line that is off', async () => {
    const less = await validate(`${head}       run: echo 3\n`);
    expect(less.stderr).toBe('r.yaml:13:1: bad indentation: this line is indented 7 spaces and the one above 8: the keys of one map must start at the same column [RB_YAML]\n');
    const more = await validate(`${head}        run: echo 3\n         timeout: 5s\n`);
    expect(more.stderr).toBe('r.yaml:14:10: bad indentation: this line is indented 9 spaces and the one above 8: the keys of one map must start at the same column [RB_YAML]\n');
  });

  test('schema and planner problems together; a check is never suggested as its own dependency', async () => {
    const yaml = `${head.replace('        on: here\n', '        on: hre\n')}        run: echo 1\n        expect:\n          exit_code: zero\n      - id: check-b\n        on: here\n        run: echo 2\n        depends_on: [check-bb]\n        timeout: 5 seconds\n`;
    const result = await validate(yaml);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'r.yaml:12:13: check "c" runs on unknown host role "hre"; did you mean "here"? [RB_UNKNOWN_HOST]',
      'r.yaml:15:22: questions[0].checks[0].expect.exit_code must be an integer, got "zero" [RB_SCHEMA]',
      'r.yaml:19:22: check "check-b" depends on unknown check "check-bb" [RB_UNKNOWN_DEPENDENCY]',
      'r.yaml:20:18: questions[0].checks[1].timeout must be a duration such as 500ms, 5s or 2m (a bare number is seconds), got "5 seconds" [RB_SCHEMA]',
    ]);
  });
});

describe('when: a check or a question only when a condition holds', () => {
  const file = runbook(
    '  env: staging',
    `${oneQuestion(`${check('port', 'tcp_connect: { host: 127.0.0.1, port: 1 }\ninformational: true')}
${check('look-closer', 'when: { check: port, status: [fail, error] }\nrun: echo investigating')}
${check('only-if-fine', 'when: { check: port, status: pass }\nrun: echo fine')}`)}
  - id: prod
    title: Production only
    when: { var: env, matches: { equals: prod } }
    checks:
${check('agent', 'run: echo agent')}`,
  );

  test('skipped with the condition as the reason; the checks it asks about finish first, whatever their outcome', async () => {
    const result = await runCli({ 'r.yaml': file }, ['run', 'r.yaml', '--reporter', 'json']);
    const checks = Object.fromEntries(result.report!.questions.flatMap((question) => question.checks).map((c) => [c.id, c]));
    expect(checks.port).toMatchObject({ status: 'fail' });
    expect(checks['look-closer']).toMatchObject({ status: 'pass' });
    expect(checks['only-if-fine']).toMatchObject({ status: 'skipped', reason: 'its when does not hold: { check: port, status: pass }' });
    expect(checks.agent).toMatchObject({ status: 'skipped', reason: 'its when does not hold: { var: env, matches: { equals: prod } }' });
    const prod = await runCli({ 'r.yaml': file }, ['run', 'r.yaml', '--reporter', 'json', '--var', 'env=prod']);
    expect(prod.report!.questions[1]!.checks[0]).toMatchObject({ id: 'agent', status: 'pass' });
  });

  test('plan shows it; a when about the check itself or an unknown variable is a load error at its place', async () => {
    const plan = await runCli({ 'r.yaml': file }, ['plan', 'r.yaml']);
    expect(plan.stdout).toContain('       when: { check: port, status: [fail, error] }');
    const self = runbook('  env: x', oneQuestion(check('c', 'when: { check: c, status: pass }\nrun: echo 1')));
    expect((await runCli({ 'r.yaml': self }, ['validate', 'r.yaml'])).stderr).toBe(
      'r.yaml:13:15: questions[0].checks[0].when asks about check "c" itself, which has not run yet [RB_DIAGNOSIS]\n',
    );
    const typo = runbook('  environment: x', oneQuestion(check('c', 'when: { var: enviroment, matches: { equals: prod } }\nrun: echo 1')));
    expect((await runCli({ 'r.yaml': typo }, ['validate', 'r.yaml'])).stderr).toBe(
      'r.yaml:13:22: questions[0].checks[0].when.var names variable "enviroment", which vars does not declare; did you mean "environment"? [RB_DIAGNOSIS]\n',
    );
  });

  test('a when that closes a loop with depends_on is a cycle', async () => {
    const loop = runbook('  env: x', oneQuestion(`${check('a', 'when: { check: b, status: pass }\nrun: echo 1')}\n${check('b', 'depends_on: [a]\nrun: echo 2')}`));
    const result = await runCli({ 'r.yaml': loop }, ['validate', 'r.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('checks "a" -> "b" -> "a" form a dependency cycle');
  });
});
