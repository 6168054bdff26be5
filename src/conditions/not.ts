// `{ not: CONDITION }`: the nested condition does not hold.
import type { Condition } from '../model/runbook.js';
import type { ConditionKind } from './types.js';

export const notCondition: ConditionKind<Extract<Condition, { kind: 'not' }>> = {
  key: 'not',
  compiles: ['not'],
  properties: { not: { $ref: '#/definitions/condition', description: 'holds when the nested condition does not, e.g. { not: { check: ping, status: pass } }' } },
  compile: (raw, at, context) => ({ kind: 'not', condition: context.nested(raw.not, [...at, 'not']) }),
  holds: (condition, facts) => !facts.holds(condition.condition),
};
