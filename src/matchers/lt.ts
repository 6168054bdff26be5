// Numeric comparison: strictly less than.
import { comparison } from './numeric.js';

export const lt = comparison('lt', '<', 'less than', (actual, limit) => actual < limit);
