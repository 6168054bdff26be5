// The runbook record-and-replay tests record: a command with a secret in its line, output on both
// streams and a side effect (ran.log), a capture the next check uses, a failing check and a finding.
// record-replay.test.ts asserts on it as it is; read-back.test.ts changes its recording.

export const SECRET = 'pa55-w0rd-xyz';

export const RECORDED_RUNBOOK = `version: 1
title: Record and replay
vars:
  word: hello
  token:
    secret: true
hosts:
  here: local
questions:
  - id: greet
    title: Does it greet?
    checks:
      - id: say
        on: here
        run: echo "\${vars.word} token=\${vars.token}"; echo to-stderr >&2; echo ran >> ran.log
        capture:
          first: { from: stdout, regex: '^(\\w+)' }
      - id: shout
        on: here
        run: printf '%s\\n' \${captures.first} | tr a-z A-Z
        depends_on: [say]
        expect: { stdout: { contains: HELLO } }
  - id: disk
    title: Is the answer 42?
    checks:
      - id: answer
        on: here
        run: echo 41; exit 3
        expect: { stdout: { contains: '42' } }
diagnosis:
  - id: wrong-answer
    when: { check: answer, status: fail }
    finding: the answer is not 42
`;
