// Runs the built CLI on inline runbook files in a fresh temporary directory and returns what a user
// would see: exit code, stdout, stderr, and the parsed JSON report when there is one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';
import type { RunReport } from '../../src/model/report.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin/runbook.js');
export const FIXTURE_BIN = join(ROOT, 'test/fixtures/bin');

/** The published report schema, checked the way a consumer of the JSON report would. */
export const validateReport = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')) as object,
);

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly dir: string;
  readonly report?: RunReport;
}

/** A temporary directory holding `files`, removed when the test ends. */
export const inlineFiles = (files: Readonly<Record<string, string>>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-e2e-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
};

const parseReport = (stdout: string): RunReport | undefined => {
  try {
    const parsed = JSON.parse(stdout) as RunReport;
    return typeof parsed === 'object' && parsed !== null && 'reportVersion' in parsed ? parsed : undefined;
  } catch {
    return undefined;
  }
};

export const startCli = (dir: string, args: readonly string[], env: Record<string, string> = {}) =>
  execa('node', [BIN, ...args], { cwd: dir, reject: false, stripFinalNewline: false, env: { NO_COLOR: '1', PATH: `${FIXTURE_BIN}:${process.env.PATH ?? ''}`, ...env }, timeout: 60_000 });

export const runCli = async (files: Readonly<Record<string, string>>, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> => {
  const dir = inlineFiles(files);
  const result = await startCli(dir, args, env);
  const stdout = String(result.stdout);
  const report = parseReport(stdout);
  return { exitCode: result.exitCode ?? -1, stdout, stderr: String(result.stderr), dir, ...(report ? { report } : {}) };
};

/** A minimal valid runbook around the given checks, on a `local` host named `here`. */
export const runbookWith = (checksYaml: string, extra = ''): string => `version: 1
title: Inline test runbook
${extra}hosts:
  here: local
questions:
  - id: q
    title: The question
    checks:
${checksYaml}`;
