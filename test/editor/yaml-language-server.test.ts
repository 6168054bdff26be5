// Writing runbooks with an editor that helps: the real yaml-language-server, given a runbook that
// opts into schemas/runbook.schema.json with the modeline users write, flags a misspelt key,
// completes a check's keys and explains a key on hover with the schema's own words.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticSeverity, type Hover, type Position, type Range } from 'vscode-languageserver-protocol/node.js';
import { startLanguageServer, type LanguageServer } from './language-server.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../schemas/runbook.schema.json', import.meta.url));
/** What runbooks/local-host.yaml says: the schema, relative to the runbook's folder. */
const MODELINE = '# yaml-language-server: $schema=../schemas/runbook.schema.json';
const CURSOR = '<cursor>';

/** The schema as it is when the test runs (another hand may be adding descriptions to it). */
const schemaText = readFileSync(SCHEMA_FILE, 'utf8');
const schema = JSON.parse(schemaText) as unknown;

const step = (node: unknown, key: string): unknown => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined);

/** A local `$ref` ("#/definitions/check") followed to what it names, as an editor does. */
const dereferenced = (node: unknown): unknown => {
  const ref = step(node, '$ref');
  return typeof ref === 'string' && ref.startsWith('#/') ? dereferenced(ref.slice(2).split('/').reduce(step, schema)) : node;
};

const at = (path: readonly string[]): unknown => path.reduce<unknown>((node, key) => step(dereferenced(node), key), schema);

const CHECK = ['properties', 'questions', 'items', 'properties', 'checks', 'items'] as const;

const checkKeys = (): string[] => Object.keys(at([...CHECK, 'properties']) as Record<string, unknown>);

const descriptionAt = (path: readonly string[]): string => {
  const description = at([...path, 'description']);
  return typeof description === 'string' ? description : '';
};

const positionAt = (text: string, offset: number): Position => {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: (before.at(-1) ?? '').length };
};

/** The range of `key` where it is a mapping key (`key:` first on its line); the document has it once. */
const keyRange = (text: string, key: string): Range => {
  const matches = [...text.matchAll(new RegExp(`^ *(?:- )?(${key}):`, 'gm'))];
  const [match] = matches;
  if (matches.length !== 1 || match?.index === undefined) throw new Error(`the document has ${String(matches.length)} keys ${key}, not 1`);
  const start = match.index + match[0].indexOf(key);
  return { start: positionAt(text, start), end: positionAt(text, start + key.length) };
};

/** The text without its cursor mark, and the mark's position. */
const withCursor = (marked: string): { text: string; cursor: Position } => {
  const offset = marked.indexOf(CURSOR);
  if (offset < 0) throw new Error('no cursor in the document');
  return { text: marked.replace(CURSOR, ''), cursor: positionAt(marked, offset) };
};

/** Hover text as an editor shows it: markdown escapes undone, whitespace runs as one space. */
const hoverText = (hover: Hover | null): string => {
  const contents = hover?.contents;
  const parts = contents === undefined ? [] : Array.isArray(contents) ? contents : [contents];
  return parts
    .map((part) => (typeof part === 'string' ? part : part.value))
    .join('\n')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/\s+/g, ' ');
};

const oneLine = (text: string): string => text.replace(/\s+/g, ' ');

const runbook = (checks: string): string => `${MODELINE}
version: 1
title: Can the app reach its database?
hosts:
  app: local
questions:
  - id: db-reachable
    title: Does the database port answer?
    checks:
${checks}`;

describe('yaml-language-server on a runbook', { timeout: 60_000 }, () => {
  let workspace = '';
  const servers = new Set<LanguageServer>();

  /** Opens `text` as runbooks/`name` of the workspace, on a server of its own. */
  const openRunbook = async (name: string, text: string): Promise<{ server: LanguageServer; uri: string }> => {
    const file = join(workspace, 'runbooks', name);
    writeFileSync(file, text);
    const server = await startLanguageServer(workspace);
    servers.add(server);
    const uri = pathToFileURL(file).href;
    await server.open(uri, text);
    return { server, uri };
  };

  /** Each test ends with a clean stop: the server honours shutdown and exit, no kill needed. */
  const stopCleanly = async (server: LanguageServer): Promise<void> => {
    servers.delete(server);
    expect(await server.stop(), `how yaml-language-server (pid ${String(server.pid)}) ended`).toEqual({ code: 0, signal: null, killed: false });
  };

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'runbook-editor-'));
    mkdirSync(join(workspace, 'runbooks'));
    mkdirSync(join(workspace, 'schemas'));
    writeFileSync(join(workspace, 'schemas', 'runbook.schema.json'), schemaText);
  });

  // A test that failed or timed out still stops its server before the leak detector looks.
  afterEach(async () => {
    await Promise.all([...servers].map((server) => server.stop()));
    servers.clear();
  });

  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('flags a misspelt check key where it is written, naming it', async () => {
    const text = runbook(`      - id: db-port
        on: app
        tcp_connect:
          host: 127.0.0.1
          port: 3306
        tiemout: 5s
`);
    const { server, uri } = await openRunbook('misspelt.yaml', text);

    const diagnostics = await server.diagnostics(uri, (published) => published.length > 0);

    // The runbook is valid but for the typo: the one problem is the typo, at the typo.
    expect(diagnostics).toHaveLength(1);
    const [diagnostic] = diagnostics;
    expect(diagnostic?.range).toEqual(keyRange(text, 'tiemout'));
    expect(diagnostic?.message).toContain('tiemout');
    expect(diagnostic?.message).toMatch(/not allowed/i);
    expect(diagnostic?.severity).toBe(DiagnosticSeverity.Error);
    // It comes from our schema (the modeline worked), not from YAML syntax.
    expect(diagnostic?.source).toContain(at(['title']) as string);
    await stopCleanly(server);
  });

  it("completes a check's keys on a new line in the check", async () => {
    const { text, cursor } = withCursor(
      runbook(`      - id: db-port
        on: app
        ${CURSOR}
`),
    );
    const { server, uri } = await openRunbook('completion.yaml', text);

    const labels = (await server.completion(uri, cursor)).map(({ label }) => label);

    expect(labels).toEqual(expect.arrayContaining(['timeout', 'depends_on', 'expect', 'run', 'tcp_connect']));
    // Every key a check may still take, as the schema lists them; none it already has.
    const stillFree = checkKeys().filter((key) => key !== 'id' && key !== 'on');
    expect(stillFree.length).toBeGreaterThan(5);
    expect(labels).toEqual(expect.arrayContaining(stillFree));
    expect(labels).not.toContain('id');
    expect(labels).not.toContain('on');
    await stopCleanly(server);
  });

  it("explains a key on hover with the schema's description of it", async () => {
    const text = runbook(`      - id: app-up
        on: app
        run: 'true'
      - id: db-port
        on: app
        tcp_connect:
          host: 127.0.0.1
          port: 3306
        timeout: 5s
        depends_on: [app-up]
`);
    const { server, uri } = await openRunbook('hover.yaml', text);
    const targets = [
      { key: 'timeout', path: [...CHECK, 'properties', 'timeout'] },
      { key: 'depends_on', path: [...CHECK, 'properties', 'depends_on'] },
      { key: 'tcp_connect', path: [...CHECK, 'properties', 'tcp_connect'] },
      { key: 'host', path: [...CHECK, 'properties', 'tcp_connect', 'properties', 'host'] },
    ];

    for (const { key, path } of targets) {
      const description = descriptionAt(path);
      expect(description, `the schema's description of ${path.join('.')}`).not.toBe('');
      const range = keyRange(text, key);
      const hover = await server.hover(uri, { line: range.start.line, character: range.start.character + 1 });
      expect(hover, `hover over ${key}`).not.toBeNull();
      expect(hover?.range, `hover range of ${key}`).toEqual(range);
      expect(hoverText(hover), `hover over ${key}`).toContain(oneLine(description));
    }
    await stopCleanly(server);
  });
});
