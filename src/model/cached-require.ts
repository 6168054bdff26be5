// The CommonJS files a command requires as it works: the schema validator (400 KB, every runbook
// loaded) and the YAML library (260 KB, the exact reading). V8 parsed and compiled each again at
// every start: the validator took 32-38 ms to load and validate a first runbook, 13 ms from a code
// cache. npm run build leaves one per file (scripts/code-cache.ts), made after the file ran on the
// shipped runbooks, so it holds the functions they needed too. Node 20 offers no module a code
// cache (module.enableCompileCache is Node 22's), so such a file is compiled here, as Node's own
// CommonJS loader would, given the cache. V8 checks a cache against the text only by its length,
// so each cache starts with the SHA-256 of the file it was made from, and serves that file only;
// and V8 takes one only under the flags it was made under (model/v8-flags.ts), so there is one
// per set of flags the CLI runs under. Without a cache that fits, the file is required as before.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { v8FlagsSet } from './v8-flags.js';

/** The package's dist/code-cache, from dist/bundle, dist/runbook and src/runbook alike. */
export const CODE_CACHE_DIRECTORY = fileURLToPath(new URL('../../dist/code-cache/', import.meta.url));

const HASH_LENGTH = 64;

/** A file's hash is of its bytes as read: hashing its text encoded it to UTF-8 again, 2.9 ms where the bytes take 0.4 (600 KB). */
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Where the cache of `file` under `flags` is kept. */
export const codeCacheFile = (file: string, flags: readonly string[], directory = CODE_CACHE_DIRECTORY): string =>
  join(directory, `${basename(file)}.${flags.length === 0 ? 'default' : sha256(flags.join(' ')).slice(0, 12)}.cache`);

/** As Node's loader wraps a CommonJS file, on its first line, so every other line keeps its number. */
const wrapped = (source: string): string => `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;

type ModuleFunction = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;

const run = (script: Script, file: string): unknown => {
  const module = { exports: {} as unknown };
  (script.runInThisContext() as ModuleFunction)(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
};

/** Whether each file required here was compiled from its cache: what the tests ask. */
const cacheTaken = new Map<string, boolean>();

export const codeCacheTaken = (file: string): boolean | undefined => cacheTaken.get(file);

/** A file's text as Node's loader compiles it: without a byte order mark. */
const sourceOf = (bytes: Buffer | undefined): string | undefined => bytes?.toString('utf8').replace(/^\uFEFF/, '');

const readOrNothing = (path: string): Buffer | undefined => {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
};

/**
 * `file` (an absolute path) required, compiled from its code cache where one fits; otherwise by
 * require, which also says in its own words when the file is missing (MODULE_NOT_FOUND).
 */
export const requireCompiled = (file: string, directory = CODE_CACHE_DIRECTORY): unknown => {
  const cache = readOrNothing(codeCacheFile(file, v8FlagsSet(), directory));
  const bytes = cache && cache.length > HASH_LENGTH ? readOrNothing(file) : undefined;
  const source = bytes && cache!.toString('latin1', 0, HASH_LENGTH) === sha256(bytes) ? sourceOf(bytes) : undefined;
  if (cache === undefined || source === undefined) {
    cacheTaken.set(file, false);
    return createRequire(file)(file);
  }
  const script = new Script(wrapped(source), { filename: file, cachedData: cache.subarray(HASH_LENGTH) });
  cacheTaken.set(file, !script.cachedDataRejected);
  return run(script, file);
};

/**
 * For the build: `file` compiled and run, then `warmUp` given what it exports, and the code V8 has
 * by then written, under the flags set now, with the text's hash in front.
 */
export const writeCodeCache = (file: string, warmUp: (exports: unknown) => void, directory = CODE_CACHE_DIRECTORY): string => {
  const bytes = readFileSync(file);
  const source = sourceOf(bytes)!;
  const script = new Script(wrapped(source), { filename: file });
  warmUp(run(script, file));
  const target = codeCacheFile(file, v8FlagsSet(), directory);
  mkdirSync(directory, { recursive: true });
  writeFileSync(target, Buffer.concat([Buffer.from(sha256(bytes), 'latin1'), script.createCachedData()]));
  return target;
};
