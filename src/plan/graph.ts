// The dependency graph of checks: unknown targets, cycles (every name and location in the cycle),
// and a stable execution order (file order wherever the graph allows).
import { formatLocation, type Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import type { Check, Question } from '../model/runbook.js';

export const unknownDependencies = (checks: readonly Check[], questions: readonly Question[]): Diagnostic[] => {
  const ids = checks.map((check) => check.id);
  return checks.flatMap((check) =>
    check.dependsOn.flatMap((target, index) => {
      if (ids.includes(target)) return [];
      const question = questions.find((q) => q.id === target);
      const hint = question
        ? `depends_on names checks; question "${target}" has ${question.checks.map((c) => `"${c.id}"`).join(', ')}`
        : didYouMean(target, ids.filter((id) => id !== check.id)); // a check cannot depend on itself
      return [{ code: 'RB_UNKNOWN_DEPENDENCY' as const, message: `check "${check.id}" depends on unknown check "${target}"`, location: check.dependsOnLocations[index] ?? check.location, ...(hint ? { hint } : {}) }];
    }),
  );
};

/** The checks that must finish before this one starts: its dependencies and those its `when` asks about. */
export const runsAfter = (check: Check): readonly string[] => [...check.dependsOn, ...(check.when?.waitsFor ?? [])];

/** Each cycle once, found by a depth-first walk in file order so the report is stable. */
export const dependencyCycles = (checks: readonly Check[]): Diagnostic[] => {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: Check[] = [];
  const problems: Diagnostic[] = [];
  const visit = (check: Check): void => {
    state.set(check.id, 'visiting');
    trail.push(check);
    for (const target of runsAfter(check)) {
      const next = byId.get(target);
      if (!next) continue;
      if (state.get(target) === 'visiting') problems.push(describeCycle([...trail.slice(trail.indexOf(next)), next]));
      else if (!state.has(target)) visit(next);
    }
    trail.pop();
    state.set(check.id, 'done');
  };
  for (const check of checks) if (!state.has(check.id)) visit(check);
  return problems;
};

const describeCycle = (cycle: Check[]): Diagnostic => ({
  code: 'RB_CYCLE',
  message: `checks ${cycle.map((c) => `"${c.id}"`).join(' -> ')} form a dependency cycle: ${cycle.map((c) => formatLocation(c.location)).join(' -> ')}`,
  location: cycle[0]!.location,
  hint: 'remove one of these depends_on entries',
});

/** Kahn's algorithm, always taking the earliest ready check in file order. Assumes no cycles. */
export const executionOrder = (checks: readonly Check[]): Check[] => {
  const done = new Set<string>();
  const order: Check[] = [];
  const known = new Set(checks.map((check) => check.id));
  while (order.length < checks.length) {
    const next = checks.find((check) => !done.has(check.id) && runsAfter(check).every((id) => done.has(id) || !known.has(id)));
    if (!next) break;
    done.add(next.id);
    order.push(next);
  }
  return order;
};

/** Every check `check` depends on, directly or through others. */
export const transitiveDependencies = (check: Check, byId: ReadonlyMap<string, Check>): Set<string> => {
  const seen = new Set<string>();
  const pending = [...check.dependsOn];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return seen;
};
