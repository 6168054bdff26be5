// The run's events as a listener hears them from runPlans: a run-start before anything runs, a
// check-start/check-end pair per check that ran, a run-end that agrees with the report; all plain
// data, masked, and a listener that throws never breaks the run.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadPlans } from '../../src/app/load-plans.js';
import { runPlans, type RunSettings } from '../../src/app/run-runbooks.js';
import type { ExecutionEvent } from '../../src/execute/events.js';
import { inlineFiles, runbookWith } from '../helpers/run-cli.js';

const SECRET = 's3cr3t-events-91x';

const CHECKS = `      - id: works
        on: here
        run: echo fine
      - id: says-secret
        on: here
        run: echo \${vars.token}
        expect:
          stdout: { equals: something-else }
      - id: breaks
        on: here
        run: exit 3
      - id: after-breaks
        on: here
        run: echo never
        depends_on: [breaks]
`;

const plansFor = async () => {
  const dir = inlineFiles({ 'e.yaml': runbookWith(CHECKS, 'vars:\n  token: { secret: true }\n') });
  return loadPlans([join(dir, 'e.yaml')], { vars: { token: SECRET } });
};

const settings = (overrides: Partial<RunSettings> = {}): RunSettings => ({
  concurrency: 4,
  defaultTimeoutMs: 10_000,
  signal: new AbortController().signal,
  ssh: {},
  ...overrides,
});

const record = async (overrides: Partial<RunSettings> = {}) => {
  const events: ExecutionEvent[] = [];
  const report = await runPlans(await plansFor(), settings({ onEvent: (event) => events.push(event), ...overrides }));
  return { events, report };
};

const ofType = <T extends ExecutionEvent['type']>(events: readonly ExecutionEvent[], type: T) =>
  events.filter((event): event is Extract<ExecutionEvent, { type: T }> => event.type === type);

describe('the events of a run', () => {
  test('run-start first: files, titles, checks and hosts with their targets, the report\'s start time', async () => {
    const { events, report } = await record();
    expect(events[0]).toEqual({
      type: 'run-start',
      startedAt: report.startedAt,
      checks: 4,
      runbooks: [{
        file: expect.stringMatching(/e\.yaml$/),
        title: 'Inline test runbook',
        checks: 4,
        hosts: [{ role: 'here', target: 'local' }],
        // What a live view lays out before any check ends: each question with its checks, where they run.
        questions: [{
          id: 'q',
          title: 'The question',
          checks: ['works', 'says-secret', 'breaks', 'after-breaks'].map((id) => ({ id, host: { role: 'here', target: 'local' }, hosts: 1, informational: false })),
        }],
      }],
    });
    expect(ofType(events, 'run-start')).toHaveLength(1);
  });

  test('a check-end per check, a check-start before it for each check that ran, with host and times', async () => {
    const { events } = await record();
    const ends = ofType(events, 'check-end');
    expect(ends.map((event) => event.check.id).sort()).toEqual(['after-breaks', 'breaks', 'says-secret', 'works']);
    for (const end of ends) expect(end.check).toEqual({ runbook: expect.stringMatching(/e\.yaml$/), id: end.result.id, question: 'q' });
    const starts = ofType(events, 'check-start');
    // The skipped check never started: its dependency failed.
    expect(starts.map((event) => event.check.id).sort()).toEqual(['breaks', 'says-secret', 'works']);
    for (const start of starts) {
      expect(start.host).toEqual({ role: 'here', target: 'local' });
      const end = ends.find((event) => event.check.id === start.check.id)!;
      expect(events.indexOf(start)).toBeLessThan(events.indexOf(end));
      expect(end.atMs).toBeGreaterThanOrEqual(start.atMs);
    }
    const times = events.flatMap((event) => ('atMs' in event ? [event.atMs] : []));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.every((time) => Number.isInteger(time) && time >= 0)).toBe(true);
  });

  test('run-end last, told from the report', async () => {
    const { events, report } = await record();
    expect(events.at(-1)).toEqual({
      type: 'run-end',
      status: 'fail',
      exitCode: 1,
      interrupted: false,
      durationMs: report.durationMs,
      checks: { total: 4, pass: 1, fail: 2, error: 0, skipped: 1 },
      questions: [{ runbook: expect.stringMatching(/e\.yaml$/), id: 'q', status: 'fail' }],
    });
    expect(events.at(-1)).toMatchObject({ status: report.status, exitCode: report.exitCode, checks: report.summary.checks });
    expect(ofType(events, 'run-end')).toHaveLength(1);
  });

  test('plain data, with secrets masked before the listener hears them', async () => {
    const { events } = await record();
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
    const text = JSON.stringify(events);
    expect(text).not.toContain(SECRET);
    expect(ofType(events, 'check-end').find((event) => event.check.id === 'says-secret')?.result.reason).toContain('***');
  });

  test('an interrupted run still starts and ends, and says it was interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { events } = await record({ signal: controller.signal });
    expect(events[0]?.type).toBe('run-start');
    expect(ofType(events, 'check-start')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', interrupted: true, exitCode: 130, checks: { total: 4, skipped: 4 } });
  });
});

describe('a listener that throws', () => {
  test.for(['run-start', 'check-start', 'check-end'] as const)('on %s: dropped, its owner told once, the run and its report unchanged', async (failOn) => {
    const heard: ExecutionEvent['type'][] = [];
    const errors: unknown[] = [];
    const { report } = await record({
      onEvent: (event) => {
        heard.push(event.type);
        if (event.type === failOn) throw new Error('view broke');
      },
      onListenerError: (error) => errors.push(error),
    });
    expect(errors).toEqual([new Error('view broke')]);
    expect(heard.at(-1)).toBe(failOn);
    expect(heard.filter((type) => type === failOn)).toHaveLength(1);
    expect(report.summary.checks).toEqual({ total: 4, pass: 1, fail: 2, error: 0, skipped: 1 });
    expect(report.exitCode).toBe(1);
  });
});
