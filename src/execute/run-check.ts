// Runs one check: resolves its references, lets its kind observe through the host's transport,
// then judges the observation. Whatever happens, it returns a CheckResult; it never throws.
import { checkKindOf } from '../checks/registry.js';
import type { CheckKind, ConnectOptions, ObserveContext, Observation, RunOptions, StreamRecord } from '../checks/types.js';
import type { MatchValue } from '../model/matcher.js';
import type { ExpectationResult } from '../model/outcome.js';
import type { CheckResult } from '../model/report.js';
import { failed, ok, type Result } from '../model/result.js';
import type { Check, Expectation, VarValue } from '../model/runbook.js';
import { makeResolver } from '../plan/template.js';
import { notRun, type AttemptOrigin, type CommandOutcome, type RunningCommand, type StreamOpening, type Transport } from '../transport/types.js';
import { checkResult } from './check-result.js';
import { evidenceFor } from './evidence.js';
import { checkVerdict, type CommandRecord } from './reason.js';

export interface CheckEnvironment {
  readonly vars: Readonly<Record<string, VarValue>>;
  /** Values captured by the checks this one depends on: on a fleet, its own host's. */
  readonly captures: ReadonlyMap<string, string>;
  /** For the check's role, the host this run is on; for another role (a kind's second host), its one host. */
  transportFor(role: string): Transport;
  /** Whether the role's host runs commands with sudo, unless the check says. */
  becomeFor(role: string): boolean;
  /** On a fleet role: the host's name, for the result. */
  readonly hostName?: string;
  readonly defaultTimeoutMs: number;
  readonly signal: AbortSignal;
  /**
   * Hides secret values in what is shown. Applied here, before anything is shortened or escaped
   * for the report, so no cut can leave part of a secret visible; verdicts see the real values.
   */
  readonly mask?: (text: string) => string;
  /** Why `signal` fired, when it is not an interruption (the run's deadline): said in the reasons. */
  readonly stoppedBecause?: () => string | undefined;
  /** The runbook and the host of this instance, said with every attempt (record and replay file them so). */
  readonly instance?: { readonly runbook: string; readonly host: string };
}

/** The value an expectation looks at: an observed field, or one of the check's own captured values. */
const valueFor = ({ field, ofCapture }: Expectation, observation: Observation, captured: Readonly<Record<string, string>>): MatchValue =>
  (ofCapture ? captured[field] : observation.fields[field]) ?? null;

/** A capture that found nothing is not judged: the check fails with what the capture could not find. */
const judgeExpectations = (expectations: readonly Expectation[], observation: Observation, captured: Readonly<Record<string, string>>, mask: (text: string) => string): ExpectationResult[] =>
  expectations.filter(({ field, ofCapture }) => !ofCapture || Object.hasOwn(captured, field)).map((expectation) => {
    const { field, matcher } = expectation;
    const value = valueFor(expectation, observation, captured);
    const result = matcher.test(value);
    // The verdict is the real value's; what is shown of it ("got ...", shortened) is the masked one's.
    const shown = typeof value === 'string' && mask(value) !== value ? matcher.test(mask(value)).actual : result.actual;
    return {
      field,
      matcher: matcher.describe,
      pass: result.pass,
      expected: result.expected,
      actual: shown,
      message: `${field} expected ${result.message} ${result.expected}, got ${shown}`,
    };
  });

/**
 * Expectations that read earlier captures, compiled with their values before anything runs: a
 * captured value that makes one invalid (a bad regex, not a number) means the check cannot judge.
 */
const bindExpectations = (check: Check, captures: ReadonlyMap<string, string>): Result<Expectation[]> => {
  const bound: Expectation[] = [];
  for (const expectation of check.expectations) {
    const { withCaptures } = expectation;
    if (!withCaptures) {
      bound.push(expectation);
      continue;
    }
    const absent = withCaptures.names.find((name) => !captures.has(name));
    if (absent !== undefined) return failed(`expect ${expectation.field}: capture "${absent}" was not made`);
    try {
      bound.push({ ...expectation, matcher: withCaptures.bind((name) => captures.get(name)) });
    } catch (error) {
      return failed(`expect ${expectation.field}: with the captured values, it ${(error as Error).message}`);
    }
  }
  return ok(bound);
};

const readCaptures = (check: Check, observation: Observation): { values: Record<string, string>; missing?: string } => {
  const values: Record<string, string> = {};
  for (const capture of check.captures) {
    const raw = observation.fields[capture.from];
    const text = raw === null || raw === undefined ? '' : String(raw);
    const match = capture.regex ? capture.regex.exec(text) : undefined;
    const value = capture.regex ? (match?.groups?.value ?? match?.[1]) : text.trim();
    if (value === undefined || value === '') {
      const what = capture.regex ? `/${capture.regex.source}/ found nothing in ${capture.from}` : `${capture.from} is empty`;
      return { values, missing: `capture "${capture.name}": ${what}` };
    }
    values[capture.name] = value;
  }
  return { values };
};

class Observer {
  readonly records: CommandRecord[] = [];
  /**
   * Set when the kind first asks (building its probe, before any step): the probe then sees the
   * check's whole timeout, exactly as `runbook plan` built it, and every wait counts from there.
   */
  private deadline: number | undefined;

  constructor(private readonly check: Check, private readonly env: CheckEnvironment, readonly timeoutMs: number) {}

  context(): ObserveContext {
    return {
      host: this.check.on,
      resolve: makeResolver(this.env.vars, this.env.captures),
      run: (script, options) => this.start(script, options).result,
      start: (script, options) => this.start(script, options),
      connect: (target, options) => this.connect(target, options),
      record: (entry) => this.recordStream(entry),
      remainingMs: () => this.remainingMs(),
      signal: this.env.signal,
    };
  }

  private remainingMs(): number {
    this.deadline ??= performance.now() + this.timeoutMs;
    return Math.max(1, Math.round(this.deadline - performance.now()));
  }

  /** `server (root@10.0.0.5:22)`; on a fleet, the host by name: `web07 (root@10.0.0.7:22)`. */
  private where(role: string, transport: Transport): string {
    const name = role === this.check.on && this.env.hostName !== undefined ? this.env.hostName : role;
    return transport.description === 'local' ? name : `${name} (${transport.description})`;
  }

  /** Who asks, for the transport: absent outside a scheduled run (a test of one check). */
  private origin(role: string): { origin?: AttemptOrigin } {
    const { instance } = this.env;
    return instance ? { origin: { runbook: instance.runbook, check: this.check.id, host: instance.host, role } } : {};
  }

  private start(script: string, options: RunOptions = {}): RunningCommand {
    const role = options.host ?? this.check.on;
    const transport = this.env.transportFor(role);
    const become = this.check.become ?? this.env.becomeFor(role);
    const stdin = options.stdin === undefined ? {} : { stdin: options.stdin };
    const step = options.step ? { step: options.step } : {};
    const held = options.heldUntil ? { heldUntil: options.heldUntil } : {};
    const running = transport.start({ script, timeoutMs: this.remainingMs(), signal: this.env.signal, become, ...stdin, ...step, ...held, ...this.origin(role) });
    const recorded = running.result.then((outcome) => {
      // Held and never released, it ran nothing: no evidence.
      if (outcome.termination !== 'withheld') this.records.push({ host: this.where(role, transport), command: script, outcome });
      return outcome;
    });
    return { result: recorded, waitForOutput: (...args) => running.waitForOutput(...args), stop: () => running.stop() };
  }

  /** A host that cannot be reached is evidence like a command that could not run: the verdict says so. */
  private async connect(target: { host: string; port: number }, options: ConnectOptions): Promise<StreamOpening> {
    const role = options.host ?? this.check.on;
    const transport = this.env.transportFor(role);
    const timeoutMs = Math.min(options.timeoutMs, this.remainingMs());
    const opening = await transport.openStream({ ...target, timeoutMs, signal: this.env.signal, ...(options.step ? { step: options.step } : {}), ...this.origin(role) });
    if ('transportError' in opening) {
      this.records.push({ host: this.where(role, transport), command: opening.via, outcome: notRun(opening.transportError, opening.durationMs) });
    }
    return opening;
  }

  private recordStream(entry: StreamRecord): void {
    const role = entry.host ?? this.check.on;
    // A conversation that ends once the run was stopped (its deadline, an interruption) ended for
    // that, not for anything the host said: canceled, as a command the run stopped, so the check is
    // an error that says so (a hung MySQL was a failed "server-error" under --deadline).
    const stopped = this.env.signal.aborted ? { termination: 'canceled' as const } : {};
    const outcome: CommandOutcome = { exitCode: null, signal: null, stdout: entry.transcript, stderr: entry.problem ?? '', durationMs: Math.round(entry.durationMs), ...stopped };
    this.records.push({ host: this.where(role, this.env.transportFor(role)), command: entry.command, outcome, conversation: true });
  }
}

/** The result for the report, and everything observed (full output included) for the diagnosis. */
export interface CheckRun {
  readonly result: CheckResult;
  readonly fields: Readonly<Record<string, MatchValue>>;
  /** What it captured, whole: the checks that read a capture get this; the report keeps it bounded. */
  readonly captures: Readonly<Record<string, string>>;
}

const OBSERVED_TEXT_LIMIT = 4096;

/** Command output is already in the evidence; other fields are kept, bounded (once masked), for the report. */
const observedForReport = (fields: Readonly<Record<string, MatchValue>>, mask: (text: string) => string): Record<string, MatchValue> =>
  Object.fromEntries(
    Object.entries(fields)
      .filter(([name]) => name !== 'stdout' && name !== 'stderr')
      .map(([name, raw]) => {
        const value = typeof raw === 'string' ? mask(raw) : raw;
        return [name, typeof value === 'string' && value.length > OBSERVED_TEXT_LIMIT ? `${value.slice(0, OBSERVED_TEXT_LIMIT)}…` : value];
      }),
  );

/** Evidence is shortened and escaped for the report: secrets go first, whole. */
const maskedEvidence = ({ host, command, outcome, conversation }: CommandRecord, mask: (text: string) => string) =>
  evidenceFor(host, mask(command), { ...outcome, stdout: mask(outcome.stdout), stderr: mask(outcome.stderr) }, conversation);

const unmasked = (text: string): string => text;

const observe = async (kind: CheckKind<unknown>, check: Check, observer: Observer): Promise<Observation> => {
  try {
    return await kind.observe(check.spec, observer.context());
  } catch (error) {
    return { fields: {}, error: `internal error in the ${kind.name} check: ${(error as Error).message}` };
  }
};

const stoppedFacts = (env: CheckEnvironment): { stoppedBecause?: string } => {
  const why = env.signal.aborted ? env.stoppedBecause?.() : undefined;
  return why === undefined ? {} : { stoppedBecause: why };
};

export const runCheck = async (check: Check, env: CheckEnvironment): Promise<CheckRun> => {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const kind = checkKindOf(check);
  const observer = new Observer(check, env, check.timeoutMs ?? env.defaultTimeoutMs);
  const bound = bindExpectations(check, env.captures);
  const observation = bound.ok ? await observe(kind, check, observer) : { fields: {}, error: bound.error };
  const mask = env.mask ?? unmasked;
  const captured = readCaptures(check, observation);
  const expectations = judgeExpectations(bound.ok ? bound.value : [], observation, captured.values, mask);
  const verdict = checkVerdict({
    records: observer.records,
    timeoutMs: observer.timeoutMs,
    expectations,
    ...(observation.error ? { observationError: observation.error } : {}),
    ...(captured.missing ? { missingCapture: captured.missing } : {}),
    ...stoppedFacts(env),
  });
  // What was captured was observed: a diagnosis may quote it ("/var is 97% full") even when its matcher failed.
  const kept = verdict.status === 'error' ? {} : captured.values;
  const placement = { target: env.transportFor(check.on).description, ...(env.hostName === undefined ? {} : { hostName: env.hostName }) };
  const result = checkResult(check, placement, verdict, {
    // A hint says what to do about a fault: only a failure shows one. An error could not check (the
    // host was not reached, the command timed out): a hint about the fault would send the operator
    // after one nobody saw ("start the database" for a wrong SSH user).
    ...(verdict.status === 'fail' && check.hint ? { hint: makeResolver(env.vars, env.captures).value(check.hint) } : {}),
    durationMs: Math.round(performance.now() - started),
    evidence: observer.records.map((record) => maskedEvidence(record, mask)),
    expectations: verdict.status === 'error' ? [] : expectations,
    captures: kept,
    observed: observedForReport(observation.fields, mask),
    missingTools: [...(observation.missingTools ?? [])],
    notes: [...(observation.notes ?? [])],
    startedAt,
  });
  return { result, fields: observation.fields, captures: kept };
};
