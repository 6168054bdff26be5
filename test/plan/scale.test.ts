// Planning at scale: 20,000 checks in one dependency chain, or all depended on by one check, plan
// correctly and without overflowing the stack (every walk of the graph is iterative). How fast is
// `npm run bench`'s to measure (its validate workloads); here only what the plan says is checked.
import { describe, expect, test } from 'vitest';
import type { Check, Runbook } from '../../src/model/runbook.js';
import { buildPlan } from '../../src/plan/plan.js';
import { readableChecks } from '../../src/plan/reads.js';
import { loadRunbookText } from '../../src/runbook/load.js';

const COUNT = 20_000;

/** A small valid runbook whose checks stand as templates: parsing 20,000 checks of YAML is the loader's business, not the planner's. */
const TEMPLATE = `version: 1
title: scale
hosts: {h: local}
questions:
  - id: q
    title: Q
    checks:
      - {id: producer, on: h, run: "echo 1", capture: {value: {from: stdout}}}
      - {id: reader, on: h, run: "echo \${captures.value}", depends_on: [producer]}
      - {id: asker, on: h, run: "true", depends_on: [reader], when: {tool_missing: true}}
`;

const loaded = (() => {
  const { runbook, diagnostics } = loadRunbookText('scale.yaml', TEMPLATE);
  expect(diagnostics).toEqual([]);
  return runbook!;
})();
const [PRODUCER, READER, ASKER] = loaded.questions[0]!.checks as [Check, Check, Check];

const id = (index: number): string => `c${index}`;

/** A plain check (no captures, no references) named `c<index>`, after `dependsOn`. */
const plain = (name: string, dependsOn: readonly string[] = []): Check => ({
  ...READER,
  id: name,
  spec: `echo ${name}`,
  dependsOn,
});

/** Check i captures `v<i>` and reads `v<i-1>`, after check i-1. */
const capturing = (index: number): Check => ({
  ...PRODUCER,
  id: id(index),
  spec: index === 0 ? 'echo first' : `echo \${captures.v${index - 1}}`,
  captures: [{ ...PRODUCER.captures[0]!, name: `v${index}` }],
  dependsOn: index === 0 ? [] : [id(index - 1)],
});

const planOf = (checks: readonly Check[]) => {
  const runbook: Runbook = { ...loaded, questions: [{ ...loaded.questions[0]!, checks }] };
  return buildPlan(runbook);
};

const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);
const ids = (checks: readonly Check[]): string[] => checks.map((check) => check.id);

describe(`planning ${COUNT.toLocaleString('en')} checks`, () => {
  test('a chain, each check after the one before it: file order', () => {
    const checks = range(COUNT).map((index) => plain(id(index), index === 0 ? [] : [id(index - 1)]));
    const { plan, diagnostics } = planOf(checks);
    expect(diagnostics).toEqual([]);
    expect(ids(plan.order)).toEqual(ids(checks));
    expect(plan.instances).toHaveLength(COUNT);
  });

  test('a chain written backwards: dependencies first', () => {
    const checks = range(COUNT).reverse().map((index) => plain(id(index), index === 0 ? [] : [id(index - 1)]));
    const { plan, diagnostics } = planOf(checks);
    expect(diagnostics).toEqual([]);
    expect(ids(plan.order)).toEqual(range(COUNT).map(id));
  });

  test('a fan-in, one check after all the others, written first: it runs last', () => {
    const sink = plain('sink', range(COUNT).map(id));
    const { plan, diagnostics } = planOf([sink, ...range(COUNT).map((index) => plain(id(index)))]);
    expect(diagnostics).toEqual([]);
    expect(ids(plan.order)).toEqual([...range(COUNT).map(id), 'sink']);
  });

  test('a cycle through every check: reported once, whole, and nothing is planned', () => {
    const checks = range(COUNT).map((index) => plain(id(index), [id((index + COUNT - 1) % COUNT)]));
    const { plan, diagnostics } = planOf(checks);
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['RB_CYCLE']);
    const named = diagnostics[0]!.message.split(' form ')[0]!;
    expect(named.split(' -> ')).toHaveLength(COUNT + 1);
    expect(named.startsWith('checks "c0" -> "c19999" -> "c19998"')).toBe(true);
    expect(plan.order).toEqual([]);
  });

  test('a chain of captures, each read by the next check: all in scope', () => {
    const { plan, diagnostics } = planOf(range(COUNT).map(capturing));
    expect(diagnostics).toEqual([]);
    expect(plan.order).toHaveLength(COUNT);
  });

  test('the first capture read at the end of the chain is in scope; the last one read at its start is not', () => {
    const checks = range(COUNT).map(capturing);
    checks[COUNT - 1] = { ...checks[COUNT - 1]!, spec: 'echo ${captures.v0}' };
    checks[0] = { ...checks[0]!, spec: `echo \${captures.v${COUNT - 1}}` };
    const { diagnostics } = planOf(checks);
    expect(diagnostics.map((diagnostic) => diagnostic.message)).toEqual([`check "c0" uses \${captures.v${COUNT - 1}} from check "c${COUNT - 1}" without depending on it`]);
  });
});

describe('what a running check may read', () => {
  test('what it runs after and the producers of the captures it reads; a `when: {tool_missing}` every check it depends on', () => {
    const readable = readableChecks([PRODUCER, READER, ASKER]);
    expect(Object.fromEntries(readable)).toEqual({ producer: [], reader: ['producer'], asker: ['reader', 'producer'] });
  });

  test(`in a chain of ${COUNT.toLocaleString('en')} captures, only what each check reads: a list as long as the chain in all`, () => {
    const readable = readableChecks(range(COUNT).map(capturing));
    expect(readable.get(id(COUNT - 1))).toEqual([id(COUNT - 2)]);
    expect([...readable.values()].reduce((total, list) => total + list.length, 0)).toBe(COUNT - 1);
  });
});
