// The JSON report is the RunReport itself: the contract lives in the model, not in this file.
import type { Reporter } from './types.js';

export const jsonReporter: Reporter = {
  name: 'json',
  summary: 'the versioned RunReport (schemas/report.schema.json), for CI and scripts',
  render: (report) => `${JSON.stringify(report, null, 2)}\n`,
};
