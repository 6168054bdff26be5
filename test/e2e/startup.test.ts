// What a command loads before it does anything: node:child_process (with net and dgram) cost about
// 15 ms of every command's start-up, required by commander for subcommands runbook does not have
// (scripts/bundle.ts gives commander a stand-in that loads it on first use); node:v8, 7 ms, is
// loaded only by the commands that run a runbook's regexes, to switch V8 to its linear engine.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { BIN, ROOT, inlineFiles } from '../helpers/run-cli.js';

/** Runs the built CLI with a preload that says, as the process exits, which of Node's modules it loaded. */
const loads = async (args: readonly string[]): Promise<{ exitCode: number; childProcess: boolean; v8: boolean }> => {
  const dir = inlineFiles({
    'report-loads.cjs': "process.on('exit', () => process.stderr.write('\\nloaded: ' + JSON.stringify(process.moduleLoadList) + '\\n'));",
  });
  const result = await execa(process.execPath, ['--require', join(dir, 'report-loads.cjs'), BIN, ...args], { reject: false, cwd: ROOT });
  const said = /^loaded: (.*)$/m.exec(result.stderr);
  if (!said) throw new Error(`no report of the loads in: ${result.stderr}`);
  const loaded = JSON.parse(said[1]!) as string[];
  return { exitCode: result.exitCode ?? -1, childProcess: loaded.includes('NativeModule child_process'), v8: loaded.includes('NativeModule v8') };
};

describe('start-up', () => {
  test.each([[['--version']], [['--help']], [['validate', 'runbooks/mysql-connectivity.yaml']]])('runbook %j loads neither node:child_process nor node:v8', async (args) => {
    expect(await loads(args)).toEqual({ exitCode: 0, childProcess: false, v8: false });
  });

  test('a run that starts a command loads both, and the command runs', async () => {
    const dir = inlineFiles({
      'local.yaml': ['version: 1', 'title: one command', 'hosts: { here: local }', 'questions:', '  - id: q', '    title: does it echo?', '    checks:', '      - { id: c, on: here, run: "echo hi", expect: { stdout: { contains: hi } } }', ''].join('\n'),
    });
    expect(await loads(['run', join(dir, 'local.yaml')])).toEqual({ exitCode: 0, childProcess: true, v8: true });
  });

  // Without the linear engine, this pattern backtracks for minutes on a host name of 36 a's and a b.
  test('plan --limit ~REGEX answers at once for a backtracking pattern', async () => {
    const dir = inlineFiles({
      'hosts.yaml': ['version: 1', 'title: hosts', 'hosts:', `  web: [${'a'.repeat(36)}b, bbb]`, 'questions:', '  - id: q', '    title: q', '    checks:', '      - { id: c, on: web, run: "true" }', ''].join('\n'),
    });
    const result = await execa(process.execPath, [BIN, 'plan', join(dir, 'hosts.yaml'), '--limit', '~^(a+)+$'], { reject: false, timeout: 10_000 });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--limit ~^(a+)+$: no host of this run matches it');
  }, 30_000);
});
