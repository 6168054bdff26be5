// --verbose: the run's events heard by a listener, on stderr: a header when the run starts, one
// line per finished check, a footer when it ends; while stdout stays the report alone.
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

const HEADER = 'running v.yaml: 3 checks on here (local)';
const FOOTER = /^fail, exit code 1, 3 checks in \d+ ms: 1 pass, 1 fail, 1 skipped$/;

test('a line per finished check on stderr: status, host, time, reason; the JSON on stdout untouched', async () => {
  const result = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--verbose', '--reporter', 'json']);
  expect(result.exitCode).toBe(1);
  expect(result.report?.questions[0]?.checks.map((check) => check.status)).toEqual(['pass', 'fail', 'skipped']);
  const lines = result.stderr.trim().split('\n');
  // Checks finish in any order between the run's first and last line.
  expect(lines.slice(1, -1).sort()).toEqual([
    expect.stringMatching(/^fail {4}breaks on here \(local\), \d+ ms: exit_code expected to equal 0, got 3$/),
    expect.stringMatching(/^pass {4}works on here \(local\), \d+ ms$/),
    'skipped after-breaks on here (local), 0 ms: dependency "breaks" failed',
  ]);
});

test('a header as the run starts (files, checks, hosts) and a footer as it ends, told from the report', async () => {
  const result = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--verbose', '--reporter', 'json']);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(5);
  expect(lines[0]).toBe(HEADER);
  expect(lines.at(-1)).toMatch(FOOTER);
  expect(lines.at(-1)).toContain(`in ${result.report?.durationMs} ms`);
});

test('stdout holds the report alone: the JSON parses whole, the human report has no progress line', async () => {
  const json = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--verbose', '--reporter', 'json']);
  expect(JSON.parse(json.stdout)).toEqual(json.report);
  const human = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--verbose']);
  const quiet = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml']);
  expect(human.stderr).toContain(HEADER);
  expect(human.stdout).not.toContain('running ');
  expect(human.stdout).not.toMatch(/exit code 1, 3 checks in/);
  // The same report either way, but for the times it measures.
  const timeless = (text: string) => text.replace(/\d+(\.\d+)? ?m?s\b/g, 'T');
  expect(timeless(human.stdout)).toBe(timeless(quiet.stdout));
});

test('with --quiet, stderr stays quiet; without it, stderr that is not a terminal gets the same lines as --verbose', async () => {
  const quiet = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--reporter', 'json', '--quiet']);
  expect(quiet.stderr).toBe('');
  const timeless = (text: string) => text.replace(/\d+ ms\b/g, 'T ms');
  const plain = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--reporter', 'json']);
  const verbose = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--reporter', 'json', '--verbose']);
  expect(plain.stderr).toMatch(/^running v\.yaml: 3 checks on here \(local\)\n/);
  expect(timeless(plain.stderr).split('\n').sort()).toEqual(timeless(verbose.stderr).split('\n').sort());
  const onCi = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--reporter', 'json'], { CI: 'true' });
  expect(timeless(onCi.stderr).split('\n').sort()).toEqual(timeless(verbose.stderr).split('\n').sort());
});

test('--quiet and --verbose together are a usage error', async () => {
  const result = await runCli({ 'v.yaml': runbookWith(CHECKS) }, ['run', 'v.yaml', '--quiet', '--verbose']);
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toMatch(/option '--verbose' cannot be used with option '--quiet'/);
});
