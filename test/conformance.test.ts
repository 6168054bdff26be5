// Keeps the registries honest (ESLint's checkRuleFiles): every check kind, matcher and reporter has
// its file, its registry line, its place in the generated schema, its tests and its README section;
// every YAML example in the README is a valid runbook; the README's tables match the code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CHECK_KINDS } from '../src/checks/registry.js';
import { CONDITION_KINDS } from '../src/conditions/registry.js';
import { ERROR_CODES } from '../src/errors/codes.js';
import { MATCHERS } from '../src/matchers/registry.js';
import { EXIT_CODES } from '../src/model/exit-codes.js';
import { buildPlan } from '../src/plan/plan.js';
import { REPORTERS } from '../src/report/registry.js';
import { loadRunbookText } from '../src/runbook/load.js';
import { buildRunbookSchema } from '../src/runbook/schema.js';
import { ROOT } from './helpers/run-cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const schema = buildRunbookSchema() as { definitions: { matcher: { else: { else: { properties: object } } } } };
type CheckSchema = { properties: { questions: { items: { properties: { checks: { items: { properties: object } } } } } } };
const checkProperties = Object.keys((schema as unknown as CheckSchema).properties.questions.items.properties.checks.items.properties);

const modulesIn = (dir: string, infrastructure: readonly string[]): string[] =>
  readdirSync(join(ROOT, dir)).filter((file) => file.endsWith('.ts') && !infrastructure.includes(file)).map((file) => file.slice(0, -3));

/** The text of a README section, from its heading to the next heading of the same or a higher level. */
const section = (heading: string): string | undefined => {
  const level = heading.match(/^#+/)![0].length;
  const start = README.split('\n').findIndex((line) => line.trim() === heading);
  if (start < 0) return undefined;
  const rest = README.split('\n').slice(start + 1);
  const end = rest.findIndex((line) => new RegExp(`^#{1,${level}} `).test(line));
  return rest.slice(0, end < 0 ? undefined : end).join('\n');
};

const KIND_HEADINGS = ['What it proves', 'Fields', 'Example', 'Failure modes and hints'];

describe('check kinds', () => {
  const files = modulesIn('src/checks', ['types.ts', 'registry.ts']);
  test('every file in src/checks is registered under its own name', () => {
    expect(files.sort()).toEqual(Object.values(CHECK_KINDS).map((kind) => kind.name).sort());
  });
  test.each(Object.entries(CHECK_KINDS))('%s: schema, tests and README section', (key, kind) => {
    expect(checkProperties).toContain(key);
    expect(existsSync(join(ROOT, `test/checks/${kind.name}.test.ts`)), `test/checks/${kind.name}.test.ts`).toBe(true);
    const text = section(`### ${kind.name}`);
    expect(text, `README section "### ${kind.name}"`).toBeDefined();
    const headings = text!.split('\n').filter((line) => line.startsWith('#### ')).map((line) => line.slice(5));
    expect(headings).toEqual(KIND_HEADINGS);
    expect(text).toContain(`\`${key}:\``);
  });
});

describe('matchers', () => {
  const files = modulesIn('src/matchers', ['types.ts', 'registry.ts', 'compile.ts', 'format.ts', 'numeric.ts']);
  test('every file in src/matchers is registered, and every registered matcher has a file', () => {
    expect(files.map((file) => file.replace(/-/g, '_')).sort()).toEqual(Object.keys(MATCHERS).sort());
  });
  test.each(Object.keys(MATCHERS))('%s: schema, tests and README row', (name) => {
    expect(Object.keys(schema.definitions.matcher.else.else.properties)).toContain(name);
    expect(existsSync(join(ROOT, `test/matchers/${name.replace(/_/g, '-')}.test.ts`)), `test/matchers/${name.replace(/_/g, '-')}.test.ts`).toBe(true);
    expect(section('### Matchers')).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});

describe('diagnosis conditions', () => {
  const files = modulesIn('src/conditions', ['types.ts', 'registry.ts', 'combine.ts']);
  test('every file in src/conditions is registered, and every registered condition has a file', () => {
    expect(files.map((file) => file.replace(/-/g, '_')).sort()).toEqual(Object.keys(CONDITION_KINDS).sort());
  });
  test.each(Object.keys(CONDITION_KINDS))('%s: schema, tests and README row', (key) => {
    expect(Object.keys((schema as unknown as { definitions: { condition: { properties: object } } }).definitions.condition.properties)).toContain(key);
    expect(existsSync(join(ROOT, `test/conditions/${key.replace(/_/g, '-')}.test.ts`)), `test/conditions/${key.replace(/_/g, '-')}.test.ts`).toBe(true);
    expect(section('## Diagnosis')).toMatch(new RegExp(`\`\\{ ${key}: `));
  });
});

describe('reporters', () => {
  test.each(Object.keys(REPORTERS))('%s has a README row', (name) => {
    expect(section('## Reports')).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});

describe('README tables match the code', () => {
  test.each(Object.entries(EXIT_CODES))('exit code %s = %i is documented', (_, code) => {
    expect(section('## Exit codes')).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
  test.each(Object.keys(ERROR_CODES))('error code %s is documented', (code) => {
    expect(section('## Errors')).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });
});

describe('README examples', () => {
  const examples = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!).filter((yaml) => /^version: 1$/m.test(yaml));
  test('there are complete examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });
  test.each(examples.map((yaml, index) => [index, yaml] as const))('example %i is a valid runbook', (_, yaml) => {
    const loaded = loadRunbookText('README.md', yaml);
    const problems = [...loaded.diagnostics, ...(loaded.runbook ? buildPlan(loaded.runbook).diagnostics : [])];
    expect(problems).toEqual([]);
  });
});
