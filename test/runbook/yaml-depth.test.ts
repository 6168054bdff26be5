// Nesting is bounded while the text is parsed: 64 levels of lists and maps load, the 65th is one
// RB_YAML line where it opens, whatever YAML spells it with; quotes, comments and block scalars
// never count; aliases count as what they stand for. The YAML library used to exhaust the stack
// near 800 levels ("Maximum call stack size exceeded") and abort out of memory on 20,000.
import { isCollection, isNode, isPair, parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { parseInventory } from '../../src/runbook/inventory.js';
import { parseRunbookSource } from '../../src/runbook/source.js';
import { parseVarsFile } from '../../src/runbook/vars-file.js';
import { MAX_NESTING_DEPTH, parseWithinDepth } from '../../src/runbook/yaml-depth.js';

const TOO_DEEP = `lists and maps nest deeper than ${MAX_NESTING_DEPTH} levels here, the most such a file may hold`;

/** How deep the YAML library's own documents nest (recursive: only for the small texts here). */
const depthOf = (node: unknown): number => {
  if (!isCollection(node)) return 0;
  const children = node.items.flatMap((item) => (isPair(item) ? [item.key, item.value] : [item]));
  return 1 + Math.max(0, ...children.map(depthOf));
};

const libraryDepth = (text: string): number => Math.max(0, ...parseAllDocuments(text).map((doc) => (isNode(doc.contents) ? depthOf(doc.contents) : 0)));

/** Each shape nests `levels` lists and maps; `at(levels)` is where its deepest one opens (line, col). */
const SHAPES: Record<string, { text: (levels: number) => string; at: (levels: number) => [number, number] }> = {
  'flow sequences': { text: (n) => `x: ${'['.repeat(n - 1)}1${']'.repeat(n - 1)}\n`, at: (n) => [1, 3 + n - 1] },
  'flow maps': { text: (n) => `x: ${'{a: '.repeat(n - 1)}1${'}'.repeat(n - 1)}\n`, at: (n) => [1, 4 + 4 * (n - 2)] },
  'block maps': { text: (n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ` v\n`, at: (n) => [n, n] },
  'compact sequences': { text: (n) => `${'- '.repeat(n)}v\n`, at: (n) => [1, 2 * n - 1] },
  'maps in sequences': {
    text: (n) => Array.from({ length: Math.ceil(n / 2) }, (_, i) => `${' '.repeat(2 * i)}- k:`).join('\n') + ' v\n',
    // Odd levels are the lists (their "-"), even ones the maps (their key).
    at: (n) => [Math.ceil(n / 2), n % 2 === 1 ? n : n + 1],
  },
  'pairs inside brackets': { text: (n) => `x: ${'[a: '.repeat((n - 1) / 2)}1${']'.repeat((n - 1) / 2)}\n`, at: (n) => [1, 4 * ((n - 1) / 2)] },
};

describe('nesting depth', () => {
  test.each(Object.keys(SHAPES))('%s: 64 levels load, 65 are refused where the 65th opens', (name) => {
    const shape = SHAPES[name]!;
    const deepest = MAX_NESTING_DEPTH % 2 === 0 && name === 'pairs inside brackets' ? MAX_NESTING_DEPTH - 1 : MAX_NESTING_DEPTH;
    const fits = shape.text(deepest);
    const tooDeep = shape.text(deepest + 2);
    expect(libraryDepth(fits)).toBe(deepest);
    expect(parseRunbookSource('d.yaml', fits).diagnostics).toEqual([]);
    const { diagnostics } = parseRunbookSource('d.yaml', tooDeep);
    const [line, col] = shape.at(MAX_NESTING_DEPTH + 1);
    expect(diagnostics).toMatchObject([{ code: 'RB_YAML', message: TOO_DEEP, location: { file: 'd.yaml', line, col } }]);
  });

  test('20,000 unclosed brackets stop at the 65th, in far less than the parser took to fail', () => {
    const started = performance.now();
    const { diagnostics } = parseRunbookSource('d.yaml', `x: ${'['.repeat(20_000)}`);
    expect(diagnostics).toMatchObject([{ message: TOO_DEEP, location: { line: 1, col: 4 + MAX_NESTING_DEPTH - 1 } }]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('brackets and dashes inside quotes, comments and block scalars are text, not nesting', () => {
    const deep = '['.repeat(200);
    const text = `a: "${deep}"\nb: '${deep}'\n# ${deep}\nc: |\n  ${deep}\n  ${'- '.repeat(200)}\nd: x${deep} # ${deep}\n`;
    expect(parseRunbookSource('t.yaml', text).diagnostics).toEqual([]);
  });

  // The parser's stack is the measure; it agrees with the library's documents on what YAML allows.
  test.each([
    'a:\n  b:\n    c: 1\nd: 2',
    'a:\n- 1\n- [2]\nb: {c: [d]}',
    '- a: 1\n  b:\n  - c\n  - - d',
    '? [a, [b]]\n: {c: [d]}',
    '? - a\n  - - b\n: v',
    '[a]: b\n[[c]]: d',
    'a:\n  b: [\n    [1,\n      [2]],\n    3]\nc: 1',
    'x:\n  - y:\n      - z:\n          - w: [1]',
    '{a: [b: {c: d}]}',
  ])('%j nests exactly as deep for the limit as for the library', (text) => {
    const depth = libraryDepth(text);
    // Pad with block maps above it so that the text's deepest level is exactly the limit, then one more.
    const padded = (levels: number): string => {
      const above = Array.from({ length: levels - depth }, (_, i) => `${'  '.repeat(i)}p${i}:`).join('\n');
      const indent = '  '.repeat(levels - depth);
      return `${above}\n${text.split('\n').map((line) => indent + line).join('\n')}\n`;
    };
    expect(libraryDepth(padded(MAX_NESTING_DEPTH))).toBe(MAX_NESTING_DEPTH);
    expect('doc' in parseWithinDepth(padded(MAX_NESTING_DEPTH))).toBe(true);
    expect('tooDeepAt' in parseWithinDepth(padded(MAX_NESTING_DEPTH + 1))).toBe(true);
  });

  test('a list that is the key of a pair inside brackets counts the map the pair makes', () => {
    const levels = 40; // 40 brackets, each the key of a pair: 79 levels once composed
    const text = `x: ${'['.repeat(levels)}a${']: b'.repeat(levels - 1)}]\n`;
    expect(libraryDepth(text)).toBeGreaterThan(MAX_NESTING_DEPTH);
    expect(parseRunbookSource('k.yaml', text).diagnostics).toMatchObject([{ code: 'RB_YAML', message: TOO_DEEP }]);
  });

  test('an alias counts as the lists and maps it stands for', () => {
    const anchored = (i: number): string => `  x${i}: &x${i} ${'['.repeat(30)}${i === 1 ? '0' : `*x${i - 1}`}${']'.repeat(30)}`;
    const text = `vars:\n${[1, 2, 3].map(anchored).join('\n')}\n`;
    expect(parseRunbookSource('a.yaml', text).diagnostics).toEqual([
      {
        code: 'RB_YAML',
        message: `the alias *x2 stands for lists and maps 60 levels deep: here they nest 92 levels, deeper than ${MAX_NESTING_DEPTH}, the most such a file may hold`,
        location: { file: 'a.yaml', line: 4, col: 41 },
        hint: 'write the value out here, or give the alias a shallower value',
      },
    ]);
  });

  test('an alias inside the value it names is refused (the data would hold itself)', () => {
    expect(parseRunbookSource('a.yaml', 'x: &a [1, {y: *a}]\n').diagnostics).toEqual([
      {
        code: 'RB_YAML',
        message: 'the alias *a stands inside the value &a names, which would then hold itself without end',
        location: { file: 'a.yaml', line: 1, col: 15 },
        hint: 'an alias can only repeat a value written whole before it',
      },
    ]);
  });

  test('vars files and YAML inventories are bounded the same way', () => {
    const deep = `${'['.repeat(MAX_NESTING_DEPTH + 10)}\n`;
    expect(parseVarsFile('v.yaml', `port: ${deep}`).diagnostics).toMatchObject([{ code: 'RB_YAML', message: TOO_DEEP, location: { file: 'v.yaml', line: 1 } }]);
    expect(parseInventory('i.yaml', `all:\n  vars:\n    x: ${deep}`).diagnostics).toMatchObject([{ code: 'RB_YAML', message: TOO_DEEP, location: { file: 'i.yaml', line: 3 } }]);
  });

  test('a second document is one line at its start, in words', () => {
    expect(parseRunbookSource('m.yaml', 'version: 1\n---\ntitle: t\n').diagnostics).toEqual([
      {
        code: 'RB_YAML',
        message: 'a second YAML document starts here (after a "---" or "..." line), and a file holds one: remove that line, or move what follows to a file of its own',
        location: { file: 'm.yaml', line: 2, col: 1 },
      },
    ]);
  });
});
