// What a command that starts nothing loads: node:child_process (with net and dgram) cost about
// 15 ms of every command's start-up, required by commander for subcommands runbook does not have
// (scripts/bundle.ts gives commander a stand-in that loads it on first use).
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { BIN, ROOT, inlineFiles } from '../helpers/run-cli.js';

/** Runs the built CLI with a preload that says, as the process exits, whether child_process was loaded. */
const loadsChildProcess = async (args: readonly string[]): Promise<{ exitCode: number; loaded: boolean }> => {
  const dir = inlineFiles({
    'report-loads.cjs': "process.on('exit', () => process.stderr.write('\\nchild_process loaded: ' + process.moduleLoadList.includes('NativeModule child_process') + '\\n'));",
  });
  const result = await execa(process.execPath, ['--require', join(dir, 'report-loads.cjs'), BIN, ...args], { reject: false, cwd: ROOT });
  const said = /child_process loaded: (true|false)/.exec(result.stderr);
  if (!said) throw new Error(`no report of the loads in: ${result.stderr}`);
  return { exitCode: result.exitCode ?? -1, loaded: said[1] === 'true' };
};

describe('start-up', () => {
  test.each([[['--version']], [['--help']], [['validate', 'runbooks/mysql-connectivity.yaml']]])('runbook %j does not load node:child_process', async (args) => {
    expect(await loadsChildProcess(args)).toEqual({ exitCode: 0, loaded: false });
  });

  test('a run that starts a command loads it, and the command runs', async () => {
    const dir = inlineFiles({
      'local.yaml': ['version: 1', 'title: one command', 'hosts: { here: local }', 'questions:', '  - id: q', '    title: does it echo?', '    checks:', '      - { id: c, on: here, run: "echo hi", expect: { stdout: { contains: hi } } }', ''].join('\n'),
    });
    expect(await loadsChildProcess(['run', join(dir, 'local.yaml')])).toEqual({ exitCode: 0, loaded: true });
  });
});
