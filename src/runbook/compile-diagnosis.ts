// Compiles `diagnosis:` rules: each condition names real checks and fields, and its matchers are
// compiled against the field's type, so a wrong rule is a load error at its line, not a silent
// finding that never fires.
import { checkKindOf } from '../checks/registry.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { CONDITION_KEYS, CONDITION_KINDS } from '../conditions/registry.js';
import { ConditionProblem, type CompileContext } from '../conditions/types.js';
import { findReferences } from '../model/references.js';
import type { Check, Condition, DiagnosisRule } from '../model/runbook.js';
import { formatPath, type Path, type RunbookSource } from './source.js';

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

const compileContext = (checks: ReadonlyMap<string, Check>): CompileContext => {
  const context: CompileContext = {
    checks,
    fieldsOf: (check) => checkKindOf(check).fields,
    nested: (raw, at) => compileCondition(raw, at, context),
  };
  return context;
};

/** Every `${...}` in a finding must name something the run will know, or the sentence would lie. */
const checkFindingReferences = (text: string, at: Path, vars: readonly string[], checks: ReadonlyMap<string, Check>): void => {
  const captures = [...checks.values()].flatMap((check) => check.captures.map((capture) => capture.name));
  for (const { namespace, name } of findReferences(text)) {
    if (namespace === 'vars' && !vars.includes(name)) throw new ConditionProblem(`uses \${vars.${name}}, which vars does not declare`, at, didYouMean(name, vars));
    if (namespace === 'captures' && !captures.includes(name)) throw new ConditionProblem(`uses \${captures.${name}}, which no check captures`, at, didYouMean(name, captures));
    if (namespace === 'tools' && name !== 'missing') throw new ConditionProblem(`uses \${tools.${name}}; the only one is \${tools.missing}`, at);
    if (namespace === 'fields') {
      const [checkId = '', field = ''] = name.split('.');
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
  vars: readonly string[],
): DiagnosisRule[] => {
  const byId = new Map(checks.map((check) => [check.id, check]));
  return (Array.isArray(rules) ? (rules as Raw[]) : []).flatMap((raw, index) => {
    const path: Path = ['diagnosis', index];
    if (!isClean(path)) return [];
    try {
      const when = compileCondition(raw.when, [...path, 'when'], compileContext(byId));
      checkFindingReferences(raw.finding as string, [...path, 'finding'], vars, byId);
      if (typeof raw.hint === 'string') checkFindingReferences(raw.hint, [...path, 'hint'], vars, byId);
      return [{ id: raw.id as string, when, finding: raw.finding as string, location: source.locate([...path, 'id']), ...(typeof raw.hint === 'string' ? { hint: raw.hint } : {}) }];
    } catch (error) {
      if (!(error instanceof ConditionProblem)) throw error;
      problems.push({ code: 'RB_DIAGNOSIS', message: `${formatPath(error.at)} ${error.message}`, location: source.locate(error.at), ...(error.hint ? { hint: error.hint } : {}) });
      return [];
    }
  });
};
