// `run --record DIR` and `run --replay DIR` in terms of the run: which transports answer the checks
// (the hosts', watched; or the recording's), what the replay adds to the report, and which
// variables a replay needs so that the checks ask exactly what they asked when it was recorded.
import { basename } from 'node:path';
import { VAR_ENV_PREFIX, type HostSpec } from '../model/runbook.js';
import type { ReplayMark } from '../model/report.js';
import type { Plan } from '../plan/plan.js';
import { redactor, type Redact } from '../secrets/redact.js';
import { secretsOf } from './load-plans.js';
import { locateRunbook } from './locate-runbook.js';
import type { GivenToRun, TapeSetup } from './tape-setup.js';
import { Recorder } from '../transport/tape/record.js';
import { Tape } from '../transport/tape/replay.js';
import type { Transport } from '../transport/types.js';
import { checkRecordDir, readRecording, writeRecording, type Recording, type RecordingMeta } from './recording.js';
import { createTransports, type TransportFactory, type TransportSet } from './transports.js';
import { TOOL } from './tool.js';

/** Each host's transport made once: every check on the host shares it, as the real ones do. */
const onePerHost = (make: (spec: HostSpec) => Transport, close: () => Promise<void>): TransportSet => {
  const made = new Map<string, Transport>();
  return {
    forHost: (spec) => {
      const key = JSON.stringify(spec);
      const transport = made.get(key) ?? make(spec);
      made.set(key, transport);
      return transport;
    },
    close,
  };
};

/**
 * A secret's stand-in in a replay: the checks ask with it where they asked with the secret, and
 * both are masked alike, so what they ask matches what the recording holds.
 */
const STAND_IN = 'replayed-secret';

/**
 * The variables of a replay: those of the recorded run, a stand-in for each secret it had (unless
 * given now), and what is given now (`--var`) over them.
 */
export const replayVars = (meta: RecordingMeta, given: Readonly<Record<string, string>>, inEnvironment: (name: string) => boolean): Record<string, string> => ({
  ...meta.vars,
  ...Object.fromEntries(meta.secrets.filter((name) => given[name] === undefined && !inEnvironment(name)).map((name) => [name, STAND_IN])),
  ...given,
});

export interface Replay {
  readonly transports: TransportFactory;
  /** What the report says of the replay, once it ran: from where, and what it never asked. */
  mark(): ReplayMark;
}

/**
 * The recorded runbook each replayed one stands for: the same name, else the same file name (given
 * by another path now), else the one runbook of a one-runbook recording.
 */
const recordedRunbook = (recording: Recording, plans: readonly Plan[]) => (file: string): string => {
  const recorded = recording.meta.runbooks.map((runbook) => runbook.file);
  if (recorded.includes(file)) return file;
  const sameName = recorded.filter((name) => basename(name) === basename(file));
  if (sameName.length === 1) return sameName[0]!;
  return recorded.length === 1 && plans.length === 1 ? recorded[0]! : file;
};

export const replayOf = (recording: Recording, redact: Redact, plans: readonly Plan[]): Replay => {
  const tape = new Tape(recording.attempts, new Map(Object.entries(recording.meta.targets)), redact, recordedRunbook(recording, plans));
  return {
    transports: () => onePerHost((spec) => tape.transportFor(spec.name), () => Promise.resolve()),
    mark: () => ({
      from: recording.dir,
      recordedAt: recording.meta.recordedAt,
      unused: tape.unused().map(({ origin, attempt }) => ({ runbook: origin.runbook, check: origin.check, host: origin.host, attempt })),
    }),
  };
};

export interface RecordingRun {
  readonly transports: TransportFactory;
  /** Writes what was recorded, once the run has ended (its transports closed). */
  save(plans: readonly Plan[]): Promise<void>;
}

export interface RecordRequest {
  readonly dir: string;
  /** Variables and --host as given to the run: a replay gives them again. Secrets are left out here. */
  readonly vars: Readonly<Record<string, string>>;
  readonly hosts: Readonly<Record<string, string>>;
  /** Where each runbook was read from, by the name the report gives it. */
  readonly paths: ReadonlyMap<string, string>;
}

export const recordingOf = (request: RecordRequest, redact: Redact, secretNames: readonly string[]): RecordingRun => {
  const recorder = new Recorder(redact);
  const targets = new Map<string, string>();
  const recordedAt = new Date().toISOString();
  return {
    transports: async (hosts, ssh) => {
      const inner = await createTransports(hosts, ssh);
      return onePerHost((spec) => {
        const transport = inner.forHost(spec);
        if (!targets.has(spec.name)) targets.set(spec.name, transport.description);
        return recorder.wrap(transport);
      }, () => inner.close());
    },
    save: async (plans) => {
      const secrets = new Set(secretNames);
      await writeRecording({
        dir: request.dir,
        plans,
        attempts: await recorder.attempts(),
        paths: request.paths,
        meta: {
          recordedAt,
          tool: `${TOOL.name} ${TOOL.version}`,
          vars: Object.fromEntries(Object.entries(request.vars).filter(([name]) => !secrets.has(name))),
          hosts: request.hosts,
          secrets: [...new Set(plans.flatMap((plan) => plan.runbook.secretVars.filter((name) => String(plan.runbook.vars[name] ?? '') !== '')))],
          targets: Object.fromEntries(targets),
        },
      });
    },
  };
};

/** `--replay DIR`: the recording read (every problem of its files at once) before anything loads. */
export const replaySetup = async (dir: string, given: GivenToRun): Promise<TapeSetup> => {
  const recording = await readRecording(dir);
  const vars = replayVars(recording.meta, given.vars, (name) => given.environment[`${VAR_ENV_PREFIX}${name}`] !== undefined);
  return {
    vars,
    hosts: { ...recording.meta.hosts, ...given.hosts },
    settings: (plans) => {
      const replay = replayOf(recording, redactor(secretsOf(plans)), plans);
      return { transports: replay.transports, replay: () => replay.mark() };
    },
    save: () => Promise.resolve(),
  };
};

/** `--record DIR`: a directory it may fill, checked before anything runs. */
export const recordSetup = async (dir: string, files: readonly string[], given: GivenToRun): Promise<TapeSetup> => {
  await checkRecordDir(dir);
  const paths = new Map<string, string>();
  for (const file of files) {
    const located = await locateRunbook(file);
    paths.set(located.displayName, located.path);
  }
  // What the run was given (its secrets are left out when it is written): the environment's, then --var.
  const fromEnvironment = Object.entries(given.environment).map(([name, value]) => [name.slice(VAR_ENV_PREFIX.length), value] as const);
  const vars = { ...Object.fromEntries(fromEnvironment), ...given.vars };
  let recording: RecordingRun | undefined;
  return {
    settings: (plans) => {
      recording = recordingOf({ dir, vars, hosts: given.hosts, paths }, redactor(secretsOf(plans)), plans.flatMap((plan) => plan.runbook.secretVars));
      return { transports: recording.transports };
    },
    save: (plans) => recording?.save(plans) ?? Promise.resolve(),
  };
};
