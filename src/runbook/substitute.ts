// Every variable is known once the runbook loads, so `${vars.name}` in what an author writes
// outside a check's own spec (titles, hints, expectations, captures, timeouts) is replaced then.
// Check specs keep their references to the run, which fills in captures and shell-quotes values.
import type { VarValue } from '../model/runbook.js';
import { replaceReferences, wholeReference } from '../model/references.js';

export type Vars = Readonly<Record<string, VarValue>>;

const valueOf = (vars: Vars, name: string): VarValue | undefined => (Object.hasOwn(vars, name) ? vars[name] : undefined);

/** The text with each known variable's value in place; captures and unknown names stay as written. */
export const substituteText = (text: string, vars: Vars): string =>
  replaceReferences(text, ({ namespace, name }) => {
    const value = namespace === 'vars' ? valueOf(vars, name) : undefined;
    return value === undefined ? undefined : String(value);
  });

/**
 * The same through a YAML value. A string that is exactly one reference takes the variable's own
 * value, so `lt: ${vars.max}` compares with the number 95, not the text "95".
 */
export const substituteVars = (value: unknown, vars: Vars): unknown => {
  if (typeof value === 'string') {
    const whole = wholeReference(value);
    const own = whole?.namespace === 'vars' ? valueOf(vars, whole.name) : undefined;
    return own ?? substituteText(value, vars);
  }
  if (Array.isArray(value)) return value.map((item) => substituteVars(item, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteVars(item, vars)]));
  }
  return value;
};

/** The variables whose values may be shown: a secret stays its reference in text meant for people. */
export const withoutSecrets = (vars: Vars, secretVars: readonly string[]): Vars =>
  Object.fromEntries(Object.entries(vars).filter(([name]) => !secretVars.includes(name)));
