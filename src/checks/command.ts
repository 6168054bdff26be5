// The `run:` check: an arbitrary shell command, judged on its exit code and output.
import { ok } from '../model/result.js';
import type { CommandOutcome } from '../transport/types.js';
import type { CommandStep, Observation } from './types.js';
import { runStep } from './probes/attempts.js';
import { defineCheckKind } from './probes/define-kind.js';

const firstLine = (text: string): string => text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';

/** 126/127 come from the shell, not the command: nothing was observed, so the check is an error. */
export const interpretCommand = (outcome: CommandOutcome): Observation => {
  const fields = { exit_code: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr };
  if (outcome.exitCode === 127) return { fields, error: `command not found (exit 127): ${firstLine(outcome.stderr)}` };
  if (outcome.exitCode === 126) return { fields, error: `command not executable (exit 126): ${firstLine(outcome.stderr)}` };
  return { fields };
};

export const command = defineCheckKind({
  name: 'command',
  summary: 'runs a shell command line on the host with /bin/sh -c',
  schema: { type: 'string', minLength: 1, description: 'a shell command line, run with /bin/sh -c' },
  fields: { exit_code: 'number', stdout: 'text', stderr: 'text' },
  defaultExpect: { exit_code: 0 },
  probe: (spec: string, { resolve }) => {
    const step: CommandStep = { type: 'command', tool: 'sh', label: 'sh -c', script: resolve.shell(spec) };
    return ok({ target: step, steps: [step] });
  },
  observe: async ({ target: step }, context) => interpretCommand(await runStep(context, step)),
});
