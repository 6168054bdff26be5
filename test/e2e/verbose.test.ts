// --verbose: the executor's events heard by a listener, one line per finished check on stderr,
// while stdout stays the report alone.
import { expect, test } from 'vitest';
import { runbookWith, runCli } from '../helpers/run-cli.js';

const CHECKS = `      - id: works
        on: here
        run: echo fine
      - id: breaks
        on: here
        run: exit-with 3
      - id: after-breaks
        on: here
        run: echo never
        depends_on: [breaks]
`;

test('a line per finished check on stderr: status, host, time, reason; the JSON on stdout untouched', async () => {
  const result = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--verbose', '--reporter', 'json']);
  expect(result.exitCode).toBe(1);
  expect(result.report?.questions[0]?.checks.map((check) => check.status)).toEqual(['pass', 'fail', 'skipped']);
  const lines = result.stderr.trim().split('\n').sort();
  expect(lines).toEqual([
    expect.stringMatching(/^fail {4}breaks on here \(local\), \d+ ms: exit_code expected to equal 0, got 3$/),
    expect.stringMatching(/^pass {4}works on here \(local\), \d+ ms$/),
    'skipped after-breaks on here (local), 0 ms: dependency "breaks" failed',
  ]);
});

test('without --verbose, stderr stays quiet', async () => {
  const result = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--reporter', 'json']);
  expect(result.stderr).toBe('');
});
