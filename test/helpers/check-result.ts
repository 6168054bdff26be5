// A CheckResult for tests that build reports by hand: nothing observed, unless the test says.
import type { CheckResult } from '../../src/model/report.js';

export const checkResultWith = (fields: Pick<CheckResult, 'id' | 'question' | 'host' | 'target'> & Partial<CheckResult>): CheckResult => ({
  kind: 'command',
  status: 'pass',
  durationMs: 0,
  evidence: [],
  expectations: [],
  captures: {},
  observed: {},
  missingTools: [],
  informational: false,
  notes: [],
  startedAt: '2026-01-01T00:00:00.000Z',
  location: { file: 'runbook.yaml', line: 1, col: 1 },
  ...fields,
});
