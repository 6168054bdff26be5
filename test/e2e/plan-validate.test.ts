// `runbook validate` and `runbook plan`: nothing runs, and the plan shows exactly what would.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const RUNBOOK = `version: 1
title: Plan me
vars:
  port: 3306
hosts:
  server: local
  client: admin@10.0.0.5:2222
questions:
  - id: service-up
    title: Is it up?
    checks:
      - id: find-pid
        on: server
        run: touch ran-marker; pgrep -f "[m]ysqld --port=\${vars.port}"
        capture:
          pid: '^(\\d+)'
  - id: port-listening
    title: Does it listen?
    checks:
      - id: lsof-port
        on: server
        run: lsof -nPi4:\${vars.port} -a -p \${captures.pid}
        depends_on: [find-pid]
        timeout: 5s
        expect:
          stdout: { contains: LISTEN }
      - id: from-client
        on: client
        run: nc -vz server \${vars.port}
`;

describe('validate and plan', () => {
  test('validate says what it found and runs nothing', async () => {
    const result = await runCli({ 'r.yaml': RUNBOOK }, ['validate', 'r.yaml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('r.yaml: valid (2 questions, 3 checks)\n');
    expect(existsSync(join(result.dir, 'ran-marker'))).toBe(false);
  });

  test('plan lists checks in execution order with hosts and commands, variables resolved', async () => {
    const result = await runCli({ 'r.yaml': RUNBOOK }, ['plan', 'r.yaml', '--var', 'port=3307']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  1. find-pid [service-up] on server (local), command, timeout 30s');
    expect(result.stdout).toContain('       $ touch ran-marker; pgrep -f "[m]ysqld --port=3307"');
    expect(result.stdout).toContain('  2. lsof-port [port-listening] on server (local), command, timeout 5s, after find-pid');
    expect(result.stdout).toContain('       $ lsof -nPi4:3307 -a -p ${captures.pid}');
    expect(result.stdout).toContain('  3. from-client [port-listening] on client (admin@10.0.0.5:2222), command, timeout 30s');
    expect(existsSync(join(result.dir, 'ran-marker'))).toBe(false);
  });

  // A runbook cannot hold such characters (refused where written), but a value given on the command
  // line or in RUNBOOK_VAR_* can: ESC c would reset the terminal, U+202E make `KO` read `OK`.
  test('plan refuses a variable holding a terminal or bidi control, as the YAML would, in text and in JSON', async () => {
    // It was shown as its escape in the plan, while the human report of a run printed a title
    // filled with it as it is; now such a value is refused wherever it is given (run.test.ts).
    const given = ['--var', 'port=33\u001bc\u202e06'];
    const text = await runCli({ 'r.yaml': RUNBOOK }, ['plan', 'r.yaml', ...given]);
    const json = await runCli({ 'r.yaml': RUNBOOK }, ['plan', 'r.yaml', '--json', ...given]);
    for (const output of [text, json]) {
      expect([output.exitCode, output.stdout]).toEqual([2, '']);
      expect(output.stderr).toMatch(/^--var port: the value of port holds the control character U\+001B, which a terminal acts on: .* \[RB_USAGE\]\n$/);
    }
  });

  test('plan --json is machine-readable', async () => {
    const result = await runCli({ 'r.yaml': RUNBOOK }, ['plan', 'r.yaml', '--json', '--host', 'client=local']);
    const plan = JSON.parse(result.stdout) as { checks: { id: string; target: string; dependsOn: string[]; expect: string[]; capture: string[] }[] };
    expect(plan.checks.map((c) => c.id)).toEqual(['find-pid', 'lsof-port', 'from-client']);
    expect(plan.checks[2]!.target).toBe('local');
    expect(plan.checks[0]!.capture).toEqual(['pid <- stdout /^(\\d+)/']);
    expect(plan.checks[1]).toMatchObject({ dependsOn: ['find-pid'], expect: ['stdout contains "LISTEN"', 'exit_code equals 0'] });
  });

  test('an ssh_config HostName or User holding a terminal control makes its host an error, shown escaped; nothing connects', async () => {
    // The report shows where each check ran (`root@host:22`): such a HostName reached the
    // operator's terminal as it is, in the check's line and its evidence.
    const config = 'Host evil\n  HostName ho\u001b]0;owned\u0007st\n\nHost worse\n  User r\u009b2Joot\n';
    const runbook = 'version: 1\ntitle: Where it runs\nhosts:\n  here: local\nquestions:\n  - id: q\n    title: Q\n    checks:\n      - { id: c, on: here, run: "true" }\n';
    for (const [alias, said] of [['evil', String.raw`HostName "ho\x1b]0;owned\x07st" from ssh_config holds \x1b, which a terminal acts on: correct it there`], ['worse', String.raw`User "r\x9b2Joot" from ssh_config holds \x9b, which a terminal acts on: correct it there`]] as const) {
      const result = await runCli({ 'r.yaml': runbook, ssh_config: config }, ['run', 'r.yaml', '--host', `here=${alias}`, '--ssh-config', 'ssh_config', '--reporter', 'json']);
      expect(result.exitCode, result.stderr).toBe(3);
      expect(result.report!.questions[0]!.checks[0]).toMatchObject({ status: 'error', target: alias, reason: expect.stringContaining(said) as unknown });
      const human = await runCli({ 'r.yaml': runbook, ssh_config: config }, ['run', 'r.yaml', '--host', `here=${alias}`, '--ssh-config', 'ssh_config', '--quiet']);
      expect(human.stdout).toContain(`ERROR c on here (${alias}): ${said}`);
      // eslint-disable-next-line no-control-regex
      expect(`${human.stdout}${human.stderr}`).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    }
  });

  test('plan --ssh-config shows where an alias goes, user, port and jump hosts included; nothing connects', async () => {
    const config = 'Host app7\n  HostName 10.0.0.7\n  User deploy\n  Port 2200\n  ProxyJump ops@bastion\n\nHost bastion\n  HostName 10.0.0.1\n';
    const files = { 'r.yaml': RUNBOOK, ssh_config: config };
    const result = await runCli(files, ['plan', 'r.yaml', '--host', 'client=app7', '--ssh-config', 'ssh_config']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('  1. find-pid [service-up] on server (local), command, timeout 30s');
    expect(result.stdout).toContain('  3. from-client [port-listening] on client (app7 → deploy@10.0.0.7:2200 via ops@10.0.0.1:22), command, timeout 30s');
    const json = JSON.parse((await runCli(files, ['plan', 'r.yaml', '--json', '--ssh-config', 'ssh_config'])).stdout) as { checks: { id: string; target: string }[] };
    // What the runbook writes beats the file, as on ssh's command line: nothing more to say.
    expect(json.checks.find((check) => check.id === 'from-client')!.target).toBe('admin@10.0.0.5:2222');
    const missing = await runCli(files, ['plan', 'r.yaml', '--ssh-config', 'nope']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/^--ssh-config nope: cannot read it: ENOENT[^\n]*\[RB_USAGE\]\n$/);
  });

  test('shipped runbooks are found by name from any directory', async () => {
    const byName = await runCli({}, ['validate', 'local-host.yaml']);
    expect(byName.exitCode).toBe(0);
    expect(byName.stdout).toMatch(/runbooks\/local-host\.yaml: valid/);
    expect((await runCli({}, ['validate', 'runbooks/local-host.yaml'])).exitCode).toBe(0);
    expect((await runCli({}, ['validate', 'local-host'])).exitCode).toBe(0);
    const typo = await runCli({}, ['validate', 'local-hots.yaml']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('did you mean "local-host.yaml"?');
  });
});

describe('plan shows what run runs', () => {
  const KINDS = `version: 1
title: Same steps
vars:
  closed: 1
hosts:
  here: local
questions:
  - id: q
    title: Q
    checks:
      - id: cmd
        on: here
        run: echo port \${vars.closed}
      - id: proc
        on: here
        process: { name: "sh|bash|node" }
      - id: socks
        on: here
        listening: { port: "\${vars.closed}" }
        informational: true
      - id: connect
        on: here
        tcp_connect: { host: 127.0.0.1, port: "\${vars.closed}", timeout: 1s }
        informational: true
      - id: db
        on: here
        mysql: { host: 127.0.0.1, port: "\${vars.closed}" }
        informational: true
`;

  test('each command the run executed is a step of that check in the plan, and the first is its first', async () => {
    const plan = await runCli({ 'r.yaml': KINDS }, ['plan', 'r.yaml', '--json']);
    const run = await runCli({ 'r.yaml': KINDS }, ['run', 'r.yaml', '--reporter', 'json']);
    expect(plan.exitCode).toBe(0);
    const planned = (JSON.parse(plan.stdout) as { checks: { id: string; alternatives: { via: string; line: string }[] }[] }).checks;
    const results = run.report!.questions.flatMap((question) => question.checks);
    expect(results.map((result) => result.id).sort()).toEqual(planned.map((check) => check.id).sort());
    for (const result of results) {
      const steps = planned.find((check) => check.id === result.id)!.alternatives;
      expect(result.evidence.length, result.id).toBeGreaterThan(0);
      result.evidence.forEach((evidence, index) => {
        // A conversation's evidence says what was spoken; the plan's stream line names the same destination.
        if (evidence.conversation) expect(steps.some((step) => step.via === 'stream' && step.line.includes('127.0.0.1:1 ')), result.id).toBe(true);
        else if (index === 0) expect(evidence.command, result.id).toBe(steps[0]!.line);
        else expect(steps.map((step) => step.line), result.id).toContain(evidence.command);
      });
    }
  });
});
