// Numeric comparison: strictly greater than.
import { comparison } from './numeric.js';

export const gt = comparison('gt', '>', 'greater than', (actual, limit) => actual > limit);
