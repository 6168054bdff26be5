// Places a problem of a quickly read file (a runbook, an inventory, a vars file) by reading exactly
// only the list or map around it. The exact reading of a whole file (the YAML library's document of
// nodes) is what a place used to cost: 4 s and 340 MB for a runbook of 20,000 checks (2.4 MB) with
// one typo, 11 s and 900 MB for 8 MB, where the quick reading takes 0.8 s and 2 s. A list or map of the quick reading starts where
// it noted (yaml-quick.ts CollectionStarts); its lines are read alone, at their own columns, and
// used only when they make exactly the data the quick reading made of them. Anything else is left
// to the exact reading of the whole text, as before.
import { isDeepStrictEqual } from 'node:util';
import type { Document } from 'yaml';
import { parseWithinDepth } from './yaml-depth.js';
import type { CollectionStarts } from './yaml-quick.js';
import { offsetIn } from './yaml-walk.js';

type Path = readonly (string | number)[];

/** A quick reading with the starts of its lists and maps noted. */
export interface NotedReading {
  readonly data: unknown;
  readonly starts: CollectionStarts;
}

/** The lines of one list or map, read alone: `offset` in them is `lineStart + offset` in the text. */
interface Fragment {
  readonly doc: Document;
  readonly lineStart: number;
}

/** How many lists or maps around one place are tried, deepest first, before the whole text is read. */
const TRIES = 3;

/** Spaces, then what a line holds: where its content starts, and whether it holds any (a comment holds none). */
const contentOf = (text: string, lineStart: number, lineEnd: number): { at: number; blank: boolean } => {
  let at = lineStart;
  while (text[at] === ' ') at += 1;
  return { at, blank: at >= lineEnd || text[at] === '#' || text[at] === '\r' };
};

const lineEndOf = (text: string, from: number): number => {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
};

/**
 * Where the list or map starting at `start` ends, by indentation: a block list goes on over lines
 * indented deeper than its `-` and further items at its column; a block map over lines at its
 * keys' column or deeper; a list or map in brackets over lines indented deeper than the line it
 * starts on. A guess: what the lines make is compared with the quick reading's data before use.
 */
const extentOf = (text: string, start: number, lineStart: number): number => {
  const column = start - lineStart;
  const indentation = contentOf(text, lineStart, lineEndOf(text, lineStart)).at - lineStart;
  const opener = text[start];
  const belongs = (indent: number, first: string | undefined): boolean =>
    opener === '-' ? indent > column || (indent === column && first === '-') : opener === '{' || opener === '[' ? indent > indentation : indent >= column;
  let end = lineEndOf(text, start);
  while (end < text.length) {
    const next = end + 1;
    const nextEnd = lineEndOf(text, next);
    const { at, blank } = contentOf(text, next, nextEnd);
    if (!blank && !belongs(at - next, text[at])) break;
    end = nextEnd;
  }
  return end;
};

/** The list or map at the end of `path` in `data`, if the whole path is there. */
export const collectionAt = (data: unknown, path: Path): object | undefined => {
  let node = data;
  for (const step of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, step)) return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return typeof node === 'object' && node !== null ? node : undefined;
};

/** The places of one quickly read text, each from the lines of the list or map around it, where they can say. */
export class LocalPlaces {
  readonly #text: string;
  readonly #reading: () => NotedReading | undefined;
  /** Each list or map read alone, by where it starts; null where its lines did not make its data. */
  readonly #fragments = new Map<number, Fragment | null>();
  /** Characters read alone so far: past the text's own length, reading the whole text is cheaper. */
  #read = 0;

  /** `reading`: the quick reading with its starts noted, made when a first place is asked (`validate` notes none). */
  constructor(text: string, reading: () => NotedReading | undefined) {
    this.#text = text;
    this.#reading = reading;
  }

  /** Where the value (or the key) at `path` starts in the text; undefined: only the whole text's exact reading can say. */
  offsetOf(path: Path, target: 'key' | 'value'): number | undefined {
    const noted = this.#reading();
    if (!noted) return undefined;
    let tries = 0;
    // The deepest list or map the path passes through first; never the root, which is the whole text.
    for (let depth = path.length - 1; depth >= 1 && tries < TRIES; depth -= 1) {
      const collection = collectionAt(noted.data, path.slice(0, depth));
      const start = collection && noted.starts.startOf(noted.data, collection);
      if (start === undefined) continue;
      tries += 1;
      const fragment = this.#fragmentAt(start, collection!);
      if (fragment) return fragment.lineStart + offsetIn(fragment.doc, path.slice(depth), target);
    }
    return undefined;
  }

  #fragmentAt(start: number, collection: object): Fragment | undefined {
    if (this.#fragments.has(start)) return this.#fragments.get(start) ?? undefined;
    const text = this.#text;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const end = extentOf(text, start, lineStart);
    if (this.#read + (end - lineStart) > text.length) return undefined;
    this.#read += end - lineStart;
    // At its own columns: the start's line up to it becomes spaces (a `-`, a key before it).
    const parsed = parseWithinDepth(' '.repeat(start - lineStart) + text.slice(start, end));
    const fragment = 'doc' in parsed && parsed.doc.errors.length === 0 && isDeepStrictEqual(parsed.doc.toJS(), collection) ? { doc: parsed.doc, lineStart } : null;
    this.#fragments.set(start, fragment);
    return fragment ?? undefined;
  }
}
