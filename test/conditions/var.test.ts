// `{ var: NAME, matches: MATCHER }`: decided from the run's variables when the runbook loads.
import { describe, expect, test } from 'vitest';
import { varCondition } from '../../src/conditions/var.js';
import { ConditionProblem, type CompileContext } from '../../src/conditions/types.js';

const context = (vars: Record<string, string | number | boolean>): CompileContext => ({
  checks: new Map(),
  fieldsOf: () => ({}),
  nested: () => {
    throw new Error('not nested');
  },
  vars,
});

describe('var condition', () => {
  test.each([
    [{ var: 'env', matches: { equals: 'prod' } }, { env: 'prod' }, true],
    [{ var: 'env', matches: { equals: 'prod' } }, { env: 'staging' }, false],
    [{ var: 'max', matches: { gt: 50 } }, { max: 90 }, true],
    [{ var: 'max', matches: { gt: 50 } }, { max: '40' }, false],
    [{ var: 'env', matches: { not: { equals: '' } } }, { env: '' }, false],
  ])('%j with %j: %s', (raw, vars, holds) => {
    const condition = varCondition.compile(raw, ['when'], context(vars));
    expect(condition).toEqual({ kind: 'var', name: raw.var, holds });
    expect(varCondition.holds(condition, undefined as never)).toBe(holds);
  });

  test('an unknown variable is a problem at `var`, with a suggestion', () => {
    expect(() => varCondition.compile({ var: 'enf', matches: { equals: 'x' } }, ['when'], context({ env: 'prod' }))).toThrow(ConditionProblem);
    try {
      varCondition.compile({ var: 'enf', matches: { equals: 'x' } }, ['when'], context({ env: 'prod' }));
    } catch (error) {
      expect(error).toMatchObject({ message: 'names variable "enf", which vars does not declare', at: ['when', 'var'], hint: 'did you mean "env"?' });
    }
  });

  test('without matches it says what to write', () => {
    expect(() => varCondition.compile({ var: 'env' }, ['when'], context({ env: 'prod' }))).toThrow('needs matches, e.g. { var: env, matches: { equals: prod } }');
  });
});
