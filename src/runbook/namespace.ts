// An included runbook, renamed to live inside the one that includes it: its ids and captures under
// the include's `as:` prefix (when given), its variables always in a space of their own (each
// include gives them its own values), its roles mapped to the including runbook's. Every place that
// names one of them follows: commands, hints, dependencies, conditions, findings.
import { checkKindOf } from '../checks/registry.js';
import { fieldReference, renameReferences, type Reference } from '../model/references.js';
import { mapStrings } from '../model/yaml-values.js';
import type { Check, CheckWhen, Condition, DiagnosisRule, Expectation, Question, Runbook, VarValue } from '../model/runbook.js';

export interface Naming {
  /** `as:`: `free-space` becomes `disk.free-space`, a capture `used` becomes `disk.used`. Without it, names stay. */
  readonly prefix?: string;
  /** Where the included variables live: `disk.dir` for its `dir`. */
  readonly varSpace: string;
  /** The including runbook's role for each of the included one's. */
  readonly role: (role: string) => string;
}

/** What an include brings, renamed: ready to stand beside the including runbook's own parts. */
export interface IncludedParts {
  readonly questions: readonly Question[];
  readonly diagnosis: readonly DiagnosisRule[];
  readonly vars: Readonly<Record<string, VarValue>>;
  readonly secretVars: readonly string[];
}

const renamer = (naming: Naming) => {
  const named = (name: string): string => (naming.prefix ? `${naming.prefix}.${name}` : name);
  const variable = (name: string): string => `${naming.varSpace}.${name}`;
  const reference = ({ namespace, name }: Reference): string => {
    if (namespace === 'vars') return variable(name);
    if (namespace === 'captures') return named(name);
    if (namespace === 'fields') {
      const { check, field } = fieldReference(name);
      return `${named(check)}.${field}`;
    }
    return name;
  };
  const text = (value: string): string => renameReferences(value, reference);
  return { id: named, capture: named, variable, text };
};

type Renamer = ReturnType<typeof renamer>;

const renamedCondition = (condition: Condition, id: (name: string) => string): Condition => {
  switch (condition.kind) {
    case 'status':
    case 'field':
      return { ...condition, check: id(condition.check) };
    case 'all':
    case 'any':
      return { ...condition, conditions: condition.conditions.map((inner) => renamedCondition(inner, id)) };
    case 'not':
      return { ...condition, condition: renamedCondition(condition.condition, id) };
    case 'tool-missing':
    case 'var':
      return condition;
  }
};

const renamedExpectation = (expectation: Expectation, rename: Renamer): Expectation => {
  const { withCaptures } = expectation;
  return {
    ...expectation,
    ...(expectation.ofCapture ? { field: rename.capture(expectation.field) } : {}),
    ...(withCaptures
      ? { withCaptures: { ...withCaptures, names: withCaptures.names.map(rename.capture), bind: (captured) => withCaptures.bind((name) => captured(rename.capture(name))) } }
      : {}),
  };
};

/** The condition as written names checks by their ids in the included file: here they have the prefix. */
const renamedWhenText = (text: string, rename: Renamer): string => text.replace(/\bcheck: ([\w.-]+)/g, (_whole, id: string) => `check: ${rename.id(id)}`);

const renamedWhen = (when: CheckWhen, rename: Renamer): CheckWhen => ({
  ...when,
  text: renamedWhenText(when.text, rename),
  condition: renamedCondition(when.condition, rename.id),
  waitsFor: when.waitsFor.map(rename.id),
});

const renamedCheck = (check: Check, rename: Renamer, role: (role: string) => string): Check => {
  const kind = checkKindOf(check);
  return {
    ...check,
    id: rename.id(check.id),
    questionId: rename.id(check.questionId),
    on: role(check.on),
    spec: kind.renameRoles(mapStrings(check.spec, rename.text), role),
    expectations: check.expectations.map((expectation) => renamedExpectation(expectation, rename)),
    captures: check.captures.map((capture) => ({ ...capture, name: rename.capture(capture.name) })),
    dependsOn: check.dependsOn.map(rename.id),
    ...(check.hint === undefined ? {} : { hint: rename.text(check.hint) }),
    ...(check.when ? { when: renamedWhen(check.when, rename) } : {}),
  };
};

const renamedRule = (rule: DiagnosisRule, rename: Renamer): DiagnosisRule => ({
  ...rule,
  id: rename.id(rule.id),
  when: renamedCondition(rule.when, rename.id),
  finding: rename.text(rule.finding),
  ...(rule.hint === undefined ? {} : { hint: rename.text(rule.hint) }),
});

export const namespaced = (runbook: Runbook, naming: Naming): IncludedParts => {
  const rename = renamer(naming);
  return {
    questions: runbook.questions.map((question) => ({
      ...question,
      id: rename.id(question.id),
      checks: question.checks.map((check) => renamedCheck(check, rename, naming.role)),
    })),
    diagnosis: runbook.diagnosis.map((rule) => renamedRule(rule, rename)),
    vars: Object.fromEntries(Object.entries(runbook.vars).map(([name, value]) => [rename.variable(name), value])),
    secretVars: runbook.secretVars.map(rename.variable),
  };
};
