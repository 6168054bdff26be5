// The `run:` check kind: its YAML form, and how it reads a command's outcome (recorded data).
import { describe, expect, test } from 'vitest';
import { interpretCommand, programsNotFound, selfMatchingSearch } from '../../src/checks/command.js';
import type { CommandOutcome } from '../../src/transport/types.js';
import { describeCheckKind } from '../helpers/describe-check-kind.js';

describeCheckKind('command', {
  valid: [
    '      - id: a\n        on: here\n        run: echo hi',
    '      - id: a\n        on: here\n        run: lsof -nPi4:${vars.port}\n        expect:\n          exit_code: { any_of: [0, 1] }\n          stdout: { contains: LISTEN }\n          stderr: { not: { contains: error } }',
    "      - id: a\n        on: here\n        run: ps -efww\n        capture:\n          pid: '^\\S+\\s+(\\d+)'\n          whole: { from: stderr }",
    '      - id: a\n        on: here\n        run: sleep 1\n        timeout: 2s\n        become: true\n        hint: wait',
  ],
  invalid: [
    { check: '      - id: a\n        on: here\n        run: ""', code: 'RB_SCHEMA', line: 13, col: 14, message: /must not be empty/ },
    { check: '      - id: a\n        on: here\n        run: [ls]', code: 'RB_SCHEMA', line: 13, col: 14, message: /must be a string/ },
    { check: '      - id: a\n        on: here\n        run: ls\n        expect:\n          exitcode: 0', code: 'RB_SCHEMA', line: 15, col: 11, message: /unknown property "exitcode"/ },
    { check: '      - id: a\n        on: here\n        run: ls\n        expect:\n          stdout: 0', code: 'RB_MATCHER', line: 15, col: 19, message: /a bare number compares numbers; this value is text/ },
    { check: '      - id: a\n        on: here\n        run: ls\n        expect:\n          stdout: true', code: 'RB_SCHEMA', line: 15, col: 19, message: /must be an object/ },
    { check: '      - id: a\n        on: here\n        run: ls\n        capture:\n          pid: { from: stdin }', code: 'RB_SCHEMA', line: 15, col: 24, message: /must be one of exit_code, stdout, stderr/ },
    { check: '      - id: a\n        on: here\n        run: echo ${vars.prot}', code: 'RB_UNKNOWN_VAR', line: 13, col: 14, message: /vars\.prot/ },
  ],
});

const outcome = (overrides: Partial<CommandOutcome>): CommandOutcome => ({ exitCode: 0, signal: null, stdout: '', stderr: '', durationMs: 5, ...overrides });

describe('command: interpreting an outcome', () => {
  test.each([
    [outcome({ exitCode: 0, stdout: 'ok\n' }), { exit_code: 0, stdout: 'ok\n', stderr: '' }, undefined],
    [outcome({ exitCode: 1, stderr: 'nope\n' }), { exit_code: 1, stdout: '', stderr: 'nope\n' }, undefined],
    [outcome({ exitCode: 127, stderr: 'sh: 1: lsof: not found\n' }), { exit_code: 127 }, 'command not found (exit 127): sh: 1: lsof: not found'],
    [outcome({ exitCode: 126, stderr: '\nsh: 1: ./x: Permission denied\n' }), { exit_code: 126 }, 'command not executable (exit 126): sh: 1: ./x: Permission denied'],
    [outcome({ exitCode: null, signal: 'SIGKILL' }), { exit_code: null }, undefined],
  ])('%# outcome -> fields and error', (given, fields, error) => {
    const observation = interpretCommand(given);
    expect(observation.fields).toMatchObject(fields);
    expect(observation.error).toBe(error);
  });
});

describe('command: a program missing inside a pipeline', () => {
  test.each([
    ['dash', '/bin/sh: 1: chronyc: not found\n', ['chronyc']],
    ['bash as sh', 'sh: line 1: chronyc: command not found\n', ['chronyc']],
    // Over SSH the command runs under `eval` in the wrapper's shell (transport/ssh/remote-command.ts).
    ['dash, under eval (over SSH)', '/bin/sh: 1: eval: chronyc: not found\n', ['chronyc']],
    ['two in one pipeline, each once', 'sh: 1: chronyc: not found\nsh: 1: jq: not found\nsh: 1: jq: not found\n', ['chronyc', 'jq']],
    ['a program that says "not found" of its own', 'grep: pattern not found\nerror: file not found\n', []],
  ])('%s', (_, stderr, programs) => {
    expect(programsNotFound(stderr)).toEqual(programs);
  });

  test('the last command exited 0: still an error, naming the tool and the host, and a missing tool for the diagnosis', () => {
    const observation = interpretCommand(outcome({ exitCode: 0, stdout: '\n', stderr: '/bin/sh: 1: chronyc: not found\n' }), 'ntp');
    expect(observation.error).toBe('chronyc not installed on ntp: the pipeline ran without it (exit 0); stderr says so');
    expect(observation.missingTools).toEqual([{ tool: 'chronyc', host: 'ntp' }]);
  });

  test('exit 127 names the missing tool for the diagnosis too', () => {
    expect(interpretCommand(outcome({ exitCode: 127, stderr: 'sh: 1: lsof: not found\n' }), 'db').missingTools).toEqual([{ tool: 'lsof', host: 'db' }]);
  });
});

describe('run: a pgrep -f or pkill -f whose pattern matches its own script, refused', () => {
  test.each([
    ['pgrep -f mysqld', 'pgrep', 'mysqld'],
    ['pgrep -u mysql -f mysqld', 'pgrep', 'mysqld'],
    ['pgrep -fl java.*app.jar && echo ok', 'pgrep', 'java.*app.jar'],
    ['FOO=1 /usr/bin/pgrep --full app', 'pgrep', 'app'],
    ['pgrep -f -- -daemon', 'pgrep', '-daemon'],
    ["echo ${vars.x}; pgrep -f 'my sql'", 'pgrep', 'my sql'],
    ['pkill -HUP -f nginx', 'pkill', 'nginx'],
  ])('%s', (script, tool, pattern) => {
    expect(selfMatchingSearch(script)).toMatch(new RegExp(`^runs ${tool} -f ${JSON.stringify(pattern).replace(/[.*]/g, '\\$&')}, which`));
  });

  test.each([
    ['without -f pgrep reads process names only', 'pgrep mysqld'],
    ['a bracket keeps the pattern from matching its own text', "pgrep -f '[m]ysqld'"],
    ['-x: the whole command line must match, which the shell\'s never is', 'pgrep -xf mysqld'],
    ['-u takes the f of -uf as its value', 'pgrep -uf mysqld'],
    ['an anchored pattern that is no text of the script', 'pgrep -f "^/usr/sbin/mysqld$"'],
    ['a value known at run time is judged then', 'pgrep -f ${vars.name}'],
    ['grep -v grep drops the shell\'s line too', 'ps -ef | grep -v grep | grep mysqld'],
  ])('accepted: %s', (_, script) => {
    expect(selfMatchingSearch(script)).toBeUndefined();
  });

  test('the suggestion for pkill is a pattern that no longer matches itself', () => {
    expect(selfMatchingSearch("pkill -f 'mysqld --port'")).toContain('e.g. "[m]ysqld --port"');
  });
});
