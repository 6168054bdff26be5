// js-yaml as the bundle takes it, edited to allocate only what it keeps (scripts/js-yaml-edits.ts),
// against js-yaml as published: the same data or the same error, and the same events for the quick
// reading's listener, for every YAML file of the project and over fuzzed documents (anchors,
// aliases, tags, merge keys, flow collections, token soup).
import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as published from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { editedJsYaml, JS_YAML_EDITS } from '../../scripts/js-yaml-edits.js';
import { styledRunbook } from './fuzz/serialize.js';
import { splicedRunbook, yamlSoup } from './fuzz/yaml-tokens.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 14);
const ROOT = join(import.meta.dirname, '../..');
const PUBLISHED_FILE = join(ROOT, 'node_modules/js-yaml/dist/js-yaml.mjs');

type JsYaml = typeof published;
let edited: JsYaml;
let workspace: string;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'runbook-js-yaml-'));
  const file = join(workspace, 'js-yaml.mjs');
  // Without its source map comment: the map stays beside the published file.
  writeFileSync(file, editedJsYaml(readFileSync(PUBLISHED_FILE, 'utf8'), PUBLISHED_FILE).replace(/^\/\/# sourceMappingURL=.*$/m, ''));
  edited = (await import(pathToFileURL(file).href)) as JsYaml;
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** What a js-yaml makes of `text`: its data or its error, and what its listener heard, in order. */
const reading = (jsYaml: JsYaml, text: string) => {
  // Text, not the nodes: an alias's node is compared by sameData, once.
  const heard: string[] = [];
  const listener = (event: string, state: { position: number; kind: unknown; tag: unknown; anchor: unknown }): void => {
    heard.push(`${event} ${state.position} ${String(state.kind)} ${String(state.tag)} ${String(state.anchor)}`);
  };
  try {
    return { data: jsYaml.load(text, { listener } as unknown as Parameters<JsYaml['load']>[1]), heard };
  } catch (error) {
    return { error: (error as Error).message, heard };
  }
};

/**
 * The same data, node for node, and shared where it was shared (an alias is the node its anchor
 * names): each pair of lists or maps is compared once, so an alias bomb costs its nodes, not its
 * exponential expansion, which toEqual would walk.
 */
const sameData = (a: unknown, b: unknown, paired = new Map<object, object>()): boolean => {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (paired.has(a)) return paired.get(a) === b;
  paired.set(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  // A timestamp keeps its value in no key; binary data (Uint8Array) has one per byte.
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  const keys = Reflect.ownKeys(a);
  if (keys.length !== Reflect.ownKeys(b).length) return false;
  return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && sameData((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key], paired));
};

const readAlike = (text: string): void => {
  const [before, after] = [reading(published, text), reading(edited, text)];
  expect(after.heard, JSON.stringify(text)).toEqual(before.heard);
  expect(after.error, JSON.stringify(text)).toBe(before.error);
  expect(sameData(before.data, after.data), JSON.stringify(text)).toBe(true);
};

const yamlFiles = (folder: string): string[] =>
  readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(ROOT, folder, name));

describe('the edits to js-yaml', () => {
  test('each fits the js-yaml installed, once, and another js-yaml fails the build by name', () => {
    const source = readFileSync(PUBLISHED_FILE, 'utf8');
    expect(editedJsYaml(source, PUBLISHED_FILE)).not.toBe(source);
    for (const edit of JS_YAML_EDITS) expect(source.split(edit.find)).toHaveLength(2);
    expect(() => editedJsYaml(source.replace('const propertyState = snapshotState(state);', 'const propertyState = snapshotState(state, 1);'), 'js-yaml.mjs')).toThrow(
      /^js-yaml\.mjs: the edit "composeNode snapshots its state only where a tag or an anchor starts" expects its text once and found it 0 times/,
    );
  });

  test('every YAML file of the project reads as before', () => {
    const files = [...yamlFiles('runbooks'), ...yamlFiles('test/fixtures')];
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) readAlike(readFileSync(file, 'utf8'));
  });

  test.each([
    ['anchors and aliases', 'a: &x {b: [1, &y 2]}\nc: *x\nd: *y\n'],
    ['a tag on a flow collection', 'a: !!map {b: 1}\nc: !!seq [1]\n'],
    ['tags and anchors before a block mapping', '!!map\n&a b: 1\n'],
    ['merge keys that override', 'base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n'],
    ['a repeated key in a flow map', 'a: {b: 1, b: 2}\n'],
    ['an unclosed flow list', 'a: [1, 2\n'],
  ])('%s read as before', (_what, text) => readAlike(text));
});

describe(`the edited js-yaml reads fuzzed YAML as the published one (${RUNS} cases, seed ${SEED})`, () => {
  test.each([
    ['runbook-shaped documents in every style', styledRunbook, 0.5],
    ['good runbooks with a soup of tokens spliced into a line', splicedRunbook(styledRunbook), 0.25],
    ['token soup', yamlSoup, 0.25],
  ] as const)('%s', (_name, cases, share) => {
    fc.assert(fc.property(cases, readAlike), { seed: SEED, numRuns: Math.max(1, Math.round(RUNS * share)) });
  }, 120_000);
});
