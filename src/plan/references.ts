// Proves, before anything runs, that every `${vars.x}` exists and that every `${captures.x}` is read
// only by a check that depends (directly or transitively) on the check producing it.
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import type { Check, Runbook, SourceLocation } from '../model/runbook.js';
import { transitiveDependencies } from './graph.js';
import { findReferences, stringsIn, type Reference } from './template.js';

export const referencesOf = (check: Check): Reference[] => [
  ...stringsIn(check.spec).flatMap(findReferences),
  ...(check.hint ? findReferences(check.hint) : []),
];

/** Each reference with where to point a problem: the spec (or hint), or the expectation that reads a capture. */
const placedReferences = (check: Check): { reference: Reference; location: SourceLocation }[] => [
  ...referencesOf(check).map((reference) => ({ reference, location: check.specLocation })),
  ...check.expectations.flatMap(({ withCaptures, location }) =>
    (withCaptures?.names ?? []).map((name) => ({ reference: { namespace: 'captures' as const, name }, location }))),
];

const producers = (checks: readonly Check[]): Map<string, Check> =>
  new Map(checks.flatMap((check) => check.captures.map((capture) => [capture.name, check] as const)));

interface CaptureUse {
  readonly check: Check;
  readonly name: string;
  readonly location: SourceLocation;
}

const checkCapture = ({ check, name, location }: CaptureUse, producer: Check | undefined, byId: ReadonlyMap<string, Check>, allCaptures: string[]): Diagnostic[] => {
  if (!producer) {
    const hint = didYouMean(name, allCaptures);
    return [{ code: 'RB_UNKNOWN_CAPTURE', message: `check "${check.id}" uses \${captures.${name}}, which no check captures`, location, ...(hint ? { hint } : {}) }];
  }
  if (transitiveDependencies(check, byId).has(producer.id)) return [];
  return [{
    code: 'RB_CAPTURE_SCOPE',
    message: `check "${check.id}" uses \${captures.${name}} from check "${producer.id}" without depending on it`,
    location,
    hint: producer.id === check.id ? 'a check cannot read its own capture' : `add depends_on: [${producer.id}]`,
  }];
};

export const referenceProblems = (runbook: Runbook, checks: readonly Check[]): Diagnostic[] => {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const captured = producers(checks);
  const varNames = Object.keys(runbook.vars);
  return checks.flatMap((check) => {
    const seen = new Set<string>();
    return placedReferences(check).flatMap(({ reference: { namespace, name }, location }) => {
      if (seen.has(`${namespace}.${name}`)) return [];
      seen.add(`${namespace}.${name}`);
      if (namespace === 'captures') return checkCapture({ check, name, location }, captured.get(name), byId, [...captured.keys()]);
      if (namespace === 'fields' || namespace === 'tools') {
        return [{ code: 'RB_UNKNOWN_VAR' as const, message: `check "${check.id}" uses \${${namespace}.${name}}, which only diagnosis findings can use`, location: check.specLocation }];
      }
      if (Object.hasOwn(runbook.vars, name)) return [];
      const hint = didYouMean(name, varNames) ?? `declare it under vars (declared: ${varNames.join(', ') || 'none'})`;
      return [{ code: 'RB_UNKNOWN_VAR' as const, message: `check "${check.id}" uses \${vars.${name}}, which vars does not declare`, location: check.specLocation, hint }];
    });
  });
};
