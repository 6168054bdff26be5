// A check's entry in the report, built in one place whether the check ran or was skipped, so both
// carry the same fields in the same order.
import { checkKindOf } from '../checks/registry.js';
import type { ExpectationResult } from '../model/outcome.js';
import type { CheckResult } from '../model/report.js';
import type { Check } from '../model/runbook.js';
import type { CheckInstance } from '../plan/instances.js';
import { escapeControl } from '../model/visible-text.js';
import { reportedCapture } from './evidence.js';
import type { Verdict } from './reason.js';

/** What running the check added; a check that never ran has none of it. */
export type Observed = Pick<CheckResult, 'durationMs' | 'evidence' | 'expectations' | 'captures' | 'observed' | 'missingTools' | 'notes' | 'startedAt'> & {
  /** Resolved, and only for a check that failed. */
  readonly hint?: string;
};

const nothingObserved = (): Observed => ({ durationMs: 0, evidence: [], expectations: [], captures: {}, observed: {}, missingTools: [], notes: [], startedAt: new Date().toISOString() });

/** Where a check runs: `local` or the SSH destination, and on a fleet the host's name. */
export interface Placement {
  readonly target: string;
  readonly hostName?: string;
}

export const placementOf = (instance: CheckInstance, target: string): Placement => (instance.fleet ? { target, hostName: instance.host.name } : { target });

/** `got "..."` quotes what the host printed, and `expected` may quote a captured value. */
const visibleExpectation = (result: ExpectationResult): ExpectationResult => ({
  ...result,
  expected: escapeControl(result.expected),
  actual: escapeControl(result.actual),
  message: escapeControl(result.message),
});

export const checkResult = (check: Check, { target, hostName }: Placement, verdict: Verdict, seen: Observed = nothingObserved()): CheckResult => ({
  id: check.id,
  question: check.questionId,
  kind: checkKindOf(check).name,
  host: check.on,
  target,
  ...(hostName === undefined ? {} : { hostName }),
  status: verdict.status,
  // Reasons, hints, notes, expectations and observed values carry what hosts printed (a first line
  // of stderr, a captured value, a server's banner): shown as \xNN or \uNNNN, none of their
  // control characters reaches an operator's terminal (model/visible-text.ts), whichever reporter
  // writes them. The evidence is made so where it is produced (evidence.ts).
  ...(verdict.reason ? { reason: escapeControl(verdict.reason) } : {}),
  ...(seen.hint !== undefined ? { hint: escapeControl(seen.hint) } : {}),
  durationMs: seen.durationMs,
  evidence: seen.evidence,
  expectations: seen.expectations.map(visibleExpectation),
  captures: Object.fromEntries(Object.entries(seen.captures).map(([name, value]) => [name, reportedCapture(value)])),
  observed: Object.fromEntries(Object.entries(seen.observed).map(([field, value]) => [field, typeof value === 'string' ? escapeControl(value) : value])),
  missingTools: seen.missingTools,
  informational: check.informational,
  notes: seen.notes.map(escapeControl),
  startedAt: seen.startedAt,
  location: { file: check.location.file, line: check.location.line, col: check.location.col },
});
