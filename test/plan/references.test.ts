// ${vars.x} must be declared, and ${captures.x} may be read only by a check that depends, directly
// or transitively, on the check that captures it: proven before anything runs.
import { describe, expect, test } from 'vitest';
import type { ErrorCode } from '../../src/errors/codes.js';
import { buildPlan } from '../../src/plan/plan.js';
import { loadRunbookText } from '../../src/runbook/load.js';

type Want = [code: ErrorCode, line: number, col: number, message: string, hint?: string];

/** Check i stands on line 9 + i; its `run` value starts at column 28 + the length of its id. */
const HEADER = ['version: 1', 'title: t', 'hosts: {h: local}', 'vars: {port: 3306, user: app}', 'questions:', '  - id: q', '    title: Q', '    checks:'];
const check = (id: string, run: string, more = ''): string => `      - {id: ${id}, on: h, run: ${JSON.stringify(run)}${more ? `, ${more}` : ''}}`;
const PRODUCER = check('p', 'pgrep mysqld', 'capture: {pid: "(.+)"}');

const ROWS: { name: string; checks: string[]; want: Want[] }[] = [
  { name: 'a capture read by a direct dependent', checks: [PRODUCER, check('c', 'kill -0 ${captures.pid}', 'depends_on: [p]')], want: [] },
  {
    name: 'a capture read by a transitive dependent',
    checks: [PRODUCER, check('m', 'true', 'depends_on: [p]'), check('c', 'kill -0 ${captures.pid}', 'depends_on: [m]')],
    want: [],
  },
  {
    name: 'a dependent written before its producer',
    checks: [check('c', 'kill -0 ${captures.pid}', 'depends_on: [p]'), PRODUCER],
    want: [],
  },
  {
    name: 'a capture read without depending on its producer',
    checks: [PRODUCER, check('c', 'kill -0 ${captures.pid}')],
    want: [['RB_CAPTURE_SCOPE', 10, 29, 'check "c" uses ${captures.pid} from check "p" without depending on it', 'add depends_on: [p]']],
  },
  {
    name: 'a capture read by the producer\'s own dependency',
    checks: [check('p', 'pgrep mysqld', 'capture: {pid: "(.+)"}, depends_on: [c]'), check('c', 'kill -0 ${captures.pid}')],
    want: [['RB_CAPTURE_SCOPE', 10, 29, 'check "c" uses ${captures.pid} from check "p" without depending on it', 'add depends_on: [p]']],
  },
  {
    name: 'a check reading its own capture',
    checks: [check('p', 'pgrep mysqld; echo ${captures.pid}', 'capture: {pid: "(.+)"}')],
    want: [['RB_CAPTURE_SCOPE', 9, 29, 'check "p" uses ${captures.pid} from check "p" without depending on it', 'a check cannot read its own capture']],
  },
  {
    name: 'a capture no check defines, with did-you-mean',
    checks: [PRODUCER, check('c', 'kill -0 ${captures.pids}', 'depends_on: [p]')],
    want: [['RB_UNKNOWN_CAPTURE', 10, 29, 'check "c" uses ${captures.pids}, which no check captures', 'did you mean "pid"?']],
  },
  {
    name: 'a capture no check defines, nothing close',
    checks: [check('c', 'echo ${captures.version}')],
    want: [['RB_UNKNOWN_CAPTURE', 9, 29, 'check "c" uses ${captures.version}, which no check captures']],
  },
  {
    name: "an expectation reading a capture without depending on its producer: placed at the expectation",
    checks: [PRODUCER, check('c', 'true', 'expect: {stdout: {contains: "${captures.pid}"}}')],
    want: [['RB_CAPTURE_SCOPE', 10, 54, 'check "c" uses ${captures.pid} from check "p" without depending on it', 'add depends_on: [p]']],
  },
  {
    name: "a capture's own expectation reading a capture no check defines: placed at that expectation",
    checks: [check('c', 'true', 'capture: {n: {regex: "(.+)", expect: {equals: "${captures.pid}"}}}')],
    want: [['RB_UNKNOWN_CAPTURE', 9, 74, 'check "c" uses ${captures.pid}, which no check captures']],
  },
  { name: 'declared vars', checks: [check('c', 'nc -z db ${vars.port} && echo ${vars.user}')], want: [] },
  {
    name: 'an undeclared var, with did-you-mean',
    checks: [check('c', 'nc -z db ${vars.prot}')],
    want: [['RB_UNKNOWN_VAR', 9, 29, 'check "c" uses ${vars.prot}, which vars does not declare', 'did you mean "port"?']],
  },
  {
    name: 'an undeclared var, nothing close: the declared ones are listed',
    checks: [check('c', 'echo ${vars.password}')],
    want: [['RB_UNKNOWN_VAR', 9, 29, 'check "c" uses ${vars.password}, which vars does not declare', 'declare it under vars (declared: port, user)']],
  },
  {
    name: 'the same unknown reference twice is reported once',
    checks: [check('c', 'echo ${vars.nope} ${vars.nope}')],
    want: [['RB_UNKNOWN_VAR', 9, 29, 'check "c" uses ${vars.nope}, which vars does not declare', 'declare it under vars (declared: port, user)']],
  },
  { name: 'the shell\'s own ${HOME} and $HOME are left alone', checks: [check('c', 'ls ${HOME} $HOME ${PATH:-/bin} ${HOME%/*}')], want: [] },
  { name: 'a hint may use vars', checks: [check('c', 'true', 'hint: "check port ${vars.port}"')], want: [] },
  // Kept as is (see the report): a reference in the hint is located at the check's command.
  {
    name: 'a hint with an undeclared var',
    checks: [check('c', 'true', 'hint: "check port ${vars.prot}"')],
    want: [['RB_UNKNOWN_VAR', 9, 29, 'check "c" uses ${vars.prot}, which vars does not declare', 'did you mean "port"?']],
  },
  {
    name: 'every problem of every check, in file order',
    checks: [PRODUCER, check('c', 'echo ${captures.pid} ${vars.x} ${captures.nope}'), check('d', 'echo ${vars.usr}')],
    want: [
      ['RB_CAPTURE_SCOPE', 10, 29, 'check "c" uses ${captures.pid} from check "p" without depending on it', 'add depends_on: [p]'],
      ['RB_UNKNOWN_VAR', 10, 29, 'check "c" uses ${vars.x}, which vars does not declare', 'declare it under vars (declared: port, user)'],
      ['RB_UNKNOWN_CAPTURE', 10, 29, 'check "c" uses ${captures.nope}, which no check captures'],
      ['RB_UNKNOWN_VAR', 11, 29, 'check "d" uses ${vars.usr}, which vars does not declare', 'did you mean "user"?'],
    ],
  },
];

describe('references', () => {
  test.for(ROWS)('$name', ({ checks, want }) => {
    const { runbook, diagnostics } = loadRunbookText('x.yaml', [...HEADER, ...checks, ''].join('\n'));
    expect(diagnostics).toEqual([]);
    expect(buildPlan(runbook!).diagnostics).toEqual(
      want.map(([code, line, col, message, hint]) => ({ code, message, location: { file: 'x.yaml', line, col }, ...(hint === undefined ? {} : { hint }) })),
    );
  });
});
