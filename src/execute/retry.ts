// `retry:` and `until:`: a check that does not pass runs again, after its interval, until it passes,
// its attempts are spent, or its time is up (no attempt starts after that). The result is the last
// attempt's, with the earlier ones kept as evidence and a note that says how it went, so a check
// that passes only on a retry says so.
import type { CheckResult, EarlierAttempt } from '../model/report.js';
import { formatDuration } from '../model/duration.js';
import type { Check, RetryPolicy } from '../model/runbook.js';
import type { CheckRun } from './run-check.js';
import { counted } from '../model/counted.js';

/** Resolves after `ms`, or at once when the run stops. */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Whether another attempt may start, `elapsedMs` after the first one started. */
const mayTryAgain = (policy: RetryPolicy, attemptsMade: number, elapsedMs: number): boolean =>
  policy.kind === 'retry' ? attemptsMade < policy.attempts : elapsedMs + policy.intervalMs < policy.timeoutMs;

const earlier = (result: CheckResult): EarlierAttempt => ({
  status: result.status,
  ...(result.reason ? { reason: result.reason } : {}),
  startedAt: result.startedAt,
  durationMs: result.durationMs,
  evidence: result.evidence,
});

const howItWent = (policy: RetryPolicy, result: CheckResult, attempts: number, elapsedMs: number): string => {
  const within = policy.kind === 'until' ? ` within ${formatDuration(policy.timeoutMs)}` : ` of ${policy.attempts}`;
  if (result.status === 'pass') return attempts === 1 ? `passed on the first attempt${within}` : `passed on attempt ${attempts}${within}, after ${formatDuration(elapsedMs)}`;
  return `did not pass in ${counted(attempts, 'attempt')}${within} (${formatDuration(elapsedMs)})`;
};

/** Runs `attempt` under the check's policy; without one, exactly once. */
export const withRetries = async (check: Check, signal: AbortSignal, attempt: () => Promise<CheckRun>): Promise<CheckRun> => {
  const policy = check.retry;
  if (!policy) return attempt();
  const started = performance.now();
  const before: EarlierAttempt[] = [];
  let run = await attempt();
  while (run.result.status !== 'pass' && !signal.aborted && mayTryAgain(policy, before.length + 1, performance.now() - started)) {
    before.push(earlier(run.result));
    await pause(policy.intervalMs, signal);
    if (signal.aborted) break;
    run = await attempt();
  }
  const elapsedMs = Math.round(performance.now() - started);
  const first = before[0];
  const cutShort = signal.aborted && run.result.status !== 'pass' ? ['stopped trying: the run was stopped'] : [];
  const result: CheckResult = {
    ...run.result,
    ...(first ? { startedAt: first.startedAt } : {}),
    durationMs: elapsedMs,
    notes: [...run.result.notes, howItWent(policy, run.result, before.length + 1, elapsedMs), ...cutShort],
    ...(before.length > 0 ? { attempts: before } : {}),
  };
  return { ...run, result };
};
