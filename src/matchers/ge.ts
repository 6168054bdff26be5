// Numeric comparison: greater than or equal to.
import { comparison } from './numeric.js';

export const ge = comparison('ge', '>=', 'at least', (actual, limit) => actual >= limit);
