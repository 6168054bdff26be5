// The corpus of invalid inputs (test/fixtures/invalid/), each run through the built CLI: exit 2,
// on stderr exactly the lines of its `.expected` file (one per problem, `file:line:col: message
// [RB_CODE]`, `$FILE` standing for the input's path), nothing on stdout, no stack trace, nothing
// run, and within a time and a memory bound (a hang or a blow-up fails here, not in an incident).
//
// The cases are data. Each `NAME.expected` is one case; its input is the file or directory NAME.*
// beside it, or what `NAME.gen.json` describes (huge, deep, binary inputs and a pipe are made at
// test time, so the repository stays small). `NAME.case.json` (or the gen.json) may give the
// command line (`args`, default `validate $FILE`) and a `marker`: a file the case's runbook would
// create if any check ran. Files under `_support/` and `lib/` are what cases include or name.
import { execa } from 'execa';
import { closeSync, constants, cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, FIXTURE_BIN, ROOT } from '../helpers/run-cli.js';

const CORPUS = join(ROOT, 'test/fixtures/invalid');
const PEAK_RSS_PRELOAD = join(ROOT, 'scripts/bench/peak-rss.cjs');
/**
 * Generous: a case takes under a second on a quiet 2-core machine and about 4 s with the whole
 * suite beside it; these catch a hang or a blow-up (the parser failing on deep nesting took
 * seconds and gigabytes), never a busy machine.
 */
const TIME_BOUND_MS = 20_000;
const MEMORY_BOUND_KIB = 300 * 1024;
/** CLIs at once: enough to keep 2 cores busy while each one starts up. */
const CONCURRENCY = 4;
/** Folders of files the cases use but that are no cases themselves. */
const SUPPORT_DIRS = new Set(['_support', 'lib']);

/** One piece of a generated input: text (repeated), bytes in hex, numbered lines, or seeded noise. */
type Part =
  | { readonly text: string; readonly times?: number }
  | { readonly hex: string }
  | { readonly each: string; readonly times: number; readonly from?: number }
  | { readonly random: number; readonly seed: number; readonly ascii?: boolean };

interface Options {
  readonly args?: readonly string[];
  readonly marker?: string;
}

interface Generated extends Options {
  readonly name: string;
  readonly parts: readonly Part[];
  /** Written into a named pipe while the CLI reads it, instead of a file. */
  readonly fifo?: boolean;
}

interface Case {
  /** `schema/run-empty`: the case's path below the corpus, without extension. */
  readonly name: string;
  /** The input's path below the corpus: `$FILE` on the command line and in the expected lines. */
  readonly input: string;
  readonly generated?: Generated;
  readonly args: readonly string[];
  readonly marker?: string;
  readonly expected: string;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Deterministic noise (a 32-bit linear congruential generator): the same bytes on every machine. */
const noise = (length: number, seed: number, ascii: boolean): Buffer => {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const byte = state >>> 24;
    bytes[index] = ascii ? 32 + (byte % 95) : byte;
  }
  return bytes;
};

const bytesOf = (part: Part): Buffer => {
  if ('hex' in part) return Buffer.from(part.hex, 'hex');
  if ('random' in part) return noise(part.random, part.seed, part.ascii === true);
  if ('each' in part) {
    const from = part.from ?? 0;
    const lines = Array.from({ length: part.times }, (_, offset) => {
      const i = from + offset;
      return part.each.replaceAll('{indent}', '  '.repeat(i)).replaceAll('{i-1}', String(i - 1)).replaceAll('{i}', String(i));
    });
    return Buffer.from(lines.join(''));
  }
  return Buffer.from(part.text.repeat(part.times ?? 1));
};

const CASE_FILES = /\.(expected|case\.json|gen\.json)$/;

/** The input stored beside `NAME.expected`: the file NAME.<ext> or the directory NAME, if any. */
const storedInput = (dir: string, stem: string): string | undefined =>
  readdirSync(dir).find((entry) => !CASE_FILES.test(entry) && (entry === stem || entry.slice(0, entry.lastIndexOf('.')) === stem));

const caseAt = (dir: string, stem: string): Case => {
  const at = (suffix: string) => join(dir, `${stem}${suffix}`);
  const generated = existsSync(at('.gen.json')) ? readJson<Generated>(at('.gen.json')) : undefined;
  const options = generated ?? (existsSync(at('.case.json')) ? readJson<Options>(at('.case.json')) : {});
  const input = generated?.name ?? storedInput(dir, stem);
  const name = relative(CORPUS, join(dir, stem));
  return {
    name,
    input: input === undefined ? '' : relative(CORPUS, join(dir, input)),
    ...(generated ? { generated } : {}),
    args: options.args ?? ['validate', '$FILE'],
    ...(options.marker ? { marker: options.marker } : {}),
    expected: readFileSync(at('.expected'), 'utf8'),
  };
};

const discover = (dir: string): Case[] =>
  readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return SUPPORT_DIRS.has(entry) || existsSync(`${path}.expected`) ? [] : discover(path);
      return entry.endsWith('.expected') ? [caseAt(dir, entry.slice(0, -'.expected'.length))] : [];
    });

/** Stored inputs with no `.expected` beside them: a case half written, which would silently never run. */
const orphans = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return SUPPORT_DIRS.has(entry) || existsSync(`${path}.expected`) ? [] : orphans(path);
    if (entry.endsWith('.expected')) return [];
    const stem = entry.replace(CASE_FILES, '').replace(/\.[^.]+$/, '');
    return existsSync(join(dir, `${stem}.expected`)) ? [] : [relative(CORPUS, path)];
  });

const CASES = discover(CORPUS);

let workDir = '';
/** Where each run's peak memory is written, apart from the cases' files. */
let rssDir = '';
/** Every file in the copy before any case ran: a case that created one ran something. */
let filesBefore: string[] = [];

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => !statSync(join(dir, entry)).isDirectory())
    .sort();

const contentOf = (generated: Generated): Buffer => Buffer.concat(generated.parts.map(bytesOf));

/** A generated input as a file, or as a named pipe that `run` writes while the CLI reads it. */
const generate = async (generated: Generated, path: string): Promise<void> => {
  if (generated.fifo) await execa('mkfifo', [path]);
  else writeFileSync(path, contentOf(generated));
};

/**
 * Writes a pipe's content once a reader opens it (opening for writing waits for one). After the
 * CLI is gone, `settle` opens it for reading too, so a CLI that never read it fails its case
 * rather than leaving the writer waiting forever.
 */
const feedPipe = (path: string, generated: Generated): { settle: () => Promise<void> } => {
  const writing = writeFile(path, contentOf(generated)).catch(() => undefined);
  return {
    settle: async () => {
      const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      await writing;
      closeSync(reader);
    },
  };
};

interface Outcome {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  readonly peakRssKiB: number | undefined;
}

const run = async (item: Case): Promise<Outcome> => {
  const rssFile = join(rssDir, `${item.name.replaceAll('/', '_')}.rss`);
  const args = item.args.map((arg) => arg.replaceAll('$FILE', item.input));
  const pipe = item.generated?.fifo ? feedPipe(join(workDir, item.input), item.generated) : undefined;
  const started = performance.now();
  const result = await execa('node', ['--require', PEAK_RSS_PRELOAD, BIN, ...args], {
    cwd: workDir,
    reject: false,
    stripFinalNewline: false,
    timeout: 3 * TIME_BOUND_MS,
    env: { NO_COLOR: '1', PATH: `${FIXTURE_BIN}:${process.env.PATH ?? ''}`, RUNBOOK_BENCH_RSS_FILE: rssFile },
  });
  const elapsedMs = performance.now() - started;
  await pipe?.settle();
  const peakRssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined;
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr), elapsedMs, peakRssKiB };
};

/** Runs `work` on every item, `limit` at a time: 2 cores run a few CLIs at once well, a hundred serially slowly. */
const eachConcurrently = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> => {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: limit }, worker));
};

/** `file:line:col: message [RB_CODE]`, or `file: message [RB_CODE]` for a file that could not be read at all. */
const DIAGNOSTIC_LINE = /^\S.*?: \S.* \[RB_[A-Z_]+\]$/;

/** What each case's run gave, by case name: all cases run up front, a few at a time, before the layers are judged. */
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'runbook-invalid-corpus-'));
  rssDir = mkdtempSync(join(tmpdir(), 'runbook-invalid-corpus-rss-'));
  cpSync(CORPUS, workDir, { recursive: true });
  for (const item of CASES) if (item.generated) await generate(item.generated, join(workDir, item.input));
  filesBefore = listFiles(workDir);
  await eachConcurrently(CASES, CONCURRENCY, async (item) => {
    outcomes.set(item.name, await run(item));
  });
}, 600_000);

afterAll(() => {
  for (const dir of [workDir, rssDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const LAYERS = ['yaml', 'schema', 'planner', 'diagnosis', 'include', 'inputs', 'cli'];

const layerOf = (item: Case): string => item.name.split('/')[0]!;

describe('the invalid-input corpus', () => {
  test('holds at least 100 cases in its layers, each input with its expected lines', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect([...new Set(CASES.map(layerOf))].sort()).toEqual([...LAYERS].sort());
    expect(orphans(CORPUS)).toEqual([]);
    for (const item of CASES) if (item.args.includes('$FILE')) expect(item.input, item.name).not.toBe('');
  });

  // One test per layer; every failed case is reported, by name.
  test.each(LAYERS)('%s: exit 2, the expected lines and nothing else, in bounded time and memory, nothing run', (layer) => {
    for (const item of CASES.filter((each) => layerOf(each) === layer)) {
      const outcome = outcomes.get(item.name)!;
      const check = (value: unknown, what: string) => expect.soft(value, `${item.name}: ${what}`);
      check(outcome.stderr, 'stderr').toBe(item.expected.replaceAll('$FILE', item.input));
      check(outcome.stdout, 'stdout').toBe('');
      check(outcome.exitCode, 'exit code').toBe(2);
      check(outcome.stderr, 'stack trace').not.toMatch(/^\s+at |Error:|internal error/m);
      for (const line of outcome.stderr.split('\n').filter((text) => text !== '')) check(line, 'one diagnostic a line').toMatch(DIAGNOSTIC_LINE);
      check(outcome.elapsedMs, 'wall time (ms)').toBeLessThan(TIME_BOUND_MS);
      check(outcome.peakRssKiB, 'peak RSS (KiB), reported at exit').toBeLessThan(MEMORY_BOUND_KIB);
      if (item.marker) check(existsSync(join(workDir, item.marker)), `${item.marker} exists: a check ran`).toBe(false);
    }
  });

  test('no case created a file: nothing ran', () => {
    expect(listFiles(workDir)).toEqual(filesBefore);
  });
});
