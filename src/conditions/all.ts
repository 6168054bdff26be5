// `{ all: [...] }`: every nested condition holds.
import { listCondition } from './combine.js';

export const allCondition = listCondition('all', (answers) => answers.every(Boolean), 'conditions that must all hold');
