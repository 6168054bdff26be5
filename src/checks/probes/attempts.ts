// Runs a probe's tools in order of preference until one answers. A tool that is not installed
// (exit 127) is recorded and the next one tried, so a host without lsof is still answered by ss,
// and the diagnosis still learns that lsof is missing there.
import { failed, ok, type Failed, type Ok, type Result } from '../../model/result.js';
import type { CommandOutcome } from '../../transport/types.js';
import type { CommandStep, MissingTool, ObserveContext, Observation } from '../types.js';
import { escapeRegExp } from '../../model/regexp.js';
import { listWords } from '../../model/list-words.js';

/** What one tool's run told: a value, a real error (stop here), or "cannot answer here" (`tryNext`). */
export type Reading<T> = Ok<T> | (Failed<string> & { readonly tryNext?: true });

/** The tool ran but cannot answer here (lsof without rights): the next attempt is tried. */
export const unusable = (error: string): Reading<never> => ({ ok: false, error, tryNext: true });

/** A command step of a probe with the reader of what it printed. */
export interface Attempt<T> extends CommandStep {
  read(outcome: CommandOutcome): Reading<T>;
}

/** Alternatives in order of preference: all but the first run only when those before could not answer. */
export const inOrder = <T>(attempts: readonly Attempt<T>[]): Attempt<T>[] =>
  attempts.map((attempt, index) => (index === 0 ? attempt : { ...attempt, order: 'else' }));

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

/** Which program a 127 is about: the one the shell's "not found" line names, else the main tool. */
export const missingProgram = (outcome: CommandOutcome, tool: string, alsoNeeds: readonly string[] = []): string => {
  const named = [tool, ...alsoNeeds].find((name) => new RegExp(`(^|[\\s:'"/])${escapeRegExp(name)}(['":]|$|\\s)`, 'm').test(outcome.stderr));
  return named ?? tool;
};

/** The transport, not the tool, ended it: the executor reports why (timeout, unreachable host). */
const transportEnded = (outcome: CommandOutcome): boolean => outcome.transportError !== undefined || outcome.termination !== undefined;

/** Runs a command step of the probe, on its host, with its standard input. */
/** `heldUntil`: the step runs once it resolves true, made ready before (RunOptions.heldUntil). */
export const runStep = (context: ObserveContext, step: CommandStep, heldUntil?: Promise<boolean>): Promise<CommandOutcome> =>
  context.run(step.script, {
    ...(step.host === undefined ? {} : { host: step.host }),
    ...(step.stdin === undefined ? {} : { stdin: step.stdin }),
    ...(heldUntil === undefined ? {} : { heldUntil }),
  });

export const tryInOrder = async <T>(context: ObserveContext, attempts: readonly Attempt<T>[]): Promise<Result<Answer<T>, NoAnswer>> => {
  const host = attempts[0]?.host ?? context.host;
  const missingTools: MissingTool[] = [];
  const failures: string[] = [];
  let durationMs = 0;
  for (const attempt of attempts) {
    const outcome = await runStep(context, attempt);
    durationMs += outcome.durationMs;
    if (transportEnded(outcome)) return failed({ error: `${attempt.tool} did not finish on ${host}`, notes: failures, missingTools });
    if (outcome.exitCode === 127) {
      const program = missingProgram(outcome, attempt.tool, attempt.alsoNeeds);
      if (attempt.installable !== false) missingTools.push({ tool: program, host });
      failures.push(`${program} not installed on ${host}`);
      continue;
    }
    const reading = attempt.read(outcome);
    if (reading.ok) {
      const notes = failures.length === 0 ? [] : [`${failures.join('; ')}; ${attempt.label} answered`];
      return ok({ value: reading.value, tool: attempt.tool, durationMs, notes, missingTools });
    }
    if (!reading.tryNext) return failed({ error: reading.error, notes: failures, missingTools });
    failures.push(reading.error);
  }
  const error = attempts.length === 1 ? (failures[0] ?? `${attempts[0]?.tool ?? 'the probe'} unavailable on ${host}`) : `${listWords(attempts.map((a) => a.tool))} unavailable on ${host}`;
  return failed({ error, notes: attempts.length === 1 ? [] : failures, missingTools });
};

/** The observation for what tryInOrder found: the answer's fields, or why there is none. */
export const observed = <T>(result: Result<Answer<T>, NoAnswer>, fields: (answer: Answer<T>) => Observation['fields']): Observation =>
  result.ok ? answered(result.value, fields(result.value)) : noAnswer(result.error);

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
