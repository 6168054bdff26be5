// `all` and `any`: a list of nested conditions and how their answers combine. Every nested
// condition is asked (no short cut), so the finding's evidence names every check it rests on.
import type { Condition } from '../model/runbook.js';
import type { ConditionKind } from './types.js';

type ListCondition = Extract<Condition, { kind: 'all' | 'any' }>;

export const listCondition = (key: 'all' | 'any', combine: (answers: boolean[]) => boolean, description: string): ConditionKind<ListCondition> => ({
  key,
  compiles: [key],
  properties: { [key]: { type: 'array', minItems: 1, items: { $ref: '#/definitions/condition' }, description } },
  compile: (raw, at, context) => ({ kind: key, conditions: (raw[key] as unknown[]).map((item, index) => context.nested(item, [...at, key, index])) }),
  holds: (condition, facts) => combine(condition.conditions.map((inner) => facts.holds(inner))),
});
