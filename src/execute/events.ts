// What a run tells its listeners while it goes: the one source for progress views (plain lines,
// the live view on a terminal); reporters get the finished report instead. Plain, JSON-serialisable
// data only, so the whole event can be masked (secrets/redact.ts redactData) before anyone hears it.
import type { Status } from '../model/outcome.js';
import type { CheckResult, Counts } from '../model/report.js';

/** A host role and where its commands go: `local`, or the SSH destination (`root@10.0.0.5:22`). */
export interface HostRef {
  readonly role: string;
  readonly target: string;
  /** On a fleet role: the host's name (`web07`). */
  readonly name?: string;
  /** In run-start, for a fleet role: how many hosts it holds in this run (`target` then describes them). */
  readonly fleet?: number;
}

/** Which check: ids repeat across runbook files, so the file is part of the name. */
export interface CheckRef {
  readonly runbook: string;
  readonly id: string;
  readonly question: string;
}

export interface RunbookStart {
  readonly file: string;
  readonly title: string;
  readonly checks: number;
  /** The roles its checks run on, in the order the runbook declares them. */
  readonly hosts: readonly HostRef[];
  /** Its questions and their checks, in the report's order: what a live view lays out before anything ends. */
  readonly questions: readonly QuestionStart[];
}

export interface QuestionStart {
  readonly id: string;
  readonly title: string;
  /** `hosts`: how many hosts it runs on (a fleet role's, after --limit and --shard); `host.target` then names the fleet. */
  readonly checks: readonly { readonly id: string; readonly host: HostRef; readonly hosts: number; readonly informational: boolean }[];
}

/** `atMs`: milliseconds since the run started (the `run-start` event), on a monotonic clock. */
export type ExecutionEvent =
  | { readonly type: 'run-start'; readonly startedAt: string; readonly checks: number; readonly runbooks: readonly RunbookStart[] }
  | { readonly type: 'check-start'; readonly check: CheckRef; readonly host: HostRef; readonly atMs: number }
  | { readonly type: 'check-end'; readonly check: CheckRef; readonly result: CheckResult; readonly atMs: number }
  | {
      readonly type: 'run-end';
      readonly status: Status;
      readonly exitCode: number;
      readonly interrupted: boolean;
      readonly durationMs: number;
      readonly checks: Counts;
      /** Each question's verdict, as the report gives it. */
      readonly questions: readonly { readonly runbook: string; readonly id: string; readonly status: Status }[];
    };

/** Must not throw: app/run-runbooks.ts guards the listener it is given, so the run never breaks on a view. */
export type EventListener = (event: ExecutionEvent) => void;
