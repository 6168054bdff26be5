// The quick reading of plain YAML (src/runbook/yaml-quick.ts) against the exact one (source.ts):
// wherever the quick one gives data, the exact one finds no problem in the text and the same data,
// to the sign of a zero. Fuzzed with the loader's own generators (test/runbook/fuzz/), which write
// anchors, aliases, tags, merge keys, directives, flow collections and every quoting style.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatPath, parseRunbookSource, type Path } from '../../src/runbook/source.js';
import { LocalPlaces } from '../../src/runbook/local-places.js';
import { quickData, type CollectionStarts } from '../../src/runbook/yaml-quick.js';
import { styledRunbook } from './fuzz/serialize.js';
import { splicedRunbook, yamlSoup } from './fuzz/yaml-tokens.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 14);

const exactly = (text: string) => parseRunbookSource('case.yaml', text);

/** Every list and map of the data, by its path, the document's own included. */
const collectionPaths = (value: unknown, path: Path = []): Path[] => {
  if (typeof value !== 'object' || value === null) return [];
  const children: [string | number, unknown][] = Array.isArray(value) ? value.map((item: unknown, index) => [index, item]) : Object.entries(value);
  return [path, ...children.flatMap(([step, item]) => collectionPaths(item, [...path, step]))];
};

/** The path of the value of each map's first key, where that value is text (a check's id). */
const firstValuePaths = (value: unknown, path: Path = []): Path[] => {
  if (typeof value !== 'object' || value === null) return [];
  const [first] = Array.isArray(value) ? [] : Object.keys(value);
  const own = first !== undefined && typeof (value as Record<string, unknown>)[first] === 'string' ? [[...path, first]] : [];
  const children: [string | number, unknown][] = Array.isArray(value) ? value.map((item: unknown, index) => [index, item]) : Object.entries(value);
  return [...own, ...children.flatMap(([step, item]) => firstValuePaths(item, [...path, step]))];
};

/** Every value below the document (text, number, list, map), and a key missing from each map. */
const valuePaths = (value: unknown, path: Path = []): Path[] => {
  if (typeof value !== 'object' || value === null) return [];
  const children: [string | number, unknown][] = Array.isArray(value) ? value.map((item: unknown, index) => [index, item]) : Object.entries(value);
  const missing = Array.isArray(value) ? [] : [[...path, 'no-such-key']];
  return [...missing, ...children.flatMap(([step, item]) => [[...path, step], ...valuePaths(item, [...path, step])])];
};

/**
 * Of the texts read quickly whose document is a list or map, those the quick reading placed itself
 * (else the exact reading places them, and agrees trivially); of the first keys' text values, those
 * it placed itself; of all places asked of a `validate`'s reading, those read from the lines of the
 * list or map around them alone (local-places.ts).
 */
const placing = { collections: 0, placedQuickly: 0, firstValues: 0, firstValuesPlacedQuickly: 0, asked: 0, placedLocally: 0 };

/** The exact reading of a text the quick one read: no problem, the same data, each list and map at the same place. */
const agrees = (text: string): boolean => {
  const quick = quickData(text, true);
  if (!quick) return false;
  if (typeof quick.data === 'object' && quick.data !== null) {
    placing.collections += 1;
    if (quick.starts?.startOf(quick.data, quick.data) !== undefined) placing.placedQuickly += 1;
  }
  const exact = exactly(text);
  expect(exact.diagnostics.map((problem) => problem.message)).toEqual([]);
  expect(quick.data).toEqual(exact.source.data);
  const quickly = parseRunbookSource('case.yaml', text, { quick: true, placeCollections: true }).source;
  for (const path of [...collectionPaths(quick.data), ...firstValuePaths(quick.data)]) {
    const [seen, meant] = [quickly.locate(path), exact.source.locate(path)];
    expect([seen.line, seen.col], `the place of ${formatPath(path)} in ${JSON.stringify(text)}`).toEqual([meant.line, meant.col]);
  }
  // A validate's reading notes no starts: any place it is asked comes from the lines around it, else the whole text.
  const validating = parseRunbookSource('case.yaml', text, { quick: true }).source;
  const local = new LocalPlaces(text, () => quick as { data: unknown; starts: CollectionStarts });
  for (const path of valuePaths(quick.data)) {
    for (const target of ['value', 'key'] as const) {
      const [seen, meant] = [validating.locate(path, target), exact.source.locate(path, target)];
      expect([seen.line, seen.col], `the place of ${formatPath(path)} (${target}) in ${JSON.stringify(text)}`).toEqual([meant.line, meant.col]);
      placing.asked += 1;
      if (local.offsetOf(path, target) !== undefined) placing.placedLocally += 1;
    }
  }
  for (const path of firstValuePaths(quick.data)) {
    placing.firstValues += 1;
    const map = path.slice(0, -1).reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], quick.data) as object;
    if (quick.starts?.startOfFirstValue(quick.data, map, String(path.at(-1))) !== undefined) placing.firstValuesPlacedQuickly += 1;
  }
  return true;
};

describe(`the quick reading agrees with the exact one wherever it reads (${RUNS} cases, seed ${SEED})`, () => {
  // The last number: how much of a validate's placing the lines around a value do alone, at least.
  // Token soup has few lines that parse alone (0.10 at 25,000 cases, npm run fuzz:soak); it is
  // there for agreement, the runbook-shaped cases for the share.
  test.each([
    ['runbook-shaped documents in every style', styledRunbook, 0.5, 0.2, 0.3],
    ['good runbooks with a soup of tokens spliced into a line', splicedRunbook(styledRunbook), 0.25, 0.01, 0.3],
    ['token soup', yamlSoup, 0.25, 0.01, 0.05],
  ] as const)('%s', (_name, cases, share, atLeast, locally) => {
    let read = 0;
    Object.assign(placing, { collections: 0, placedQuickly: 0, firstValues: 0, firstValuesPlacedQuickly: 0, asked: 0, placedLocally: 0 });
    const runs = Math.max(1, Math.round(RUNS * share));
    fc.assert(
      fc.property(cases, (text) => {
        if (agrees(text)) read += 1;
      }),
      { seed: SEED, numRuns: runs },
    );
    // Not a property that holds by reading nothing: a good part of the cases take the quick way,
    // and most of those are placed by the quick reading itself.
    expect(read / runs).toBeGreaterThan(atLeast);
    if (placing.collections >= 10) expect(placing.placedQuickly / placing.collections).toBeGreaterThan(0.5);
    if (placing.firstValues >= 10) expect(placing.firstValuesPlacedQuickly / placing.firstValues, JSON.stringify(placing)).toBeGreaterThan(0.3);
    // And a good part of a validate's places come from the lines around them alone, not the whole text.
    if (placing.asked >= 1000) expect(placing.placedLocally / placing.asked, JSON.stringify(placing)).toBeGreaterThan(locally);
    // The soak's 50,000 runbook-shaped cases take minutes: the bound grows with the cases.
  }, Math.max(120_000, RUNS * 100));
});

describe('what the quick reading leaves to the exact one', () => {
  test.each([
    ['an anchor and its alias', 'a: &x 1\nb: *x\n'],
    ['an alias of nothing', 'a: *x\n'],
    ['a plain tag', 'a: !!str 1\n'],
    ['a tag that changes the value', 'a: !!float 1\n'],
    ['an unknown tag', 'run: !shell ls\n'],
    ['the non-specific tag', 'a: ! 1\n'],
    ['the private tag written out', 'a: !<tag:runbook.invalid,2026:plain> 1\n'],
    ['a directive', '%YAML 1.1\n---\na: yes\n'],
    ['a null key', 'null: 1\n'],
    ['an empty key', ': 1\n'],
    ['a list as a key', '[a]: 1\n'],
    ['a map as a key', '{a: 1}: 2\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
    ['a NUL', 'a: "x\\0y"\n'],
    ['a key of 1025 characters', `${'k'.repeat(1025)}: 1\n`],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['nesting deeper than the limit', `${'['.repeat(65)}${']'.repeat(65)}\n`],
    ['a syntax error', 'a: [1\n'],
    ['a merge key', 'base: {x: 1}\nm:\n  <<: {y: 2}\n'],
  ])('%s', (_what, text) => {
    // The merge key is plain text to both: left to the exact reading only when it reads otherwise.
    const quick = quickData(text);
    if (quick) expect(quick.data).toEqual(exactly(text).source.data);
    else expect(quick).toBeUndefined();
    if (!text.includes('<<')) expect(quick).toBeUndefined();
  });

  test('plain scalars become what YAML 1.2 core makes of them, as the exact reading does', () => {
    const text = [
      'oct: 0o17', 'hex: 0x1F', 'negzero: -0', 'plus: +12', 'inf: .inf', 'ninf: -.INF', 'nan: .NaN', 'exp: 1e29', 'big: 99999999999999999999',
      'float: 3.50', 'dot: .5', 'trailing: 5.', 'under: 1_000', 'yes: yes', 't: True', 'tRue: tRue', 'tilde: ~', 'empty:', 'badoct: 0o9',
      'date: 2001-12-14', 'text: echo ok',
    ].join('\n');
    expect(agrees(text)).toBe(true);
    expect(quickData(text)?.data).toMatchObject({ oct: 15, hex: 31, plus: 12, under: '1_000', yes: 'yes', t: true, tRue: 'tRue', date: '2001-12-14' });
    expect(Object.is((quickData(text)?.data as { negzero: number }).negzero, -0)).toBe(true);
  });

  test('an empty file or one of comments is null, as to the YAML library', () => {
    expect(quickData('')?.data).toBeNull();
    expect(quickData('# nothing\n')?.data).toBeNull();
  });
});

describe('a runbook read quickly', () => {
  const text = 'version: 1\ntitle: t\nhosts:\n  here: local\nquestions:\n  - id: q\n    title: Q\n    checks:\n      - { id: c, on: here, run: "true" }\n';

  test('takes its places from the exact reading the first time one is read', () => {
    expect(quickData(text)).toBeDefined();
    const { source, diagnostics } = parseRunbookSource('quick.yaml', text, { quick: true });
    expect(diagnostics).toEqual([]);
    const place = source.locate(['questions', 0, 'checks', 0, 'id']);
    expect(place.file).toBe('quick.yaml');
    expect([place.line, place.col]).toEqual([9, 15]);
    expect(JSON.parse(JSON.stringify({ place }))).toEqual({ place: { file: 'quick.yaml', line: 9, col: 15 } });
    expect(place).toEqual(expect.objectContaining({ file: 'quick.yaml' }));
    expect(source.locate(['questions', 0, 'checks', 0, 'id'], 'key').col).toBe(11);
  });

  test('places a list or map where the quick reading saw it start, as the exact reading does', () => {
    const { source } = parseRunbookSource('quick.yaml', text, { quick: true, placeCollections: true });
    const exact = exactly(text).source;
    for (const path of [['questions', 0, 'checks', 0], ['questions', 0, 'checks'], ['questions', 0], ['hosts'], []]) {
      const [seen, meant] = [source.locate(path), exact.locate(path)];
      expect([seen.line, seen.col]).toEqual([meant.line, meant.col]);
    }
    expect([source.locate(['questions', 0, 'checks', 0]).line, source.locate(['questions', 0, 'checks', 0]).col]).toEqual([9, 9]);
  });

  test('is read exactly when it is not plain YAML, its places at once', () => {
    const tagged = text.replace('run: "true"', 'run: !!str "true"');
    expect(quickData(tagged)).toBeUndefined();
    const { source } = parseRunbookSource('tagged.yaml', tagged, { quick: true });
    const place = source.locate(['questions', 0, 'checks', 0, 'id']);
    expect(Object.keys(place)).toEqual(['file', 'line', 'col']);
    expect([place.line, place.col]).toEqual([9, 15]);
  });
});
