// From what a kind's file declares to the kind the registry holds: `describe` and `observe` are
// derived from the one `probe`, and the kind's code may run only the steps its probe declared, so
// what `runbook plan` shows is what runs.
import { REFERENCE } from '../../model/references.js';
import type { CheckKind, CheckKindDefinition, ObserveContext, Observation, Probe, ProbeStep, TemplateResolver } from '../types.js';
import type { AttemptStep } from '../../transport/types.js';

/** What identifies a step on its host: its command line or its destination. */
const stepIdentity = (step: ProbeStep): string => (step.type === 'command' ? step.script : `${step.to.host}:${step.to.port}`);

const stepKey = (role: string, text: string): string => `${role}\n${text}`;

/** A capture or variable still unresolved when the run starts has no value: nothing may run with it. */
const unresolvedIn = (probe: Probe): string | undefined => {
  for (const step of probe.steps) {
    const reference = [...stepIdentity(step).matchAll(REFERENCE)].find((match) => match[1] === 'vars' || match[1] === 'captures');
    if (reference) return reference[0];
  }
  return undefined;
};

/**
 * The context the kind's code sees: it runs a command or opens a stream only when the probe declared
 * it (on that host), else it throws and the check reports an internal error naming the step.
 */
const declaredOnly = (probe: Probe, context: ObserveContext): ObserveContext => {
  // Each step's label, and whether it belongs to a fallback (an alternative after the first).
  const declared = new Map(alternatives(probe.steps).flatMap((group, index) =>
    group.map((step): [string, AttemptStep] => [stepKey(step.host ?? context.host, stepIdentity(step)), { label: step.label, fallback: index > 0 }])));
  const allow = (role: string | undefined, text: string): AttemptStep => {
    const step = declared.get(stepKey(role ?? context.host, text));
    if (!step) throw new Error(`it tried a step its probe does not declare, on ${role ?? context.host}: ${text}`);
    return step;
  };
  return {
    ...context,
    run: (script, options) => context.run(script, { ...options, step: allow(options?.host, script) }),
    start: (script, options) => context.start(script, { ...options, step: allow(options?.host, script) }),
    connect: (target, options) => context.connect(target, { ...options, step: allow(options.host, `${target.host}:${target.port}`) }),
  };
};

/**
 * The steps grouped into alternatives: a step `else` opens the next group; `alongside` joins the
 * group before it (a capture and its trigger).
 */
export const alternatives = (steps: readonly ProbeStep[]): ProbeStep[][] => {
  const groups: ProbeStep[][] = [];
  for (const step of steps) {
    const last = groups.at(-1);
    if (step.order === 'alongside' && last) last.push(step);
    else groups.push([step]);
  }
  return groups;
};

const stepText = (step: ProbeStep): string => {
  const text = step.type === 'command' ? step.script : step.label;
  return step.host === undefined ? text : `on ${step.host}: ${text}`;
};

/** One alternative in a line: "tcpdump ...; while it runs, on app: nc -vz ...". */
export const alternativeLine = (group: readonly ProbeStep[]): string => group.map(stepText).join('; while it runs, ');

/** The value at `path` inside a spec, or undefined wherever the path breaks off. */
const valueAt = (value: unknown, path: readonly string[]): unknown => {
  let node = value;
  for (const key of path) node = typeof node === 'object' && node !== null && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  return node;
};

/** A copy of `value` with the text at `path` replaced by `rename` of it; anything else is left as it was. */
const replacedAt = <T>(value: T, path: readonly string[], rename: (text: string) => string): T => {
  const [key, ...rest] = path;
  if (key === undefined) return (typeof value === 'string' ? rename(value) : value) as T;
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return value;
  const record = value as Record<string, unknown>;
  return { ...record, [key]: replacedAt(record[key], rest, rename) } as T;
};

const NO_PATHS: readonly (readonly string[])[] = [];

/** No check timeout: the kind's own waits as declared. */
const UNBOUNDED_MS = Number.POSITIVE_INFINITY;

export const defineCheckKind = <Spec, Target>(definition: CheckKindDefinition<Spec, Target>): CheckKind<Spec> => ({
  name: definition.name,
  summary: definition.summary,
  schema: definition.schema,
  fields: definition.fields,
  defaultExpect: definition.defaultExpect,
  ...(definition.keptExpect ? { keptExpect: definition.keptExpect } : {}),
  ...(definition.impliedExpect ? { impliedExpect: definition.impliedExpect } : {}),
  ...(definition.problems ? { problems: (spec: Spec) => definition.problems?.(spec) ?? [] } : {}),
  ...(definition.roleFields ? { roleFields: definition.roleFields } : {}),
  ...(definition.shellFields ? { shellFields: definition.shellFields } : {}),
  shellTexts: (spec: Spec) => {
    // A loop: this runs for every check of a runbook as it loads.
    const texts: { readonly at: readonly string[]; readonly text: string }[] = [];
    for (const at of definition.shellFields ?? NO_PATHS) {
      const text = valueAt(spec, at);
      if (typeof text === 'string') texts.push({ at, text });
    }
    return texts;
  },
  otherHosts: (spec: Spec) => {
    const roles: string[] = [];
    for (const path of definition.roleFields ?? NO_PATHS) {
      const role = valueAt(spec, path);
      if (typeof role === 'string') roles.push(role);
    }
    return roles;
  },
  renameRoles: (spec: Spec, rename: (role: string) => string) =>
    (definition.roleFields ?? []).reduce<Spec>((renamed, path) => replacedAt(renamed, path, rename), spec),
  probe: (spec, settings) => definition.probe(spec, settings),
  describe: (spec: Spec, resolve: TemplateResolver): string => {
    const probe = definition.probe(spec, { resolve, timeoutMs: UNBOUNDED_MS });
    const first = probe.ok ? alternatives(probe.value.steps)[0] : undefined;
    return first ? alternativeLine(first) : `(${probe.ok ? 'no steps' : probe.error})`;
  },
  observe: async (spec: Spec, context: ObserveContext): Promise<Observation> => {
    // Built with the whole time left, as `runbook plan` built it with the check's timeout.
    const probe = definition.probe(spec, { resolve: context.resolve, timeoutMs: context.remainingMs() });
    if (!probe.ok) return { fields: {}, error: probe.error };
    const unresolved = unresolvedIn(probe.value);
    if (unresolved) return { fields: {}, error: `${unresolved} has no value when the check runs` };
    return definition.observe(probe.value, declaredOnly(probe.value, context));
  },
});
