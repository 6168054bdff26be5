// `{ tool_missing: true }`: some check lacked a tool on its host (exit 127), even where a fallback
// answered; the checks that did are the finding's evidence.
import type { Condition } from '../model/runbook.js';
import type { ConditionKind } from './types.js';

export const toolMissingCondition: ConditionKind<Extract<Condition, { kind: 'tool-missing' }>> = {
  key: 'tool_missing',
  compiles: ['tool-missing'],
  properties: { tool_missing: { const: true, description: 'some check lacked a tool on its host (rc 127)' } },
  compile: () => ({ kind: 'tool-missing' }),
  holds: (_condition, facts) => facts.lackingTools().length > 0,
};
