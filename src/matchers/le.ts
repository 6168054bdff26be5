// Numeric comparison: less than or equal to.
import { comparison } from './numeric.js';

export const le = comparison('le', '<=', 'at most', (actual, limit) => actual <= limit);
