// The contract of a check kind: what the operator declares (schema), what it observes (fields), and
// how it observes through a context. Kinds never touch a transport or a process themselves.
import type { JsonSchema } from '../model/json-schema.js';
import type { MatchValue } from '../model/matcher.js';
import type { FieldType } from '../model/runbook.js';
import type { Result } from '../model/result.js';
import type { AttemptStep, CommandOutcome, RunningCommand, StreamOpening } from '../transport/types.js';

export interface TemplateResolver {
  /** For a shell command line: each substituted value is quoted as one shell word. */
  shell(template: string): string;
  /** For a plain value (a port, an address): substituted as is. */
  value(template: string): string;
}

export interface RunOptions {
  /** Another host role than the check's own (e.g. a capture's trigger on the client). */
  readonly host?: string;
  /** The command's standard input: how a secret reaches a tool without appearing in its command line. */
  readonly stdin?: string;
  /**
   * Runs only once this resolves true, made ready meanwhile (over SSH: its channel and shell), and
   * never if false: then it is no evidence. A capture's trigger, released when tcpdump listens.
   */
  readonly heldUntil?: Promise<boolean>;
  /** Set by the probe's context (define-kind.ts), never by a kind's code: which declared step this is. */
  readonly step?: AttemptStep;
}

export interface ConnectOptions {
  readonly host?: string;
  /** Longest wait for the connection, capped by what is left of the check's timeout. */
  readonly timeoutMs: number;
  /** Set by the probe's context (define-kind.ts), never by a kind's code: which declared step this is. */
  readonly step?: AttemptStep;
}

/**
 * What a kind did over a stream, for the evidence: `command` says what was spoken to whom, the
 * transcript one line per step (the stdout of the evidence), `problem` what went wrong (its stderr).
 */
export interface StreamRecord {
  readonly host?: string;
  readonly command: string;
  readonly transcript: string;
  readonly problem?: string;
  readonly durationMs: number;
}

export interface ObserveContext {
  /** Role of the host the check runs on. */
  readonly host: string;
  readonly resolve: TemplateResolver;
  /** Runs a shell command, bounded by the check's timeout, and records it as evidence. */
  run(script: string, options?: RunOptions): Promise<CommandOutcome>;
  /** Starts a command that runs alongside others (a packet capture); recorded as evidence when it ends. */
  start(script: string, options?: RunOptions): RunningCommand;
  /**
   * Opens a TCP stream from the host to HOST:PORT (over SSH a forwarded channel, locally a socket),
   * so the kind can speak a protocol from where the host's own clients do. The kind ends the stream.
   * A host that cannot be reached is recorded and makes the check an error, as for commands.
   */
  connect(target: { readonly host: string; readonly port: number }, options: ConnectOptions): Promise<StreamOpening>;
  /** Adds what was said over a stream to the evidence. */
  record(entry: StreamRecord): void;
  /** Time left before the check's timeout: a kind's own phases must end before it. */
  remainingMs(): number;
  /** Aborted when the run is interrupted: a kind's own waits end then. */
  readonly signal: AbortSignal;
}

export interface Observation {
  /** Values the expectations and captures read, by field name (see CheckKind.fields). */
  readonly fields: Readonly<Record<string, MatchValue>>;
  /** Set when the kind could not observe (a tool missing on the host): the check is an error. */
  readonly error?: string;
  /** Facts worth showing next to the verdict, e.g. which fallback tool answered. */
  readonly notes?: readonly string[];
  /**
   * Tools the kind needed and did not find (rc 127), with the role of the host that lacks them,
   * whether or not a fallback answered: the diagnosis reports them, and a missing tool is never a
   * `fail`. When no fallback answered, also set `error` (e.g. "lsof not installed on server").
   */
  readonly missingTools?: readonly MissingTool[];
}

export interface MissingTool {
  readonly tool: string;
  readonly host: string;
}

/**
 * When a step runs: first (the default), `else` only when the steps before could not answer (a tool
 * not installed, sshd refusing to forward), `alongside` while the step before it runs (a capture's trigger).
 */
export type StepOrder = 'first' | 'else' | 'alongside';

interface StepBase {
  /** Role of the host it runs on, when not the check's own (a capture's trigger on the client). */
  readonly host?: string;
  readonly order?: StepOrder;
  /** The program it needs: named when it is missing (`lsof`). */
  readonly tool: string;
  /** How it is named when it answers: `ss -ltnpH`. */
  readonly label: string;
}

/** A shell command line, exactly as it runs with /bin/sh -c. */
export interface CommandStep extends StepBase {
  readonly type: 'command';
  readonly script: string;
  /** Its standard input: a secret the tool reads there, never in its command line (nor in the plan). */
  readonly stdin?: string;
  /** Other programs the script needs whose absence also ends in 127 (coreutils `timeout`). */
  readonly alsoNeeds?: readonly string[];
  /** False for what no package installs (/proc/net/tcp): never reported as a missing tool. */
  readonly installable?: boolean;
}

/** A TCP stream opened from the host (over SSH a forwarded channel), with a protocol spoken over it. */
export interface StreamStep extends StepBase {
  readonly type: 'stream';
  /** A string only while it is a reference the plan shows as written (a captured port). */
  readonly to: { readonly host: string; readonly port: number | string };
  /** Longest wait for the connection. */
  readonly timeoutMs: number;
}

export type ProbeStep = CommandStep | StreamStep;

/**
 * A probe as data: every step the kind may take, in order, with what its own code needs to read the
 * answers (`target`: resolved addresses, compiled patterns). `runbook plan` prints these steps and
 * the run executes exactly these; record/replay can key observations by them.
 */
export interface Probe<Target = unknown> {
  readonly target: Target;
  readonly steps: readonly ProbeStep[];
}

export interface ProbeSettings {
  readonly resolve: TemplateResolver;
  /** The check's timeout: every wait of the kind's own ends before it. */
  readonly timeoutMs: number;
}

/** A problem in a schema-valid spec, `at` the path below the kind's key. */
export interface SpecProblem {
  readonly at: readonly (string | number)[];
  readonly message: string;
}

/** What a kind says about itself, the same in its file and in the registry. */
export interface CheckKindAbout<Spec> {
  /** Kebab-case name of the kind: its file, its README section, its label in reports. */
  readonly name: string;
  readonly summary: string;
  /** Schema of the value under the kind's key (the registry holds the key). */
  readonly schema: JsonSchema;
  /** What `expect` and `capture` may read, with the type matchers are checked against. */
  readonly fields: Readonly<Record<string, FieldType>>;
  /** Expectations used when a check declares none (YAML form, compiled like the operator's). */
  readonly defaultExpect: Readonly<Record<string, unknown>>;
  /**
   * Expectations kept when the check declares others, for each field it does not set itself:
   * `run`'s exit_code 0, so `expect: {stdout: ...}` never passes a command that failed.
   */
  readonly keptExpect?: Readonly<Record<string, unknown>>;
  /**
   * Expectations that a key of the spec implies, by that key: `file`'s `contains: text` asks that the
   * file hold it (`contains: { equals: 1 }`), so writing it asserts it. Each applies when the spec
   * has its key, with or without an `expect`, unless the `expect` names the field itself
   * (`contains: 0` asks for absence); for its field it replaces the kind's default or kept one.
   */
  readonly impliedExpect?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Problems in a schema-valid spec that need more than a schema to see (an invalid regex), found
   * while loading so they are input errors with a location. Values holding `${...}` are only known
   * at run time and are left to `probe`.
   */
  problems?(spec: Spec): SpecProblem[];
  /**
   * Where the spec names host roles besides the check's own `on` (a capture's trigger host:
   * `[['trigger', 'on']]`): the planner checks them, and an include maps them to its roles.
   */
  readonly roleFields?: readonly (readonly string[])[];
  /**
   * Where the spec holds shell command lines (`[[]]`: the spec itself, as `run:`), which the probe
   * resolves with `resolve.shell`: the load refuses a reference there that the shell would never
   * expand or would parse again as code (model/shell-places.ts).
   */
  readonly shellFields?: readonly (readonly string[])[];
}

/** What a kind's file declares; defineCheckKind (probes/define-kind.ts) derives the rest from it. */
export interface CheckKindDefinition<Spec, Target> extends CheckKindAbout<Spec> {
  /**
   * The steps, from the spec with its references resolved and the check's timeout. A reference only
   * the run can resolve (a capture) stays as written, for the plan; an unusable value is an error.
   */
  probe(spec: Spec, settings: ProbeSettings): Result<Probe<Target>>;
  /** Takes the probe's steps through the context (which refuses any other) and reads what came back. */
  observe(probe: Probe<Target>, context: ObserveContext): Promise<Observation>;
}

/** A registered kind: its definition with the probe's own data hidden and the probe run for it. */
export interface CheckKind<Spec = never> extends CheckKindAbout<Spec> {
  probe(spec: Spec, settings: ProbeSettings): Result<Probe>;
  /** The first steps as one line (its fallbacks left out), no check timeout assumed: for tests and short views. */
  describe(spec: Spec, resolve: TemplateResolver): string;
  /** Builds the probe with the time the context has left, then observes through its steps only. */
  observe(spec: Spec, context: ObserveContext): Promise<Observation>;
  /** The command lines at its `shellFields`, each with its path below the kind's key. */
  shellTexts(spec: Spec): { readonly at: readonly string[]; readonly text: string }[];
  /** The roles at its `roleFields` (also asked of a spec that failed the schema: no trust). */
  otherHosts(spec: Spec): string[];
  /** The spec with each role at its `roleFields` renamed (an included runbook's role, to the including one's). */
  renameRoles(spec: Spec, rename: (role: string) => string): unknown;
}
