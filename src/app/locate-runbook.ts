// Finds the runbook an operator named: a path as given, or else the name of a shipped runbook, so
// `runbook run mysql-connectivity.yaml` works from any directory.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../errors/did-you-mean.js';
import { InputError } from '../errors/diagnostic.js';
import { failed, ok } from '../model/result.js';
import type { FoundRunbook, IncludeFiles } from '../runbook/include.js';

/** src/app, dist/app and the bundle (dist/bundle) all sit two levels below the package root, beside runbooks/. */
export const SHIPPED_RUNBOOKS_DIR = fileURLToPath(new URL('../../runbooks/', import.meta.url));

/**
 * What is at a path the operator gave: a file (or a pipe: `runbook run <(generate)`), nothing, or
 * something that is no runbook, said as such rather than "no such file".
 */
const entryAt = async (path: string): Promise<'readable' | 'missing' | 'a directory' | 'a device or a socket'> => {
  const entry = await stat(path).catch(() => undefined);
  if (!entry) return 'missing';
  if (entry.isFile() || entry.isFIFO()) return 'readable';
  return entry.isDirectory() ? 'a directory' : 'a device or a socket';
};

export const shippedRunbooks = async (): Promise<string[]> =>
  (await readdir(SHIPPED_RUNBOOKS_DIR).catch(() => [] as string[])).filter((name) => /\.ya?ml$/.test(name)).sort();

// A pipe (`<(generate)`, /dev/fd/63) has no real path: it is its own.
const found = async (path: string, displayName: string, size?: number): Promise<FoundRunbook> => ({
  path,
  displayName,
  realPath: await realpath(path).catch(() => path),
  ...(size === undefined ? {} : { size }),
});

/** The size of the regular file at `path`, or undefined when there is none. */
const fileSize = async (path: string): Promise<number | undefined> => {
  const entry = await stat(path).catch(() => undefined);
  return entry?.isFile() ? entry.size : undefined;
};

/** A shipped runbook by its name, with or without `.yaml`. */
const shippedNamed = async (name: string): Promise<FoundRunbook | undefined> => {
  for (const candidate of [name, `${name}.yaml`, `${name}.yml`]) {
    const path = join(SHIPPED_RUNBOOKS_DIR, candidate);
    const size = await fileSize(path);
    if (size !== undefined) return found(path, path, size);
  }
  return undefined;
};

/** A path as given (how messages name it, too), else a shipped runbook of that name. */
export const locateRunbook = async (name: string): Promise<FoundRunbook> => {
  const entry = await entryAt(name);
  if (entry === 'readable') return found(name, name);
  if (entry !== 'missing') {
    const inside = entry === 'a directory' ? (await runbooksIn(name)).sort() : [];
    const hint = inside.length > 0 ? `the runbooks in it: ${inside.map((file) => join(name, file)).join(', ')}` : 'name a runbook file (.yaml)';
    throw new InputError([{ code: 'RB_FILE', message: `${name}: is ${entry}, not a runbook file`, hint }]);
  }
  const looksLikePath = name.includes('/') && !name.startsWith('runbooks/');
  const shippedName = basename(name);
  const shippedOne = looksLikePath ? undefined : await shippedNamed(shippedName);
  if (shippedOne) return shippedOne;
  const shipped = await shippedRunbooks();
  const hint = didYouMean(shippedName, shipped) ?? `shipped runbooks: ${shipped.join(', ') || 'none'}`;
  throw new InputError([{ code: 'RB_FILE', message: `${name}: no such file, and no shipped runbook of that name`, hint }]);
};

const runbooksIn = async (dir: string): Promise<string[]> =>
  (await readdir(dir).catch(() => [] as string[])).filter((name) => /\.ya?ml$/.test(name));

/**
 * An include's file: beside the including runbook (`lib/disk.yaml` from `web.yaml`'s directory),
 * else, for a bare name, a shipped runbook (`local-host`), so a team's runbook can build on ours.
 */
export const includeFiles: IncludeFiles = {
  async locate(file, from) {
    const beside = join(dirname(from), file);
    const size = await fileSize(beside);
    if (size !== undefined) return ok(await found(beside, beside, size));
    const shippedOne = file.includes('/') ? undefined : await shippedNamed(file);
    if (shippedOne) return ok(shippedOne);
    const candidates = [...(await runbooksIn(dirname(beside))), ...(file.includes('/') ? [] : await shippedRunbooks())];
    const hint = didYouMean(basename(file), candidates) ?? `paths are relative to the including runbook's directory (${dirname(from)})`;
    return failed({ message: `cannot find ${beside}${file.includes('/') ? '' : ', nor a shipped runbook of that name'}`, hint });
  },
};
