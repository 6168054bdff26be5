// The only module that touches the process's streams and exit code: everything else returns data.
/* eslint-disable no-restricted-properties -- this is the one place allowed to use process streams */
import { rename, writeFile, access, constants } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export const stdout = (text: string): void => {
  process.stdout.write(text);
};

export const stderr = (text: string): void => {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
};

export const stdoutIsTTY = (): boolean => process.stdout.isTTY === true;

export const colorWanted = (flag: boolean | undefined): boolean => {
  if (flag !== undefined) return flag;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return stdoutIsTTY();
};

export const setExitCode = (code: number): void => {
  process.exitCode = code;
};

/** Checked before the run, so a typo in --output costs nothing. */
export const outputWritable = async (file: string): Promise<boolean> =>
  access(dirname(resolve(file)), constants.W_OK).then(() => true, () => false);

/** Written whole or not at all: a reader never sees half a report. */
export const writeAtomically = async (file: string, text: string): Promise<void> => {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
};
