// The progress views on a fleet: a check runs once per host, so there is one `check-start` and one
// `check-end` per (check, host). The plain lines name each host; the live view keeps one row per
// check and counts its hosts, its titles built by the pure functions tested here and, through a
// terminal stand-in, by the view itself.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import type { ExecutionEvent, RunbookStart } from '../../src/execute/events.js';
import type { Status } from '../../src/model/outcome.js';
import type { CheckResult } from '../../src/model/report.js';
import { progressLine } from '../../src/progress/lines.js';
import { emptyTally, fleetFinishedTitle, fleetRowMark, fleetRunningTitle, liveProgress, recordEnd, type FleetTally } from '../../src/progress/live.js';
import { checkResultWith } from '../helpers/check-result.js';

const result = (fields: Partial<CheckResult>): CheckResult =>
  checkResultWith({ id: 'port-open', question: 'q', kind: 'port', host: 'web', target: 'root@10.201.0.1:22', durationMs: 12, location: { file: 'r.yaml', line: 1, col: 1 }, ...fields });

const hostName = (index: number): string => `web${String(index).padStart(2, '0')}`;

/** One host's result: `web07` at `root@10.201.0.7:22`. */
const onHost = (index: number, status: Status): CheckResult =>
  result({ hostName: hostName(index), target: `root@10.201.0.${index}:22`, status, ...(status === 'pass' ? {} : { reason: `${status} on ${hostName(index)}` }) });

/** A tally of `hosts` hosts, every one ended with `pass` but those given. */
const tallyOf = (hosts: number, others: Record<number, Status> = {}): FleetTally => {
  const tally = emptyTally(hosts);
  for (let index = 1; index <= hosts; index += 1) recordEnd(tally, onHost(index, others[index] ?? 'pass'));
  return tally;
};

const CHECK = { runbook: 'runbooks/web.yaml', id: 'port-open', question: 'q' };

describe('plain lines on a fleet', () => {
  test('run-start: a fleet role shows its number of hosts, not its members', () => {
    const event: ExecutionEvent = {
      type: 'run-start',
      startedAt: '2026-01-01T00:00:00.000Z',
      checks: 101,
      runbooks: [
        {
          file: 'runbooks/web.yaml',
          title: 'Web',
          checks: 101,
          hosts: [
            { role: 'web', target: '50 hosts: web01, web02, web03, …', fleet: 50 },
            { role: 'db', target: 'root@10.0.0.5:22' },
            { role: 'canary', target: '1 host: web99', fleet: 1 },
          ],
          questions: [],
        },
      ],
    };
    expect(progressLine(event)).toBe('running runbooks/web.yaml: 101 checks on web (50 hosts), db (root@10.0.0.5:22), canary (1 host)');
  });

  test('check-end: one line per host, naming the host and where it is', () => {
    expect(progressLine({ type: 'check-end', check: CHECK, result: onHost(7, 'fail'), atMs: 20 })).toBe('fail    port-open on web07 (root@10.201.0.7:22), 12 ms: fail on web07');
    expect(progressLine({ type: 'check-end', check: CHECK, result: onHost(8, 'pass'), atMs: 20 })).toBe('pass    port-open on web08 (root@10.201.0.8:22), 12 ms');
  });

  test('a fleet host whose destination is its name is written once', () => {
    expect(progressLine({ type: 'check-end', check: CHECK, result: result({ hostName: 'web07', target: 'web07' }), atMs: 20 })).toBe('pass    port-open on web07, 12 ms');
  });

  test('a run on 3 hosts: a line per host as each ends, none when they start', () => {
    const lines = [1, 2, 3].flatMap((index) => [
      progressLine({ type: 'check-start', check: CHECK, host: { role: 'web', target: `root@10.201.0.${index}:22`, name: hostName(index) }, atMs: index }),
      progressLine({ type: 'check-end', check: CHECK, result: onHost(index, index === 2 ? 'error' : 'pass'), atMs: index + 1 }),
    ]);
    expect(lines.filter((line) => line !== undefined)).toEqual([
      'pass    port-open on web01 (root@10.201.0.1:22), 12 ms',
      'error   port-open on web02 (root@10.201.0.2:22), 12 ms: error on web02',
      'pass    port-open on web03 (root@10.201.0.3:22), 12 ms',
    ]);
  });
});

describe('the live row of a fleet check: titles', () => {
  test('200 hosts, 2 failed: the final row counts the passes and names the failed hosts', () => {
    const tally = tallyOf(200, { 31: 'fail', 7: 'fail' });
    expect(fleetFinishedTitle('port-open on web', tally, false)).toBe('port-open on web  198/200 pass · 2 fail (web07, web31)');
    expect(fleetRowMark(tally, false)).toBe('fail');
  });

  test('every host passed: the count only, and a tick', () => {
    const tally = tallyOf(200);
    expect(fleetFinishedTitle('port-open on web', tally, false)).toBe('port-open on web  200/200 pass');
    expect(fleetRowMark(tally, false)).toBe('pass');
  });

  test('at most three hosts are named for each status, in the order people number them, then …', () => {
    const tally = tallyOf(50, { 40: 'fail', 3: 'fail', 12: 'fail', 9: 'fail', 20: 'error', 21: 'skipped' });
    expect(fleetFinishedTitle('port-open on web', tally, false)).toBe('port-open on web  44/50 pass · 4 fail (web03, web09, web12, …) · 1 error (web20) · 1 skipped');
  });

  test('while running: how many hosts ended of how many, and what did not pass so far', () => {
    const tally = emptyTally(50);
    expect(fleetRunningTitle('port-open on web (50 hosts)', tally)).toBe('port-open on web (50 hosts)  waiting');
    tally.started = 20;
    for (let index = 1; index <= 12; index += 1) recordEnd(tally, onHost(index, index <= 3 ? 'fail' : index === 4 ? 'error' : 'pass'));
    expect(fleetRunningTitle('port-open on web (50 hosts)', tally)).toBe('port-open on web (50 hosts)  running 12/50 · 3 fail · 1 error');
  });

  test('every host skipped: the row skips', () => {
    const tally = emptyTally(3);
    for (const index of [1, 2, 3]) recordEnd(tally, onHost(index, 'skipped'));
    expect(fleetFinishedTitle('port-open on web', tally, false)).toBe('port-open on web  0/3 pass · 3 skipped');
    expect(fleetRowMark(tally, false)).toBe('skip');
  });

  test('an informational check says so and never gets the red cross', () => {
    const tally = tallyOf(4, { 2: 'fail' });
    expect(fleetFinishedTitle('port-open on web', tally, true)).toBe('port-open on web  3/4 pass · 1 fail (web02) · informational');
    expect(fleetRowMark(tally, true)).toBe('pass');
  });

  test('an interrupted run: how many hosts never ended', () => {
    const tally = emptyTally(10);
    for (const index of [1, 2, 3]) recordEnd(tally, onHost(index, index === 3 ? 'fail' : 'pass'));
    expect(fleetFinishedTitle('port-open on web', tally, false)).toBe('port-open on web  2/10 pass · 1 fail (web03) · 7 not finished: the run was interrupted');
    expect(fleetRowMark(tally, false)).toBe('fail');
    expect(fleetRowMark(emptyTally(10), false)).toBe('skip');
  });

  test('a check left with no host (--limit, --shard) says so and skips', () => {
    expect(fleetFinishedTitle('port-open on web', emptyTally(0), false)).toBe('port-open on web  no host in this run');
    expect(fleetRowMark(emptyTally(0), false)).toBe('skip');
  });
});

/** A terminal listr2 can draw on: everything written to it, ANSI sequences stripped. */
const fakeTerminal = () => {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; rows: number };
  Object.assign(stream, { isTTY: true, columns: 200, rows: 60 });
  let written = '';
  stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
  // eslint-disable-next-line no-control-regex
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => written.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '') };
};

/** Feeds the events as a run tells them: listr2 lays out its tasks between run-start and the first check's end. */
const play = async (view: ReturnType<typeof liveProgress>, [runStart, ...rest]: readonly ExecutionEvent[]): Promise<void> => {
  view.onEvent(runStart!);
  await new Promise((resolve) => setImmediate(resolve));
  for (const event of rest) view.onEvent(event);
};

const fleetRunbook = (hosts: number): RunbookStart => ({
  file: 'runbooks/web.yaml',
  title: 'Web',
  checks: hosts + 1,
  hosts: [
    { role: 'web', target: `${hosts} hosts: web01, web02, web03, …`, fleet: hosts },
    { role: 'here', target: 'local' },
  ],
  questions: [
    {
      id: 'serving',
      title: 'Do the web hosts serve?',
      checks: [
        { id: 'port-open', host: { role: 'web', target: `${hosts} hosts: web01, web02, web03, …`, fleet: hosts }, hosts, informational: false },
        { id: 'quick', host: { role: 'here', target: 'local' }, hosts: 1, informational: false },
      ],
    },
  ],
});

/** The events of a run of `port-open` on `hosts` hosts (those in `failing` fail) and `quick` on one. */
const fleetRun = (hosts: number, failing: readonly number[]): ExecutionEvent[] => [
  { type: 'run-start', startedAt: '2026-01-01T00:00:00.000Z', checks: hosts + 1, runbooks: [fleetRunbook(hosts)] },
  ...Array.from({ length: hosts }, (_, offset): ExecutionEvent[] => {
    const index = offset + 1;
    return [
      { type: 'check-start', check: CHECK, host: { role: 'web', target: `root@10.201.0.${index}:22`, name: hostName(index) }, atMs: index },
      { type: 'check-end', check: CHECK, result: onHost(index, failing.includes(index) ? 'fail' : 'pass'), atMs: index + 1 },
    ];
  }).flat(),
  { type: 'check-start', check: { ...CHECK, id: 'quick' }, host: { role: 'here', target: 'local' }, atMs: 1 },
  { type: 'check-end', check: { ...CHECK, id: 'quick' }, result: result({ id: 'quick', host: 'here', target: 'local', durationMs: 100 }), atMs: 2 },
  { type: 'run-end', status: 'fail', exitCode: 1, interrupted: false, durationMs: 300, checks: { total: hosts + 1, pass: hosts + 1 - failing.length, fail: failing.length, error: 0, skipped: 0 }, questions: [{ runbook: CHECK.runbook, id: 'serving', status: 'fail' }] },
];

describe('the live view of a fleet check', () => {
  // listr2's forceTTY marks this process's own streams as terminals: give them back as they were.
  const { stdout, stderr } = { stdout: process.stdout.isTTY, stderr: process.stderr.isTTY };
  afterEach(() => {
    process.stdout.isTTY = stdout;
    process.stderr.isTTY = stderr;
  });

  test('200 hosts ending: one row for the fleet check with its red cross, the one-host check as before', async () => {
    const terminal = fakeTerminal();
    const view = liveProgress(terminal.stream);
    await play(view, fleetRun(200, [31, 7]));
    await view.finished();
    const screen = terminal.text();
    expect(screen).toContain('✖ port-open on web  198/200 pass · 2 fail (web07, web31)');
    expect(screen).toMatch(/✔ quick on here \(local\) {2}pass in 0\.1s/);
    expect(screen).toContain('Do the web hosts serve?  FAIL');
    // One row for the fleet check, never one per host.
    expect(screen).not.toMatch(/port-open on web\d\d/);
  });

  test('while hosts run, the ticker draws the counts so far', async () => {
    const terminal = fakeTerminal();
    const view = liveProgress(terminal.stream);
    const events = fleetRun(50, [1, 2, 3]);
    // run-start, then twelve hosts' start and end and eight more hosts' start.
    await play(view, [...events.slice(0, 1 + 2 * 12), ...events.slice(1 + 2 * 12).filter((event) => event.type === 'check-start').slice(0, 8)]);
    // The counts are drawn by the ticker (every 250 ms), not on each event.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(terminal.text()).toContain('port-open on web (50 hosts)  running 12/50 · 3 fail');
    await view.finished();
  });

  test('an interrupted run closes the fleet row on what ended', async () => {
    const terminal = fakeTerminal();
    const view = liveProgress(terminal.stream);
    const events = fleetRun(5, []);
    // run-start, then three hosts' start and end: the other two never end.
    await play(view, events.slice(0, 1 + 2 * 3));
    await view.finished();
    expect(terminal.text()).toContain('port-open on web  3/5 pass · 2 not finished: the run was interrupted');
  });
});
