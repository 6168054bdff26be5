// The published schemas, rendered from their sources: the runbook schema from the check kinds and
// matchers, the report schema from report/. One function serves the generator and the freshness test.
import { REPORT_SCHEMA } from '../report/report-schema.js';
import { buildRunbookSchema } from '../runbook/schema.js';

export const renderSchemas = (): Record<string, string> => ({
  'schemas/runbook.schema.json': `${JSON.stringify(buildRunbookSchema(), null, 2)}\n`,
  'schemas/report.schema.json': `${JSON.stringify(REPORT_SCHEMA, null, 2)}\n`,
});
