// `{ var: NAME, matches: MATCHER }`: a variable of this run, e.g. `{ var: env, matches: { equals: prod } }`
// to run a check only in one environment. Variables are known when the runbook loads, so the
// condition is decided then; an unknown name is a load error at its line.
import { didYouMean } from '../errors/did-you-mean.js';
import { compileMatcher } from '../matchers/compile.js';
import { MatcherCompileError } from '../matchers/types.js';
import type { Condition } from '../model/runbook.js';
import { ConditionProblem, type ConditionKind } from './types.js';

type VarCondition = Extract<Condition, { kind: 'var' }>;

export const varCondition: ConditionKind<VarCondition> = {
  key: 'var',
  compiles: ['var'],
  properties: {
    var: { type: 'string', minLength: 1, description: 'the name of a variable of the runbook, e.g. env, with matches: { equals: prod }' },
  },
  compile: (raw, at, context) => {
    const name = raw.var as string;
    const vars = context.vars ?? {};
    if (!Object.hasOwn(vars, name)) throw new ConditionProblem(`names variable "${name}", which vars does not declare`, [...at, 'var'], didYouMean(name, Object.keys(vars)));
    if (raw.matches === undefined) throw new ConditionProblem('needs matches, e.g. { var: env, matches: { equals: prod } }', at);
    try {
      const value = vars[name];
      return { kind: 'var', name, holds: compileMatcher(raw.matches, 'text').test(value === undefined ? null : String(value)).pass };
    } catch (error) {
      if (error instanceof MatcherCompileError) throw new ConditionProblem(error.message, [...at, 'matches', ...error.at]);
      throw error;
    }
  },
  holds: (condition) => condition.holds,
};
