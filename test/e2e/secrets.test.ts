// Secret variables end to end: given by RUNBOOK_VAR_<name> or --var, used in commands, output,
// failed expectations, hints, findings and captures, and never shown. Every byte the CLI writes
// (stdout, stderr, --output files) is searched for the value in each spelling it could take.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import shellQuote from 'shell-quote';
import { describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { inlineFiles, runCli, startCli, validateReport } from '../helpers/run-cli.js';

/** A plain one, and one that shell-quote wraps in quotes and JSON escapes. */
const SECRETS = ['s3cr3t-Value-91x', 'p@ss w"rd$91x-s3cr3t'];

const RUNBOOK = `version: 1
title: Secrets stay secret
vars:
  db_password: { secret: true, description: the database password }
  user: { default: app, description: the login }
hosts:
  here: local
questions:
  - id: login
    title: Does the login work?
    hint: rotate \${vars.db_password} if it leaked
    checks:
      - id: echo-secret
        on: here
        run: echo token=\${vars.db_password}
        capture:
          token: '^token=(.*)$'
      - id: uses-capture
        on: here
        run: echo captured \${captures.token} >&2; exit 1
        depends_on: [echo-secret]
        hint: the capture was \${captures.token}
      - id: fails-on-it
        on: here
        run: echo \${vars.db_password}
        expect:
          stdout: { equals: something-else }
        hint: the password \${vars.db_password} was refused
diagnosis:
  - id: login-refused
    when: { check: fails-on-it, status: fail }
    finding: 'refused with \${vars.db_password}; echo said \${fields.echo-secret.stdout}'
    hint: 'rotate \${vars.db_password}'
`;

const ERRORS = `version: 1
title: Secret in a missing command
vars:
  db_password: { secret: true }
hosts:
  here: local
questions:
  - id: tool
    title: Is the tool there?
    checks:
      - id: missing
        on: here
        run: no-such-tool-\${vars.db_password} --login
`;

/** The value as is, shell-quoted, JSON-escaped, and both: none may appear anywhere. */
const spellings = (secret: string): string[] => {
  const plain = [secret, shellQuote.quote([secret])];
  return [...plain, ...plain.map((text) => JSON.stringify(text).slice(1, -1))];
};

interface Output {
  readonly what: string;
  readonly text: string;
}

const GIVEN = {
  'RUNBOOK_VAR_db_password': (secret: string) => ({ args: [], env: { RUNBOOK_VAR_db_password: secret } }),
  '--var': (secret: string) => ({ args: ['--var', `db_password=${secret}`], env: {} }),
};

const CASES = SECRETS.flatMap((secret) => Object.keys(GIVEN).map((by) => ({ secret, by: by as keyof typeof GIVEN })));

/** Runs every command on the same files and collects everything it wrote: streams and files. */
const runEverything = async (secret: string, by: keyof typeof GIVEN) => {
  const dir = inlineFiles({ 'r.yaml': RUNBOOK, 'e.yaml': ERRORS });
  const { args, env } = GIVEN[by](secret);
  const commands: Record<string, string[]> = {
    human: ['run', 'r.yaml'],
    json: ['run', 'r.yaml', '--reporter', 'json'],
    jsonFile: ['run', 'r.yaml', '--reporter', 'json', '--output', 'out.json', '--quiet'],
    humanFile: ['run', 'r.yaml', '--output', 'out.txt'],
    plan: ['plan', 'r.yaml'],
    planJson: ['plan', 'r.yaml', '--json'],
    validate: ['validate', 'r.yaml'],
    error: ['run', 'e.yaml', '--reporter', 'json'],
    errorHuman: ['run', 'e.yaml'],
  };
  const results = Object.fromEntries(
    await Promise.all(
      Object.entries(commands).map(async ([name, command]) => {
        const result = await startCli(dir, [...command, ...args], env);
        return [name, { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) }] as const;
      }),
    ),
  );
  const files = { 'out.json': readFileSync(join(dir, 'out.json'), 'utf8'), 'out.txt': readFileSync(join(dir, 'out.txt'), 'utf8') };
  const outputs: Output[] = [
    ...Object.entries(results).flatMap(([name, result]) => [
      { what: `${name} stdout`, text: result.stdout },
      { what: `${name} stderr`, text: result.stderr },
    ]),
    ...Object.entries(files).map(([name, text]) => ({ what: name, text })),
  ];
  return { results, files, outputs };
};

const checkOf = (report: RunReport, id: string) => report.questions.flatMap((question) => question.checks).find((check) => check.id === id)!;

describe('secret variables', () => {
  test.for(CASES)('given by $by as $secret: in no output, masked as *** where it was', { timeout: 60_000 }, async ({ secret, by }) => {
    const { results, files, outputs } = await runEverything(secret, by);

    for (const { what, text } of outputs) {
      for (const spelling of spellings(secret)) expect(text.includes(spelling), `${what} shows ${spelling}`).toBe(false);
    }

    const human = results.human!;
    expect(human.exitCode).toBe(1);
    expect(human.stdout).toContain('FAIL  fails-on-it on here (local): stdout expected to equal "something-else", got "***\\n"');
    expect(human.stdout).toContain('$ echo ***');
    expect(human.stdout).toMatch(/^ +stdout:\n +\*\*\*$/m);
    expect(human.stdout).toContain('hint: the password *** was refused');
    expect(human.stdout).toContain('$ echo captured *** >&2; exit 1');
    expect(human.stdout).toMatch(/^ +stderr:\n +captured \*\*\*$/m);
    expect(human.stdout).toContain('hint: the capture was ***');
    // A question's hint is not substituted: the secret's name shows, never its value.
    expect(human.stdout).toContain('hint: rotate ${vars.db_password} if it leaked');
    expect(human.stdout).toContain('- login-refused: refused with ***; echo said token=***');
    expect(human.stdout).toContain('hint: rotate ***');
    const withoutTimes = (text: string): string => text.replace(/\d+ ms|[\d.]+ s$/gm, 'T');
    expect(withoutTimes(files['out.txt'])).toBe(withoutTimes(human.stdout));

    for (const text of [results.json!.stdout, files['out.json']]) {
      const report = JSON.parse(text) as RunReport;
      expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
      expect(report.runbooks[0]!.vars).toEqual({ db_password: '***', user: 'app' });
      expect(checkOf(report, 'echo-secret')).toMatchObject({ status: 'pass', captures: { token: '***' } });
      expect(checkOf(report, 'echo-secret').evidence[0]).toMatchObject({ command: 'echo token=***', stdout: { text: 'token=***' } });
      expect(checkOf(report, 'uses-capture')).toMatchObject({ status: 'fail', hint: 'the capture was ***' });
      expect(checkOf(report, 'fails-on-it')).toMatchObject({ reason: 'stdout expected to equal "something-else", got "***\\n"', hint: 'the password *** was refused' });
      expect(checkOf(report, 'fails-on-it').expectations[0]).toMatchObject({ actual: '"***\\n"' });
      expect(report.diagnosis[0]).toMatchObject({ message: 'refused with ***; echo said token=***', hint: 'rotate ***' });
    }
    expect(results.jsonFile!.stdout).toBe('');
    expect(results.jsonFile!.stderr).toBe('runbook: fail, exit code 1; report written to out.json\n');

    // The plan says where a secret goes by its name; nothing runs, so no value is needed.
    expect(results.plan!.stdout).toContain('$ echo token=${vars.db_password}');
    const plan = JSON.parse(results.planJson!.stdout) as { checks: { id: string; command: string }[] };
    expect(plan.checks.map((check) => check.command)).toEqual(['echo token=${vars.db_password}', 'echo captured ${captures.token} >&2; exit 1', 'echo ${vars.db_password}']);
    expect(results.validate).toEqual({ exitCode: 0, stdout: 'r.yaml: valid (1 question, 3 checks)\n', stderr: '' });

    const error = results.error!;
    expect(error.exitCode).toBe(3);
    const errorReport = JSON.parse(error.stdout) as RunReport;
    expect(validateReport(errorReport), JSON.stringify(validateReport.errors)).toBe(true);
    expect(checkOf(errorReport, 'missing')).toMatchObject({ status: 'error', reason: expect.stringMatching(/^command not found \(exit 127\): .*no-such-tool-\*\*\*/) as unknown });
    expect(checkOf(errorReport, 'missing').evidence[0]!.command).toBe('no-such-tool-*** --login');
    expect(results.errorHuman!.stdout).toMatch(/ERROR missing on here \(local\): command not found \(exit 127\): .*no-such-tool-\*\*\*/);
  });

  test('a secret given nowhere is empty, and nothing is masked', async () => {
    const result = await runCli({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml', '--reporter', 'json']);
    expect(result.report!.runbooks[0]!.vars).toEqual({ db_password: '', user: 'app' });
    expect(checkOf(result.report!, 'echo-secret').captures).toEqual({});
    expect(checkOf(result.report!, 'echo-secret')).toMatchObject({ status: 'fail', reason: 'capture "token": /^token=(.*)$/ found nothing in stdout' });
    expect(result.stdout).not.toContain('***');
  });

  test('a secret with a default in the file is an input error at the default, which it never repeats', async () => {
    const runbook = RUNBOOK.replace('db_password: { secret: true, description: the database password }', 'db_password: { secret: true, default: s3cr3t-Value-91x }');
    for (const command of ['validate', 'plan', 'run']) {
      const result = await runCli({ 'r.yaml': runbook }, [command, 'r.yaml']);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        "r.yaml:4:41: vars.db_password.default must not be set: a secret's value never belongs in the runbook file; give it with RUNBOOK_VAR_db_password=... in the environment or --var db_password=... [RB_SCHEMA]\n",
      );
    }
  });
});

describe('variables from the environment', () => {
  const PLAIN = `version: 1
title: Where values come from
vars:
  who: { default: from-file, description: whose turn it is }
  db_password: { secret: true }
hosts:
  here: local
questions:
  - id: q
    title: Which value?
    checks:
      - id: say
        on: here
        run: echo \${vars.who}
      - id: flag-password-wins
        on: here
        run: test \${vars.db_password} = flag-s3cr3t-Value-91x
`;

  test('--var over RUNBOOK_VAR_<name> over the default', async () => {
    const dir = inlineFiles({ 'r.yaml': PLAIN });
    const planned = async (args: string[], env: Record<string, string>) => String((await startCli(dir, ['plan', 'r.yaml', ...args], env)).stdout);
    expect(await planned([], {})).toContain('$ echo from-file');
    expect(await planned([], { RUNBOOK_VAR_who: 'from-env' })).toContain('$ echo from-env');
    expect(await planned(['--var', 'who=from-flag'], { RUNBOOK_VAR_who: 'from-env' })).toContain('$ echo from-flag');
  });

  test('the same precedence for a secret, proven by the command that receives it', async () => {
    const dir = inlineFiles({ 'r.yaml': PLAIN });
    const env = { RUNBOOK_VAR_db_password: 'env-s3cr3t-Value-91x' };
    const flagWins = await startCli(dir, ['run', 'r.yaml', '--reporter', 'json', '--var', 'db_password=flag-s3cr3t-Value-91x'], env);
    expect(flagWins.exitCode).toBe(0);
    // The value written into the runbook is the secret's in this run: masked as well.
    expect((JSON.parse(String(flagWins.stdout)) as RunReport).questions[0]!.checks[1]!.evidence[0]!.command).toBe('test *** = ***');
    const envOnly = await startCli(dir, ['run', 'r.yaml', '--reporter', 'json'], env);
    expect(envOnly.exitCode).toBe(1);
    expect(`${String(flagWins.stdout)}${String(envOnly.stdout)}${String(flagWins.stderr)}${String(envOnly.stderr)}`).not.toContain('env-s3cr3t');
    expect((JSON.parse(String(envOnly.stdout)) as RunReport).questions[0]!.checks[1]!.evidence[0]!.command).toBe('test *** = flag-s3cr3t-Value-91x');
  });

  test('environment variables naming no declared variable are ignored; names are case-sensitive', async () => {
    const result = await runCli({ 'r.yaml': PLAIN }, ['plan', 'r.yaml'], { RUNBOOK_VAR_WHO: 'upper', RUNBOOK_VAR_nobody: 'x', RUNBOOK_VARwho: 'x' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('$ echo from-file');
    expect(result.stderr).toBe('');
  });
});

describe('secrets are masked before anything is shortened or escaped', () => {
  const SECRET = 's3cr3t-Value-91x';
  // The secret straddles each cut: an evidence line's 500 characters, a "got ..." of 120, and is
  // preceded by a control character that the evidence shows escaped.
  const AT_CUTS = `version: 1
title: Secrets at the cut points
vars:
  token: { secret: true }
hosts:
  here: local
questions:
  - id: cuts
    title: Cut points
    checks:
      - id: long-line
        on: here
        run: printf '%0490d%s\\n' 0 "\${vars.token}"
        expect:
          stdout: { equals: nothing-like-it }
      - id: short-got
        on: here
        run: printf '%0105d%s' 0 "\${vars.token}"
        expect:
          stdout: { equals: nothing-like-it }
      - id: after-control
        on: here
        run: printf '\\033[0m%s\\n' "\${vars.token}"
        expect:
          stdout: { equals: nothing-like-it }
`;

  // A secret may be short or a common word. Masked wherever it appeared, `x` renamed the report's
  // exitCode (the failing run below exited 0, and the human report could not be written) and
  // `fail` the status every reporter labels by.
  test.each(['x', 'fail', 'e', '2026'])("a secret that is one of the report's words or part of one (%j) changes no verdict", async (secret) => {
    const shortOne = `version: 1
title: A short secret
vars:
  token: { secret: true }
hosts:
  here: local
questions:
  - id: q
    title: Does it say so?
    checks:
      - id: says
        on: here
        run: echo "\${vars.token}"; exit 1
`;
    const json = await runCli({ 's.yaml': shortOne }, ['run', 's.yaml', '--reporter', 'json'], { RUNBOOK_VAR_token: secret });
    expect(json.exitCode, json.stderr).toBe(1);
    expect(validateReport(json.report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(json.report).toMatchObject({ status: 'fail', exitCode: 1, summary: { checks: { total: 1, fail: 1 } } });
    expect(checkOf(json.report!, 'says')).toMatchObject({ kind: 'command', status: 'fail' });
    expect(Number.isNaN(Date.parse(json.report!.startedAt))).toBe(false);
    const human = await runCli({ 's.yaml': shortOne }, ['run', 's.yaml', '--quiet'], { RUNBOOK_VAR_token: secret });
    expect([human.exitCode, human.stderr]).toEqual([1, '']);
    // Texts are masked as texts (`Do***s it say so?` for `e`); the labels and the verdict are not.
    expect(human.stdout).toMatch(/^FAIL {2}q {2}\S/m);
    expect(human.stdout).toMatch(/^Result: FAIL, exit code 1$/m);
  });

  test('no part of the secret is left at a cut, in the human or the JSON report', async () => {
    for (const reporter of ['human', 'json']) {
      const result = await runCli({ 'c.yaml': AT_CUTS }, ['run', 'c.yaml', '--reporter', reporter], { RUNBOOK_VAR_token: SECRET });
      expect(result.exitCode).toBe(1);
      const all = `${result.stdout}${result.stderr}`;
      // 490 + 10 = 500 characters of a line; 1 + 105 + 10 = 116 of a "got".
      for (const part of [SECRET, SECRET.slice(0, 10), SECRET.slice(-6)]) expect(all, `${reporter}: ${part}`).not.toContain(part);
      expect(all).toContain('***');
    }
  });
});
