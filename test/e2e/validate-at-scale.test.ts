// `runbook validate` of a generated runbook of 2,000 checks (the benchmark's shape, scripts/bench/
// generated.ts): read quickly (src/runbook/yaml-quick.ts) when it is valid, and every problem
// still placed at its exact line and column, whether the schema, the model or the planner finds
// it. How fast is `npm run bench`'s to say (validate, 2000 and 20000 checks), never a test's.
import { describe, expect, test } from 'vitest';
import { generatedRunbook } from '../../scripts/bench/generated.js';
import { runCli } from '../helpers/run-cli.js';

const CHECKS = 2000;
const TEXT = generatedRunbook(CHECKS);
const LINES = TEXT.split('\n');

/** The 1-based line and column where `fragment` first appears on the line of check `id` in `text`. */
const placeOf = (text: string, id: string, fragment: string): string => {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.includes(`id: ${id},`));
  expect(lines[index]?.indexOf(fragment)).toBeGreaterThan(0);
  return `${index + 1}:${lines[index]!.indexOf(fragment) + 1}`;
};

/** The text with the line of check `id` changed. */
const changed = (id: string, change: (line: string) => string): string =>
  LINES.map((line) => (line.includes(`id: ${id},`) ? change(line) : line)).join('\n');

describe(`validate, ${CHECKS} generated checks`, () => {
  test('valid: every question and check counted', async () => {
    const result = await runCli({ 'big.yaml': TEXT }, ['validate', 'big.yaml']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`big.yaml: valid (${CHECKS / 10} questions, ${CHECKS} checks)\n`);
    expect(result.exitCode).toBe(0);
  });

  test('a dependency on no check, found by the planner: at the entry that names it', async () => {
    const text = changed('c187-4', (line) => line.replace('depends_on: [c187-3]', 'depends_on: [c187-33]'));
    const result = await runCli({ 'big.yaml': text }, ['validate', 'big.yaml']);
    expect(result.stderr).toBe(`big.yaml:${placeOf(text, 'c187-4', 'c187-33')}: check "c187-4" depends on unknown check "c187-33"; did you mean "c187-3"? [RB_UNKNOWN_DEPENDENCY]\n`);
    expect(result.exitCode).toBe(2);
  });

  test('a misspelt key, found by the schema, and a bad matcher, found by the model: both, each at its place', async () => {
    const text = changed('c150-2', (line) => line.replace('on: here', 'onn: here')).replace(
      /(id: c199-9,.*contains: )c199-9/,
      '$1[c199-9]',
    );
    const result = await runCli({ 'big.yaml': text }, ['validate', 'big.yaml']);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toContain(`big.yaml:${placeOf(text, 'c150-2', 'onn')}: questions[150].checks[2] has unknown property "onn"; did you mean "on"? [RB_SCHEMA]`);
    expect(lines.some((line) => line.startsWith(`big.yaml:${placeOf(text, 'c199-9', '[c199-9]')}: questions[199].checks[9].expect.stdout.contains`))).toBe(true);
    expect(result.exitCode).toBe(2);
  });

  test('YAML the quick reading leaves alone (an anchor and its alias) is read exactly, and valid', async () => {
    const text = TEXT.replace('title: Question 0', 'title: &t Question 0').replace('title: Question 1\n', 'title: *t\n');
    const result = await runCli({ 'big.yaml': text }, ['validate', 'big.yaml']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});
