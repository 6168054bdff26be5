// The only module that touches the process's streams, environment and exit code: everything else
// returns data. Every byte it writes (stdout, stderr, --output files) passes the secrets' mask.
/* eslint-disable no-restricted-properties -- this is the one place allowed to use process streams */
import { rename, writeFile, access, constants } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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

export const stdout = (text: string): void => {
  process.stdout.write(mask(text));
};

/** As is: commander's help and errors end their own lines. */
export const writeStderr = (text: string): void => {
  process.stderr.write(mask(text));
};

export const stderr = (text: string): void => {
  writeStderr(text.endsWith('\n') ? text : `${text}\n`);
};

export const stdoutIsTTY = (): boolean => process.stdout.isTTY === true;

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

/** Checked before the run, so a typo in --output costs nothing. */
export const outputWritable = async (file: string): Promise<boolean> =>
  access(dirname(resolve(file)), constants.W_OK).then(() => true, () => false);

/** Written whole or not at all: a reader never sees half a report. */
export const writeAtomically = async (file: string, text: string): Promise<void> => {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, mask(text));
  await rename(temporary, file);
};
