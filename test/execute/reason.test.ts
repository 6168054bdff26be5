// The one order in which a check's reasons are weighed (execute/reason.ts).
import { describe, expect, test } from 'vitest';
import { checkVerdict, type CommandRecord } from '../../src/execute/reason.js';
import type { ExpectationResult } from '../../src/model/outcome.js';
import type { CommandOutcome } from '../../src/transport/types.js';

const record = (outcome: Partial<CommandOutcome>): CommandRecord => ({
  host: 'db',
  command: 'nc -z db 3306',
  outcome: { exitCode: 0, signal: null, stdout: '', stderr: '', durationMs: 1, ...outcome },
});
const failing: ExpectationResult = { field: 'state', matcher: 'equals "open"', pass: false, expected: '"open"', actual: '"refused"', message: 'state expected to equal "open", got "refused"' };
const passing: ExpectationResult = { ...failing, pass: true, actual: '"open"', message: 'ok' };

describe('checkVerdict: the first reason in the order wins', () => {
  test.each([
    ['an interruption over a timeout', [record({ termination: 'timeout' }), record({ termination: 'canceled' })], {}, { status: 'error', reason: 'interrupted before it finished' }],
    ['a timeout over an unreachable host', [record({ transportError: { code: 'ETIMEDOUT', message: 'db: no answer' } }), record({ termination: 'timeout' })], {}, { status: 'error', reason: 'timed out after 5s on db (the command was killed)' }],
    ['an unreachable host over what the kind says', [record({ exitCode: null, transportError: { code: 'ECONNREFUSED', message: 'db (10.0.0.2:22): connection refused' } })], { observationError: 'nc not installed on db' }, { status: 'error', reason: 'db (10.0.0.2:22): connection refused' }],
    ['what the kind could not observe over a failed expectation', [record({})], { observationError: 'nc not installed on db', expectations: [failing] }, { status: 'error', reason: 'nc not installed on db' }],
    ['a failed expectation over a missing capture', [record({})], { expectations: [failing], missingCapture: 'capture "pid": pid is empty' }, { status: 'fail', reason: failing.message }],
    ['a missing capture fails a check whose expectations passed', [record({})], { expectations: [passing], missingCapture: 'capture "pid": pid is empty' }, { status: 'fail', reason: 'capture "pid": pid is empty' }],
    ['nothing wrong', [record({})], { expectations: [passing] }, { status: 'pass' }],
  ] as const)('%s', (_, records, facts, verdict) => {
    expect(checkVerdict({ records, timeoutMs: 5000, expectations: [], ...facts })).toEqual(verdict);
  });
});
