// `runbook plan`: every check in execution order with its host and the exact command, variables
// resolved and captures and secrets shown as the placeholders they are until the run. Nothing runs.
import { checkKindFor } from '../checks/registry.js';
import { makeResolver } from '../plan/template.js';
import type { Plan } from '../plan/plan.js';
import { formatDuration } from '../model/duration.js';
import type { Runbook, VarValue } from '../model/runbook.js';
import { describeHost } from '../model/host-address.js';
import { redactData, redactor, secretValues } from '../secrets/redact.js';

export interface PlannedCheck {
  readonly step: number;
  readonly id: string;
  readonly question: string;
  readonly kind: string;
  readonly host: string;
  readonly target: string;
  readonly command: string;
  readonly dependsOn: readonly string[];
  readonly timeout: string;
  readonly expect: readonly string[];
  readonly capture: readonly string[];
}

/** Secrets stay `${vars.name}` in the plan, like captures: it says where a secret goes, never what it is. */
const shownVars = ({ vars, secretVars }: Runbook): Record<string, VarValue> =>
  Object.fromEntries(Object.entries(vars).filter(([name]) => !secretVars.includes(name)));

export const describePlan = (plan: Plan, defaultTimeoutMs: number): PlannedCheck[] => {
  const resolve = makeResolver(shownVars(plan.runbook), new Map());
  const steps = plan.order.map((check, index) => {
    const kind = checkKindFor(check.kind)!;
    const host = plan.runbook.hosts[check.on];
    return {
      step: index + 1,
      id: check.id,
      question: check.questionId,
      kind: kind.name,
      host: check.on,
      target: host ? describeHost(host) : check.on,
      command: kind.describe(check.spec, resolve),
      dependsOn: check.dependsOn,
      timeout: formatDuration(check.timeoutMs ?? defaultTimeoutMs),
      expect: check.expectations.map(({ field, matcher }) => `${field} ${matcher.describe}`),
      capture: check.captures.map(({ name, from, regex }) => `${name} <- ${from}${regex ? ` /${regex.source}/` : ''}`),
    };
  });
  // A secret's value written literally elsewhere in the file (an expectation, a kind's field) is masked too.
  return redactData(steps, redactor(secretValues(plan.runbook)));
};

export const renderPlan = (plan: Plan, steps: readonly PlannedCheck[]): string => {
  const lines = [`${plan.runbook.title}  (${plan.runbook.file})`];
  for (const step of steps) {
    const after = step.dependsOn.length > 0 ? `, after ${step.dependsOn.join(', ')}` : '';
    lines.push(`${String(step.step).padStart(3)}. ${step.id} [${step.question}] on ${step.host} (${step.target}), ${step.kind}, timeout ${step.timeout}${after}`);
    lines.push(`       $ ${step.command}`);
    if (step.expect.length > 0) lines.push(`       expect: ${step.expect.join('; ')}`);
    if (step.capture.length > 0) lines.push(`       capture: ${step.capture.join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
};
