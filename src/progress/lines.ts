// The plainest progress view: a header when the run starts, one line per finished check (per host,
// on a fleet), a footer when it ends; for `--verbose` on stderr (and for logs where no terminal
// redraws anything). It listens to the executor's events only; the report on stdout is untouched.
import { reasonAfterWhere, roleAndTarget } from '../model/host-address.js';
import type { ExecutionEvent, HostRef, RunbookStart } from '../execute/events.js';
import { STATUSES } from '../model/outcome.js';
import type { CheckResult, Counts } from '../model/report.js';
import { counted } from '../model/counted.js';

/** `1 host`, `50 hosts`. */
export const hostsCount = (count: number): string => counted(count, 'host');

/** `client (root@10.200.0.216:22)`; just `local` when a role is named like its target; `web (50 hosts)` for a fleet. */
const hostLabel = (host: HostRef): string => (host.fleet === undefined ? roleAndTarget(host.role, host.target) : `${host.role} (${hostsCount(host.fleet)})`);

const checksCount = (count: number): string => counted(count, 'check');

/** Where a result ran: a fleet's host by its name (which of the role's hosts it was), else by its role. */
const resultHostLabel = (result: CheckResult): string => roleAndTarget(result.hostName ?? result.host, result.target);

/**
 * `fail    client-query on client (root@10.200.0.216:22), 2020 ms: state expected ...`;
 * on a fleet `fail    port-open on web07 (root@10.201.0.17:22), 12 ms: ...`.
 */
export const finishedCheckLine = (result: CheckResult): string =>
  `${result.status.padEnd(7)} ${result.id} on ${resultHostLabel(result)}, ${result.durationMs} ms${result.reason ? `: ${reasonAfterWhere(result.reason, result.target)}` : ''}`;

const runbookPart = (runbook: RunbookStart): string =>
  `${runbook.file}: ${checksCount(runbook.checks)}${runbook.hosts.length > 0 ? ` on ${runbook.hosts.map(hostLabel).join(', ')}` : ''}`;

/** `running runbooks/x.yaml: 9 checks on client (root@10.0.0.5:22), web (50 hosts)`; files joined by `; `. */
export const runStartLine = (runbooks: readonly RunbookStart[]): string => `running ${runbooks.map(runbookPart).join('; ')}`;

/** `1 pass, 1 fail, 1 skipped`: the statuses that occurred, in the report's order. */
const countsPart = (counts: Counts): string =>
  STATUSES.filter((status) => counts[status] > 0).map((status) => `${counts[status]} ${status}`).join(', ');

/** `fail, exit code 1, 3 checks in 1234 ms: 1 pass, 1 fail, 1 skipped`; an interruption says so. */
export const runEndLine = (end: Extract<ExecutionEvent, { type: 'run-end' }>): string => {
  const counts = countsPart(end.checks);
  const code = `exit code ${end.exitCode}${end.interrupted ? ' (interrupted)' : ''}`;
  return `${end.status}, ${code}, ${checksCount(end.checks.total)} in ${end.durationMs} ms${counts ? `: ${counts}` : ''}`;
};

/**
 * The line an event is worth, if any. Started checks get none: with checks running concurrently,
 * only whole lines for finished ones keep the log readable.
 */
export const progressLine = (event: ExecutionEvent): string | undefined => {
  switch (event.type) {
    case 'run-start':
      return runStartLine(event.runbooks);
    case 'check-end':
      return finishedCheckLine(event.result);
    case 'run-end':
      return runEndLine(event);
    case 'check-start':
      return undefined;
  }
};
