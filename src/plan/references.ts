// Proves, before anything runs, that every `${vars.x}` exists and that every `${captures.x}` is read
// only by a check that depends (directly or transitively) on the check producing it.
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import type { Check, Runbook, SourceLocation } from '../model/runbook.js';
import { dependsOnEach } from './reachability.js';
import { findReferences, stringsIn, type Reference } from './template.js';
import { jinjaLike, jinjaRewrite } from '../model/references.js';
import { listSome } from '../model/list-words.js';

export const referencesOf = (check: Check): Reference[] => [
  ...stringsIn(check.spec).flatMap(findReferences),
  ...(check.hint ? findReferences(check.hint) : []),
];

interface PlacedReference {
  readonly reference: Reference;
  /** Where to point a problem: the expectation that reads a capture; absent for the spec (or hint), found only when a problem names it. */
  readonly location?: SourceLocation;
}

// Loops that push: this runs for every check, and most have no reference at all.
const placedReferences = (check: Check): PlacedReference[] => {
  const placed: PlacedReference[] = [];
  for (const reference of referencesOf(check)) placed.push({ reference });
  for (const { withCaptures } of check.expectations) {
    for (const name of withCaptures?.names ?? []) placed.push({ reference: { namespace: 'captures', name }, location: withCaptures!.location });
  }
  return placed;
};

/** The spec's place (the command line, the probe's settings), which stands for its hint's too. */
const specPlace = (check: Check): SourceLocation => check.places.of(check.kind);

/** Each reference of the check once, the first place it is written. */
const distinctReferences = (check: Check): PlacedReference[] => {
  const placed = placedReferences(check);
  if (placed.length < 2) return placed;
  const seen = new Set<string>();
  return placed.filter(({ reference: { namespace, name } }) => {
    const key = `${namespace}.${name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** The check capturing each name (the last, should two capture one: that is reported when the runbook loads). */
export const producers = (checks: readonly Check[]): Map<string, Check> =>
  new Map(checks.flatMap((check) => check.captures.map((capture) => [capture.name, check] as const)));

/** The captures a check reads, each once: in its spec, its hint and its expectations. */
export const capturesReadBy = (check: Check): string[] =>
  distinctReferences(check).flatMap(({ reference: { namespace, name } }) => (namespace === 'captures' ? [name] : []));

interface Use extends PlacedReference {
  readonly check: Check;
}

const unknownCapture = ({ check, reference: { name }, location }: Use, allCaptures: readonly string[]): Diagnostic => {
  const hint = didYouMean(name, allCaptures);
  return { code: 'RB_UNKNOWN_CAPTURE', message: `check "${check.id}" uses \${captures.${name}}, which no check captures`, location: location ?? specPlace(check), ...(hint ? { hint } : {}) };
};

const captureOutOfScope = ({ check, reference: { name }, location }: Use, producer: Check): Diagnostic => ({
  code: 'RB_CAPTURE_SCOPE',
  message: `check "${check.id}" uses \${captures.${name}} from check "${producer.id}" without depending on it`,
  location: location ?? specPlace(check),
  hint: producer.id === check.id ? 'a check cannot read its own capture' : `add depends_on: [${producer.id}]`,
});

const varProblem = (runbook: Runbook, { check, reference: { namespace, name } }: Use, varNames: readonly string[]): Diagnostic[] => {
  if (namespace === 'fields' || namespace === 'tools') {
    return [{ code: 'RB_UNKNOWN_VAR', message: `check "${check.id}" uses \${${namespace}.${name}}, which only diagnosis findings can use`, location: specPlace(check) }];
  }
  if (Object.hasOwn(runbook.vars, name)) return [];
  const hint = didYouMean(name, varNames) ?? `declare it under vars (declared: ${listSome(varNames) || 'none'})`;
  return [{ code: 'RB_UNKNOWN_VAR', message: `check "${check.id}" uses \${vars.${name}}, which vars does not declare`, location: specPlace(check), hint }];
};

/** `{{ pid }}` for a capture: the loader tells Jinja's way for variables only, not knowing what is captured. */
const jinjaCaptures = (check: Check, captured: ReadonlyMap<string, Check>, runbook: Runbook): Diagnostic[] =>
  [...stringsIn(check.spec), ...(check.hint ? [check.hint] : [])].flatMap(jinjaLike).flatMap(({ written, namespace, name }) =>
    namespace === undefined && captured.has(name) && !Object.hasOwn(runbook.vars, name)
      ? [{ code: 'RB_UNKNOWN_VAR' as const, message: `check "${check.id}" uses ${written}, Jinja's way to write a capture, which runbook leaves as it is`, location: specPlace(check), hint: jinjaRewrite(written, `\${captures.${name}}`) }]
      : [],
  );

/**
 * Every problem of every check's references, in file order. Whether each capture is in scope is
 * answered for all reads together (plan/reachability.ts), not by collecting each reader's
 * dependencies, which is quadratic in a long chain.
 */
export const referenceProblems = (runbook: Runbook, checks: readonly Check[]): Diagnostic[] => {
  const captured = producers(checks);
  const allCaptures = [...captured.keys()];
  const varNames = Object.keys(runbook.vars);
  const uses: Use[] = checks.flatMap((check) => distinctReferences(check).map((placed) => ({ ...placed, check })));
  const reads = uses.flatMap((use) => {
    const producer = use.reference.namespace === 'captures' ? captured.get(use.reference.name) : undefined;
    return producer ? [{ use, reader: use.check, producer }] : [];
  });
  const inScope = new Map(dependsOnEach(checks, reads).map((answer, index) => [reads[index]!.use, answer]));
  const problems = uses.flatMap((use) => {
    if (use.reference.namespace !== 'captures') return varProblem(runbook, use, varNames);
    const producer = captured.get(use.reference.name);
    if (!producer) return [unknownCapture(use, allCaptures)];
    return inScope.get(use) ? [] : [captureOutOfScope(use, producer)];
  });
  return allCaptures.length === 0 ? problems : [...problems, ...checks.flatMap((check) => jinjaCaptures(check, captured, runbook))];
};
