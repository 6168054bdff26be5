// The dependency graph: unknown depends_on targets, cycles (every name and location, in order,
// ending where they began) and the execution order (dependencies first, otherwise file order).
import { describe, expect, test } from 'vitest';
import type { ErrorCode } from '../../src/errors/codes.js';
import { buildPlan } from '../../src/plan/plan.js';
import { loadRunbookText } from '../../src/runbook/load.js';

type Want = [code: ErrorCode, line: number, col: number, message: string, hint?: string];

/**
 * One question whose checks are one flow map per line: check i stands on line 9 + i and its id
 * value at column 14, so `at(i)` is where check i is reported.
 */
const HEADER = ['version: 1', 'title: t', 'hosts: {h: local}', 'vars: {port: 3306}', 'questions:', '  - id: q', '    title: Q', '    checks:'];
const check = (id: string, ...deps: string[]): string =>
  `      - {id: ${id}, on: h, run: "true"${deps.length > 0 ? `, depends_on: [${deps.join(', ')}]` : ''}}`;
const at = (index: number): string => `x.yaml:${9 + index}:14`;

const planOf = (text: string) => {
  const { runbook, diagnostics } = loadRunbookText('x.yaml', text);
  expect(diagnostics).toEqual([]);
  return buildPlan(runbook!);
};
const planOfChecks = (...checks: string[]) => planOf([...HEADER, ...checks, ''].join('\n'));

const expected = ([code, line, col, message, hint]: Want) => ({
  code,
  message,
  location: { file: 'x.yaml', line, col },
  ...(hint === undefined ? {} : { hint }),
});

const UNKNOWN: { name: string; checks: string[]; want: Want[] }[] = [
  {
    name: 'a misspelt check id, with did-you-mean, at the depends_on entry',
    checks: [check('mysqld-running'), check('port-open', 'mysqld-runing')],
    want: [['RB_UNKNOWN_DEPENDENCY', 10, 58, 'check "port-open" depends on unknown check "mysqld-runing"', 'did you mean "mysqld-running"?']],
  },
  {
    name: 'nothing close: no hint',
    checks: [check('a'), check('b', 'a', 'zzz-zzz')],
    want: [['RB_UNKNOWN_DEPENDENCY', 10, 53, 'check "b" depends on unknown check "zzz-zzz"']],
  },
  {
    name: 'every unknown entry, each at its own position',
    checks: [check('alpha', 'nope', 'alpa')],
    want: [
      ['RB_UNKNOWN_DEPENDENCY', 9, 54, 'check "alpha" depends on unknown check "nope"'],
      // Issue 10: never "did you mean" the check itself, which cannot depend on itself.
      ['RB_UNKNOWN_DEPENDENCY', 9, 60, 'check "alpha" depends on unknown check "alpa"'],
    ],
  },
];

const QUESTION_AS_DEPENDENCY = `version: 1
title: t
hosts: {h: local}
questions:
  - id: service-up
    title: Q
    checks:
      - {id: mysqld-running, on: h, run: "true"}
      - {id: mysqld-listening, on: h, run: "true"}
  - id: reachable
    title: Q
    checks:
      - {id: connect, on: h, run: "true", depends_on: [service-up]}
`;

const CYCLES: { name: string; checks: string[]; want: Want[] }[] = [
  {
    name: 'length 1: a check that depends on itself',
    checks: [check('a', 'a')],
    want: [['RB_CYCLE', 9, 14, `checks "a" -> "a" form a dependency cycle: ${at(0)} -> ${at(0)}`, 'remove one of these depends_on entries']],
  },
  {
    name: 'length 2',
    checks: [check('a', 'b'), check('b', 'a')],
    want: [['RB_CYCLE', 9, 14, `checks "a" -> "b" -> "a" form a dependency cycle: ${at(0)} -> ${at(1)} -> ${at(0)}`, 'remove one of these depends_on entries']],
  },
  {
    name: 'length 3, in dependency order',
    checks: [check('a', 'b'), check('c', 'a'), check('b', 'c')],
    want: [['RB_CYCLE', 9, 14, `checks "a" -> "b" -> "c" -> "a" form a dependency cycle: ${at(0)} -> ${at(2)} -> ${at(1)} -> ${at(0)}`, 'remove one of these depends_on entries']],
  },
  {
    name: 'reached through a check outside it: the cycle alone is named',
    checks: [check('entry', 'a'), check('a', 'b'), check('b', 'a')],
    want: [['RB_CYCLE', 10, 14, `checks "a" -> "b" -> "a" form a dependency cycle: ${at(1)} -> ${at(2)} -> ${at(1)}`, 'remove one of these depends_on entries']],
  },
  {
    name: 'two separate cycles are both reported',
    checks: [check('a', 'b'), check('b', 'a'), check('fine'), check('c', 'd'), check('d', 'c')],
    want: [
      ['RB_CYCLE', 9, 14, `checks "a" -> "b" -> "a" form a dependency cycle: ${at(0)} -> ${at(1)} -> ${at(0)}`, 'remove one of these depends_on entries'],
      ['RB_CYCLE', 12, 14, `checks "c" -> "d" -> "c" form a dependency cycle: ${at(3)} -> ${at(4)} -> ${at(3)}`, 'remove one of these depends_on entries'],
    ],
  },
];

/** [checks as (id, ...dependencies), expected order]. */
const ORDERS: [string, string[][], string[]][] = [
  ['no dependencies: file order', [['a'], ['b'], ['c']], ['a', 'b', 'c']],
  ['a dependency first', [['a', 'b'], ['b']], ['b', 'a']],
  ['otherwise file order, earliest ready first', [['a', 'c'], ['b'], ['c', 'd'], ['d']], ['b', 'd', 'c', 'a']],
  ['a deep chain written backwards', [['e', 'd'], ['d', 'c'], ['c', 'b'], ['b', 'a'], ['a']], ['a', 'b', 'c', 'd', 'e']],
  ['a diamond', [['d', 'b', 'c'], ['c', 'a'], ['b', 'a'], ['a']], ['a', 'c', 'b', 'd']],
  ['a dependency already met keeps file order', [['a'], ['b', 'a'], ['c']], ['a', 'b', 'c']],
];

describe('depends_on targets', () => {
  test.for(UNKNOWN)('$name', ({ checks, want }) => {
    expect(planOfChecks(...checks).diagnostics).toEqual(want.map(expected));
  });

  test('naming a question instead of a check lists that question\'s checks', () => {
    expect(planOf(QUESTION_AS_DEPENDENCY).diagnostics).toEqual([
      expected(['RB_UNKNOWN_DEPENDENCY', 13, 56, 'check "connect" depends on unknown check "service-up"', 'depends_on names checks; question "service-up" has "mysqld-running", "mysqld-listening"']),
    ]);
  });

  test('checks depend across questions', () => {
    const text = QUESTION_AS_DEPENDENCY.replace('depends_on: [service-up]', 'depends_on: [mysqld-listening]');
    const { plan, diagnostics } = planOf(text);
    expect(diagnostics).toEqual([]);
    expect(plan.order.map((c) => c.id)).toEqual(['mysqld-running', 'mysqld-listening', 'connect']);
  });
});

describe('cycles', () => {
  test.for(CYCLES)('$name', ({ checks, want }) => {
    expect(planOfChecks(...checks).diagnostics).toEqual(want.map(expected));
  });
});

describe('execution order', () => {
  test.each(ORDERS)('%s', (_name, checks, order) => {
    const plan = planOfChecks(...checks.map(([id, ...deps]) => check(id!, ...deps)));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.plan.order.map((c) => c.id)).toEqual(order);
  });

  test('an unknown dependency does not hold a check back (it is reported instead)', () => {
    const { plan, diagnostics } = planOfChecks(check('a', 'nope'), check('b'));
    expect(diagnostics.map((d) => d.code)).toEqual(['RB_UNKNOWN_DEPENDENCY']);
    expect(plan.order.map((c) => c.id)).toEqual(['a', 'b']);
  });
});
