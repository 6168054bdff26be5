// The V8 flags the CLI has set while it runs (cli/linear-regex.ts, app/load-plans.ts), noted by
// whoever sets them. V8 takes a code cache only under the very flags it was made with, so the
// cache a CommonJS file is compiled from is picked by them (model/cached-require.ts). Only the
// notes live here: node:v8 itself is loaded by the setters, when they need it (7 ms of a start).

/** V8's switch to its linear-time engine for a regex that backtracks too much (cli/linear-regex.ts). */
export const LINEAR_REGEX_FLAG = '--enable-experimental-regexp-engine-on-excessive-backtracks';

/**
 * The flags under which the CLI loads its CommonJS files: none (`validate`), or the linear engine's
 * (`run`, `plan`, `test`, which run a runbook's regexes). npm run build makes a cache for each.
 */
export const CODE_CACHE_FLAG_SETS: readonly (readonly string[])[] = [[], [LINEAR_REGEX_FLAG]];

const noted = new Map<string, string>();

/** `--name=value` or `--name`, as given to V8's setFlagsFromString. */
const nameOf = (flag: string): string => flag.replace(/^--(?:no-)?/, '').split('=')[0]!.replaceAll('_', '-');

/** Call right after V8 was given `flag`. */
export const noteV8Flag = (flag: string): void => {
  noted.set(nameOf(flag), flag);
};

/** Call right after V8's own default was set back for the flag `flag` names. */
export const forgetV8Flag = (flag: string): void => {
  noted.delete(nameOf(flag));
};

/** The flags set now, sorted: the same set gives the same list however it came about. */
export const v8FlagsSet = (): string[] => [...noted.values()].sort();
