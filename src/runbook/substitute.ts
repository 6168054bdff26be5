// Every variable is known once the runbook loads, so `${vars.name}` in what an author writes
// outside a check's own spec (titles, hints, expectations, captures, timeouts) is replaced then.
// Check specs keep their references to the run, which fills in captures and shell-quotes values.
import type { VarValue } from '../model/runbook.js';
import { findReferences, replaceReferences, wholeReference, type Namespace } from '../model/references.js';
import { mapStrings, someStringHolds, stringsIn } from '../model/yaml-values.js';

export type Vars = Readonly<Record<string, VarValue>>;

const valueOf = (vars: Vars, name: string): VarValue | undefined => (Object.hasOwn(vars, name) ? vars[name] : undefined);

/** The text with each known variable's value in place; captures and unknown names stay as written. */
export const substituteText = (text: string, vars: Vars): string =>
  replaceReferences(text, ({ namespace, name }) => {
    const value = namespace === 'vars' ? valueOf(vars, name) : undefined;
    return value === undefined ? undefined : String(value);
  });

/** A value for the references of one namespace; the others stay as written. */
type ValueLookup = (name: string) => VarValue | undefined;

/**
 * The references of `namespace` replaced through a YAML value. A string that is exactly one
 * reference takes the value itself, so `lt: ${vars.max}` compares with the number 95, not the text "95".
 */
export const substituteIn = (value: unknown, namespace: Namespace, lookup: ValueLookup): unknown => {
  // Without a reference to that namespace, the value as it is: no copy of every expectation.
  if (!someStringHolds(value, `\${${namespace}.`)) return value;
  return mapStrings(value, (text) => {
    const whole = wholeReference(text);
    const own = whole?.namespace === namespace ? lookup(whole.name) : undefined;
    return own ?? replaceReferences(text, (reference) => (reference.namespace === namespace ? lookup(reference.name)?.toString() : undefined));
  });
};

/** Every variable's value in place through a YAML value (see substituteIn). */
export const substituteVars = (value: unknown, vars: Vars): unknown => substituteIn(value, 'vars', (name) => valueOf(vars, name));

/** The names of the captures a YAML value reads, each once. */
export const capturesIn = (value: unknown): string[] => {
  if (!someStringHolds(value, '${captures.')) return [];
  return [...new Set(stringsIn(value).flatMap(findReferences).filter((reference) => reference.namespace === 'captures').map((reference) => reference.name))];
};

/** The variables whose values may be shown: a secret stays its reference in text meant for people. */
export const withoutSecrets = (vars: Vars, secretVars: readonly string[]): Vars =>
  Object.fromEntries(Object.entries(vars).filter(([name]) => !secretVars.includes(name)));
