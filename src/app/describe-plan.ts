// `runbook plan`: every check in execution order with its host and the exact command, variables
// resolved and captures and secrets shown as the placeholders they are until the run. Nothing runs.
import { checkKindOf } from '../checks/registry.js';
import { alternativeLine, alternatives } from '../checks/probes/define-kind.js';
import type { CheckKind, TemplateResolver } from '../checks/types.js';
import { makeResolver } from '../plan/template.js';
import type { Plan } from '../plan/plan.js';
import { formatDuration } from '../model/duration.js';
import { describeRole } from '../model/host-address.js';
import type { RetryPolicy } from '../model/runbook.js';
import { redactData, redactor, secretValues } from '../secrets/redact.js';
import { escapeControl } from '../model/visible-text.js';
import { withoutSecrets } from '../runbook/substitute.js';

export interface PlannedAlternative {
  /** A command line, or a conversation over a stream opened from the host. */
  readonly via: 'command' | 'stream';
  readonly line: string;
}

export interface PlannedCheck {
  readonly step: number;
  readonly id: string;
  readonly question: string;
  readonly kind: string;
  readonly host: string;
  readonly target: string;
  /** The first alternative's line (what normally runs). */
  readonly command: string;
  /** Every alternative in order: each runs only when those before could not answer (a tool not installed). */
  readonly alternatives: readonly PlannedAlternative[];
  readonly dependsOn: readonly string[];
  readonly timeout: string;
  readonly expect: readonly string[];
  /** Its `when` (and its question's), as written: it runs only if this holds. */
  readonly when?: string;
  /** With retry: or until:, when it runs again. */
  readonly retry?: string;
  readonly capture: readonly string[];
}

/**
 * The kind's probe, built as the run builds it (the same function, the check's timeout), shown as
 * lines: the run executes exactly these, captures and secrets filled in.
 */
const probeAlternatives = (kind: CheckKind<unknown>, spec: unknown, resolve: TemplateResolver, timeoutMs: number): PlannedAlternative[] => {
  const probe = kind.probe(spec, { resolve, timeoutMs });
  if (!probe.ok) return [{ via: 'command', line: `(cannot run: ${probe.error})` }];
  return alternatives(probe.value.steps).map((group) => ({ via: group[0]?.type === 'stream' ? 'stream' : 'command', line: alternativeLine(group) }));
};

/** The role's host as written, and where ssh_config sends it when that was asked for and says more. */
const targetText = (written: string, destination: string | undefined): string =>
  destination === undefined || destination === written ? written : `${written} → ${destination}`;

/** `up to 3 attempts, 2s apart` or `until it passes, within 1m, 2s apart`. */
const retryText = (policy: RetryPolicy): string =>
  policy.kind === 'retry'
    ? `up to ${policy.attempts} attempts, ${formatDuration(policy.intervalMs)} apart`
    : `until it passes, within ${formatDuration(policy.timeoutMs)}, ${formatDuration(policy.intervalMs)} apart`;

/**
 * `destinations`: where each one-host SSH role really goes, by role (ssh-destinations.ts, with
 * --ssh-config): the target reads `db → root@10.0.0.5:22 via admin@10.0.0.10:22`.
 */
export const describePlan = (plan: Plan, defaultTimeoutMs: number, destinations: ReadonlyMap<string, string> = new Map()): PlannedCheck[] => {
  // Secrets stay `${vars.name}` in the plan, like captures: it says where a secret goes, never what it is.
  const resolve = makeResolver(withoutSecrets(plan.runbook.vars, plan.runbook.secretVars), new Map());
  const steps = plan.order.map((check, index) => {
    const kind = checkKindOf(check);
    const host = plan.runbook.hosts[check.on];
    const timeoutMs = check.timeoutMs ?? defaultTimeoutMs;
    const planned = probeAlternatives(kind, check.spec, resolve, timeoutMs);
    return {
      step: index + 1,
      id: check.id,
      question: check.questionId,
      kind: kind.name,
      host: check.on,
      target: targetText(host ? describeRole(host) : check.on, destinations.get(check.on)),
      command: planned[0]?.line ?? '',
      alternatives: planned,
      dependsOn: check.dependsOn,
      timeout: formatDuration(timeoutMs),
      expect: check.expectations.map(({ field, matcher }) => `${field} ${matcher.describe}`),
      ...(check.when ? { when: check.when.text } : {}),
      ...(check.retry ? { retry: retryText(check.retry) } : {}),
      capture: check.captures.map(({ name, from, regex }) => `${name} <- ${from}${regex ? ` /${regex.source}/` : ''}`),
    };
  });
  // A secret's value written literally elsewhere in the file (an expectation, a kind's field) is
  // masked too. Neither a runbook nor a value given with --var or RUNBOOK_VAR_* can hold a character
  // a terminal acts on (runbook/vars.ts); a secret's value may, and is masked. Whatever else one day
  // brings one is shown as its escape, and the plan still shows what runs (model/visible-text.ts).
  const redact = redactor(secretValues(plan.runbook));
  return redactData(steps, (text) => escapeControl(redact(text)));
};

/** A script of several lines stays under its step. */
const indented = (text: string): string => text.replaceAll('\n', '\n         ');

export const renderPlan = (plan: Plan, steps: readonly PlannedCheck[]): string => {
  const lines = [`${plan.runbook.title}  (${plan.runbook.file})`];
  for (const step of steps) {
    const after = step.dependsOn.length > 0 ? `, after ${step.dependsOn.join(', ')}` : '';
    lines.push(`${String(step.step).padStart(3)}. ${step.id} [${step.question}] on ${step.host} (${step.target}), ${step.kind}, timeout ${step.timeout}${after}`);
    step.alternatives.forEach(({ via, line }, index) => lines.push(indented(`       ${index === 0 ? '' : 'else '}${via === 'stream' ? '~' : '$'} ${line}`)));
    if (step.when) lines.push(`       when: ${step.when}`);
    if (step.retry) lines.push(`       again: ${step.retry}`);
    if (step.expect.length > 0) lines.push(`       expect: ${step.expect.join('; ')}`);
    if (step.capture.length > 0) lines.push(`       capture: ${step.capture.join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
};
