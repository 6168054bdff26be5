// Entry point of the load stage: file -> parsed YAML -> schema -> includes -> model, every problem collected.
import type { Diagnostic } from '../errors/diagnostic.js';
import type { Runbook } from '../model/runbook.js';
import { importClashes, IncludeBudget, includesOfText, loadIncludes, withImports, type FoundRunbook, type Imports, type IncludeChain, type IncludeFiles } from './include.js';
import { normalizeRunbook, runbookVars, type Overrides } from './normalize.js';
import { readText } from './read-text.js';
import { asRecord, parseRunbookSource, type RunbookSource } from './source.js';
import { validateAgainstSchema, type SchemaCheck } from './validate.js';
import type { VarsFile } from './vars-file.js';

export type LoadResult = { runbook: Runbook; diagnostics: Diagnostic[] } | { runbook?: undefined; diagnostics: Diagnostic[] };

/** Where the runbook came from, for its includes: absent for a text that was never a file. */
interface Origin {
  readonly files: IncludeFiles;
  readonly chain: IncludeChain;
  /** A run: every check will be placed (source.ts ParseOptions.placeCollections). */
  readonly placeCollections: boolean;
  /** What the whole load may still bring in through includes, however they nest. */
  readonly budget: IncludeBudget;
}

/** A load, and what its includes brought: the same for the exact reading as for the quick one. */
interface Loaded {
  readonly result: LoadResult;
  /** Absent when the text did not parse: there was nothing to include from. */
  readonly imports?: Imports;
}

/** The model, with what its includes bring; schema problems, include problems and the model's own, together. */
const compiled = (source: RunbookSource, schema: SchemaCheck, overrides: Overrides, imports: Imports): LoadResult => {
  const { runbook, diagnostics: problems } = normalizeRunbook(source, schema, overrides, imports.checks);
  return { runbook: withImports(runbook, imports), diagnostics: [...schema.diagnostics, ...imports.diagnostics, ...importClashes(runbook, imports), ...problems] };
};

/**
 * `known`: the includes the quick reading of the same text loaded. Both readings give the same data
 * (yaml-quick.ts), so the same includes with the same values: loading them again for the exact
 * reading doubled the work at every level of nesting (a chain of 10 includes with one typo at its
 * end loaded the last file 1,024 times: 4 s).
 */
const loadParsed = async (source: RunbookSource, overrides: Overrides, origin: Origin, known?: Imports): Promise<Loaded> => {
  const schema = validateAgainstSchema(source);
  const including = { source, vars: runbookVars(source, overrides), roles: Object.keys(asRecord(asRecord(source.data).hosts)) };
  const load = (found: FoundRunbook, varsFile: VarsFile, chain: IncludeChain) => loadFound(found, { varsFile }, { ...origin, chain });
  const imports = known ?? (await loadIncludes(including, schema, { ...origin, load }));
  return { result: compiled(source, schema, overrides, imports), imports };
};

/** A runbook given as text, never read from a file: it cannot include others (they are found beside its file). */
export const loadRunbookText = (file: string, text: string, overrides: Overrides = {}): LoadResult => {
  const { source, diagnostics } = parseRunbookSource(file, text);
  if (diagnostics.length > 0) return { diagnostics };
  const schema = validateAgainstSchema(source);
  return compiled(source, schema, overrides, includesOfText(source, schema));
};

const loadFound = async (found: FoundRunbook, overrides: Overrides, origin: Origin): Promise<LoadResult> => {
  const text = await readText(found.path);
  if (!text.ok) return { diagnostics: [{ code: 'RB_FILE', message: `${found.displayName}: cannot read the runbook: ${text.error}` }] };
  origin.budget.read(Buffer.byteLength(text.value));
  const loadRead = async (quick: boolean, known?: Imports): Promise<Loaded> => {
    const { source, diagnostics } = parseRunbookSource(found.displayName, text.value, { quick, placeCollections: origin.placeCollections });
    return diagnostics.length > 0 ? { result: { diagnostics } } : loadParsed(source, overrides, origin, known);
  };
  const quickly = await loadRead(true);
  // A problem anywhere: the text is read again exactly, so that what is reported, and where, is
  // what the exact reading finds (yaml-quick.ts reads only plain YAML, and quickly).
  return quickly.result.diagnostics.length > 0 ? (await loadRead(false, quickly.imports)).result : quickly.result;
};

/**
 * `found.path` is read from disk; `found.displayName` is how messages name the file (as the
 * operator typed it). `forRun`: every check of it will be placed, for its result.
 */
export const loadRunbookFile = (found: FoundRunbook, overrides: Overrides, files: IncludeFiles, forRun = false): Promise<LoadResult> =>
  loadFound(found, overrides, { files, chain: [found], placeCollections: forRun, budget: new IncludeBudget() });
