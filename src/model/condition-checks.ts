// The checks a condition asks about (`{ check: X, ... }` anywhere inside it): what it waits for,
// what an include renames, what a selection must keep for a diagnosis rule to stay true to the run.
import type { Condition } from './runbook.js';

export const checksAskedBy = (condition: Condition): string[] => {
  switch (condition.kind) {
    case 'status':
    case 'field':
      return [condition.check];
    case 'all':
    case 'any':
      return condition.conditions.flatMap(checksAskedBy);
    case 'not':
      return checksAskedBy(condition.condition);
    case 'tool-missing':
    case 'var':
      return [];
  }
};

/** Whether the condition asks, anywhere inside it, if some check lacked a tool: a question about every check it can see. */
export const asksAboutMissingTools = (condition: Condition): boolean => {
  switch (condition.kind) {
    case 'tool-missing':
      return true;
    case 'all':
    case 'any':
      return condition.conditions.some(asksAboutMissingTools);
    case 'not':
      return asksAboutMissingTools(condition.condition);
    case 'status':
    case 'field':
    case 'var':
      return false;
  }
};
