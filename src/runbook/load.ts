// Entry point of the load stage: file -> parsed YAML -> schema -> includes -> model, every problem collected.
import type { Diagnostic } from '../errors/diagnostic.js';
import type { Runbook } from '../model/runbook.js';
import { importClashes, IncludeBudget, includesOfText, loadIncludes, withImports, type FoundRunbook, type Imports, type IncludeChain, type IncludeFiles } from './include.js';
import { normalizeRunbook, runbookVars, type Overrides } from './normalize.js';
import { readText } from './read-text.js';
import { HostBudget } from './role-hosts.js';
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
  /** What the roles of the whole load may still hold, included runbooks' counted. */
  readonly hosts: HostBudget;
}

/** The model, with what its includes bring; schema problems, include problems and the model's own, together. */
const compiled = (source: RunbookSource, schema: SchemaCheck, overrides: Overrides, imports: Imports, hosts = new HostBudget()): LoadResult => {
  const { runbook, diagnostics: problems } = normalizeRunbook(source, schema, overrides, imports.checks, hosts);
  return { runbook: withImports(runbook, imports), diagnostics: [...schema.diagnostics, ...imports.diagnostics, ...importClashes(runbook, imports), ...problems] };
};

/** The schema, then what the runbook includes, then the model: every problem of the three together. */
const loadParsed = async (source: RunbookSource, overrides: Overrides, origin: Origin): Promise<LoadResult> => {
  const schema = validateAgainstSchema(source);
  const including = { source, vars: runbookVars(source, overrides), roles: Object.keys(asRecord(asRecord(source.data).hosts)) };
  const load = (found: FoundRunbook, varsFile: VarsFile, chain: IncludeChain) => loadFound(found, { varsFile }, { ...origin, chain });
  return compiled(source, schema, overrides, await loadIncludes(including, schema, { ...origin, load }), origin.hosts);
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
  // Read quickly where the YAML is plain: a problem any stage finds is found and placed as the
  // exact reading would (source.ts ParseOptions.quick), without reading the file again.
  const { source, diagnostics } = parseRunbookSource(found.displayName, text.value, { quick: true, placeCollections: origin.placeCollections });
  return diagnostics.length > 0 ? { diagnostics } : loadParsed(source, overrides, origin);
};

/**
 * `found.path` is read from disk; `found.displayName` is how messages name the file (as the
 * operator typed it). `forRun`: every check of it will be placed, for its result.
 */
export const loadRunbookFile = (found: FoundRunbook, overrides: Overrides, files: IncludeFiles, forRun = false): Promise<LoadResult> =>
  loadFound(found, overrides, { files, chain: [found], placeCollections: forRun, budget: new IncludeBudget(), hosts: new HostBudget() });
