// What runbook reads back of its own making, changed by hand or by something hostile: a recording
// (`run --replay`, `runbook test`) and the JSON reports `merge-reports` joins. Whatever the change,
// the CLI ends as documented: a verdict (0, 1, 3), or exit 2 with one line per problem naming the
// file, never an internal error, a stack, an empty refusal, or a character that acts on the terminal.
// The cases that once failed this (a whole number as the format, shards of two runs, a report's
// terminal controls) have exact tests in record-replay.test.ts and merge-reports.test.ts.
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HIDDEN } from '../../src/model/visible-text.js';
import { RECORDED_RUNBOOK, SECRET } from '../helpers/recorded-runbook.js';
import { inlineFiles, startCli } from '../helpers/run-cli.js';

/** The record-and-replay runbook, and a check that speaks HTTP, for a recorded stream. */
const RUNBOOK = RECORDED_RUNBOOK.replace(
  'diagnosis:',
  `  - id: web
    title: Does the web answer?
    checks:
      - id: health
        on: here
        http: { url: "http://127.0.0.1:1/health", timeout: 2s }
diagnosis:`,
);
const TOKEN = { RUNBOOK_VAR_token: SECRET };

type Mutation = (dir: string) => void;

const edit = (file: string, change: (text: string) => string): void => writeFileSync(file, change(readFileSync(file, 'utf8')));
const meta = (dir: string): string => join(dir, 'recording.yaml');
const say = (dir: string): string => join(dir, 'book/say@local.yaml');
const health = (dir: string): string => join(dir, 'book/health@local.yaml');
const aliasBomb = Array.from({ length: 7 }, (_, level) => `l${level}: &l${level} [${Array(9).fill(level === 0 ? 'x' : `*l${level - 1}`).join(', ')}]`).join('\n');

/** Each a change to a fresh copy of the recording. */
const RECORDING_CHANGES: Record<string, Mutation> = {
  'recording.yaml empty': (dir) => writeFileSync(meta(dir), ''),
  'recording.yaml binary': (dir) => writeFileSync(meta(dir), Buffer.from([0, 1, 0xff, 0x9b])),
  'recording.yaml a directory': (dir) => (rmSync(meta(dir)), mkdirSync(meta(dir))),
  'format 2': (dir) => edit(meta(dir), (text) => text.replace('format: 1', 'format: 2')),
  'format 0': (dir) => edit(meta(dir), (text) => text.replace('format: 1', 'format: 0')),
  'format as text': (dir) => edit(meta(dir), (text) => text.replace('format: 1', 'format: "1"')),
  'no format': (dir) => edit(meta(dir), (text) => text.replace('format: 1', '')),
  'runbooks null': (dir) => edit(meta(dir), (text) => text.replace(/runbooks:[\s\S]*?vars:/, 'runbooks: null\nvars:')),
  'runbooks empty': (dir) => edit(meta(dir), (text) => text.replace(/runbooks:[\s\S]*?vars:/, 'runbooks: []\nvars:')),
  'folder out of the recording': (dir) => edit(meta(dir), (text) => text.replace('folder: book', 'folder: ../../etc')),
  'vars a list': (dir) => edit(meta(dir), (text) => text.replace(/^vars: .*$/m, 'vars: [1, 2]')),
  'secrets a map': (dir) => edit(meta(dir), (text) => text.replace(/^secrets:\n(\s+- .*\n)*/m, 'secrets: {a: 1}\n')),
  'no time, no tool': (dir) => edit(meta(dir), (text) => text.replace(/^recorded_at: .*$/m, 'recorded_at: ""').replace(/^tool: .*$/m, 'tool: ""')),
  'an alias bomb': (dir) => writeFileSync(meta(dir), `${aliasBomb}\n`),
  'an unresolved alias': (dir) => edit(meta(dir), (text) => `${text}\nx: *nowhere\n`),
  'answers empty': (dir) => writeFileSync(say(dir), ''),
  'answers binary': (dir) => writeFileSync(say(dir), Buffer.from([0xff, 0xfe, 0, 0x1b, 0x5b, 0x32, 0x4a])),
  'answers missing': (dir) => rmSync(say(dir)),
  'answers a directory': (dir) => (rmSync(say(dir)), mkdirSync(say(dir))),
  'answers a symlink loop': (dir) => (rmSync(say(dir)), symlinkSync(say(dir), say(dir))),
  'attempts null': (dir) => edit(say(dir), (text) => text.replace(/attempts:[\s\S]*$/, 'attempts: null\n')),
  'attempts empty': (dir) => edit(say(dir), (text) => text.replace(/attempts:[\s\S]*$/, 'attempts: []\n')),
  'exit code as text': (dir) => edit(say(dir), (text) => text.replace('exit_code: 0', 'exit_code: zero')),
  'exit code 1e300': (dir) => edit(say(dir), (text) => text.replace('exit_code: 0', 'exit_code: 1e300')),
  'exit code 256': (dir) => edit(say(dir), (text) => text.replace('exit_code: 0', 'exit_code: 256')),
  'exit code -1': (dir) => edit(say(dir), (text) => text.replace('exit_code: 0', 'exit_code: -1')),
  'exit code null': (dir) => edit(say(dir), (text) => text.replace('exit_code: 0', 'exit_code: null')),
  'duration .inf': (dir) => edit(say(dir), (text) => text.replace(/duration_ms: \d+/, 'duration_ms: .inf')),
  'stdout a map': (dir) => edit(say(dir), (text) => text.replace(/stdout: .*(\n\s{6}.*)?/, 'stdout: {a: 1}')),
  'stdout with terminal controls': (dir) => edit(say(dir), (text) => text.replace(/stdout: .*(\n\s{6}.*)?/, 'stdout: "\\e]0;owned\\a\\e[2J\\u009b31m\\u202e"')),
  'another command': (dir) => edit(say(dir), (text) => text.replace('run: echo', 'run: echo again')),
  'another check': (dir) => edit(say(dir), (text) => text.replace('check: say', 'check: other')),
  'nested 5,000 deep': (dir) => writeFileSync(say(dir), `${'['.repeat(5000)}${']'.repeat(5000)}`),
  'a 30 MB answer': (dir) => edit(say(dir), (text) => text.replace(/stdout: .*(\n\s{6}.*)?/, `stdout: "${'A'.repeat(30_000_000)}"`)),
  'answers nobody asked for': (dir) => writeFileSync(join(dir, 'book/zz@local.yaml'), 'check: zz\nhost: local\nattempts: []\n'),
  'port 0': (dir) => edit(health(dir), (text) => text.replace(/port: \d+/, 'port: 0')),
  'port 70000': (dir) => edit(health(dir), (text) => text.replace(/port: \d+/, 'port: 70000')),
  'exchange a text': (dir) => edit(health(dir), (text) => text.replace(/failure: \w+/, 'failure: refused\n    exchange: nonsense')),
  'failure unknown': (dir) => edit(health(dir), (text) => text.replace(/failure: \w+/, 'failure: gremlins')),
};

/** Each an expect.yaml beside an intact recording, for `runbook test`. */
const EXPECTATIONS: Record<string, string | Buffer> = {
  'exit code as text': 'exit_code: banana\nquestions: {}\nfindings: []\n',
  'exit code 256': 'exit_code: 256\nquestions: {}\nfindings: []\n',
  'findings a number': 'exit_code: 1\nquestions: {}\nfindings: 3\n',
  'a status nobody gives': 'exit_code: 1\nquestions: { greet: maybe }\nfindings: []\n',
  'an unknown key only': 'exitcode: 0\n',
  binary: Buffer.from([0, 0xff, 0x1b]),
};

/** What a recording's directory holds, so that a change that changes nothing fails its case. */
const snapshot = (dir: string): string[] =>
  readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    const kind = lstatSync(path);
    if (kind.isSymbolicLink()) return [`${name} -> link`];
    if (kind.isDirectory()) return [`${name}/`, ...snapshot(path).map((entry) => `${name}/${entry}`)];
    return [`${name}: ${readFileSync(path, 'latin1')}`];
  });

/** Every line of a refusal: one problem, naming where, with its code; nothing else. */
const PROBLEM_LINE = /^\S.*\[RB_[A-Z_]+\]$/;

const expectDocumentedEnd = ({ exitCode, stdout, stderr }: { exitCode?: number; stdout: unknown; stderr: unknown }): void => {
  const [out, err] = [String(stdout), String(stderr)];
  expect([0, 1, 2, 3], err).toContain(exitCode);
  expect(err).not.toMatch(/\n\s+at /);
  expect(`${out}${err}`.replace(/[\n\t]/g, '')).not.toMatch(new RegExp(HIDDEN.source));
  if (exitCode === 2) {
    const lines = err.trimEnd().split('\n');
    expect(lines.length, 'a refusal says why').toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(PROBLEM_LINE);
  }
};

describe('read back, changed: recordings and reports', () => {
  let source = '';
  beforeAll(async () => {
    // Made once for every case (inlineFiles cleans up after one test only).
    source = mkdtempSync(join(tmpdir(), 'runbook-read-back-'));
    writeFileSync(join(source, 'book.yaml'), RUNBOOK);
    const recorded = await startCli(source, ['run', 'book.yaml', '--record', 'rec', '--quiet'], TOKEN);
    expect(recorded.exitCode, String(recorded.stderr)).toBe(1);
    for (const index of [1, 2]) {
      const shard = await startCli(source, ['run', 'book.yaml', '--shard', `${index}/2`, '--quiet', '--reporter', `json:shard-${index}.json`], TOKEN);
      expect([0, 1]).toContain(shard.exitCode);
    }
  }, 60_000);
  afterAll(() => rmSync(source, { recursive: true, force: true }));

  const copy = (): string => {
    const dir = inlineFiles({ 'book.yaml': RUNBOOK });
    cpSync(join(source, 'rec'), join(dir, 'rec'), { recursive: true });
    return dir;
  };

  test.each(Object.entries(RECORDING_CHANGES))('a recording with %s: replayed, a verdict or exit 2 with a line per problem', async (_, change) => {
    const dir = copy();
    const before = snapshot(join(dir, 'rec'));
    change(join(dir, 'rec'));
    expect(snapshot(join(dir, 'rec'))).not.toEqual(before);
    expectDocumentedEnd(await startCli(dir, ['run', 'book.yaml', '--replay', 'rec']));
  }, 60_000);

  test.each(Object.entries(EXPECTATIONS))('an expect.yaml with %s: exit 2, a line per problem', async (_, text) => {
    const dir = copy();
    writeFileSync(join(dir, 'rec/expect.yaml'), text);
    const result = await startCli(dir, ['test', 'rec', '--runbook', 'book.yaml']);
    expectDocumentedEnd(result);
    expect(result.exitCode).toBe(2);
  }, 60_000);

  const shards = (): { dir: string; report: Record<string, unknown> } => {
    const dir = inlineFiles({ 'book.yaml': RUNBOOK });
    cpSync(join(source, 'shard-2.json'), join(dir, 'shard-2.json'));
    return { dir, report: JSON.parse(readFileSync(join(source, 'shard-1.json'), 'utf8')) as Record<string, unknown> };
  };

  /** Each the first shard's report changed; the second one as runbook wrote it. */
  const REPORT_CHANGES: Record<string, (report: Record<string, unknown>) => unknown> = {
    'the same shard twice': (report) => ({ ...report, shard: { index: 2, total: 2 } }),
    'another total': (report) => ({ ...report, shard: { index: 1, total: 3 } }),
    'shard 0': (report) => ({ ...report, shard: { index: 0, total: 2 } }),
    'shard 1 of 10 million': (report) => ({ ...report, shard: { index: 1, total: 10_000_000 } }),
    'no shard': ({ shard: _, ...report }) => report,
    'version 2': (report) => ({ ...report, reportVersion: 2 }),
    'questions null': (report) => ({ ...report, questions: null }),
    'another runbook': (report) => ({ ...report, runbooks: (report.runbooks as { file: string }[]).map((runbook) => ({ ...runbook, file: 'other.yaml' })) }),
    'no runbook': (report) => ({ ...report, runbooks: [] }),
    'other variables': (report) => ({ ...report, runbooks: (report.runbooks as object[]).map((runbook) => ({ ...runbook, vars: { word: 'bye' } })) }),
    'a title with terminal controls': (report) => ({ ...report, questions: (report.questions as object[]).map((question) => ({ ...question, title: '\u001b]0;owned\u0007\u009b2J' })) }),
    'a key with a C1 control': (report) => ({ ...report, runbooks: (report.runbooks as object[]).map((runbook) => ({ ...runbook, vars: { 'w\u009bord': 'hello' } })) }),
    'a start that is no date': (report) => ({ ...report, startedAt: 'yesterday' }),
    'a list': () => [],
    // As text: JSON.stringify itself would overflow the stack on it.
    'nested 100,000 deep': () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  };

  test.each(Object.entries(REPORT_CHANGES))('shard reports, one with %s: merged, or exit 2 with a line per problem', async (_, change) => {
    const { dir, report } = shards();
    const changed = change(report);
    writeFileSync(join(dir, 'shard-1.json'), typeof changed === 'string' ? changed : JSON.stringify(changed));
    expectDocumentedEnd(await startCli(dir, ['merge-reports', 'shard-1.json', 'shard-2.json']));
  }, 60_000);

  // Merged alone, each was an internal error (exit 70), or a line for every shard up to the total
  // that never ended.
  test.each([
    ['1 of 10 million', { index: 1, total: 10_000_000 }, "shards 2/10000000 to 10000000/10000000 are missing (9999999): merge every shard's report [RB_USAGE]\n"],
    ['1 of 2^60', { index: 1, total: 2 ** 60 }, 'shard-1.json: /shard/total must be <= 9007199254740991 [RB_USAGE]\n'],
    ['1 of 1e300', { index: 1, total: 1e300 }, 'shard-1.json: /shard/total must be <= 9007199254740991 [RB_USAGE]\n'],
  ])('a lone shard %s: one line, exit 2', async (_, shard, line) => {
    const { dir, report } = shards();
    writeFileSync(join(dir, 'shard-1.json'), JSON.stringify({ ...report, shard }).replace('1e+300', '1e300'));
    const merged = await startCli(dir, ['merge-reports', 'shard-1.json']);
    expect([merged.exitCode, merged.stdout, merged.stderr]).toEqual([2, '', line]);
  }, 60_000);

  test('the two shards as runbook wrote them merge', async () => {
    const { dir, report } = shards();
    writeFileSync(join(dir, 'shard-1.json'), JSON.stringify(report));
    const merged = await startCli(dir, ['merge-reports', 'shard-1.json', 'shard-2.json']);
    expectDocumentedEnd(merged);
    expect(merged.exitCode).toBe(1);
  }, 60_000);
});
