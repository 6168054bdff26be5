// How a command ended, as every report words it.
import { describe, expect, test } from 'vitest';
import type { Evidence } from '../../src/model/outcome.js';
import { endLine, exitText } from '../../src/report/evidence-text.js';

const NO_OUTPUT = { text: '', totalLines: 0, totalBytes: 0, truncated: false };
const evidence = (overrides: Partial<Evidence>): Evidence => ({ host: 'db (root@10.0.0.5)', command: 'true', exitCode: 0, durationMs: 12, stdout: NO_OUTPUT, stderr: NO_OUTPUT, ...overrides });

describe('exitText and endLine', () => {
  test.each([
    ['an exit code with its meaning', { exitCode: 1, exitMeaning: 'general failure' }, 'exit 1 (general failure)'],
    ['a signal', { exitCode: null, signal: 'SIGKILL' }, 'ended by SIGKILL'],
    ['a lost connection', { exitCode: null }, 'no exit code'],
    ['never run', { exitCode: null, notRun: true as const }, 'not run'],
    ['stopped on purpose, by its signal', { exitCode: null, signal: 'SIGTERM', stopped: true as const }, 'stopped by runbook (SIGTERM)'],
    ['stopped on purpose, exiting on its own terms', { exitCode: 0, stopped: true as const }, 'stopped by runbook (exit 0)'],
  ])('%s', (_name, overrides, text) => {
    expect(exitText(evidence(overrides))).toBe(text);
  });

  test('the line under a command: how, how long, where; a command never run has no duration', () => {
    expect(endLine(evidence({ exitCode: null, signal: 'SIGTERM', stopped: true, durationMs: 273 }))).toBe('stopped by runbook (SIGTERM) after 273 ms on db (root@10.0.0.5)');
    expect(endLine(evidence({ exitCode: null, notRun: true }))).toBe('not run on db (root@10.0.0.5)');
  });
});
