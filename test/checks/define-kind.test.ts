// A kind runs only the steps its probe declares, and never with a reference the run could not fill.
import { describe, expect, test } from 'vitest';
import { ok } from '../../src/model/result.js';
import { alternativeLine, alternatives, defineCheckKind } from '../../src/checks/probes/define-kind.js';
import type { CommandStep, ObserveContext, ProbeStep } from '../../src/checks/types.js';
import { makeResolver } from '../../src/plan/template.js';

const step = (script: string, extra: Partial<CommandStep> = {}): CommandStep => ({ type: 'command', tool: 'sh', label: script, script, ...extra });

const contextRunning = (ran: string[], captures = new Map<string, string>()): ObserveContext => ({
  host: 'here',
  resolve: makeResolver({ port: 3306 }, captures),
  run: (script, options) => {
    ran.push(`${options?.host ?? 'here'}: ${script}`);
    return Promise.resolve({ exitCode: 0, signal: null, stdout: 'ok', stderr: '', durationMs: 1 });
  },
  start: () => {
    throw new Error('not used');
  },
  connect: () => Promise.reject(new Error('not used')),
  record: () => undefined,
  remainingMs: () => 5000,
  signal: new AbortController().signal,
});

/** A kind whose code may be told to run something else than its probe says. */
const kindRunning = (extra?: { script: string; host?: string }) =>
  defineCheckKind({
    name: 'test-kind',
    summary: 'for tests',
    schema: { type: 'string' },
    fields: { out: 'text' },
    defaultExpect: {},
    probe: (spec: string, { resolve }) => {
      const declared = step(resolve.shell(spec));
      return ok({ target: declared, steps: [declared] });
    },
    observe: async ({ target }, context) => {
      const outcome = await context.run(extra?.script ?? target.script, extra?.host === undefined ? {} : { host: extra.host });
      return { fields: { out: outcome.stdout } };
    },
  });

describe('defineCheckKind', () => {
  test('the declared step runs, its references resolved', async () => {
    const ran: string[] = [];
    const observation = await kindRunning().observe('nc -z db ${vars.port}', contextRunning(ran));
    expect(observation).toEqual({ fields: { out: 'ok' } });
    expect(ran).toEqual(['here: nc -z db 3306']);
  });

  test('a command the probe did not declare is refused before it runs', async () => {
    const ran: string[] = [];
    await expect(kindRunning({ script: 'rm -rf /tmp/x' }).observe('true', contextRunning(ran))).rejects.toThrow(
      'it tried a step its probe does not declare, on here: rm -rf /tmp/x',
    );
    expect(ran).toEqual([]);
  });

  test('the declared command on another host than declared is refused too', async () => {
    const ran: string[] = [];
    await expect(kindRunning({ script: 'true', host: 'there' }).observe('true', contextRunning(ran))).rejects.toThrow(/on there: true/);
    expect(ran).toEqual([]);
  });

  test('a capture with no value when the check runs is an error, and nothing runs', async () => {
    const ran: string[] = [];
    const observation = await kindRunning().observe('kill -0 ${captures.pid}', contextRunning(ran));
    expect(observation).toEqual({ fields: {}, error: '${captures.pid} has no value when the check runs' });
    expect(ran).toEqual([]);
  });

  test('with the capture made, the same check runs with its value', async () => {
    const ran: string[] = [];
    await kindRunning().observe('kill -0 ${captures.pid}', contextRunning(ran, new Map([['pid', '42']])));
    expect(ran).toEqual(['here: kill -0 42']);
  });

  test('describe: the first alternative only; a shell `${...}` of its own is no reference', () => {
    expect(kindRunning().describe('echo ${HOME}', { shell: (t) => t, value: (t) => t })).toBe('echo ${HOME}');
  });
});

describe('alternatives', () => {
  const steps: ProbeStep[] = [
    step('tcpdump -i any'),
    step('nc -z db 3306', { host: 'app', order: 'alongside' }),
    step('tshark', { order: 'else' }),
  ];
  test('else opens an alternative, alongside joins the one before', () => {
    expect(alternatives(steps).map(alternativeLine)).toEqual(['tcpdump -i any; while it runs, on app: nc -z db 3306', 'tshark']);
  });
});
