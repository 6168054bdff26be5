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

/**
 * A check the run stopped (its deadline, an interruption) while its policy still allowed another
 * attempt has not failed: it could not finish checking, as a command stopped mid-run could not. The
 * last attempt's own verdict stays in the notes.
 */
const cutShort = (run: CheckRun, why: string): Partial<Pick<CheckResult, 'status' | 'reason'>> & { notes: string[] } =>
  run.result.status === 'fail'
    ? { status: 'error', reason: `stopped before its attempts were spent: ${why}`, notes: [`the last attempt failed: ${run.result.reason ?? 'it did not pass'}`] }
    : { notes: [`stopped trying: ${why}`] };

/**
 * Runs `attempt` under the check's policy; without one, exactly once. `stoppedBecause` names why
 * the run stopped, when it was not an interruption (the deadline).
 */
export const withRetries = async (check: Check, signal: AbortSignal, attempt: () => Promise<CheckRun>, stoppedBecause?: () => string | undefined): Promise<CheckRun> => {
  const policy = check.retry;
  if (!policy) return attempt();
  const started = performance.now();
  const before: EarlierAttempt[] = [];
  let run = await attempt();
  while (run.result.status !== 'pass' && !signal.aborted && mayTryAgain(policy, before.length + 1, performance.now() - started)) {
    await pause(policy.intervalMs, signal);
    // Stopped in the pause: the attempt just made stays the last one, counted once.
    if (signal.aborted) break;
    before.push(earlier(run.result));
    run = await attempt();
  }
  const elapsedMs = Math.round(performance.now() - started);
  const first = before[0];
  const stopped = signal.aborted && run.result.status !== 'pass' && mayTryAgain(policy, before.length + 1, elapsedMs)
    ? cutShort(run, stoppedBecause?.() ?? 'the run was interrupted')
    : { notes: [] };
  const result: CheckResult = {
    ...run.result,
    ...stopped,
    ...(first ? { startedAt: first.startedAt } : {}),
    durationMs: elapsedMs,
    notes: [...run.result.notes, howItWent(policy, run.result, before.length + 1, elapsedMs), ...stopped.notes],
    ...(before.length > 0 ? { attempts: before } : {}),
  };
  return { ...run, result };
};
