// Valid runbooks load with no diagnostics and into the model the planner expects: defaults filled
// in, durations parsed, hosts parsed, and command-line overrides (--var, --host) applied or refused.
import { describe, expect, test } from 'vitest';
import type { ErrorCode } from '../../src/errors/codes.js';
import type { Check, HostSpec, Runbook, VarValue } from '../../src/model/runbook.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import type { Overrides } from '../../src/runbook/normalize.js';

const dedent = (text: string): string => {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '\n').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
};

const load = (yaml: string, overrides: Overrides = {}) => loadRunbookText('x.yaml', dedent(yaml), overrides);

const loadValid = (yaml: string, overrides: Overrides = {}): Runbook => {
  const { runbook, diagnostics } = load(yaml, overrides);
  expect(diagnostics).toEqual([]);
  return runbook!;
};

const checks = (runbook: Runbook): Check[] => runbook.questions.flatMap((question) => question.checks);

/** One check on a local host; `lines` are the check's own lines after `run`, at its indentation. */
const oneCheck = (...lines: string[]): string =>
  ['version: 1', 'title: t', 'hosts: {server: local}', 'questions:', '  - id: q1', '    title: Q', '    checks:', '      - id: c1', '        on: server', '        run: echo ok', ...lines.map((line) => `        ${line}`)].join('\n') + '\n';

const VALID: [string, string][] = [
  [
    'the smallest runbook',
    `
      version: 1
      title: t
      hosts: {server: local}
      questions:
        - {id: q1, title: Q, checks: [{id: c1, on: server, run: "true"}]}
    `,
  ],
  [
    'every section and property',
    `
      version: 1
      title: MySQL connectivity
      description: Why can the app not reach the database?
      vars:
        port: 3306
        user: app
        strict: true
      hosts:
        client: local
        server: {address: "admin@db.example.com:2222", become: true}
        v6: "[fe80::1]:22"
      questions:
        - id: service-up
          title: Is mysqld running?
          hint: start it with systemctl start mariadb
          checks:
            - id: mysqld-process
              on: server
              run: pgrep -a mysqld
              capture:
                pid: "^(\\\\d+) "
                whole: {from: stdout}
                err: {from: stderr, regex: "(?<value>E\\\\w+)"}
              expect:
                exit_code: 0
                stdout: {any_of: [{contains: mysqld}, {contains: mariadbd}]}
            - id: listening
              on: server
              depends_on: [mysqld-process]
              timeout: 1.5s
              become: false
              hint: check bind-address for \${vars.port}
              run: |
                ss -ltnp "sport = :\${vars.port}" | grep \${captures.pid}
              expect:
                exit_code: {any_of: [0, 1]}
                stdout:
                  - regex: "^LISTEN"
                  - line_count: {any_of: [1, 2]}
                  - not: {contains: "127.0.0.1"}
                stderr: {line_count: 0}
        - id: reachable
          title: Can the client connect?
          checks:
            - id: connect
              on: client
              depends_on: [listening]
              timeout: 2m
              run: nc -z db \${vars.port}
              expect:
                exit_code: [{ge: 0}, {le: 1}, {not: 2}]
    `,
  ],
  ['a runbook in flow style', '{version: 1, title: t, hosts: {h: local}, questions: [{id: q, title: Q, checks: [{id: c, on: h, run: "true"}]}]}'],
  // Found by fuzzing: the role was looked up among the --host overrides, a plain object, whose
  // prototype has a `constructor` (an internal error, exit 70).
  ['a role named like a property of every object', '{version: 1, title: t, hosts: {constructor: local}, questions: [{id: q, title: Q, checks: [{id: c, on: constructor, run: "true"}]}]}'],
];

const TIMEOUTS: [string, number | undefined][] = [
  ['500ms', 500],
  ['5s', 5_000],
  ['1.5s', 1_500],
  ['2m', 120_000],
  ['1h', 3_600_000],
  ['3', 3_000],
  ['0.25', 250],
];

const HOSTS: [string, HostSpec][] = [
  ['local', { role: 'server', kind: 'local', name: 'local', become: false }],
  ['db', { role: 'server', kind: 'ssh', name: 'db', host: 'db', become: false }],
  ['admin@10.0.0.5:2222', { role: 'server', kind: 'ssh', name: '10.0.0.5', host: '10.0.0.5', user: 'admin', port: 2222, become: false }],
  ['{address: "root@db", become: true}', { role: 'server', kind: 'ssh', name: 'db', host: 'db', user: 'root', become: true }],
  ['"[::1]:22"', { role: 'server', kind: 'ssh', name: '::1', host: '::1', port: 22, become: false }],
];

const VARS_YAML = `
  version: 1
  title: t
  vars: {port: 3306, user: app, strict: true}
  hosts: {server: local, db: {address: "root@db", become: true}}
  questions:
    - {id: q1, title: Q, checks: [{id: c1, on: server, run: "true"}]}
`;

type Usage = [code: ErrorCode, message: string, hint?: string];

const OVERRIDES: { name: string; overrides: Overrides; problems: Usage[]; vars?: Record<string, VarValue>; hosts?: Record<string, HostSpec> }[] = [
  {
    name: '--var replaces a default, as text',
    overrides: { vars: { port: '3307' } },
    problems: [],
    vars: { port: '3307', user: 'app', strict: true },
  },
  {
    name: '--var of an unknown variable, with did-you-mean',
    overrides: { vars: { prot: '1' } },
    problems: [['RB_USAGE', '--var prot: the runbook declares no variable "prot"', 'did you mean "port"?']],
  },
  {
    name: '--var of an unknown variable, nothing close',
    overrides: { vars: { password: 'x' } },
    problems: [['RB_USAGE', '--var password: the runbook declares no variable "password"']],
  },
  {
    name: '--host points a role at another machine, keeping its become',
    overrides: { hosts: { server: 'admin@10.0.0.5:2222', db: 'local' } },
    problems: [],
    hosts: {
      server: { role: 'server', kind: 'ssh', name: '10.0.0.5', host: '10.0.0.5', user: 'admin', port: 2222, become: false },
      db: { role: 'db', kind: 'local', name: 'local', become: true },
    },
  },
  {
    name: '--host of an unknown role, with did-you-mean',
    overrides: { hosts: { sever: 'db' } },
    problems: [['RB_USAGE', '--host sever: the runbook has no host role "sever"', 'did you mean "server"?']],
  },
  {
    name: '--host with a bad address',
    overrides: { hosts: { server: 'db server' } },
    problems: [['RB_USAGE', '--host server=db server: not "local", [user@]host[:port], a range such as web[01:50] or @GROUP']],
  },
  {
    name: 'every bad override is reported',
    overrides: { vars: { prot: '1', usr: 'x' }, hosts: { sever: 'db', db: 'db:99999' } },
    problems: [
      ['RB_USAGE', '--host db=db:99999: not "local", [user@]host[:port], a range such as web[01:50] or @GROUP'],
      ['RB_USAGE', '--host sever: the runbook has no host role "sever"', 'did you mean "server"?'],
      ['RB_USAGE', '--var prot: the runbook declares no variable "prot"', 'did you mean "port"?'],
      ['RB_USAGE', '--var usr: the runbook declares no variable "usr"', 'did you mean "user"?'],
    ],
  },
];

describe('valid runbooks', () => {
  test.each(VALID)('%s loads with no diagnostics', (_name, yaml) => {
    const runbook = loadValid(yaml);
    expect(checks(runbook).length).toBeGreaterThan(0);
  });

  test('the model keeps ids, order, dependencies and where each thing stands', () => {
    const runbook = loadValid(VALID[1]![1]);
    expect(runbook).toMatchObject({ file: 'x.yaml', version: 1, title: 'MySQL connectivity', description: 'Why can the app not reach the database?' });
    expect(runbook.vars).toEqual({ port: 3306, user: 'app', strict: true });
    expect(runbook.questions.map((question) => [question.id, question.checks.map((check) => check.id)])).toEqual([
      ['service-up', ['mysqld-process', 'listening']],
      ['reachable', ['connect']],
    ]);
    const [process, listening, connect] = checks(runbook);
    expect(listening).toMatchObject({ questionId: 'service-up', dependsOn: ['mysqld-process'], timeoutMs: 1500, become: false, hint: 'check bind-address for ${vars.port}' });
    expect(listening!.spec).toBe('ss -ltnp "sport = :${vars.port}" | grep ${captures.pid}\n');
    expect(listening!.places.of('depends_on', 0)).toEqual({ file: 'x.yaml', line: 29, col: 22 });
    expect(process!.location).toEqual({ file: 'x.yaml', line: 17, col: 13 });
    expect(process!.places.of('on')).toEqual({ file: 'x.yaml', line: 18, col: 13 });
    expect(process!.places.of(process!.kind)).toEqual({ file: 'x.yaml', line: 19, col: 14 });
    expect(connect).toMatchObject({ questionId: 'reachable', on: 'client', timeoutMs: 120_000 });
  });

  test('captures: a string is a regex over the first text field; an object names its field', () => {
    const [process] = checks(loadValid(VALID[1]![1]));
    expect(process!.captures.map(({ name, from, regex }) => [name, from, regex?.source])).toEqual([
      ['pid', 'stdout', '^(\\d+) '],
      ['whole', 'stdout', undefined],
      ['err', 'stderr', '(?<value>E\\w+)'],
    ]);
    expect(process!.captures[0]!.location).toEqual({ file: 'x.yaml', line: 21, col: 11 });
  });

  test('expectations compile in the order written, shorthands included', () => {
    const [, listening, connect] = checks(loadValid(VALID[1]![1]));
    expect(listening!.expectations.map(({ field, matcher }) => [field, matcher.describe])).toEqual([
      ['exit_code', 'any of (equals 0, equals 1)'],
      ['stdout', 'all of (regex /^LISTEN/, line count any of (equals 1, equals 2), not (contains "127.0.0.1"))'],
      ['stderr', 'line count equals 0'],
    ]);
    expect(connect!.expectations.map(({ matcher }) => matcher.describe)).toEqual(['all of (>= 0, <= 1, not (equals 2))']);
  });
});

describe('defaults', () => {
  test('a check without expect expects exit code 0', () => {
    const [check] = checks(loadValid(oneCheck()));
    expect(check!.expectations.map(({ field, matcher }) => [field, matcher.describe])).toEqual([['exit_code', 'equals 0']]);
    expect(check!.expectations[0]!.matcher.test(0).pass).toBe(true);
    expect(check!.expectations[0]!.matcher.test(1).pass).toBe(false);
  });

  test('a declared expect keeps exit code 0 unless it sets exit_code itself (issue 10)', () => {
    const [check] = checks(loadValid(oneCheck('expect:', '  stdout: {contains: ok}')));
    expect(check!.expectations.map(({ field, matcher }) => `${field} ${matcher.describe}`)).toEqual(['stdout contains "ok"', 'exit_code equals 0']);
    const [own] = checks(loadValid(oneCheck('expect:', '  stdout: {contains: ok}', '  exit_code: 2')));
    expect(own!.expectations.map(({ field, matcher }) => `${field} ${matcher.describe}`)).toEqual(['stdout contains "ok"', 'exit_code equals 2']);
  });

  /** One `file:` check on a local host: its spec on line 9, the `expect` lines after it. */
  const fileCheck = (spec: string, ...expect: string[]): string =>
    ['version: 1', 'title: t', 'hosts: {server: local}', 'questions:', '  - id: q1', '    title: Q', '    checks:', '      - id: c1', '        on: server', `        file: ${spec}`, ...expect.map((line) => `        ${line}`)].join('\n') + '\n';
  const described = (runbook: Runbook) => checks(runbook)[0]!.expectations.map(({ field, matcher }) => `${field} ${matcher.describe}`);

  test('what the spec asks for is expected: `contains` under file: must be found', () => {
    expect(described(loadValid(fileCheck('{path: /etc/my.cnf, contains: bind-address}')))).toEqual(['state equals "file"', 'contains equals 1']);
    expect(described(loadValid(fileCheck('{path: /etc/my.cnf, regex: "^port", contains: x}')))).toEqual(['state equals "file"', 'contains equals 1', 'matches equals 1']);
  });

  test('an expect that names the implied field replaces it; one that names others keeps it', () => {
    expect(described(loadValid(fileCheck('{path: /etc/my.cnf, contains: bind-address}', 'expect: {contains: 0}')))).toEqual(['contains equals 0']);
    expect(described(loadValid(fileCheck('{path: /etc/my.cnf, regex: "^port"}', 'expect: {owner: {equals: root}}')))).toEqual(['owner equals "root"', 'matches equals 1']);
    expect(described(loadValid(fileCheck('{path: /etc/my.cnf}')))).toEqual(['state equals "file"']);
  });

  test('no timeout, no hint, no become unless written', () => {
    const [check] = checks(loadValid(oneCheck()));
    expect(check).not.toHaveProperty('timeoutMs');
    expect(check).not.toHaveProperty('hint');
    expect(check).not.toHaveProperty('become');
    expect(check!.dependsOn).toEqual([]);
    expect(check!.captures).toEqual([]);
  });
});

describe('durations', () => {
  test.each(TIMEOUTS)('timeout: %s is %s ms', (written, ms) => {
    const [check] = checks(loadValid(oneCheck(`timeout: ${written}`)));
    expect(check!.timeoutMs).toBe(ms);
  });
});

describe('hosts', () => {
  test.each(HOSTS)('server: %s', (written, spec) => {
    const runbook = loadValid(oneCheck().replace('hosts: {server: local}', `hosts:\n  server: ${written}`));
    expect(runbook.hosts).toEqual({ server: { members: [spec], fleet: false } });
  });
});

describe('command-line overrides', () => {
  test.for(OVERRIDES)('$name', ({ overrides, problems, vars, hosts }) => {
    const { runbook, diagnostics } = load(VARS_YAML, overrides);
    const sorted = [...diagnostics].sort((a, b) => a.message.localeCompare(b.message));
    expect(sorted).toEqual(problems.map(([code, message, hint]) => ({ code, message, ...(hint ? { hint } : {}) })));
    if (vars) expect(runbook!.vars).toEqual(vars);
    if (hosts) expect(runbook!.hosts).toEqual(Object.fromEntries(Object.entries(hosts).map(([role, spec]) => [role, { members: [spec], fleet: false }])));
  });
});

const DECLARED_YAML = `
  version: 1
  title: t
  vars:
    port: 3306
    user: {default: app, description: the login}
    schema: {description: no default}
    db_password: {secret: true, description: the database password}
    api_token: {secret: true, default: ""}
  hosts: {server: local}
  questions:
    - {id: q1, title: Q, checks: [{id: c1, on: server, run: "true"}]}
`;

const FROM_FILE = { port: 3306, user: 'app', schema: '', db_password: '', api_token: '' };

const PRECEDENCE: { name: string; overrides: Overrides; vars: Record<string, VarValue> }[] = [
  { name: 'the file: defaults, and empty where there is none (secrets too)', overrides: {}, vars: FROM_FILE },
  {
    name: 'RUNBOOK_VAR_<name> over the default, for any variable',
    overrides: { environment: { RUNBOOK_VAR_port: '3307', RUNBOOK_VAR_db_password: 's3cr3t-Value-91x', RUNBOOK_VAR_schema: '' } },
    vars: { ...FROM_FILE, port: '3307', db_password: 's3cr3t-Value-91x' },
  },
  {
    name: '--var over RUNBOOK_VAR_<name>',
    overrides: { vars: { db_password: 'from-flag', port: '1' }, environment: { RUNBOOK_VAR_db_password: 'from-env', RUNBOOK_VAR_port: '2', RUNBOOK_VAR_user: 'env-user' } },
    vars: { ...FROM_FILE, port: '1', user: 'env-user', db_password: 'from-flag' },
  },
  {
    name: 'environment names are exact: other names, other cases and other runbooks\' variables are ignored',
    overrides: { environment: { RUNBOOK_VAR_PORT: '1', RUNBOOK_VAR_db_passwd: 'x', RUNBOOK_VAR_constructor: 'x', RUNBOOK_VARport: '1', port: '1' } },
    vars: FROM_FILE,
  },
];

describe('variables: map form, secrets, values from the environment', () => {
  test.for(PRECEDENCE)('$name', ({ overrides, vars }) => {
    const runbook = loadValid(DECLARED_YAML, overrides);
    expect(runbook.vars).toEqual(vars);
  });

  test('secret variables are named in the model', () => {
    expect(loadValid(DECLARED_YAML).secretVars).toEqual(['db_password', 'api_token']);
    expect(loadValid(VARS_YAML).secretVars).toEqual([]);
  });

  test('a variable named like an Object.prototype member takes no value from it', () => {
    const runbook = loadValid(DECLARED_YAML.replace('port: 3306', 'constructor: {description: odd name}'));
    expect(runbook.vars.constructor).toBe('');
  });
});

describe('include: needs a file to be found from', () => {
  test('a runbook given as text cannot include: one error at the key, nothing else', () => {
    const { diagnostics } = load(`
      version: 1
      title: t
      hosts: {server: local}
      include:
        - file: lib/x.yaml
    `);
    expect(diagnostics).toEqual([{ code: 'RB_INCLUDE', message: 'include: only a runbook read from a file can include others', location: { file: 'x.yaml', line: 5, col: 3 } }]);
  });
});
