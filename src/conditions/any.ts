// `{ any: [...] }`: at least one nested condition holds.
import { listCondition } from './combine.js';

export const anyCondition = listCondition('any', (answers) => answers.some(Boolean), 'conditions of which at least one must hold');
