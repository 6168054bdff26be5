// A code cache serves only the text it was made from, under the flags it was made under: V8 itself
// checks a cache against the text's length only. Each step runs in a process of its own, a fresh
// V8 as the CLI has (one process would find the code it compiled before in V8's own cache).
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { ROOT, inlineFiles } from '../helpers/run-cli.js';
import { codeCacheFile } from '../../src/model/cached-require.js';
import { LINEAR_REGEX_FLAG } from '../../src/model/v8-flags.js';

const CACHED_REQUIRE = pathToFileURL(join(ROOT, 'src/model/cached-require.ts')).href;
const V8_FLAGS = pathToFileURL(join(ROOT, 'src/model/v8-flags.ts')).href;

/** Runs `body` in a new Node process with the module's exports (and `file`, `dir`) in scope; returns what it prints. */
const inProcess = async (file: string, dir: string, body: string, flags: readonly string[] = []): Promise<unknown> => {
  const script = [
    `const { requireCompiled, writeCodeCache, codeCacheTaken } = await import(${JSON.stringify(CACHED_REQUIRE)});`,
    `const { noteV8Flag } = await import(${JSON.stringify(V8_FLAGS)});`,
    `const { setFlagsFromString } = await import('node:v8');`,
    `for (const flag of ${JSON.stringify(flags)}) { setFlagsFromString(flag); noteV8Flag(flag); }`,
    `const file = ${JSON.stringify(file)}, dir = ${JSON.stringify(dir)};`,
    body,
  ].join('\n');
  const { stdout } = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT });
  return JSON.parse(stdout) as unknown;
};

const MAKE = 'writeCodeCache(file, (exports) => exports(), dir); console.log("true");';
const REQUIRE = 'const answer = requireCompiled(file, dir); console.log(JSON.stringify([answer(), codeCacheTaken(file)]));';

const workspace = (text = 'module.exports = () => 41 + 1;\n'): { file: string; dir: string } => {
  const root = inlineFiles({ 'answer.cjs': text });
  return { file: join(root, 'answer.cjs'), dir: join(root, 'cache') };
};

describe('code cache', () => {
  test('a file is compiled from the cache made for it, and runs as it reads', async () => {
    const { file, dir } = workspace();
    expect(await inProcess(file, dir, REQUIRE)).toEqual([42, false]);
    await inProcess(file, dir, MAKE);
    expect(existsSync(codeCacheFile(file, [], dir))).toBe(true);
    expect(await inProcess(file, dir, REQUIRE)).toEqual([42, true]);
  }, 30_000);

  test('a text changed since, even of the same length, is compiled from itself', async () => {
    const { file, dir } = workspace();
    await inProcess(file, dir, MAKE);
    writeFileSync(file, 'module.exports = () => 41 + 2;\n');
    expect(await inProcess(file, dir, REQUIRE)).toEqual([43, false]);
  }, 30_000);

  test('under other flags the cache made for none is not used; one made under them is', async () => {
    const { file, dir } = workspace();
    await inProcess(file, dir, MAKE);
    expect(await inProcess(file, dir, REQUIRE, [LINEAR_REGEX_FLAG])).toEqual([42, false]);
    await inProcess(file, dir, MAKE, [LINEAR_REGEX_FLAG]);
    expect(await inProcess(file, dir, REQUIRE, [LINEAR_REGEX_FLAG])).toEqual([42, true]);
  }, 30_000);

  test('a cache V8 refuses (made under other flags, filed as made under none) costs nothing but the compiling', async () => {
    const { file, dir } = workspace();
    await inProcess(file, dir, MAKE, [LINEAR_REGEX_FLAG]);
    copyFileSync(codeCacheFile(file, [LINEAR_REGEX_FLAG], dir), codeCacheFile(file, [], dir));
    expect(readFileSync(codeCacheFile(file, [], dir)).length).toBeGreaterThan(64);
    expect(await inProcess(file, dir, REQUIRE)).toEqual([42, false]);
  }, 30_000);

  test('a missing file is missing as require says it', async () => {
    const { dir } = workspace();
    const said = await inProcess(join(dir, 'gone.cjs'), dir, 'try { requireCompiled(file, dir); } catch (error) { console.log(JSON.stringify(error.code)); }');
    expect(said).toBe('MODULE_NOT_FOUND');
  }, 30_000);

  test('npm run build made one for the validator and the YAML library under each set of flags the CLI runs under', () => {
    for (const file of [join(ROOT, 'schemas/runbook.validate.cjs'), join(ROOT, 'dist/bundle/yaml.cjs')]) {
      for (const flags of [[], [LINEAR_REGEX_FLAG]]) expect(existsSync(codeCacheFile(file, flags)), `${file} ${flags.join(' ')}`).toBe(true);
    }
  });
});
