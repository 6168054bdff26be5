// Recordings on disk (`run --record DIR`, `run --replay DIR`, `runbook test DIR`). One YAML file per
// check and host, beside a recording.yaml that says what was run: a re-recorded incident shows in a
// diff as the checks whose answers changed, each file reads on its own (output as block text), and
// a colleague can edit one answer by hand to make the fault they want to test. JSON Lines would
// put every answer of a run on one long line per attempt, in the order they happened to finish.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { InputError, type Diagnostic } from '../errors/diagnostic.js';
import type { Plan } from '../plan/plan.js';
import { readText } from '../runbook/read-text.js';
import { formatPath, parseRunbookSource, type Path, type RunbookSource } from '../runbook/source.js';
import { yamlLibrary } from '../runbook/yaml-library.js';
import type { ExchangeStep, RecordedAttempt, RecordedOpening } from '../transport/tape/attempt.js';
import type { AttemptOrigin, AttemptStep, CommandOutcome, StreamFailure, Termination, TransportError } from '../transport/types.js';
import { pushAll } from '../model/push-all.js';
import { counted } from '../model/counted.js';

export const RECORDING_FILE = 'recording.yaml';
const FORMAT = 1;

/** What recording.yaml says: enough to replay the run as it was made. */
export interface RecordingMeta {
  readonly recordedAt: string;
  readonly tool: string;
  /** Each runbook as the report names it, with the folder of its answers and its path from the recording. */
  readonly runbooks: readonly { readonly file: string; readonly folder: string; readonly path: string }[];
  /** Variables given to the run (--var, --vars-file, RUNBOOK_VAR_*), secrets left out. */
  readonly vars: Readonly<Record<string, string>>;
  /** `--host` as given. */
  readonly hosts: Readonly<Record<string, string>>;
  /** Secret variables that had a value: the replay gives each a stand-in, so what the checks ask is the same. */
  readonly secrets: readonly string[];
  /** The transport's name of every host, by host name, as the evidence says it. */
  readonly targets: Readonly<Record<string, string>>;
}

export interface Recording {
  readonly dir: string;
  readonly meta: RecordingMeta;
  readonly attempts: readonly RecordedAttempt[];
}

const problem = (message: string, hint?: string): Diagnostic => ({ code: 'RB_RECORDING', message, ...(hint ? { hint } : {}) });

/** A file name from a check id or host name: anything but letters, digits, `.`, `_`, `-` and `@` becomes `_`. */
const safeName = (text: string): string => text.replace(/[^A-Za-z0-9._@-]/g, '_').replace(/^\.+/, '_') || '_';

/** A file name holds 255 bytes: a check's and a host's part, `@`, `.yaml` and the hash fit in it. */
const MAX_NAME_PART = 100;

/**
 * A name as part of a file name, which the reader never parses (each file says its check and host).
 * A name that safeName changes or that is cut gets `~` and 8 hex digits of its hash, so two hosts
 * never share a file (`b/c` and `b_c` once did, the later one replacing the earlier answer) and a
 * 300-character inventory name fits (it made the whole recording fail with ENAMETOOLONG). A name
 * kept as written cannot hold `~`, so it never meets a hashed one.
 */
const namePart = (text: string): string => {
  const safe = safeName(text);
  if (safe === text && safe.length <= MAX_NAME_PART) return safe;
  return `${safe.slice(0, MAX_NAME_PART)}~${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
};

/** A folder per runbook, named after its file; two runbooks of the same name get -2, -3... */
const foldersOf = (files: readonly string[]): Map<string, string> => {
  const folders = new Map<string, string>();
  const taken = new Set<string>();
  for (const file of files) {
    const stem = namePart(basename(file, extname(file)));
    let folder = stem;
    for (let n = 2; taken.has(folder) || folder === RECORDING_FILE; n += 1) folder = `${stem}-${n}`;
    taken.add(folder);
    folders.set(file, folder);
  }
  return folders;
};

// ---------------------------------------------------------------------------------------------
// Writing

const withoutNull = <T extends Record<string, unknown>>(entries: T): Partial<T> =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined && value !== null)) as Partial<T>;

/** The probe's step, as `runbook plan` names it, and `fallback: true` for a step tried when the first could not answer. */
const stepYaml = (attempt: RecordedAttempt) => (attempt.step ? { step: attempt.step.label, ...(attempt.step.fallback ? { fallback: true } : {}) } : {});

const commandYaml = (attempt: Extract<RecordedAttempt, { type: 'command' }>) => {
  const { outcome } = attempt;
  return {
    run: attempt.script,
    on: attempt.origin.role,
    target: attempt.target,
    ...stepYaml(attempt),
    started_at: attempt.startedAt,
    ...(attempt.become ? { become: true } : {}),
    ...withoutNull({ stdin: attempt.stdin }),
    exit_code: outcome.exitCode,
    ...withoutNull({ signal: outcome.signal, termination: outcome.termination, transport_error: outcome.transportError }),
    duration_ms: outcome.durationMs,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
  };
};

/** A turn as the file spells it: `after_ms`, as every other field of a recording. */
const exchangeStepYaml = (step: ExchangeStep) => ('afterMs' in step && step.afterMs !== undefined ? { received: step.received, after_ms: step.afterMs } : step);

const streamYaml = (attempt: Extract<RecordedAttempt, { type: 'stream' }>) => ({
  connect: attempt.to,
  on: attempt.origin.role,
  target: attempt.target,
  ...stepYaml(attempt),
  started_at: attempt.startedAt,
  duration_ms: attempt.opening.durationMs,
  via: attempt.opening.via,
  ...('failure' in attempt.opening ? { failure: attempt.opening.failure, message: attempt.opening.message } : {}),
  ...('transportError' in attempt.opening ? { transport_error: attempt.opening.transportError } : {}),
  ...(attempt.exchange.length > 0 ? { exchange: attempt.exchange.map(exchangeStepYaml) } : {}),
});

export const yamlText = (comment: string, data: unknown): string => {
  const document = new (yamlLibrary().Document)(data);
  document.commentBefore = ` ${comment}`;
  return document.toString({ lineWidth: 0, blockQuote: 'literal' });
};

/** The attempts of each instance (check on host), in the order they started. */
const byInstance = (attempts: readonly RecordedAttempt[]): Map<string, RecordedAttempt[]> => {
  const groups = new Map<string, RecordedAttempt[]>();
  for (const attempt of attempts) {
    const { runbook, check, host } = attempt.origin;
    const key = JSON.stringify([runbook, check, host]);
    groups.set(key, [...(groups.get(key) ?? []), attempt]);
  }
  return groups;
};

/** Before anything runs: --record needs a directory it may fill, never one with someone else's files. */
export const checkRecordDir = async (dir: string): Promise<void> => {
  const found = await stat(dir).catch(() => undefined);
  if (!found) return checkCanMake(dir);
  if (!found.isDirectory()) throw new InputError([problem(`--record ${dir}: it is a file, not a directory`, 'give a new or empty directory, or one a recording was made in')]);
  const entries = await readdir(dir);
  if (entries.length > 0 && !entries.includes(RECORDING_FILE)) {
    throw new InputError([problem(`--record ${dir}: the directory holds other files and no recording (${RECORDING_FILE})`, 'give a new or empty directory, or one a recording was made in')]);
  }
};

/** A directory not there yet is made with its parents: the first of them that exists must be a directory. */
const checkCanMake = async (dir: string): Promise<void> => {
  for (let at = dirname(resolve(dir)); ; at = dirname(at)) {
    const found = await stat(at).catch(() => undefined);
    if (found?.isDirectory()) return;
    if (found) throw new InputError([problem(`--record ${dir}: ${at} is a file, so the directory cannot be made`, 'give a directory under an existing directory')]);
    if (dirname(at) === at) return;
  }
};

export interface RecordingToWrite {
  readonly dir: string;
  readonly plans: readonly Plan[];
  readonly attempts: readonly RecordedAttempt[];
  readonly meta: Omit<RecordingMeta, 'runbooks'>;
  /** Where each runbook file was read from, by the name the report gives it. */
  readonly paths: ReadonlyMap<string, string>;
}

/**
 * Writes the recording: each runbook's answers into a new folder first, then in place of the old
 * one, recording.yaml last. Other files in the directory (an expect.yaml) stay as they are.
 */
/** The answers of one runbook's checks, a file per check and host, into `folder`. */
const writeAnswers = async (folder: string, file: string, groups: ReadonlyMap<string, readonly RecordedAttempt[]>): Promise<void> => {
  for (const group of groups.values()) {
    const { origin } = group[0]!;
    if (origin.runbook !== file) continue;
    const data = { check: origin.check, host: origin.host, attempts: group.map((attempt) => (attempt.type === 'command' ? commandYaml(attempt) : streamYaml(attempt))) };
    const comment = `what check ${origin.check} saw on ${origin.host}: ${counted(group.length, 'attempt')}, in the order they started`;
    await writeFile(join(folder, `${namePart(origin.check)}@${namePart(origin.host)}.yaml`), yamlText(comment, data));
  }
};

export const writeRecording = async ({ dir, plans, attempts, meta, paths }: RecordingToWrite): Promise<void> => {
  const files = plans.map((plan) => plan.runbook.file);
  const folders = foldersOf(files);
  await mkdir(dir, { recursive: true });
  const groups = byInstance(attempts);
  for (const file of files) {
    const folder = folders.get(file)!;
    const fresh = join(dir, `.${folder}.${process.pid}.new`);
    await rm(fresh, { recursive: true, force: true });
    await mkdir(fresh);
    // A folder that cannot be filled (a full disk) is not left behind as `.NAME.PID.new`.
    await writeAnswers(fresh, file, groups).catch(async (error: unknown) => {
      await rm(fresh, { recursive: true, force: true });
      throw error;
    });
    await rm(join(dir, folder), { recursive: true, force: true });
    await rename(fresh, join(dir, folder));
  }
  const runbooks = files.map((file) => ({ file, folder: folders.get(file)!, path: relative(resolve(dir), resolve(paths.get(file) ?? file)) }));
  const data = {
    format: FORMAT,
    recorded_at: meta.recordedAt,
    tool: meta.tool,
    runbooks,
    vars: meta.vars,
    hosts: meta.hosts,
    secrets: meta.secrets,
    targets: meta.targets,
  };
  const temporary = join(dir, `.${RECORDING_FILE}.${process.pid}.new`);
  await writeFile(temporary, yamlText('what runbook run --record saw; replay it with runbook run RUNBOOK --replay DIR, or runbook test DIR', data));
  await rename(temporary, join(dir, RECORDING_FILE));
};

// ---------------------------------------------------------------------------------------------
// Reading

type Raw = Record<string, unknown>;

/** Reads typed fields of one YAML file, noting each problem at its line instead of throwing. */
export class FieldReader {
  constructor(readonly source: RunbookSource, private readonly problems: Diagnostic[]) {}

  private wrong(path: Path, what: string): undefined {
    return this.refuse(path, `${formatPath(path)} must be ${what}`, 'record again with runbook run ... --record DIR, or correct it by hand');
  }

  /** A problem of the value at `path`, said at its line. */
  refuse(path: Path, message: string, hint: string): undefined {
    this.problems.push({ code: 'RB_RECORDING', message, location: this.source.locate(path), hint });
    return undefined;
  }

  at(path: Path): unknown {
    return path.reduce<unknown>((node, step) => (typeof node === 'object' && node !== null ? (node as Raw)[step as string] : undefined), this.source.data);
  }

  map(path: Path): Raw | undefined {
    const value = this.at(path);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : this.wrong(path, 'a map');
  }

  list(path: Path): unknown[] | undefined {
    const value = this.at(path);
    return Array.isArray(value) ? value : this.wrong(path, 'a list');
  }

  text(path: Path, optional = false): string | undefined {
    const value = this.at(path);
    if (value === undefined && optional) return undefined;
    return typeof value === 'string' ? value : this.wrong(path, 'a text');
  }

  /** A whole number from `min` to `max` (what a count can be, by default), or null where `nullable`. */
  count(path: Path, nullable = false, { min = 0, max = Number.MAX_SAFE_INTEGER, what = 'a whole number' } = {}): number | null | undefined {
    const value = this.at(path);
    if (value === null && nullable) return null;
    return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : this.wrong(path, nullable ? `${what}, or null` : what);
  }

  /** What a process's exit status can be; null where it had none (ended by a signal), if `nullable`. */
  exitCode(path: Path, nullable = false): number | null | undefined {
    return this.count(path, nullable, { max: 255, what: 'an exit code from 0 to 255' });
  }

  texts(path: Path): Record<string, string> | undefined {
    const value = this.at(path);
    if (value === undefined || value === null) return {};
    const map = this.map(path);
    if (!map) return undefined;
    return Object.fromEntries(Object.keys(map).flatMap((key) => {
      const text = this.at([...path, key]);
      return typeof text === 'string' || typeof text === 'number' || typeof text === 'boolean' ? [[key, String(text)]] : (this.wrong([...path, key], 'a text'), []);
    }));
  }

  /** One of `allowed`, absent, or a problem. */
  choice<T extends string>(path: Path, allowed: readonly T[]): T | undefined | false {
    const value = this.at(path);
    if (value === undefined) return undefined;
    if (allowed.includes(value as T)) return value as T;
    this.wrong(path, `one of ${allowed.join(', ')}`);
    return false;
  }

  transportError(path: Path): TransportError | undefined {
    if (this.at(path) === undefined) return undefined;
    const code = this.text([...path, 'code']);
    const message = this.text([...path, 'message']);
    if (code === undefined || message === undefined) return undefined;
    return this.at([...path, 'started']) === true ? { code, message, started: true } : { code, message };
  }
}

const readStep = (reader: FieldReader, path: Path): { step?: AttemptStep } => {
  const label = reader.text([...path, 'step'], true);
  return label === undefined ? {} : { step: { label, fallback: reader.at([...path, 'fallback']) === true } };
};

const TERMINATIONS: readonly Termination[] = ['timeout', 'canceled', 'stopped', 'output-limit'];
const FAILURES: readonly StreamFailure[] = ['refused', 'timeout', 'unreachable', 'unresolved', 'prohibited', 'other'];

const readCommand = (reader: FieldReader, path: Path, origin: Omit<AttemptOrigin, 'role'>): RecordedAttempt | undefined => {
  const [script, role, target, startedAt] = [reader.text([...path, 'run']), reader.text([...path, 'on']), reader.text([...path, 'target']), reader.text([...path, 'started_at'])];
  const [exitCode, durationMs] = [reader.exitCode([...path, 'exit_code'], true), reader.count([...path, 'duration_ms'])];
  const [stdout, stderr, stdin, signal] = [reader.text([...path, 'stdout']), reader.text([...path, 'stderr']), reader.text([...path, 'stdin'], true), reader.text([...path, 'signal'], true)];
  const termination = reader.choice([...path, 'termination'], TERMINATIONS);
  const transportError = reader.transportError([...path, 'transport_error']);
  if ([script, role, target, startedAt, stdout, stderr].includes(undefined) || exitCode === undefined || durationMs === undefined || termination === false) return undefined;
  const outcome: CommandOutcome = {
    exitCode,
    signal: signal ?? null,
    stdout: stdout!,
    stderr: stderr!,
    durationMs: durationMs!,
    ...(termination ? { termination } : {}),
    ...(transportError ? { transportError } : {}),
  };
  return { type: 'command', origin: { ...origin, role: role! }, target: target!, startedAt: startedAt!, ...readStep(reader, path), script: script!, ...(stdin === undefined ? {} : { stdin }), become: reader.at([...path, 'become']) === true, outcome };
};

/** What the far end said, and how long it took to say it when that was long. */
const receivedStep = (reader: FieldReader, at: Path, step: Raw): ExchangeStep | undefined => {
  if (typeof reader.text([...at, 'received']) !== 'string') return undefined;
  if (step.after_ms === undefined) return { received: step.received as string };
  const afterMs = reader.count([...at, 'after_ms']);
  return typeof afterMs === 'number' ? { received: step.received as string, afterMs } : undefined;
};

const readExchange = (reader: FieldReader, path: Path): ExchangeStep[] | undefined => {
  if (reader.at(path) === undefined) return [];
  const steps = reader.list(path);
  if (!steps) return undefined;
  const read = steps.map((step, index): ExchangeStep | undefined => {
    const at = [...path, index];
    if (typeof step === 'object' && step !== null && 'received' in step) return receivedStep(reader, at, step);
    if (typeof step === 'object' && step !== null && 'sent' in step) return typeof reader.count([...at, 'sent']) === 'number' ? { sent: (step as Raw).sent as number } : undefined;
    if (typeof step === 'object' && step !== null && 'end' in step) return { end: true };
    if (typeof step === 'object' && step !== null && 'error' in step) return typeof reader.text([...at, 'error']) === 'string' ? { error: (step as Raw).error as string } : undefined;
    reader.text([...at, 'received']);
    return undefined;
  });
  return read.every((step) => step !== undefined) ? read : undefined;
};

const readStream = (reader: FieldReader, path: Path, origin: Omit<AttemptOrigin, 'role'>): RecordedAttempt | undefined => {
  const [host, port] = [reader.text([...path, 'connect', 'host']), reader.count([...path, 'connect', 'port'], false, { min: 1, max: 65535, what: 'a port from 1 to 65535' })];
  const [role, target, startedAt, via] = [reader.text([...path, 'on']), reader.text([...path, 'target']), reader.text([...path, 'started_at']), reader.text([...path, 'via'])];
  const durationMs = reader.count([...path, 'duration_ms']);
  const failure = reader.choice([...path, 'failure'], FAILURES);
  const message = failure ? reader.text([...path, 'message']) : undefined;
  const transportError = reader.transportError([...path, 'transport_error']);
  const exchange = readExchange(reader, [...path, 'exchange']);
  if ([host, role, target, startedAt, via].includes(undefined) || typeof port !== 'number' || typeof durationMs !== 'number' || !exchange || failure === false) return undefined;
  const opening: RecordedOpening = transportError
    ? { durationMs, via: via!, transportError }
    : failure
      ? { durationMs, via: via!, failure, message: message ?? '' }
      : { durationMs, via: via! };
  return { type: 'stream', origin: { ...origin, role: role! }, target: target!, startedAt: startedAt!, ...readStep(reader, path), to: { host: host!, port }, opening, exchange };
};

const readAnswers = async (file: string, runbook: string, problems: Diagnostic[]): Promise<RecordedAttempt[]> => {
  const source = await readYaml(file, problems);
  if (!source) return [];
  const reader = new FieldReader(source, problems);
  const [check, host, attempts] = [reader.text(['check']), reader.text(['host']), reader.list(['attempts'])];
  if (check === undefined || host === undefined || !attempts) return [];
  return attempts.flatMap((attempt, index) => {
    const path = ['attempts', index];
    const origin = { runbook, check, host };
    const read = typeof attempt === 'object' && attempt !== null && 'connect' in attempt ? readStream(reader, path, origin) : readCommand(reader, path, origin);
    return read ? [read] : [];
  });
};

export const readYaml = async (file: string, problems: Diagnostic[]): Promise<RunbookSource | undefined> => {
  const text = await readText(file);
  if (!text.ok) {
    problems.push(problem(`${file}: cannot read it: ${text.error}`));
    return undefined;
  }
  const { source, diagnostics } = parseRunbookSource(file, text.value, { hiddenCharacters: 'keep' });
  pushAll(problems, diagnostics.map((diagnostic): Diagnostic => ({ ...diagnostic, code: 'RB_RECORDING' })));
  return diagnostics.length > 0 ? undefined : source;
};

const readMeta = (reader: FieldReader): RecordingMeta | undefined => {
  const format = reader.count(['format']);
  if (format === undefined) return undefined;
  if (format !== FORMAT) {
    const tool = reader.at(['tool']);
    const maker = typeof tool === 'string' && tool !== '' ? tool : 'another version of runbook';
    return reader.refuse(['format'], `this recording is in format ${format}, made by ${maker}; this version of runbook reads format ${FORMAT}`, 'replay it with the version that made it, or record again with this one');
  }
  const runbooks = (reader.list(['runbooks']) ?? []).map((_, index) => {
    const [file, folder, path] = ['file', 'folder', 'path'].map((key) => reader.text(['runbooks', index, key]));
    return file !== undefined && folder !== undefined && path !== undefined ? { file, folder: safeName(folder), path } : undefined;
  });
  const [recordedAt, tool] = [reader.text(['recorded_at']), reader.text(['tool'])];
  const [vars, hosts, targets] = [reader.texts(['vars']), reader.texts(['hosts']), reader.texts(['targets'])];
  const secrets = reader.at(['secrets']) === undefined ? [] : reader.list(['secrets']);
  if (runbooks.includes(undefined) || recordedAt === undefined || tool === undefined || !vars || !hosts || !targets || !secrets) return undefined;
  return { recordedAt, tool, runbooks: runbooks as RecordingMeta['runbooks'], vars, hosts, targets, secrets: secrets.map(String) };
};

/** An InputError unless `dir` holds a recording: said first, before anything else of it is asked for. */
export const requireRecording = async (dir: string): Promise<void> => {
  const found = await stat(join(dir, RECORDING_FILE)).catch(() => undefined);
  if (!found) throw new InputError([problem(`${dir}: no recording here (${RECORDING_FILE} is missing)`, 'make one with runbook run RUNBOOK --record DIR')]);
};

/** The recording in `dir`, every problem of its files at once (each at its line), or an InputError. */
export const readRecording = async (dir: string): Promise<Recording> => {
  await requireRecording(dir);
  const metaFile = join(dir, RECORDING_FILE);
  const problems: Diagnostic[] = [];
  const source = await readYaml(metaFile, problems);
  const meta = source ? readMeta(new FieldReader(source, problems)) : undefined;
  if (!meta) throw new InputError(problems);
  const attempts: RecordedAttempt[] = [];
  for (const runbook of meta.runbooks) {
    const folder = join(dir, runbook.folder);
    const names = await readdir(folder).catch(() => undefined);
    if (!names) {
      problems.push(problem(`${folder}: the answers of ${runbook.file} are missing`, 'record again with runbook run ... --record DIR'));
      continue;
    }
    for (const name of names.filter((entry) => entry.endsWith('.yaml')).sort()) attempts.push(...(await readAnswers(join(folder, name), runbook.file, problems)));
  }
  if (problems.length > 0) throw new InputError(problems);
  return { dir, meta, attempts };
};
