// The `run:` check: an arbitrary shell command, judged on its exit code and output.
import { ok } from '../model/result.js';
import type { CommandOutcome } from '../transport/types.js';
import type { CommandStep, Observation } from './types.js';
import { runStep } from './probes/attempts.js';
import { defineCheckKind } from './probes/define-kind.js';

const firstLine = (text: string): string => text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';

/**
 * Every program the shell could not find, wherever it stood in a pipeline: dash's
 * "/bin/sh: 1: chronyc: not found", bash's "sh: line 1: chronyc: command not found", and the same
 * under `eval`, which is how the SSH wrapper runs a command: "/bin/sh: 1: eval: chronyc: not found".
 */
export const programsNotFound = (stderr: string): string[] => [
  ...new Set([...stderr.matchAll(/^\S*sh: (?:line )?\d+: (?:eval: )?([^\s:]+): (?:command )?not found$/gm)].map((match) => match[1] ?? '')),
];

const listed = (programs: readonly string[]): string => programs.join(', ');

/**
 * 126/127 come from the shell, not the command: nothing was observed, so the check is an error.
 * So is a program missing inside a pipeline, whose exit code the last command's hides
 * (`chronyc tracking | awk ...` exits 0 without chronyc): the shell's own line in stderr tells.
 */
export const interpretCommand = (outcome: CommandOutcome, host = 'the host'): Observation => {
  const fields = { exit_code: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr };
  const missing = programsNotFound(outcome.stderr);
  const missingTools = missing.length > 0 ? { missingTools: missing.map((tool) => ({ tool, host })) } : {};
  if (outcome.exitCode === 127) return { fields, error: `command not found (exit 127): ${firstLine(outcome.stderr)}`, ...missingTools };
  if (outcome.exitCode === 126) return { fields, error: `command not executable (exit 126): ${firstLine(outcome.stderr)}` };
  if (missing.length > 0) {
    return { fields, error: `${listed(missing)} not installed on ${host}: the pipeline ran without it (exit ${String(outcome.exitCode)}); stderr says so`, ...missingTools };
  }
  return { fields };
};

export const command = defineCheckKind({
  name: 'command',
  summary: 'runs a shell command line on the host with /bin/sh -c',
  schema: { type: 'string', minLength: 1, description: 'a shell command line, run with /bin/sh -c' },
  fields: { exit_code: 'number', stdout: 'text', stderr: 'text' },
  defaultExpect: { exit_code: 0 },
  keptExpect: { exit_code: 0 },
  shellFields: [[]],
  probe: (spec: string, { resolve }) => {
    const step: CommandStep = { type: 'command', tool: 'sh', label: 'sh -c', script: resolve.shell(spec) };
    return ok({ target: step, steps: [step] });
  },
  observe: async ({ target: step }, context) => interpretCommand(await runStep(context, step), context.host),
});
