// The run's results: what the executor produces and what every reporter reads. The JSON reporter
// prints RunReport as is, so this file (with schemas/report.schema.json) is the public contract.
import type { Evidence, ExpectationResult, Status } from './outcome.js';

export const REPORT_VERSION = 1;

export interface CheckResult {
  readonly id: string;
  readonly question: string;
  /** Kind name, e.g. `command`. */
  readonly kind: string;
  /** Host role, e.g. `server`. */
  readonly host: string;
  /** Where it ran: `local` or the SSH destination. */
  readonly target: string;
  /** On a fleet role (a list, a range, an inventory group): the host's name, `web07`. One result per host. */
  readonly hostName?: string;
  readonly status: Status;
  /** Why it did not pass: the failed expectation, the error, or what made it skip. */
  readonly reason?: string;
  readonly hint?: string;
  readonly durationMs: number;
  readonly evidence: readonly Evidence[];
  readonly expectations: readonly ExpectationResult[];
  readonly captures: Readonly<Record<string, string>>;
  /** What the check observed, by field (command output is in `evidence` instead). */
  readonly observed: Readonly<Record<string, string | number | null>>;
  /** Tools the check needed and did not find, whether or not a fallback answered. */
  readonly missingTools: readonly { readonly tool: string; readonly host: string }[];
  readonly informational: boolean;
  readonly notes: readonly string[];
  /** When it started (ISO 8601, ms), or for a skipped check when it was skipped: for timelines. */
  readonly startedAt: string;
  /** Where the check is written (an included one: in its own file), for annotations and editors. */
  readonly location: { readonly file: string; readonly line: number; readonly col: number };
  /**
   * With `retry:` or `until:`, the attempts before the last one, oldest first: what each concluded
   * and its evidence. The check's own fields are the last attempt's; `durationMs` spans them all.
   */
  readonly attempts?: readonly EarlierAttempt[];
}

export interface EarlierAttempt {
  readonly status: Status;
  readonly reason?: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly evidence: readonly Evidence[];
}

export interface Finding {
  readonly runbook: string;
  readonly id: string;
  readonly message: string;
  readonly hint?: string;
  /** The checks the rule looked at, with what they concluded: what the finding rests on. */
  readonly evidence: readonly { readonly check: string; readonly status: Status; readonly reason?: string; readonly hostName?: string }[];
  /** A rule about a fleet's checks is judged host by host: the hosts where it holds with this message. */
  readonly hosts?: readonly string[];
}

export interface QuestionResult {
  /** The runbook file the question comes from (several files can run at once). */
  readonly runbook: string;
  readonly id: string;
  readonly title: string;
  readonly status: Status;
  /** Present for a question of `severity: warning`: its status never fails the run. */
  readonly severity?: 'warning';
  readonly reason?: string;
  readonly hint?: string;
  /** When some of its checks ran on a fleet: how many of its hosts ended in each status, and its `require:`. */
  readonly hosts?: Counts;
  readonly require?: string;
  readonly checks: readonly CheckResult[];
}

/** How many there are, and how many of them ended in each status. */
export interface Counts extends Readonly<Record<Status, number>> {
  readonly total: number;
}

export interface RunbookSummary {
  readonly file: string;
  readonly title: string;
  readonly status: Status;
  readonly vars: Readonly<Record<string, string | number | boolean>>;
  readonly hosts: Readonly<Record<string, string>>;
}

/**
 * A run answered from a recording (`run --replay DIR`), never from hosts: every reporter says so.
 * `unused`: what the recording holds that no check asked for this time.
 */
export interface ReplayMark {
  readonly from: string;
  readonly recordedAt: string;
  readonly unused: readonly { readonly runbook: string; readonly check: string; readonly host: string; readonly attempt: string }[];
}

export interface RunReport {
  readonly reportVersion: typeof REPORT_VERSION;
  readonly tool: { readonly name: string; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly status: Status;
  /** The process exit code this report implies (see the README's table). */
  readonly exitCode: number;
  readonly interrupted: boolean;
  /** `--shard 2/3`: this report holds that part of the hosts; `merge-reports` joins the parts. */
  readonly shard?: { readonly index: number; readonly total: number };
  /** A report made by `merge-reports`: the shards it joined. */
  readonly mergedShards?: readonly { readonly index: number; readonly total: number }[];
  /** Set when the run replayed a recording instead of asking hosts. */
  readonly replay?: ReplayMark;
  readonly summary: { readonly questions: Counts; readonly checks: Counts };
  readonly runbooks: readonly RunbookSummary[];
  readonly questions: readonly QuestionResult[];
  readonly diagnosis: readonly Finding[];
}
