// Every kind of diagnosis condition, by the YAML key that selects it. Adding one: a file in this
// folder plus one line here (kept sorted); the schema, the loader, the diagnosis and the
// conformance test read this table.
import type { Condition } from '../model/runbook.js';
import { allCondition } from './all.js';
import { anyCondition } from './any.js';
import { checkCondition } from './check.js';
import { notCondition } from './not.js';
import { toolMissingCondition } from './tool-missing.js';
import { varCondition } from './var.js';
import type { Facts, SomeConditionKind } from './types.js';

/* eslint sort-keys: ["error", "asc"] -- one line per condition kind, easy to scan */
export const CONDITION_KINDS = {
  all: allCondition,
  any: anyCondition,
  check: checkCondition,
  not: notCondition,
  tool_missing: toolMissingCondition,
  var: varCondition,
} as const satisfies Record<string, SomeConditionKind>;

export const CONDITION_KEYS = Object.keys(CONDITION_KINDS) as (keyof typeof CONDITION_KINDS)[];

/** Whether a compiled condition holds: asked of the kind that compiled it, the one place it has meaning. */
export const conditionHolds = (condition: Condition, facts: Facts): boolean => {
  const kind = Object.values(CONDITION_KINDS).find((candidate: SomeConditionKind) => candidate.compiles.includes(condition.kind));
  if (!kind) throw new Error(`no condition kind compiles "${condition.kind}"`);
  // The kind that lists this tag compiled it: its own condition type.
  return kind.holds(condition as never, facts);
};
