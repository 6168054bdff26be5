// The live progress view (issue 11), in a real terminal: tmux runs the built CLI with stderr on its
// pane and stdout into a file, and the pane is read while the run goes and after it ends. The plain
// lines (stderr not a terminal) are tested by their output in verbose.test.ts and run.test.ts.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { BIN, inlineFiles } from '../helpers/run-cli.js';

const RUNBOOK = `version: 1
title: Slow checks
hosts:
  here: local
questions:
  - id: first
    title: Does the first thing work?
    checks:
      - { id: quick, on: here, run: "echo ok" }
      - { id: slow, on: here, run: "sleep 4; echo ok" }
  - id: second
    title: Does the second thing work?
    checks:
      - { id: broken, on: here, run: "exit 3" }
      - { id: after-broken, on: here, run: "true", depends_on: [broken] }
`;

const hasTmux = (await execa('tmux', ['-V'], { reject: false }).catch(() => ({ exitCode: 1 }))).exitCode === 0;
const hasScript = (await execa('script', ['--version'], { reject: false }).catch(() => ({ exitCode: 1 }))).exitCode === 0;

/** A tmux server of our own (its own socket), so the operator's sessions are never touched. */
const terminal = (dir: string) => {
  const socket = `runbook-test-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args], { reject: false });
  onTestFinished(async () => {
    await tmux('kill-server');
  });
  return {
    start: (command: string) => tmux('new-session', '-d', '-x', '120', '-y', '30', '-c', dir, command),
    interrupt: () => tmux('send-keys', 'C-c'),
    screen: async () => String((await tmux('capture-pane', '-p')).stdout),
  };
};

const waitFor = async (read: () => Promise<string>, holds: (screen: string) => boolean, timeoutMs: number): Promise<string> => {
  const until = Date.now() + timeoutMs;
  let screen = await read();
  while (!holds(screen) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    screen = await read();
  }
  return screen;
};

describe('live progress on a terminal', () => {
  test.skipIf(!hasTmux && !process.env.CI)('each question with its checks, a spinner and the time while running, the verdicts as they come; stdout stays the report', async () => {
    const dir = inlineFiles({ 'r.yaml': RUNBOOK });
    const tty = terminal(dir);
    // The live view is what a person at a terminal gets: not on CI, whatever the environment of the test run says.
    await tty.start(`env -u CI node ${BIN} run r.yaml > out.txt; echo "exit $?"; sleep 60`);
    // While `slow` runs: the finished ones show their verdict, `slow` its spinner and its time so far.
    const during = await waitFor(tty.screen, (screen) => /slow on here \(local\) {2}running \d+\.\ds/.test(screen) && /broken.*fail/.test(screen), 20_000);
    expect(during).toMatch(/quick on here \(local\) {2}pass in \d+\.\ds/);
    expect(during).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow on here \(local\) {2}running \d+\.\ds/);
    expect(during).toMatch(/✖ broken on here \(local\) {2}fail in \d+\.\ds: exit_code expected to equal 0, got 3/);
    expect(during).toContain('after-broken on here (local)  skipped');
    // After the end: every verdict, each question's as the report gives it.
    const after = await waitFor(tty.screen, (screen) => screen.includes('exit 1'), 20_000);
    expect(after).toMatch(/✔ Does the first thing work\? {2}PASS\n {2}✔ quick on here \(local\) {2}pass in \d+\.\ds\n {2}✔ slow on here \(local\) {2}pass in \d+\.\ds/);
    expect(after).toMatch(/Does the second thing work\? {2}FAIL/);
    expect(after).not.toContain('running');
    const report = readFileSync(join(dir, 'out.txt'), 'utf8');
    expect(report).toMatch(/^Slow checks {2}\(r\.yaml\)\n/);
    expect(report).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✔✖]/);
  }, 60_000);

  test.skipIf(!hasTmux && !process.env.CI)('Ctrl-C while checks run: the view closes on what ended, the partial report follows, exit 130', async () => {
    const dir = inlineFiles({ 'r.yaml': RUNBOOK.replace('sleep 4; ', 'sleep 60; ') });
    const tty = terminal(dir);
    // The live view is what a person at a terminal gets: not on CI, whatever the environment of the test run says.
    await tty.start(`env -u CI node ${BIN} run r.yaml > out.txt; echo "exit $?"; sleep 60`);
    await waitFor(tty.screen, (screen) => /slow on here \(local\) {2}running/.test(screen), 20_000);
    await tty.interrupt();
    const after = await waitFor(tty.screen, (screen) => screen.includes('exit 130'), 20_000);
    expect(after).toMatch(/slow on here \(local\) {2}(error|not finished)/);
    expect(after).toContain('quick on here (local)  pass');
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toMatch(/Result: .* \(interrupted\), exit code 130/);
  }, 60_000);

  test.skipIf(!hasTmux && !process.env.CI)('CI=true or --verbose on a terminal: plain lines, no redrawing', async () => {
    const dir = inlineFiles({ 'r.yaml': RUNBOOK.replace('sleep 4; ', '') });
    const tty = terminal(dir);
    await tty.start(`CI=true node ${BIN} run r.yaml > out.txt; echo "exit $?"; sleep 60`);
    const after = await waitFor(tty.screen, (screen) => screen.includes('exit 1'), 20_000);
    expect(after).toMatch(/^running r\.yaml: 4 checks on here \(local\)\n/);
    expect(after).toMatch(/^fail +broken on here \(local\), \d+ ms: exit_code expected to equal 0, got 3$/m);
    expect(after).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✔✖]/);
  }, 60_000);

  // script(1) from util-linux gives the command a pseudo-terminal of its own, sized as its own
  // stdin's terminal: here none, so 0 columns, as in CI runners that allocate a tty and never size it.
  test.skipIf(!hasScript && !process.env.CI)('a terminal of no known width (0 columns): plain lines, not one character a line', async () => {
    const dir = inlineFiles({ 'r.yaml': RUNBOOK.replace('sleep 4; ', '') });
    const result = await execa('script', ['-qec', `env -u CI node ${BIN} run r.yaml --no-color > out.txt`, '/dev/null'], { cwd: dir, reject: false, stdin: 'ignore' });
    expect(result.exitCode).toBe(1);
    const progress = String(result.stdout).replaceAll('\r', '');
    expect(progress).toMatch(/^running r\.yaml: 4 checks on here \(local\)$/m);
    expect(progress).toMatch(/^fail +broken on here \(local\), \d+ ms: exit_code expected to equal 0, got 3$/m);
    expect(progress.split('\n').filter((line) => line.trim().length === 1)).toEqual([]);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toMatch(/Result: FAIL, exit code 1/);
  }, 60_000);
});
