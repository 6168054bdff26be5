// Condition kinds on their own (src/conditions/): compiled against a tiny runbook's checks, asked
// over made-up facts, so each kind's table reads as "this rule, these outcomes: holds or not".
import { CONDITION_KEYS, CONDITION_KINDS, conditionHolds } from '../../src/conditions/registry.js';
import { ConditionProblem, type CompileContext, type Facts, type Path } from '../../src/conditions/types.js';
import type { MatchValue } from '../../src/model/matcher.js';
import type { Status } from '../../src/model/outcome.js';
import type { Check, Condition, FieldType } from '../../src/model/runbook.js';

const check = (id: string): Check => ({ id, on: 'here', kind: 'run' } as unknown as Check);
const FIELDS: Record<string, FieldType> = { exit_code: 'number', stdout: 'text' };

export const compile = (raw: unknown): Condition => {
  const context: CompileContext = {
    checks: new Map(['probe', 'other'].map((id) => [id, check(id)])),
    fieldsOf: () => FIELDS,
    nested: (inner: unknown, at: Path) => compileAt(inner, at, context),
  };
  return compileAt(raw, ['when'], context);
};

const compileAt = (raw: unknown, at: Path, context: CompileContext): Condition => {
  const map = raw as Record<string, unknown>;
  const key = CONDITION_KEYS.find((candidate) => map[candidate] !== undefined)!;
  return CONDITION_KINDS[key].compile(map, at, context);
};

/** The problem a condition compiles to, as `message @ path`. */
export const problemOf = (raw: unknown): string => {
  try {
    compile(raw);
    return 'no problem';
  } catch (error) {
    if (!(error instanceof ConditionProblem)) throw error;
    return `${error.message} @ ${error.at.join('.')}`;
  }
};

export interface Observed {
  readonly status?: Status;
  readonly fields?: Record<string, MatchValue>;
  readonly lacksTools?: boolean;
}

/** Whether the condition holds over these checks' outcomes, and which checks it consulted. */
export const evaluate = (raw: unknown, observed: Record<string, Observed>): { holds: boolean; consulted: string[] } => {
  const consulted = new Set<string>();
  const facts: Facts = {
    status: (id) => (consulted.add(id), observed[id]?.status),
    field: (id, field) => (consulted.add(id), observed[id]?.status === 'skipped' ? undefined : observed[id]?.fields?.[field]),
    lackingTools: () => Object.entries(observed).filter(([, run]) => run.lacksTools).map(([id]) => (consulted.add(id), id)),
    holds: (condition) => conditionHolds(condition, facts),
  };
  return { holds: conditionHolds(compile(raw), facts), consulted: [...consulted] };
};
