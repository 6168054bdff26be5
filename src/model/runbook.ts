// The validated, compiled runbook: what load/validate hand to the planner. Plain data, no behaviour.
import type { CompiledMatcher } from './matcher.js';
import type { Status } from './outcome.js';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** The one version of the runbook format: `version: 1`. */
export const RUNBOOK_VERSION = 1;

export type VarValue = string | number | boolean;

/** `RUNBOOK_VAR_<name>` in the environment sets the declared variable `<name>` (exact name, case-sensitive). */
export const VAR_ENV_PREFIX = 'RUNBOOK_VAR_';

export type HostSpec = LocalHostSpec | SshHostSpec | UnusableHostSpec;

interface HostBase {
  readonly role: string;
  /**
   * The host's name in a fleet: the inventory's name (`web07`), else the destination's host part as
   * written or expanded (`web07.prod`); `local` for this machine. `--limit` and `--shard` read it.
   */
  readonly name: string;
  readonly become: boolean;
}

export interface LocalHostSpec extends HostBase {
  readonly kind: 'local';
}

/** An inventory host runbook cannot reach (`ansible_connection=winrm`): its checks end as errors that say why. */
export interface UnusableHostSpec extends HostBase {
  readonly kind: 'unusable';
  readonly why: string;
}

export interface SshHostSpec extends HostBase {
  readonly kind: 'ssh';
  /** A name or address, resolved through ssh_config like `ssh HOST` would. */
  readonly host: string;
  readonly user?: string;
  readonly port?: number;
}

/**
 * A role's hosts. One destination is one host; a list, a range pattern (`web[01:50].prod`) or an
 * inventory group (`@web`, `web: {}`) is a fleet: its checks run once per host, are reported by host
 * name, and its questions count hosts (`require:`). A fleet may hold one host, or none after `--limit`.
 */
export interface RoleHosts {
  readonly members: readonly HostSpec[];
  readonly fleet: boolean;
}

/** A value a check may observe and assert on: an exit code is a number, output is text. */
export type FieldType = 'number' | 'text';

export interface Expectation {
  /** An observed field of the kind, or (with `ofCapture`) the name of one of the check's own captures. */
  readonly field: string;
  /** As written; when the expression reads captures, the matcher of its shape (for plans), its values filled in at run time. */
  readonly matcher: CompiledMatcher;
  /** `capture: { seconds: { regex: ..., expect: { lt: 0.5 } } }`: the matcher applies to the captured value. */
  readonly ofCapture?: boolean;
  /** Set when the expression reads captures of earlier checks (`contains: "${captures.pid}"`). */
  readonly withCaptures?: CaptureBinding;
}

/** An expectation that reads captures is compiled again, with their values, just before its check runs. */
export interface CaptureBinding {
  /** The captures it reads, for the planner's scope check. */
  readonly names: readonly string[];
  /** Throws a MatcherCompileError when a captured value makes it invalid (a regex, a number). */
  readonly bind: (captured: (name: string) => string | undefined) => CompiledMatcher;
  /** Where the expression is written: the planner points there when a capture it reads is out of scope. */
  readonly location: SourceLocation;
}

export interface CaptureSpec {
  readonly name: string;
  readonly from: string;
  /** First capture group (or the group named `value`) is the captured value; absent: the whole trimmed field. */
  readonly regex?: RegExp;
  readonly location: SourceLocation;
}

export interface Check {
  readonly id: string;
  readonly questionId: string;
  /** The host role the check runs on. */
  readonly on: string;
  /** Registry key of the check kind, which is also its YAML key (`run`, ...). */
  readonly kind: string;
  /** The kind's own YAML value, still holding `${...}` references. */
  readonly spec: unknown;
  readonly expectations: readonly Expectation[];
  readonly captures: readonly CaptureSpec[];
  readonly dependsOn: readonly string[];
  readonly timeoutMs?: number;
  readonly hint?: string;
  readonly become?: boolean;
  /** Reported, but never decides its question's status (a ping, where TCP decides reachability). */
  readonly informational: boolean;
  /** Runs only when this holds; skipped with it as the reason otherwise. */
  readonly when?: CheckWhen;
  /** Runs again when it does not pass: a number of attempts, or until it passes or the time is up. */
  readonly retry?: RetryPolicy;
  /** Where its `id` stands: every result carries it. */
  readonly location: SourceLocation;
  /** Where its other parts stand, for the messages that name one. */
  readonly places: CheckPlaces;
}

/**
 * Where the parts of one check are written, each found when a message asks for it. A check keeps
 * this one object rather than a place per part: 20,000 checks kept 120,000 places, and the paths
 * they are found by, nearly half of the model's memory, for the few that a problem ever names.
 */
export interface CheckPlaces {
  /** The value of one of the check's keys (`on`, its kind's key: the command line, the probe's settings), or an item of its list (`depends_on`, 2). */
  of(key: string, index?: number): SourceLocation;
}

/** `retry: { attempts, interval }` or `until: { timeout, interval }` (waiting for a service after a restart). */
export type RetryPolicy =
  | { readonly kind: 'retry'; readonly attempts: number; readonly intervalMs: number }
  | { readonly kind: 'until'; readonly timeoutMs: number; readonly intervalMs: number };

export type QuestionSeverity = 'error' | 'warning';

/** Between attempts, when the runbook says nothing. */
export const DEFAULT_RETRY_INTERVAL_MS = 1000;

export interface Question {
  readonly id: string;
  readonly title: string;
  readonly hint?: string;
  /** `warning`: reported with its verdict, never fails the run (its status and exit code). */
  readonly severity: QuestionSeverity;
  /** For `--tag`: `[db, network]`. */
  readonly tags: readonly string[];
  /** How many of its fleet hosts must pass: `all` (default), `any`, `N` or `N%` (model/require.ts). */
  readonly require: string;
  readonly checks: readonly Check[];
  readonly location: SourceLocation;
}

/** A condition over check outcomes and observed values; declarative, no scripting. */
export type Condition =
  | { readonly kind: 'status'; readonly check: string; readonly statuses: readonly Status[] }
  | { readonly kind: 'field'; readonly check: string; readonly field: string; readonly matcher: CompiledMatcher }
  | { readonly kind: 'all' | 'any'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'not'; readonly condition: Condition }
  | { readonly kind: 'tool-missing' }
  /** Decided when the runbook loads, from the run's variables. */
  | { readonly kind: 'var'; readonly name: string; readonly holds: boolean };

/** A check's `when:` (with its question's): decided just before it would run. */
export interface CheckWhen {
  readonly condition: Condition;
  /** As written, for the reason of a skip: `{ check: db-process, status: fail }`. */
  readonly text: string;
  /** The checks it asks about: they finish first, whatever their outcome. */
  readonly waitsFor: readonly string[];
}

export interface DiagnosisRule {
  readonly id: string;
  readonly when: Condition;
  /** The sentence for the operator; may use ${vars.x}, ${captures.x}, ${fields.CHECK.FIELD}, ${tools.missing}. */
  readonly finding: string;
  readonly hint?: string;
  readonly location: SourceLocation;
}

export interface Runbook {
  /** The path as the operator gave it (or as resolved from the shipped runbooks). */
  readonly file: string;
  readonly version: number;
  readonly title: string;
  readonly description?: string;
  /** Effective values: `--var`, else `RUNBOOK_VAR_<name>` from the environment, else the file's default. */
  readonly vars: Readonly<Record<string, VarValue>>;
  /** Variables declared `secret: true`: checks use their values, no output ever shows them. */
  readonly secretVars: readonly string[];
  readonly hosts: Readonly<Record<string, RoleHosts>>;
  readonly questions: readonly Question[];
  readonly diagnosis: readonly DiagnosisRule[];
}
