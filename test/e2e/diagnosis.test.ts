// Informational checks and diagnosis end to end: the question decides by what matters, and the
// finding explains the rest, in the JSON and the human report.
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const RUNBOOK = `version: 1
title: Reachability
hosts:
  client: local
questions:
  - id: hosts-reach
    title: Does the client reach the server?
    checks:
      - id: ping-server
        on: client
        run: exit-with 1
        informational: true
      - id: tcp-server
        on: client
        run: echo open
        expect:
          stdout: { equals: open }
diagnosis:
  - id: icmp-filtered
    when:
      all:
        - { check: ping-server, status: fail }
        - { check: tcp-server, field: stdout, matches: { equals: open } }
    finding: ping fails but TCP answers, so ICMP is filtered
    hint: not a connectivity problem
`;

describe('informational checks and diagnosis', () => {
  test('a failed informational check does not fail its question; the finding says why', async () => {
    const result = await runCli({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml', '--reporter', 'json']);
    expect(result.exitCode).toBe(0);
    const question = result.report!.questions[0]!;
    expect(question.status).toBe('pass');
    expect(question.checks[0]).toMatchObject({ id: 'ping-server', status: 'fail', informational: true });
    expect(result.report!.diagnosis).toEqual([
      {
        runbook: 'r.yaml',
        id: 'icmp-filtered',
        message: 'ping fails but TCP answers, so ICMP is filtered',
        hint: 'not a connectivity problem',
        evidence: [
          { check: 'ping-server', status: 'fail', reason: 'exit_code expected to equal 0, got 1' },
          { check: 'tcp-server', status: 'pass' },
        ],
      },
    ]);
  });

  test('the human report shows the informational failure under a passing question, then the diagnosis', async () => {
    const result = await runCli({ 'r.yaml': RUNBOOK }, ['run', 'r.yaml']);
    expect(result.stdout).toMatch(/^PASS +hosts-reach +Does the client reach the server\?\n +FAIL +ping-server \(informational\) on client \(local\)/m);
    expect(result.stdout).toContain('Diagnosis\n- icmp-filtered: ping fails but TCP answers, so ICMP is filtered\n    based on: ping-server (fail), tcp-server (pass)\n    hint: not a connectivity problem\n');
  });
});
