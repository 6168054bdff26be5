// A parsed runbook file that remembers where every value came from, so any later stage can point an
// error at file:line:col.
import type { Document } from 'yaml';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { CheckPlaces, SourceLocation } from '../model/runbook.js';
import { contentProblems, documentData } from './yaml-content.js';
import { nestingProblem, parseWithinDepth } from './yaml-depth.js';
import { yamlDiagnostics } from './yaml-errors.js';
import { lineCounterOf, type TextLines } from './text-lines.js';
import { quickData } from './yaml-quick.js';
import { offsetIn } from './yaml-walk.js';
import { collectionAt, LocalPlaces, type NotedReading } from './local-places.js';
import { pushAll } from '../model/push-all.js';

type QuickReading = NonNullable<ReturnType<typeof quickData>>;

export type Path = readonly (string | number)[];

export type Raw = Record<string, unknown>;

/** A map of the parsed file, or an empty one where the file has something else (already reported by the schema). */
export const asRecord = (value: unknown): Raw => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {});

export interface RunbookSource {
  readonly file: string;
  readonly data: unknown;
  locate(path: Path, target?: 'key' | 'value'): SourceLocation;
  /**
   * `locate([...parent, key])` without the copy: the places of one check share its path. `parent`
   * must not change afterwards (a Path is read-only).
   */
  locateIn(parent: Path, key: string | number, target?: 'key' | 'value'): SourceLocation;
}

type Locate = RunbookSource['locate'];

/** locateIn for a source whose places are found at once. */
const locateInBy =
  (locate: Locate): RunbookSource['locateIn'] =>
  (parent, key, target) =>
    locate([...parent, key], target);

const locationAt = (file: string, counter: TextLines, offset: number): SourceLocation => {
  const { line, col } = counter.linePos(offset);
  return { file, line, col };
};

export interface ParseOptions {
  /**
   * Tags beyond YAML's plain ones are refused (default): a runbook has none. An Ansible inventory
   * may carry `!vault` values of variables runbook never reads, so it keeps them.
   */
  readonly foreignTags?: 'refuse' | 'keep';
  /**
   * A NUL, and characters that act on a terminal or reorder text (model/visible-text.ts), are
   * refused (default): what a runbook, vars file or inventory says is shown by `runbook plan` and
   * the reports. A recording keeps what hosts printed, NULs and control characters and all.
   */
  readonly hiddenCharacters?: 'refuse' | 'keep';
  /**
   * Read plain YAML with the quick reading (yaml-quick.ts), and anything else exactly. Where the
   * quick reading gives data, it is the exact reading's data, and the exact reading finds no
   * problem in the text (test/runbook/yaml-quick.test.ts), so every stage finds the same problems;
   * each is placed where the exact reading places it (quickSource).
   */
  readonly quick?: boolean;
  /**
   * While reading quickly, note where each list and map starts, so that a place of one needs no
   * exact reading: a run places every check for its result. `validate` places only problems, and
   * saves the notes (3-8% of its time on 20,000 checks).
   */
  readonly placeCollections?: boolean;
}

/** Nested too deep to be parsed: the one problem of the file, at the list or map that went one level too deep. */
const tooDeep = (file: string, location: SourceLocation): { source: RunbookSource; diagnostics: Diagnostic[] } => ({
  source: { file, data: undefined, locate: () => location, locateIn: () => location },
  diagnostics: [nestingProblem(location)],
});

const NO_KEY = Symbol('no key');

const isPath = (value: Path | SourceLocation): value is Path => Array.isArray(value);

/** What every place of one file and target shares: the file, and how a path is placed in it. */
interface Placer {
  readonly file: string;
  readonly place: (path: Path) => SourceLocation;
}

const placers = (file: string, locate: Locate): { readonly value: Placer; readonly key: Placer } => ({
  value: { file, place: (path) => locate(path, 'value') },
  key: { file, place: (path) => locate(path, 'key') },
});

/**
 * A place found the first time its line or column is read. 20,000 checks hold about 120,000
 * places; one object of three fields each (a closure with its getters per place took 750 bytes,
 * half of the run's memory; six fields, 80 bytes): the placer its file and target share, its
 * parent's path, shared with its siblings, and its own key (a path of its own, as `[...path, key]`
 * makes it with room to grow, took 150 bytes more). Once found, the place itself takes the path's
 * field. It has no enumerable field of its own: it is written out by toJSON, never copied field
 * by field.
 */
class PlaceWhenRead implements SourceLocation {
  readonly #placer: Placer;
  /** The parent's path until the place is found, then the place. */
  #parentOrFound: Path | SourceLocation;
  /** The last step of the path, or NO_KEY where the parent is the whole path. */
  readonly #key: string | number | typeof NO_KEY;

  constructor(placer: Placer, parent: Path, key: string | number | typeof NO_KEY) {
    this.#placer = placer;
    this.#parentOrFound = parent;
    this.#key = key;
  }

  get file(): string {
    return this.#placer.file;
  }

  get line(): number {
    return this.#place().line;
  }

  get col(): number {
    return this.#place().col;
  }

  toJSON(): SourceLocation {
    return { file: this.file, line: this.line, col: this.col };
  }

  #place(): SourceLocation {
    const parentOrFound = this.#parentOrFound;
    if (!isPath(parentOrFound)) return parentOrFound;
    const found = this.#placer.place(this.#key === NO_KEY ? parentOrFound : [...parentOrFound, this.#key]);
    this.#parentOrFound = found;
    return found;
  }
}

/**
 * The places of the parts of the check at `path` (model CheckPlaces), each found when a message
 * asks for it: one object of two fields per check, where a place per part and the paths to find
 * them by were kept for every check.
 */
class PlacesWithin implements CheckPlaces {
  readonly #source: RunbookSource;
  readonly #path: Path;

  constructor(source: RunbookSource, path: Path) {
    this.#source = source;
    this.#path = path;
  }

  of(key: string, index?: number): SourceLocation {
    return index === undefined ? this.#source.locateIn(this.#path, key) : this.#source.locate([...this.#path, key, index]);
  }
}

/** `path` must not change afterwards (a Path is read-only): the places are found by it when asked. */
export const placesWithin = (source: RunbookSource, path: Path): CheckPlaces => new PlacesWithin(source, path);

/** The YAML library's document of the text, and where each path of it is; or where it nests too deep to be parsed. */
const exactPlaces = (file: string, text: string): { doc: Document.Parsed; counter: TextLines; locate: Locate } | { tooDeepAt: SourceLocation } => {
  // Lines counted in the text: the parser's own count loses line breaks in some broken documents.
  const counter = lineCounterOf(text);
  const parsed = parseWithinDepth(text);
  if ('tooDeepAt' in parsed) return { tooDeepAt: { file, ...parsed.tooDeepAt } };
  const { doc } = parsed;
  const locate = (path: Path, target: 'key' | 'value' = 'value'): SourceLocation => locationAt(file, counter, offsetIn(doc, path, target));
  return { doc, counter, locate };
};

/**
 * Data from the quick reading. A list or map, or the value of a map's first key, is placed where
 * the quick reading saw it start (ParseOptions.placeCollections: a run places each check so, by its
 * id, for its result); any other place from the lines of the list or map around it, read exactly
 * alone (local-places.ts); what neither can place, from the exact reading of the whole text,
 * parsed the first time one is read (and only parsed: its problems and data are the quick
 * reading's to say). A `validate` that finds nothing never parses the text twice, nor does a run
 * that places only its checks.
 */
const quickSource = (file: string, text: string, reading: QuickReading): RunbookSource => {
  const { data } = reading;
  let exact: Locate | undefined;
  let counter: TextLines | undefined;
  const exactly = (): Locate => {
    if (exact) return exact;
    const places = exactPlaces(file, text);
    exact = 'tooDeepAt' in places ? () => places.tooDeepAt : places.locate;
    return exact;
  };
  // Where lists and maps start: noted by this reading (a run), or else by a second quick reading
  // made when a first place is asked (a `validate` with a problem), which costs a fraction of
  // reading the whole text exactly.
  let noted: NotedReading | null | undefined = reading.starts ? { data, starts: reading.starts } : undefined;
  const notedReading = (): NotedReading | undefined => (noted ??= (quickData(text, true) as NotedReading | undefined) ?? null) ?? undefined;
  const local = new LocalPlaces(text, notedReading);
  /** Where the quick reading saw the value at `path` start: a list or map, or the value of a map's first key (a check's id). */
  const quickStart = (path: Path): number | undefined => {
    const { data: notedData, starts } = notedReading() ?? {};
    if (!starts) return undefined;
    const collection = collectionAt(notedData, path);
    if (collection) return starts.startOf(notedData, collection);
    const key = path.at(-1);
    const map = typeof key === 'string' ? collectionAt(notedData, path.slice(0, -1)) : undefined;
    return map && !Array.isArray(map) ? starts.startOfFirstValue(notedData, map, key as string) : undefined;
  };
  const locate: Locate = (path, target = 'value') => {
    const start = (target === 'value' ? quickStart(path) : undefined) ?? local.offsetOf(path, target);
    return start === undefined ? exactly()(path, target) : locationAt(file, (counter ??= lineCounterOf(text)), start);
  };
  const { value, key: ofKey } = placers(file, locate);
  return {
    file,
    data,
    // A copy of exactly its length: a path made by `[...path, key]` has room to grow (23 slots for 5 steps).
    locate: (path, target) => new PlaceWhenRead(target === 'key' ? ofKey : value, path.slice(), NO_KEY),
    locateIn: (parent, key, target) => new PlaceWhenRead(target === 'key' ? ofKey : value, parent, key),
  };
};

export const parseRunbookSource = (file: string, text: string, options: ParseOptions = {}): { source: RunbookSource; diagnostics: Diagnostic[] } => {
  const quick = options.quick ? quickData(text, options.placeCollections) : undefined;
  if (quick) return { source: quickSource(file, text, quick), diagnostics: [] };
  return exactSource(file, text, options);
};

/** The text read by the YAML library, every problem found and placed at file:line:col. */
const exactSource = (file: string, text: string, options: ParseOptions): { source: RunbookSource; diagnostics: Diagnostic[] } => {
  const places = exactPlaces(file, text);
  if ('tooDeepAt' in places) return tooDeep(file, places.tooDeepAt);
  const { doc, counter, locate } = places;
  const locateIn = locateInBy(locate);
  const diagnostics = yamlDiagnostics(file, text, doc.errors, counter);
  // Every problem of the file at once, in the order of the file: a repeated key beside a syntax error.
  pushAll(diagnostics, contentProblems(doc, file, text, counter, { tags: options.foreignTags !== 'keep', hidden: options.hiddenCharacters !== 'keep' }));
  diagnostics.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
  if (diagnostics.length > 0) return { source: { file, data: undefined, locate, locateIn }, diagnostics };
  const converted = documentData(doc, file, counter);
  if ('problem' in converted) return { source: { file, data: undefined, locate, locateIn }, diagnostics: [converted.problem] };
  return { source: { file, data: converted.data, locate, locateIn }, diagnostics };
};

/** `questions[3].checks[0].expect`: the spelling every message uses for a place in the file. */
export const formatPath = (path: Path): string =>
  path.reduce<string>((text, step) => (typeof step === 'number' ? `${text}[${step}]` : text ? `${text}.${step}` : step), '') ||
  'the runbook';
