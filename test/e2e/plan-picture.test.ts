// `runbook plan FILE --format mermaid|dot` through the built CLI (issue 11): the Mermaid text is what
// the README shows, the DOT text renders with Graphviz, and a bad format is a usage error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, test } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';

test("--format mermaid prints the flowchart the README shows for the shipped runbook", async () => {
  const result = await runCli({}, ['plan', 'mysql-connectivity.yaml', '--format', 'mermaid']);
  expect(result.exitCode).toBe(0);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const shown = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(shown, 'a mermaid block in the README').toBeDefined();
  expect(result.stdout).toBe(shown);
  expect(result.stdout).toMatch(/^flowchart LR\n/);
});

test('--format dot renders with Graphviz, every check in it', async () => {
  const result = await runCli({}, ['plan', 'mysql-connectivity.yaml', '--format', 'dot']);
  expect(result.exitCode).toBe(0);
  const svg = await execa('dot', ['-Tsvg'], { input: result.stdout, reject: false });
  expect([svg.exitCode, svg.stderr]).toEqual([0, '']);
  // Graphviz writes a dash in SVG text as &#45;.
  const text = String(svg.stdout).replaceAll('&#45;', '-');
  for (const id of ['db-process', 'pid-listens', 'client-connect', 'server-sees-client', 'client-query']) expect(text).toContain(id);
});

test('an unknown format is a usage error naming the choices', async () => {
  const result = await runCli({}, ['plan', 'mysql-connectivity.yaml', '--format', 'svg']);
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toMatch(/option '--format <format>' argument 'svg' is invalid\. Allowed choices are text, json, mermaid, dot\./);
});
