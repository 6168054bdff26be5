// The only module that touches the process's streams, environment and exit code: everything else
// returns data. Every text it writes passes the secrets' mask, but reports and plans rendered from
// data already masked as data (the *Rendered writers below).
/* eslint-disable no-restricted-properties -- this is the one place allowed to use process streams */
import { appendFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { errorText } from '../errors/diagnostic.js';
import { VAR_ENV_PREFIX } from '../model/runbook.js';
import { redactor, type Redact } from '../secrets/redact.js';

// The last guard: reports and plans are masked where they are built; this also covers error
// messages and anything a future output forgets.
const secrets: string[] = [];
let mask: Redact = redactor([]);

/** From now on, these values are masked in everything written. Called as soon as the runbooks are loaded. */
export const hideSecrets = (values: readonly string[]): void => {
  secrets.push(...values);
  mask = redactor(secrets);
};

// A reader that stops early (`runbook plan | head`) closes the pipe: the rest is not wanted, which
// is no error of ours. Writes after that are dropped; the exit code stays the run's.
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});

export const stdout = (text: string): void => {
  if (!stdoutClosed) process.stdout.write(mask(text));
};

/**
 * A report or a plan, rendered from data masked where it was built (secrets/redact.ts redactData,
 * which keeps its shape and the tool's own words): reporters and plan renderers get nothing else.
 * Masked again as text, the mask reached into its syntax: a short secret (`x`, `e`) renamed a JSON
 * report's keys (a failing run's exit code was lost) and broke its quoting, XML's declaration and
 * TAP's lines, and a secret that is a word of the verdict (`fail`) took that word away.
 */
export const stdoutRendered = (text: string): void => {
  if (!stdoutClosed) process.stdout.write(text);
};

/** As is: commander's help and errors end their own lines. */
export const writeStderr = (text: string): void => {
  process.stderr.write(mask(text));
};

export const stderr = (text: string): void => {
  writeStderr(text.endsWith('\n') ? text : `${text}\n`);
};

// Read once, at start: a terminal library may claim a terminal later (listr2's forceTTY sets
// stdout.isTTY), and the report's colours must follow what stdout really is.
const STDOUT_IS_TTY = process.stdout.isTTY === true;

export const stdoutIsTTY = (): boolean => STDOUT_IS_TTY;

/**
 * The live progress view redraws stderr in place, so only a terminal gets it, and one that says
 * how wide it is: a pseudo-terminal nobody sized (script(1), `docker exec -t` and CI runners that
 * allocate one) reports 0 columns, where the view wrapped every character onto a line of its own.
 */
export const stderrIsSizedTerminal = (): boolean => process.stderr.isTTY === true && (process.stderr.columns ?? 0) > 0;

/**
 * Where the live view draws. Its text comes from the run's events, which are masked before any
 * listener hears them. listr2 measures the width of its lines by stdout; with stdout a file or a
 * pipe (the report), it is told the width of the terminal it really draws on.
 */
export const progressStream = (): NodeJS.WriteStream => {
  if (!STDOUT_IS_TTY) Object.defineProperty(process.stdout, 'columns', { configurable: true, get: () => process.stderr.columns });
  return process.stderr;
};

/** One variable of the environment (CI, GITHUB_ACTIONS, ...): nothing else reads process.env. */
export const environment = (name: string): string | undefined => process.env[name];

/** `CI=true` (and the like, but not "false" or "0"): logs, not a terminal, whatever stderr says. */
export const onCi = (): boolean => {
  const value = environment('CI');
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
};

/** Adds a rendered report to a file another program reads (GitHub's $GITHUB_STEP_SUMMARY); see stdoutRendered. */
export const appendRendered = async (file: string, text: string): Promise<void> => {
  await appendFile(file, text);
};

export const colorWanted = (flag: boolean | undefined): boolean => {
  if (flag !== undefined) return flag;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return stdoutIsTTY();
};

/** RUNBOOK_VAR_* from the environment, as data for the runbook layer; nothing else of it leaves here. */
export const runbookVarsInEnvironment = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).flatMap(([name, value]) => (name.startsWith(VAR_ENV_PREFIX) && value !== undefined ? [[name, value]] : [])));

export const setExitCode = (code: number): void => {
  process.exitCode = code;
};

/**
 * Checked before the run, so a bad --output costs nothing: why a report could not be written to
 * `file`, or undefined. Its directory must take a new file (the report goes to a temporary file
 * beside it, then over it), which a file created and removed there proves where permission bits
 * cannot (a read-only or virtual file system, /proc); the path itself must be a file, if anything.
 */
export const outputProblem = async (file: string): Promise<string | undefined> => {
  const target = await stat(file).catch(() => undefined);
  if (target?.isDirectory()) return 'it is a directory';
  if (target && !target.isFile()) return 'it is not a regular file';
  const directory = dirname(resolve(file));
  const parent = await stat(directory).catch(() => undefined);
  if (!parent) return 'its directory does not exist';
  if (!parent.isDirectory()) return `${directory} is not a directory`;
  const probe = temporaryBeside(file);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    return `its directory does not take new files (${(error as NodeJS.ErrnoException).code ?? errorText(error)})`;
  }
  await unlink(probe).catch(() => undefined);
  return undefined;
};

const temporaryBeside = (file: string): string => `${file}.${process.pid}.tmp`;

/**
 * The entry a path names, whatever its spelling: its directory as the file system resolves it
 * (`./a`, `../x/a`, a linked directory), then its name. A report is renamed into that entry.
 */
export const entryOf = async (file: string): Promise<string> => {
  const absolute = resolve(file);
  return join(await realpath(dirname(absolute)).catch(() => dirname(absolute)), basename(absolute));
};

/**
 * The entries whose replacement would lose a file read: the path's own, and the file a link there
 * leads to. None for a path where there is no file (a shipped runbook's name, found elsewhere).
 */
export const entriesRead = async (file: string): Promise<string[]> => {
  const real = await realpath(file).catch(() => undefined);
  return real === undefined ? [] : [await entryOf(file), real];
};

/** Written whole or not at all: a reader never sees half a report, and a failed write leaves no temporary file. */
export const writeRenderedAtomically = async (file: string, text: string): Promise<void> => {
  const temporary = temporaryBeside(file);
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
};
