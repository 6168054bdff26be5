// `--vars-file FILE`: the values of an environment kept in YAML (`port: 3307`), one file per
// environment instead of a line of --var flags. Every problem is reported at its line and column.
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import type { SourceLocation, VarValue } from '../model/runbook.js';
import { parseRunbookSource } from './source.js';

export interface VarsFile {
  readonly values: Readonly<Record<string, VarValue>>;
  /** Where each value was given, for "the runbook declares no variable x" at its line. */
  readonly locations: Readonly<Record<string, SourceLocation>>;
}

const isValue = (value: unknown): value is VarValue => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** `file` names the file in messages; `text` is its content. Later files override earlier ones (see mergeVarsFiles). */
export const parseVarsFile = (file: string, text: string): { varsFile: VarsFile; diagnostics: Diagnostic[] } => {
  // Read quickly where plain, as runbooks and inventories are (source.ts ParseOptions.quick).
  const { source, diagnostics } = parseRunbookSource(file, text, { quick: true });
  const empty = { values: {}, locations: {} };
  if (diagnostics.length > 0) return { varsFile: empty, diagnostics };
  if (source.data === null || source.data === undefined) return { varsFile: empty, diagnostics: [] };
  if (typeof source.data !== 'object' || Array.isArray(source.data)) {
    return { varsFile: empty, diagnostics: [{ code: 'RB_USAGE', message: `${file} must map variable names to values, e.g. "port: 3307"`, location: source.locate([]) }] };
  }
  const values: Record<string, VarValue> = {};
  const locations: Record<string, SourceLocation> = {};
  const problems: Diagnostic[] = [];
  for (const [name, value] of Object.entries(source.data)) {
    if (isValue(value)) {
      values[name] = value;
      locations[name] = source.locate([name], 'key');
    } else {
      problems.push({ code: 'RB_USAGE', message: `${name} must be a text, a number or true/false, got ${Array.isArray(value) ? 'a list' : value === null ? 'nothing' : 'a map'}`, location: source.locate([name]) });
    }
  }
  return { varsFile: { values, locations }, diagnostics: problems };
};

/** The files in order, a later file's value winning, as a later --var does. */
export const mergeVarsFiles = (files: readonly VarsFile[]): VarsFile => ({
  values: Object.assign({}, ...files.map((file) => file.values)) as Record<string, VarValue>,
  locations: Object.assign({}, ...files.map((file) => file.locations)) as Record<string, SourceLocation>,
});

/**
 * A vars file belongs to an environment, shared by the runbooks run there: a name that none of them
 * declares is a typo, reported at its line. Names only some of them declare are fine.
 */
export const undeclaredInVarsFile = (varsFile: VarsFile, declared: readonly string[]): Diagnostic[] =>
  Object.keys(varsFile.values)
    .filter((name) => !declared.includes(name))
    .map((name) => {
      const hint = didYouMean(name, declared);
      const location = varsFile.locations[name];
      return { code: 'RB_USAGE', message: `${name}: no runbook of this run declares a variable "${name}"`, ...(location ? { location } : {}), ...(hint ? { hint } : {}) };
    });
