// Where each kind of reference may stand, checked while the runbook loads so that no `${...}` is
// silently left as literal text: variables anywhere, captures only where the run fills them in (a
// check's spec, hint and expectations; their scope is the planner's, plan/references.ts), fields and tools only
// in diagnosis findings, and nothing else spelt like a reference at all.
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { jinjaLike, jinjaRewrite, NAMESPACES, referenceLike } from '../model/references.js';
import type { Vars } from './substitute.js';
import { formatPath, type Path, type RunbookSource } from './source.js';

interface Place {
  /** A check's spec or hint: the planner checks its variables and captures, with the check named. */
  readonly checkedByPlanner: boolean;
  /** A check's expectations: variables are filled in now, captures as the check runs (their scope is the planner's). */
  readonly takesCaptures: boolean;
}

const placeOf = (path: Path, kindKeys: readonly string[]): Place | undefined => {
  if (path[0] === 'diagnosis') return undefined; // compile-diagnosis.ts knows findings' references
  const inCheck = path[0] === 'questions' && path[2] === 'checks' && path.length > 4;
  const key = inCheck ? String(path[4]) : '';
  const inExpectation = key === 'expect' || (key === 'capture' && path[6] === 'expect');
  return { checkedByPlanner: inCheck && (kindKeys.includes(key) || key === 'hint'), takesCaptures: inCheck && inExpectation };
};

/**
 * Calls `visit` with every string in `value` and its path, in document order. The path is one array
 * the walk pushes to and pops from, valid only during the call (copy it to keep it): a copy per
 * value made up much of a 20,000-check runbook's load. Recursion is as deep as the file nests,
 * which the parser bounds.
 */
const eachString = (value: unknown, path: (string | number)[], visit: (text: string, path: Path) => void): void => {
  if (typeof value === 'string') {
    visit(value, path);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  // Plain loops: a closure and an entry array per step were a third of the walk's time.
  const depth = path.length;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      path[depth] = index;
      eachString(value[index], path, visit);
    }
  } else {
    // for...in, not a list of keys per map: the data is the reading's, whose maps are made with {}
    // (an include's or a test's too), so it sees the same own keys in the same order.
    for (const key in value) {
      path[depth] = key;
      eachString((value as Record<string, unknown>)[key], path, visit);
    }
  }
  path.length = depth;
};

const OTHER_NAMESPACE_HINT = 'runbook fills in ${vars.NAME} (set with --var, RUNBOOK_VAR_NAME or the file) and ${captures.NAME}; for the shell\'s own variables write $NAME';

const problemAt = (source: RunbookSource, path: Path, problem: Omit<Diagnostic, 'location'>): Diagnostic => ({ ...problem, location: source.locate(path) });

const referenceProblem = (reference: ReturnType<typeof referenceLike>[number], place: Place, vars: Vars): Omit<Diagnostic, 'location'> | undefined => {
  const { text, namespace, name } = reference;
  if (!(NAMESPACES as readonly string[]).includes(namespace)) {
    // `${var.x}`, `${capture.x}`, `${VARS.x}`: the lower-case plural was meant.
    const meant = ['var', 'vars', 'capture', 'captures'].includes(namespace.toLowerCase()) ? `${namespace.toLowerCase().replace(/s?$/, 's')}` : undefined;
    return { code: 'RB_UNKNOWN_VAR', message: `uses ${text}, which is no runbook reference`, hint: meant ? `write \${${meant}.${name}}` : OTHER_NAMESPACE_HINT };
  }
  if (place.checkedByPlanner) return undefined;
  if (namespace === 'vars' && !Object.hasOwn(vars, name)) {
    const declared = Object.keys(vars);
    return { code: 'RB_UNKNOWN_VAR', message: `uses ${text}, which vars does not declare`, hint: didYouMean(name, declared) ?? `declare it under vars (declared: ${declared.join(', ') || 'none'})` };
  }
  if (namespace === 'captures' && !place.takesCaptures) {
    return { code: 'RB_CAPTURE_SCOPE', message: `uses ${text} where the run fills in no capture`, hint: "a capture can be used in the spec (the command), the hint and the expectations of a check that depends on its producer" };
  }
  if (namespace === 'fields' || namespace === 'tools') return { code: 'RB_UNKNOWN_VAR', message: `uses ${text}, which only diagnosis findings can use` };
  return undefined;
};

/** A reference with spaces inside its braces, `${ vars.port }`: the shell's bad substitution. */
const SPACED = /\$\{(\s*)([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_.-]+?)(\s*)\}/g;

/**
 * Other tools' ways to write a variable, which runbook would leave to the shell as literal text:
 * Jinja's `{{ port }}` (for a declared variable: a capture's is the planner's to tell), and
 * `${ vars.port }` with spaces.
 */
const habit = (message: string, hint: string): Omit<Diagnostic, 'location'> => ({ code: 'RB_UNKNOWN_VAR', message, hint });

const habitProblems = (text: string, vars: Vars): Omit<Diagnostic, 'location'>[] => [
  ...jinjaLike(text).flatMap(({ written, namespace = 'vars', name }) =>
    namespace === 'vars' && !Object.hasOwn(vars, name) ? [] : [habit(`uses ${written}, Jinja's way to write a variable, which runbook leaves as it is`, jinjaRewrite(written, `\${${namespace}.${name}}`))],
  ),
  // Only a reference of runbook's own: the shell's `${ x.y }` is no business of runbook's.
  ...[...text.matchAll(SPACED)].flatMap(([written, before, namespace, name, after]) =>
    (before === '' && after === '') || !(NAMESPACES as readonly string[]).includes(namespace!) ? [] : [habit(`uses ${written}, which the shell reads as a bad substitution`, `write \${${namespace!}.${name!}}, without spaces`)],
  ),
];

/** Every misplaced or unknown reference in the file, each at its own line and column. */
export const referencePlaceProblems = (source: RunbookSource, vars: Vars, kindKeys: readonly string[]): Diagnostic[] => {
  const problems: Diagnostic[] = [];
  eachString(source.data, [], (text, path) => {
    // Most strings hold no reference at all: they are passed over before any regex or path work.
    if (!text.includes('${') && !text.includes('{{')) return;
    const place = placeOf(path, kindKeys);
    if (!place) return;
    const report = (problem: Omit<Diagnostic, 'location'>): void => void problems.push(problemAt(source, [...path], { ...problem, message: `${formatPath(path)} ${problem.message}` }));
    habitProblems(text, vars).forEach(report);
    const seen = new Set<string>();
    for (const reference of referenceLike(text)) {
      if (seen.has(reference.text)) continue;
      seen.add(reference.text);
      const problem = referenceProblem(reference, place, vars);
      if (problem) report(problem);
    }
  });
  return problems;
};
