// `{ check: ID, status: fail }` and `{ check: ID, field: NAME, matches: MATCHER }`: one check's
// outcome, or a value it observed, with the same matchers as `expect`, compiled against the field's type.
import { didYouMean } from '../errors/did-you-mean.js';
import { compileMatcher } from '../matchers/compile.js';
import { rangeOfField } from '../matchers/range.js';
import { MatcherCompileError } from '../matchers/types.js';
import { STATUSES, type Status } from '../model/outcome.js';
import type { Check, Condition } from '../model/runbook.js';
import { ConditionProblem, type CompileContext, type ConditionKind, type Path, type Raw } from './types.js';

type CheckCondition = Extract<Condition, { kind: 'status' | 'field' }>;

const STATUS = { enum: [...STATUSES] };

const known = (raw: Raw, at: Path, context: CompileContext): Check => {
  const id = raw.check as string;
  const check = context.checks.get(id);
  if (!check) throw new ConditionProblem(`names unknown check "${id}"`, [...at, 'check'], didYouMean(id, [...context.checks.keys()]));
  return check;
};

const fieldCondition = (raw: Raw, at: Path, check: Check, context: CompileContext): CheckCondition => {
  const fields = context.fieldsOf(check);
  const field = raw.field as string;
  const type = fields[field];
  if (!type) throw new ConditionProblem(`names field "${field}", which check "${check.id}" does not observe`, [...at, 'field'], didYouMean(field, Object.keys(fields)) ?? `its fields: ${Object.keys(fields).join(', ')}`);
  try {
    return { kind: 'field', check: check.id, field, matcher: compileMatcher(raw.matches, type, rangeOfField(field)) };
  } catch (error) {
    if (error instanceof MatcherCompileError) throw new ConditionProblem(error.message, [...at, 'matches', ...error.at], error.hint);
    throw error;
  }
};

export const checkCondition: ConditionKind<CheckCondition> = {
  key: 'check',
  compiles: ['status', 'field'],
  properties: {
    check: { type: 'string', minLength: 1, description: 'the id of a check, e.g. ping-server' },
    status: { if: { type: 'array' }, then: { type: 'array', minItems: 1, items: STATUS }, else: STATUS, description: 'the check ended so, e.g. fail, or any of a list: [fail, error]' },
    field: { type: 'string', minLength: 1, description: 'a field the check observes, e.g. stdout' },
    matches: { $ref: '#/definitions/matcher', description: 'a matcher over the field, as in expect, e.g. { contains: refused }' },
  },
  compile: (raw, at, context) => {
    const check = known(raw, at, context);
    if (raw.status !== undefined) {
      if (raw.field !== undefined) throw new ConditionProblem('has both status and field: write two conditions under all', at);
      return { kind: 'status', check: check.id, statuses: (Array.isArray(raw.status) ? raw.status : [raw.status]) as Status[] };
    }
    if (raw.field === undefined || raw.matches === undefined) throw new ConditionProblem('needs status, or field and matches', at);
    return fieldCondition(raw, at, check, context);
  },
  holds: (condition, facts) => {
    if (condition.kind === 'status') {
      const status = facts.status(condition.check);
      return status !== undefined && condition.statuses.includes(status);
    }
    // A check that was skipped or could not observe has no value to match: the condition is false.
    const value = facts.field(condition.check, condition.field);
    return value !== undefined && condition.matcher.test(value).pass;
  },
};
