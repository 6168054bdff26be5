// Resolving `${vars.name}`, `${captures.name}` (and in findings `${fields.CHECK.FIELD}`,
// `${tools.missing}`) at run time. Any other `${...}` is the shell's own and passes through untouched.
import shellQuote from 'shell-quote';
import { replaceReferences, type Lookup } from '../model/references.js';
import { renderShellText } from '../model/shell-places.js';
import type { VarValue } from '../model/runbook.js';

export { findReferences, type Namespace, type Reference } from '../model/references.js';

/** Every string inside a check kind's value, wherever it is nested. */
export { stringsIn } from '../model/yaml-values.js';

export type { Lookup } from '../model/references.js';

/**
 * A value never becomes code: in a command line (`shell`) it is one quoted word, or a variable the
 * line sets first where it stands in quotes (model/shell-places.ts), so a captured `x; rm -rf /` or
 * `$(touch pwned)` stays text. Unresolved references stay as written.
 */
export const renderTemplate = (text: string, lookup: Lookup, mode: 'shell' | 'value'): string =>
  mode === 'shell' ? renderShellText(text, lookup, (value) => shellQuote.quote([value])) : replaceReferences(text, lookup);

/**
 * What a check's text resolves against: the run's variables and the captures made so far. `shell`
 * quotes each value as one word (for command lines), `value` substitutes it as is (ports, hosts).
 */
export const makeResolver = (vars: Readonly<Record<string, VarValue>>, captures: ReadonlyMap<string, string>) => {
  const lookup: Lookup = ({ namespace, name }) =>
    namespace === 'vars' ? (Object.hasOwn(vars, name) ? String(vars[name]) : undefined) : captures.get(name);
  return { shell: (text: string) => renderTemplate(text, lookup, 'shell'), value: (text: string) => renderTemplate(text, lookup, 'value') };
};
