// Entry point of the load stage: file -> parsed YAML -> schema -> model, every problem collected.
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../errors/diagnostic.js';
import { failed, ok, type Result } from '../model/result.js';
import type { Runbook } from '../model/runbook.js';
import { normalizeRunbook, type Overrides } from './normalize.js';
import { parseRunbookSource } from './source.js';
import { validateAgainstSchema } from './validate.js';

export type LoadResult = { runbook: Runbook; diagnostics: Diagnostic[] } | { runbook?: undefined; diagnostics: Diagnostic[] };

export const loadRunbookText = (file: string, text: string, overrides: Overrides = {}): LoadResult => {
  const { source, diagnostics } = parseRunbookSource(file, text);
  if (diagnostics.length > 0) return { diagnostics };
  const schema = validateAgainstSchema(source);
  const { runbook, diagnostics: problems } = normalizeRunbook(source, schema, overrides);
  return { runbook, diagnostics: [...schema.diagnostics, ...problems] };
};

/** A file's text, or why it cannot be read, in words ("is a directory", not EISDIR). */
export const readText = async (path: string): Promise<Result<string>> => {
  try {
    return ok(await readFile(path, 'utf8'));
  } catch (error) {
    return failed((error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (error as Error).message);
  }
};

/** `path` is read from disk; `displayName` is how messages name the file (as the operator typed it). */
export const loadRunbookFile = async (path: string, displayName: string, overrides: Overrides = {}): Promise<LoadResult> => {
  const text = await readText(path);
  if (!text.ok) return { diagnostics: [{ code: 'RB_FILE', message: `${displayName}: cannot read the runbook: ${text.error}` }] };
  return loadRunbookText(displayName, text.value, overrides);
};
