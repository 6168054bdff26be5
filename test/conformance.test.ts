// Keeps the registries honest (ESLint's checkRuleFiles): every check kind, matcher and reporter has
// its file, its registry line, its place in the generated schema, its tests and its README section;
// every YAML example in the README is a valid runbook; the README's tables match the code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describePlan } from '../src/app/describe-plan.js';
import { CHECK_KIND_KEYS, CHECK_KINDS, type CheckKindKey } from '../src/checks/registry.js';
import { CONDITION_KINDS } from '../src/conditions/registry.js';
import { ERROR_CODES } from '../src/errors/codes.js';
import { MATCHERS } from '../src/matchers/registry.js';
import { runCheck } from '../src/execute/run-check.js';
import { EXIT_CODES } from '../src/model/exit-codes.js';
import { buildPlan } from '../src/plan/plan.js';
import { REPORTERS } from '../src/report/registry.js';
import { reportOf } from './helpers/report-fixture.js';
import { includeFiles, locateRunbook } from '../src/app/locate-runbook.js';
import { loadRunbookFile, loadRunbookText } from '../src/runbook/load.js';
import { buildRunbookSchema } from '../src/runbook/schema.js';
import type { Transport } from '../src/transport/types.js';
import { ROOT } from './helpers/run-cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const schema = buildRunbookSchema() as { definitions: { matcher: { else: { else: { properties: object } } }; check: { properties: object } } };
const checkProperties = Object.keys(schema.definitions.check.properties);

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

/**
 * What a kind alone uses (its parser, its scripts) lives in its own file. src/checks/probes holds
 * what several kinds share, and the MySQL protocol: a client library in all but name, too large to
 * read inside a kind.
 */
const PROTOCOL_MODULES = ['mysql-answer', 'mysql-library', 'mysql-lock-wait', 'mysql-packets', 'mysql-session', 'mysql-stalled', 'mysql-wait', 'stream-tap'];

describe('check kinds keep their own code', () => {
  const kindFiles = modulesIn('src/checks', ['types.ts', 'registry.ts']);
  const importers = (module: string): string[] =>
    kindFiles.filter((kind) => readFileSync(join(ROOT, `src/checks/${kind}.ts`), 'utf8').includes(`'./probes/${module}.js'`));
  test.each(modulesIn('src/checks/probes', []).filter((module) => !PROTOCOL_MODULES.includes(module)))('probes/%s is shared by several kinds', (module) => {
    expect(importers(module).length, `used only by ${importers(module).join(', ') || 'no kind'}: move it into that kind's file`).toBeGreaterThanOrEqual(2);
  });
  test.each(Object.entries(CHECK_KINDS))('%s names its key once, in the registry', (key, kind) => {
    expect(Object.keys(kind)).not.toContain('key');
    expect(readFileSync(join(ROOT, `src/checks/${kind.name}.ts`), 'utf8')).not.toMatch(new RegExp(`key: '${key}'`));
  });
});

describe('matchers', () => {
  const files = modulesIn('src/matchers', ['types.ts', 'registry.ts', 'compile.ts', 'format.ts', 'numeric.ts', 'range.ts']);
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
  // A replay must never pass for a live check, whatever format a CI job reads.
  test.each(Object.entries(REPORTERS))('%s says a replayed report is a replay', async (_, load) => {
    const reporter = await load();
    const replay = { from: 'incidents/db-outage', recordedAt: '2026-11-30T08:00:00.000Z', unused: [] };
    const rendered = reporter.render({ ...reportOf({}), replay }, { colors: false });
    expect(rendered).toMatch(/REPLAY|replayed|"replay": \{/);
    expect(reporter.render(reportOf({}), { colors: false })).not.toMatch(/REPLAY|replayed|"replay": \{/);
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

/** The shipped runbook whose text holds this README excerpt, loaded as `runbook` would. */
const loadShippedWith = async (excerpt: string) => {
  const name = readdirSync(join(ROOT, 'runbooks')).find((file) => file.endsWith('.yaml') && readFileSync(join(ROOT, 'runbooks', file), 'utf8').includes(excerpt));
  expect(name, 'a README example with include: is the text of a shipped runbook').toBeDefined();
  return loadRunbookFile(await locateRunbook(name!), {}, includeFiles);
};

describe('README examples', () => {
  const examples = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!).filter((yaml) => /^version: 1$/m.test(yaml));
  test('there are complete examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });
  test.each(examples.map((yaml, index) => [index, yaml] as const))('example %i is a valid runbook', async (_, yaml) => {
    // An example that includes others is a shipped runbook's text, loaded from its file to find them.
    const loaded = /^include:/m.test(yaml) ? await loadShippedWith(yaml) : loadRunbookText('README.md', yaml);
    const problems = [...loaded.diagnostics, ...(loaded.runbook ? buildPlan(loaded.runbook).diagnostics : [])];
    expect(problems).toEqual([]);
  });
});

/**
 * One check per kind, on local hosts. Every command answers 127 (not installed) and every stream
 * is refused by "sshd", so each kind walks through all its alternatives: what runs must be exactly
 * the steps `runbook plan` prints, in order, on the same hosts.
 */
const EVERY_KIND: Readonly<Record<CheckKindKey, string>> = {
  dns: 'dns: { name: localhost, timeout: 1s }',
  file: 'file: { path: "/etc/${vars.port}.cnf", contains: "port=${vars.port}", regex: "^port *= *(\\\\d+)" }',
  http: 'http: { url: "https://127.0.0.1:${vars.port}/health", headers: { authorization: "Bearer ${vars.secret}" }, follow_redirects: 2 }',
  listening: 'listening: { port: "${vars.port}" }',
  mysql: 'mysql: { host: 127.0.0.1, port: "${vars.port}", user: app, password: "${vars.secret}", database: appdb }',
  packet_capture: 'packet_capture: { filter: "port ${vars.port}", client: 127.0.0.1, trigger: { on: there, run: "nc -z 127.0.0.1 ${vars.port}" } }',
  ping: 'ping: { host: 127.0.0.1, count: 2 }',
  port_scan: 'port_scan: { host: localhost, port: "${vars.port}", timeout: 9s }',
  process: 'process: { name: "mysqld|mariadbd" }',
  run: 'run: echo "${vars.port}"',
  service: 'service: { name: "mysql-${vars.port}", journal_lines: 5 }',
  tcp_connect: 'tcp_connect: { host: 127.0.0.1, port: "${vars.port}", timeout: 60s }',
  tls: 'tls: { host: 127.0.0.1, port: "${vars.port}", name: db.example.com }',
};

const everyKindRunbook = (): string => `version: 1
title: every kind
vars:
  port: 3306
  secret: { value: pw-4f2, secret: true }
hosts:
  here: local
  there: local
questions:
  - id: q
    title: Q
    checks:
${Object.entries(EVERY_KIND).map(([key, spec]) => `      - id: ${key.replace(/_/g, '-')}\n        on: here\n        timeout: 3s\n        ${spec}`).join('\n')}
`;

/** Answers every command "not installed" and refuses every stream as sshd without forwarding does. */
const nothingInstalled = (role: string, ran: string[]): Transport => ({
  description: 'local',
  start: ({ script }) => {
    ran.push(`${role}\n${script}`);
    return {
      result: Promise.resolve({ exitCode: 127, signal: null, stdout: '', stderr: `sh: 1: ${script.split(' ')[0]}: not found\n`, durationMs: 1 }),
      waitForOutput: () => Promise.resolve(true),
      stop: () => Promise.resolve(),
    };
  },
  openStream: ({ host, port }) => {
    ran.push(`${role}\n${host}:${port}`);
    return Promise.resolve({ failure: 'prohibited', message: 'administratively prohibited', durationMs: 1, via: 'ssh -W' });
  },
  close: () => Promise.resolve(),
});

describe('plan shows what run runs', () => {
  test('every registered kind has a check here', () => {
    expect(Object.keys(EVERY_KIND).sort()).toEqual([...CHECK_KIND_KEYS].sort());
  });

  const loaded = loadRunbookText('every-kind.yaml', everyKindRunbook());
  const plan = buildPlan(loaded.runbook!).plan;
  const planned = describePlan(plan, 30_000);

  test.each(plan.order.map((check, index) => [check.kind, check, planned[index]!] as const))('%s: the same steps, in order, on the same hosts', async (_, check, shown) => {
    const ran: string[] = [];
    await runCheck(check, {
      vars: plan.runbook.vars,
      captures: new Map(),
      becomeFor: (role) => plan.runbook.hosts[role]?.members[0]?.become ?? false,
      transportFor: (role) => nothingInstalled(role, ran),
      defaultTimeoutMs: 30_000,
      signal: new AbortController().signal,
    });
    // The plan's lines, one step each: "on there: ..." names another host than the check's.
    const planSteps = shown.alternatives.flatMap(({ via, line }) =>
      line.split('; while it runs, ').map((text) => {
        const other = /^on ([a-z]+): ([\s\S]*)$/.exec(text);
        return { via, role: other?.[1] ?? check.on, text: other?.[2] ?? text };
      }));
    expect(ran).toHaveLength(planSteps.length);
    ran.forEach((entry, index) => {
      const [role, text] = entry.split('\n', 2) as [string, string];
      const step = planSteps[index]!;
      expect(role).toBe(step.role);
      // A stream's line says what is spoken; it names the destination the run connected to.
      if (step.via === 'stream') expect(step.text).toContain(text);
      else expect(entry.slice(role.length + 1)).toBe(step.text);
    });
    expect(JSON.stringify(shown)).not.toContain('pw-4f2');
  });
});
