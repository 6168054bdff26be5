// Finds the runbook an operator named: a path as given, or else the name of a shipped runbook, so
// `runbook run mysql-connectivity.yaml` works from any directory.
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../errors/did-you-mean.js';
import { InputError } from '../errors/diagnostic.js';

/** src/app and dist/app both sit two levels below the package root, beside runbooks/. */
export const SHIPPED_RUNBOOKS_DIR = fileURLToPath(new URL('../../runbooks/', import.meta.url));

export interface LocatedRunbook {
  /** Where to read it. */
  readonly path: string;
  /** How messages and reports name it: as typed, or the shipped file's path. */
  readonly displayName: string;
}

const isFile = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isFile() ?? false;

export const shippedRunbooks = async (): Promise<string[]> =>
  (await readdir(SHIPPED_RUNBOOKS_DIR).catch(() => [] as string[])).filter((name) => /\.ya?ml$/.test(name)).sort();

export const locateRunbook = async (name: string): Promise<LocatedRunbook> => {
  if (await isFile(name)) return { path: name, displayName: name };
  const looksLikePath = name.includes('/') && !name.startsWith('runbooks/');
  const shippedName = basename(name);
  if (!looksLikePath) {
    for (const candidate of [shippedName, `${shippedName}.yaml`, `${shippedName}.yml`]) {
      const path = join(SHIPPED_RUNBOOKS_DIR, candidate);
      if (await isFile(path)) return { path, displayName: path };
    }
  }
  const shipped = await shippedRunbooks();
  const hint = didYouMean(shippedName, shipped) ?? `shipped runbooks: ${shipped.join(', ') || 'none'}`;
  throw new InputError([{ code: 'RB_FILE', message: `${name}: no such file, and no shipped runbook of that name`, hint }]);
};
