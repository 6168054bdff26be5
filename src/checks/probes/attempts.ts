// Runs a probe's tools in order of preference until one answers. A tool that is not installed
// (exit 127) is recorded and the next one tried, so a host without lsof is still answered by ss,
// and the diagnosis still learns that lsof is missing there.
import type { CommandOutcome } from '../../transport/types.js';
import type { MissingTool, ObserveContext, Observation } from '../types.js';

/** What one tool's run told: a value, a real error (stop here), or "cannot answer here" (try the next). */
export type Reading<T> = { readonly value: T } | { readonly error: string } | { readonly unusable: string };

export interface Attempt<T> {
  /** Named in "not installed" notes, in missingTools and in the error when nothing answered: `lsof`. */
  readonly tool: string;
  /** Other programs the script needs whose absence also ends in 127 (coreutils `timeout`). */
  readonly alsoNeeds?: readonly string[];
  /** False for what no package installs (/proc/net/tcp): never reported as a missing tool. */
  readonly installable?: boolean;
  /** How it is named when it answers: `ss -ltnpH`. */
  readonly label: string;
  readonly script: string;
  /** Its standard input: a secret the tool reads there, never in its command line. */
  readonly stdin?: string;
  read(outcome: CommandOutcome): Reading<T>;
}

export interface Answer<T> {
  readonly value: T;
  readonly tool: string;
  /** Time the commands took on the host, the failed attempts' included. */
  readonly durationMs: number;
  readonly notes: string[];
  readonly missingTools: MissingTool[];
}

export interface NoAnswer {
  readonly error: string;
  readonly notes: string[];
  readonly missingTools: MissingTool[];
}

export const firstLine = (text: string): string => text.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? '';

/** "a", "a and b", "a, b and c". */
export const listWords = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]!}`;

/** Which program a 127 is about: the one the shell's "not found" line names, else the main tool. */
export const missingProgram = (outcome: CommandOutcome, tool: string, alsoNeeds: readonly string[] = []): string => {
  const named = [tool, ...alsoNeeds].find((name) => new RegExp(`(^|[\\s:'"/])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(['":]|$|\\s)`, 'm').test(outcome.stderr));
  return named ?? tool;
};

/** The transport, not the tool, ended it: the executor reports why (timeout, unreachable host). */
const transportEnded = (outcome: CommandOutcome): boolean => outcome.transportError !== undefined || outcome.termination !== undefined;

export const tryInOrder = async <T>(context: ObserveContext, attempts: readonly Attempt<T>[], role?: string): Promise<Answer<T> | NoAnswer> => {
  const host = role ?? context.host;
  const missingTools: MissingTool[] = [];
  const failures: string[] = [];
  let durationMs = 0;
  for (const attempt of attempts) {
    const outcome = await context.run(attempt.script, { ...(role === undefined ? {} : { host: role }), ...(attempt.stdin === undefined ? {} : { stdin: attempt.stdin }) });
    durationMs += outcome.durationMs;
    if (transportEnded(outcome)) return { error: `${attempt.tool} did not finish on ${host}`, notes: failures, missingTools };
    if (outcome.exitCode === 127) {
      const program = missingProgram(outcome, attempt.tool, attempt.alsoNeeds);
      if (attempt.installable !== false) missingTools.push({ tool: program, host });
      failures.push(`${program} not installed on ${host}`);
      continue;
    }
    const reading = attempt.read(outcome);
    if ('value' in reading) {
      const notes = failures.length === 0 ? [] : [`${failures.join('; ')}; ${attempt.label} answered`];
      return { value: reading.value, tool: attempt.tool, durationMs, notes, missingTools };
    }
    if ('error' in reading) return { error: reading.error, notes: failures, missingTools };
    failures.push(reading.unusable);
  }
  const error = attempts.length === 1 ? (failures[0] ?? `${attempts[0]?.tool ?? 'the probe'} unavailable on ${host}`) : `${listWords(attempts.map((a) => a.tool))} unavailable on ${host}`;
  return { error, notes: attempts.length === 1 ? [] : failures, missingTools };
};

/** An Observation for a probe that could not answer: no fields, so no expectation can fail on them. */
export const noAnswer = (result: NoAnswer): Observation => ({
  fields: {},
  error: result.error,
  ...(result.notes.length > 0 ? { notes: result.notes } : {}),
  ...(result.missingTools.length > 0 ? { missingTools: result.missingTools } : {}),
});

/** The answer's fields with its notes and missing tools. */
export const answered = <T>(result: Answer<T>, fields: Observation['fields']): Observation => ({
  fields,
  ...(result.notes.length > 0 ? { notes: result.notes } : {}),
  ...(result.missingTools.length > 0 ? { missingTools: result.missingTools } : {}),
});

/** The program a shell or coreutils `timeout` could not find: "sh: 1: nc: not found", "failed to run command 'nc'". */
export const notFoundProgram = (stderr: string): string | undefined =>
  /([^\s:'"]+): (?:command )?not found/.exec(stderr)?.[1] ?? /failed to run command '([^']+)'/.exec(stderr)?.[1];
