// A runbook's YAML read quickly, for the plain YAML nearly every runbook is. The YAML library that
// places every problem at file:line:col builds a syntax tree and a document of nodes first: a
// runbook of 20,000 checks (2.4 MB) took it 2-4 s of a 7 s `validate`. js-yaml reads the same
// text into data in a tenth of that, but keeps no places and reads some YAML differently (tags,
// keys that are not text). So it reads only what both read alike, and says nothing otherwise: any
// anchor, alias, tag, directive, key that is not plain text, value holding a NUL or a control
// character, nesting deeper than the limit or anything it rejects sends the text to the exact
// reading (source.ts), which then finds and places every problem as before.
// test/runbook/yaml-quick.test.ts holds the two readings to the same data over fuzzed documents.
import { load, Schema, Type, type State } from 'js-yaml';
import { firstHidden } from '../model/visible-text.js';
import { MAX_NESTING_DEPTH } from './yaml-depth.js';

/**
 * How plain scalars become values: YAML 1.2's core schema as the YAML library resolves it, in its
 * order and with its conversions (yaml/dist/schema/core), so `0o17`, `-0`, `.inf` or `1e29` mean the
 * same in both readings. `1_000` or `yes` match none and stay text, in both.
 */
const CORE_SCALARS: readonly { readonly test: RegExp; readonly value: (text: string) => unknown }[] = [
  { test: /^(?:~|[Nn]ull|NULL)?$/, value: () => null },
  { test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, value: (text) => text[0] === 't' || text[0] === 'T' },
  { test: /^0o[0-7]+$/, value: (text) => parseInt(text.substring(2), 8) },
  { test: /^[-+]?[0-9]+$/, value: (text) => parseInt(text, 10) },
  { test: /^0x[0-9a-fA-F]+$/, value: (text) => parseInt(text.substring(2), 16) },
  {
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    value: (text) => (text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY),
  },
  { test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, value: (text) => parseFloat(text) },
  { test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, value: (text) => parseFloat(text) },
];

/**
 * A tag name no one writes: the one type of the schema, so every tag written in the text (`!!str`,
 * `!!int`, `!shell`) is unknown to js-yaml, which then gives up, and the exact reading decides.
 */
const PLAIN_SCALAR_TAG = 'tag:runbook.invalid,2026:plain';

/** The first characters a null, boolean or number can have: any other plain scalar is text at a glance (most are: ids, commands). */
const MAY_BE_CORE = new Set(['', '~', 'n', 'N', 't', 'T', 'f', 'F', '+', '-', '.', ...'0123456789']);

/** How CORE_SCALARS makes `text` a value, if one of them matches it. A loop: it runs for most scalars of a runbook. */
const coreValue = (text: string): ((text: string) => unknown) | undefined => {
  for (let index = 0; index < CORE_SCALARS.length; index += 1) if (CORE_SCALARS[index]!.test.test(text)) return CORE_SCALARS[index]!.value;
  return undefined;
};

/** js-yaml asks whether a scalar resolves, then constructs it at once: the match found is kept for that. */
let matched: ((text: string) => unknown) | undefined;

const plainScalar = new Type(PLAIN_SCALAR_TAG, {
  kind: 'scalar',
  resolve: (text: unknown) => {
    matched = typeof text === 'string' && MAY_BE_CORE.has(text.charAt(0)) ? coreValue(text) : undefined;
    return matched !== undefined;
  },
  construct: (text: string) => matched!(text),
});

const PLAIN_ONLY = new Schema({ implicit: [plainScalar], explicit: [] });

/** Thrown from js-yaml's listener to stop at the first node the quick reading leaves to the exact one. */
class NotPlain extends Error {}

/** Where a node's own text starts, from where js-yaml began to read it: past blanks, line breaks and comments. */
const contentStart = (text: string, from: number): number => {
  let at = from;
  for (;;) {
    const char = text[at];
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') at += 1;
    else if (char === '#') at = text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at);
    else return at;
  }
};

/** `|2`, `>-1`: a block scalar that says its own indentation, which the readings keep differently when its lines are blank. */
const BLOCK_INDENTATION_GIVEN = /^[|>][-+]?[1-9]/;

/**
 * A scalar the two readings may make different text of: over several lines and not a block scalar
 * (`|`, `>`), whose lines they fold differently in corners (`"a\` then an empty line: "a b" to the
 * YAML library, "ab" to js-yaml), or a block scalar that gives its indentation. Runbooks write
 * long text as block scalars, and leave their indentation to the reader.
 */
const mayReadOtherwise = (text: string, from: number, to: number): boolean => {
  const start = contentStart(text, from);
  if (start >= to) return false;
  if (text[start] === '|' || text[start] === '>') return BLOCK_INDENTATION_GIVEN.test(text.slice(start, start + 3));
  const lineBreak = text.indexOf('\n', start);
  return lineBreak !== -1 && lineBreak < to;
};

/** A `:` right after a list or map (`[a]: 1`) makes it a key: "a" to js-yaml, "[ a ]" to the YAML library. */
const FOLLOWED_BY_COLON = /[ \t]*:/y;

const isKey = (text: string, end: number): boolean => {
  FOLLOWED_BY_COLON.lastIndex = end;
  return FOLLOWED_BY_COLON.test(text);
};

/** A key that JavaScript orders before the others, whatever the text's order ("0", "17"). */
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * Where each list and map of the data starts in the text, as the YAML library places it: its first
 * key or `-`, or its bracket. The reading notes two numbers per list or map, in the order it closes
 * them (the last of each one's children before it), into a typed array the collector never looks
 * through. The first place asked for walks the data in the same order and pairs them up; where the
 * walk cannot follow the text's order (a key such as "0", which JavaScript moves to the front) or
 * a list is not the one noted there, it gives up, and the exact reading places everything.
 */
export class CollectionStarts {
  /** Per list or map closed: where js-yaml began to read it, then a list's length, or -1 for a map. */
  #noted = new Int32Array(1024);
  #count = 0;
  #byCollection: Map<object, number> | undefined;

  constructor(private readonly text: string) {}

  note(from: number, collection: unknown): void {
    // A flow list or map that begins a block list's item is closed twice, first as the key js-yaml
    // tried to read there: one list or map, noted once.
    if (this.#count > 0 && this.#noted[this.#count - 2] === from) return;
    if (this.#count + 2 > this.#noted.length) {
      const grown = new Int32Array(this.#noted.length * 2);
      grown.set(this.#noted);
      this.#noted = grown;
    }
    this.#noted[this.#count] = from;
    this.#noted[this.#count + 1] = Array.isArray(collection) ? collection.length : -1;
    this.#count += 2;
  }

  /** Where `collection` starts, if it is a list or map of `data`, the document this reading made. */
  startOf(data: unknown, collection: object): number | undefined {
    this.#byCollection ??= this.#pairedUp(data) ?? new Map();
    return this.#byCollection.get(collection);
  }

  /**
   * Where the value of `key` starts, when `key` is the first key of `map`, a map of `data`: after
   * the map's `{` (a flow map) and blanks, the key written plain, `:` and spaces, then the value
   * on that line, its text there as it reads (plain) or quoted. Anything else (a quoted key, a
   * comment, the value on a line of its own) is left to the exact reading. A check's id, its first
   * key in nearly every runbook, is placed so: every result of a run carries that place, and a
   * run read quickly no longer parses its file again to say where its first check is written.
   */
  startOfFirstValue(data: unknown, map: object, key: string): number | undefined {
    if (Object.keys(map)[0] !== key) return undefined;
    const mapStart = this.startOf(data, map);
    if (mapStart === undefined) return undefined;
    let at = this.text[mapStart] === '{' ? contentStart(this.text, mapStart + 1) : mapStart;
    if (!this.text.startsWith(key, at)) return undefined;
    at = this.#pastSpaces(at + key.length);
    if (this.text[at] !== ':') return undefined;
    at = this.#pastSpaces(at + 1);
    const value = (map as Record<string, unknown>)[key];
    const written = typeof value === 'string' && value !== '' && (this.text.startsWith(value, at) || this.text[at] === '"' || this.text[at] === "'");
    return written ? at : undefined;
  }

  #pastSpaces(from: number): number {
    let at = from;
    while (this.text[at] === ' ' || this.text[at] === '\t') at += 1;
    return at;
  }

  #pairedUp(data: unknown): Map<object, number> | undefined {
    const index = new Map<object, number>();
    let at = 0;
    const visit = (value: unknown): boolean => {
      if (typeof value !== 'object' || value === null) return true;
      const keys = Array.isArray(value) ? undefined : Object.keys(value);
      if (keys?.some((key) => ARRAY_INDEX.test(key))) return false;
      const children: unknown[] = keys ? keys.map((key) => (value as Record<string, unknown>)[key]) : (value as unknown[]);
      if (!children.every(visit)) return false;
      if (at >= this.#count || this.#noted[at + 1] !== (keys ? -1 : children.length)) return false;
      const from = this.#noted[at]!;
      index.set(value, contentStart(this.text, from));
      at += 2;
      return true;
    };
    return visit(data) && at === this.#count ? index : undefined;
  }
}

/**
 * After each node: an anchor, a tag other than those of plain untagged YAML (`!` included), a
 * scalar that may read otherwise or a list or map as a key is not plain. `opened` holds where each
 * node still open began; each list and map read is noted in `starts`.
 */
const plainNodesOnly = (text: string, starts: CollectionStarts | undefined) => {
  const opened: number[] = [];
  return (event: string, state: State): void => {
    if (event === 'open') {
      opened.push(state.position);
      return;
    }
    const from = opened.pop()!;
    const { anchor, tag, kind } = state as State & { anchor: string | null; tag: string | null; kind: string | null };
    if (anchor !== null || (tag !== null && tag !== '?' && tag !== PLAIN_SCALAR_TAG)) throw new NotPlain();
    if (kind === 'scalar' && mayReadOtherwise(text, from, state.position)) throw new NotPlain();
    if (kind === 'sequence' || kind === 'mapping') {
      if (isKey(text, state.position)) throw new NotPlain();
      starts?.note(from, (state as State & { result: unknown }).result);
    }
  };
};

/**
 * Found by a glance at the text, before reading it: a carriage return alone (a line break to
 * js-yaml, text to the YAML library); a tab in a line's indentation, or a comment right after a
 * quote or bracket (both refused by the YAML library); a directive (`%YAML 1.1` changes what
 * scalars mean); a document end, or a line that starts with `---` and holds more; a byte order
 * mark; the private tag written out; an explicit key (`? `), which may be a list or a map. Such
 * text may also be quoted or in a command: it then only takes the exact reading, never a wrong
 * one. No pattern may backtrack far: one that did (`[\]}]\s*:` over 2 MB) was handed by V8 to its
 * linear engine (bin/runbook.js) and took a second.
 */
const MAYBE_NOT_PLAIN = [/\r(?!\n)/, /^ *\t/m, /["'\]}]#/, /^%/m, /^---(?![ \t]*(?:#[^\n]*)?\r?$)/m, /^\.\.\./m, /\ufeff/, /runbook\.invalid/, /(?:^|[\s,[{])\?(?:\s|$)/m];

/**
 * Keys and values the two readings would see differently, or that the exact reading reports: a
 * key from `null` (js-yaml "null", the YAML library ""), one longer than 1024 characters (YAML's
 * most for a key on its line), a NUL or any other character the exact reading refuses
 * (model/visible-text.ts) anywhere, lists and maps nested deeper than the limit.
 */
const plainData = (value: unknown, depth: number): boolean => {
  if (typeof value === 'string') return firstHidden(value) === -1;
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= MAX_NESTING_DEPTH) return false;
  // Loops without a closure or a list of keys: this walks every list and map of the document.
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) if (!plainData(value[index], depth + 1)) return false;
    return true;
  }
  // js-yaml makes every map with {}: for...in sees its own keys only, as Object.keys would.
  for (const key in value) {
    if (key === 'null' || key.length > 1024 || firstHidden(key) !== -1) return false;
    if (!plainData((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
};

/**
 * The document as data, where the quick reading is sure to agree with the exact one, and where its
 * lists and maps start; undefined where it leaves it to that one.
 */
export const quickData = (text: string, noteStarts = false): { data: unknown; starts?: CollectionStarts } | undefined => {
  if (MAYBE_NOT_PLAIN.some((pattern) => pattern.test(text))) return undefined;
  let data: unknown;
  const starts = noteStarts ? new CollectionStarts(text) : undefined;
  try {
    // maxDepth counts every node, scalars too: beyond the limit's own, and far from the stack's end.
    data = load(text, { schema: PLAIN_ONLY, json: false, listener: plainNodesOnly(text, starts), maxDepth: 4 * MAX_NESTING_DEPTH, onWarning: () => { throw new NotPlain(); } } as Parameters<typeof load>[1]);
  } catch {
    // A syntax error, a repeated key, a tag, an anchor: the exact reading places it, or reads it.
    return undefined;
  }
  // An empty document is null to the YAML library, nothing to js-yaml.
  return plainData(data, 0) ? { data: data ?? null, ...(starts ? { starts } : {}) } : undefined;
};
