// Compiles `diagnosis:` rules: each condition names real checks and fields, and its matchers are
// compiled against the field's type, so a wrong rule is a load error at its line, not a silent
// finding that never fires.
import { checkKindOf } from '../checks/registry.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { CONDITION_KEYS, CONDITION_KINDS } from '../conditions/registry.js';
import { ConditionProblem, type CompileContext } from '../conditions/types.js';
import { checksAskedBy } from '../model/condition-checks.js';
import { fieldReference, findReferences } from '../model/references.js';
import type { Check, CheckWhen, Condition, DiagnosisRule, VarValue } from '../model/runbook.js';
import { formatPath, type Path, type RunbookSource } from './source.js';
import { substituteVars } from './substitute.js';

type Raw = Record<string, unknown>;

/** Named in messages with the most common kind first. */
const KEYS_SHOWN = ['check' as const, ...CONDITION_KEYS.filter((key) => key !== 'check')];

/** Exactly one kind of condition per map, then that kind compiles it (src/conditions/). */
const compileCondition = (raw: unknown, at: Path, context: CompileContext): Condition => {
  const map = raw as Raw;
  const keys = KEYS_SHOWN.filter((key) => map[key] !== undefined);
  if (keys.length !== 1) throw new ConditionProblem(`must have exactly one of ${KEYS_SHOWN.join(', ')}${keys.length > 1 ? `, not ${keys.join(' and ')}` : ''}`, at);
  return CONDITION_KINDS[keys[0]!].compile(map, at, context);
};

/**
 * A condition as written in a `when:` or a diagnosis rule: `${vars.x}` in its matchers means the
 * variable's value, as it does in `expect`. Substituted once here, not again at each nested level.
 */
const compileWritten = (raw: unknown, at: Path, context: CompileContext): Condition => compileCondition(substituteVars(raw, context.vars ?? {}), at, context);

const compileContext = (checks: ReadonlyMap<string, Check>, vars: Readonly<Record<string, VarValue>>): CompileContext => {
  const context: CompileContext = {
    checks,
    fieldsOf: (check) => checkKindOf(check).fields,
    nested: (raw, at) => compileCondition(raw, at, context),
    vars,
  };
  return context;
};

/** A condition that cannot hold as written, at its place; anything else is a bug and is rethrown. */
const conditionDiagnostic = (source: RunbookSource, error: unknown): Diagnostic => {
  if (!(error instanceof ConditionProblem)) throw error;
  return { code: 'RB_DIAGNOSIS', message: `${formatPath(error.at)} ${error.message}`, location: source.locate(error.at), ...(error.hint ? { hint: error.hint } : {}) };
};

/** The checks a condition asks about. */
/** A condition as written, in YAML's flow style, for the reason of a skip. */
export const flowText = (raw: unknown): string => {
  if (Array.isArray(raw)) return `[${raw.map(flowText).join(', ')}]`;
  if (typeof raw === 'object' && raw !== null) return `{ ${Object.entries(raw).map(([key, value]) => `${key}: ${flowText(value)}`).join(', ')} }`;
  return typeof raw === 'string' && /^[\w./-]+$/.test(raw) ? raw : JSON.stringify(raw);
};

export interface WhenSource {
  readonly raw: unknown;
  readonly at: Path;
}

/**
 * A check's `when:`, and its question's, compiled like a diagnosis condition: a condition over
 * other checks' outcomes or fields, or the run's variables. The checks it asks about finish first.
 * `checks` is every check by id, built once by the caller: once per `when` was quadratic.
 */
export const compileWhen = (source: RunbookSource, check: Check, whens: readonly WhenSource[], checks: ReadonlyMap<string, Check>, vars: Readonly<Record<string, VarValue>>, problems: Diagnostic[]): CheckWhen | undefined => {
  if (whens.length === 0) return undefined;
  const context = compileContext(checks, vars);
  const compiled = whens.flatMap(({ raw, at }) => {
    try {
      const condition = compileWritten(raw, at, context);
      if (checksAskedBy(condition).includes(check.id)) throw new ConditionProblem(`asks about check "${check.id}" itself, which has not run yet`, at);
      return [{ condition, text: flowText(raw) }];
    } catch (error) {
      problems.push(conditionDiagnostic(source, error));
      return [];
    }
  });
  if (compiled.length !== whens.length || compiled.length === 0) return undefined;
  const condition: Condition = compiled.length === 1 && compiled[0] ? compiled[0].condition : { kind: 'all', conditions: compiled.map((part) => part.condition) };
  return { condition, text: compiled.map((part) => part.text).join(' and '), waitsFor: [...new Set(checksAskedBy(condition))] };
};

/** What a finding's references may name: gathered once for every rule (once per rule was quadratic). */
interface FindingNames {
  readonly vars: readonly string[];
  readonly declared: ReadonlySet<string>;
  readonly captures: readonly string[];
  readonly captured: ReadonlySet<string>;
  readonly checks: ReadonlyMap<string, Check>;
}

const findingNames = (vars: Readonly<Record<string, VarValue>>, checks: ReadonlyMap<string, Check>): FindingNames => {
  const captures = [...checks.values()].flatMap((check) => check.captures.map((capture) => capture.name));
  const names = Object.keys(vars);
  return { vars: names, declared: new Set(names), captures, captured: new Set(captures), checks };
};

/** Every `${...}` in a finding must name something the run will know, or the sentence would lie. */
const checkFindingReferences = (text: string, at: Path, { vars, declared, captures, captured, checks }: FindingNames): void => {
  for (const { namespace, name } of findReferences(text)) {
    if (namespace === 'vars' && !declared.has(name)) throw new ConditionProblem(`uses \${vars.${name}}, which vars does not declare`, at, didYouMean(name, vars));
    if (namespace === 'captures' && !captured.has(name)) throw new ConditionProblem(`uses \${captures.${name}}, which no check captures`, at, didYouMean(name, captures));
    if (namespace === 'tools' && name !== 'missing') throw new ConditionProblem(`uses \${tools.${name}}; the only one is \${tools.missing}`, at);
    if (namespace === 'fields') {
      const { check: checkId, field } = fieldReference(name);
      const check = checks.get(checkId);
      if (!check) throw new ConditionProblem(`uses \${fields.${name}}: no check "${checkId}"`, at, didYouMean(checkId, [...checks.keys()]));
      const fields = Object.keys(checkKindOf(check).fields);
      if (!fields.includes(field)) throw new ConditionProblem(`uses \${fields.${name}}: check "${checkId}" observes ${fields.join(', ')}`, at, didYouMean(field, fields));
    }
  }
};

export const compileDiagnosis = (
  source: RunbookSource,
  rules: unknown,
  checks: readonly Check[],
  isClean: (path: Path) => boolean,
  problems: Diagnostic[],
  vars: Readonly<Record<string, VarValue>>,
): DiagnosisRule[] => {
  // Most runbooks name no fault: no index of their checks to build.
  if (!Array.isArray(rules) || rules.length === 0) return [];
  const byId = new Map(checks.map((check) => [check.id, check]));
  const context = compileContext(byId, vars);
  const names = findingNames(vars, byId);
  return (rules as Raw[]).flatMap((raw, index) => {
    const path: Path = ['diagnosis', index];
    if (!isClean(path)) return [];
    try {
      const when = compileWritten(raw.when, [...path, 'when'], context);
      checkFindingReferences(raw.finding as string, [...path, 'finding'], names);
      if (typeof raw.hint === 'string') checkFindingReferences(raw.hint, [...path, 'hint'], names);
      return [{ id: raw.id as string, when, finding: raw.finding as string, location: source.locate([...path, 'id']), ...(typeof raw.hint === 'string' ? { hint: raw.hint } : {}) }];
    } catch (error) {
      problems.push(conditionDiagnostic(source, error));
      return [];
    }
  });
};
