// Entry point of the load stage: file -> parsed YAML -> schema -> model, every problem collected.
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../errors/diagnostic.js';
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

/** `path` is read from disk; `displayName` is how messages name the file (as the operator typed it). */
export const loadRunbookFile = async (path: string, displayName: string, overrides: Overrides = {}): Promise<LoadResult> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    return { diagnostics: [{ code: 'RB_FILE', message: `${displayName}: cannot read the runbook: ${reason}` }] };
  }
  return loadRunbookText(displayName, text, overrides);
};
