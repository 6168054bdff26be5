// Compiles `diagnosis:` rules: each condition names real checks and fields, and its matchers are
// compiled against the field's type, so a wrong rule is a load error at its line, not a silent
// finding that never fires.
import { checkKindFor } from '../checks/registry.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { compileMatcher } from '../matchers/compile.js';
import { MatcherCompileError } from '../matchers/types.js';
import { findReferences } from '../model/references.js';
import type { Status } from '../model/outcome.js';
import type { Check, Condition, DiagnosisRule } from '../model/runbook.js';
import { formatPath, type Path, type RunbookSource } from './source.js';

type Raw = Record<string, unknown>;

const SHAPES = ['check', 'all', 'any', 'not', 'tool_missing'] as const;

class RuleProblem extends Error {
  constructor(message: string, readonly at: Path, readonly hint?: string) {
    super(message);
  }
}

const checkCondition = (raw: Raw, at: Path, checks: ReadonlyMap<string, Check>): Condition => {
  const id = raw.check as string;
  const check = checks.get(id);
  if (!check) throw new RuleProblem(`names unknown check "${id}"`, [...at, 'check'], didYouMean(id, [...checks.keys()]));
  if (raw.status !== undefined) {
    if (raw.field !== undefined) throw new RuleProblem('has both status and field: write two conditions under all', at);
    return { kind: 'status', check: id, statuses: (Array.isArray(raw.status) ? raw.status : [raw.status]) as Status[] };
  }
  if (raw.field === undefined || raw.matches === undefined) throw new RuleProblem('needs status, or field and matches', at);
  const fields = checkKindFor(check.kind)!.fields;
  const field = raw.field as string;
  const type = fields[field];
  if (!type) throw new RuleProblem(`names field "${field}", which check "${id}" does not observe`, [...at, 'field'], didYouMean(field, Object.keys(fields)) ?? `its fields: ${Object.keys(fields).join(', ')}`);
  try {
    return { kind: 'field', check: id, field, matcher: compileMatcher(raw.matches, type) };
  } catch (error) {
    if (error instanceof MatcherCompileError) throw new RuleProblem(error.message, [...at, 'matches', ...error.at]);
    throw error;
  }
};

const compileCondition = (raw: Raw, at: Path, checks: ReadonlyMap<string, Check>): Condition => {
  const shapes = SHAPES.filter((shape) => raw[shape] !== undefined);
  if (shapes.length !== 1) throw new RuleProblem(`must have exactly one of ${SHAPES.join(', ')}${shapes.length > 1 ? `, not ${shapes.join(' and ')}` : ''}`, at);
  const nested = (key: 'all' | 'any') => (raw[key] as Raw[]).map((item, index) => compileCondition(item, [...at, key, index], checks));
  switch (shapes[0]!) {
    case 'all':
    case 'any':
      return { kind: shapes[0], conditions: nested(shapes[0]) };
    case 'not':
      return { kind: 'not', condition: compileCondition(raw.not as Raw, [...at, 'not'], checks) };
    case 'tool_missing':
      return { kind: 'tool-missing' };
    case 'check':
      return checkCondition(raw, at, checks);
  }
};

/** Every `${...}` in a finding must name something the run will know, or the sentence would lie. */
const checkFindingReferences = (text: string, at: Path, vars: readonly string[], checks: ReadonlyMap<string, Check>): void => {
  const captures = [...checks.values()].flatMap((check) => check.captures.map((capture) => capture.name));
  for (const { namespace, name } of findReferences(text)) {
    if (namespace === 'vars' && !vars.includes(name)) throw new RuleProblem(`uses \${vars.${name}}, which vars does not declare`, at, didYouMean(name, vars));
    if (namespace === 'captures' && !captures.includes(name)) throw new RuleProblem(`uses \${captures.${name}}, which no check captures`, at, didYouMean(name, captures));
    if (namespace === 'tools' && name !== 'missing') throw new RuleProblem(`uses \${tools.${name}}; the only one is \${tools.missing}`, at);
    if (namespace === 'fields') {
      const [checkId = '', field = ''] = name.split('.');
      const check = checks.get(checkId);
      if (!check) throw new RuleProblem(`uses \${fields.${name}}: no check "${checkId}"`, at, didYouMean(checkId, [...checks.keys()]));
      const fields = Object.keys(checkKindFor(check.kind)!.fields);
      if (!fields.includes(field)) throw new RuleProblem(`uses \${fields.${name}}: check "${checkId}" observes ${fields.join(', ')}`, at, didYouMean(field, fields));
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
      const when = compileCondition(raw.when as Raw, [...path, 'when'], byId);
      checkFindingReferences(raw.finding as string, [...path, 'finding'], vars, byId);
      if (typeof raw.hint === 'string') checkFindingReferences(raw.hint, [...path, 'hint'], vars, byId);
      return [{ id: raw.id as string, when, finding: raw.finding as string, location: source.locate([...path, 'id']), ...(typeof raw.hint === 'string' ? { hint: raw.hint } : {}) }];
    } catch (error) {
      if (!(error instanceof RuleProblem)) throw error;
      problems.push({ code: 'RB_DIAGNOSIS', message: `${formatPath(error.at)} ${error.message}`, location: source.locate(error.at), ...(error.hint ? { hint: error.hint } : {}) });
      return [];
    }
  });
};
