// The dependency graph of checks: unknown targets, cycles (every name and location in the cycle),
// and a stable execution order (file order wherever the graph allows). Each pass visits every
// check and edge a bounded number of times, and none recurses: a runbook of 20,000 checks in one
// chain plans in linear time and cannot overflow the stack.
import { formatLocation, type Diagnostic } from '../errors/diagnostic.js';
import { didYouMeanAmong } from '../errors/did-you-mean.js';
import type { Check, Question } from '../model/runbook.js';

/** The first of `items` with each id, as `items.find` would pick it, in one pass. */
const firstById = <T extends { readonly id: string }>(items: readonly T[]): Map<string, T> => {
  const byId = new Map<string, T>();
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, item);
  return byId;
};

/** Each check's position by id (the last, should two share one: then the map holds fewer ids than there are checks). */
export const positionsById = (checks: readonly Check[]): Map<string, number> => {
  const position = new Map<string, number>();
  for (let index = 0; index < checks.length; index += 1) position.set(checks[index]!.id, index);
  return position;
};

/** `known`: positionsById(checks), which the plan makes once for this and executionOrder. */
export const unknownDependencies = (checks: readonly Check[], questions: readonly Question[], known: ReadonlyMap<string, number> = positionsById(checks)): Diagnostic[] => {
  const problems: Diagnostic[] = [];
  let questionById: Map<string, Question> | undefined;
  let suggestCheck: ReturnType<typeof didYouMeanAmong> | undefined;
  // Index loops over every entry (no callback or iterator per check), with the indexes for hints
  // made only once one is needed: nearly every dependency names a known check.
  for (let at = 0; at < checks.length; at += 1) {
    const check = checks[at]!;
    for (let index = 0; index < check.dependsOn.length; index += 1) {
      const target = check.dependsOn[index]!;
      if (known.has(target)) continue;
      const question = (questionById ??= firstById(questions)).get(target);
      const hint = question
        ? `depends_on names checks; question "${target}" has ${question.checks.map((c) => `"${c.id}"`).join(', ')}`
        : (suggestCheck ??= didYouMeanAmong(checks.map(({ id }) => id)))(target, check.id); // a check cannot depend on itself
      problems.push({ code: 'RB_UNKNOWN_DEPENDENCY', message: `check "${check.id}" depends on unknown check "${target}"`, location: check.places.of('depends_on', index), ...(hint ? { hint } : {}) });
    }
  }
  return problems;
};

/** The checks that must finish before this one starts: its dependencies and those its `when` asks about. */
export const runsAfter = (check: Check): readonly string[] => (check.when ? [...check.dependsOn, ...check.when.waitsFor] : check.dependsOn);

/** A check being walked by dependencyCycles: what it runs after, and how far the walk has gone through them. */
interface Frame {
  readonly check: Check;
  readonly targets: readonly string[];
  next: number;
}

/**
 * Each cycle once, found by a depth-first walk in file order so the report is stable. The walk
 * keeps its own stack of frames (a chain of 20,000 checks would overflow the call stack) and
 * where each check stands on the trail (looking it up there would be quadratic).
 */
export const dependencyCycles = (checks: readonly Check[]): Diagnostic[] => {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: Check[] = [];
  const trailIndex = new Map<Check, number>();
  const frames: Frame[] = [];
  const problems: Diagnostic[] = [];
  const enter = (check: Check): void => {
    state.set(check.id, 'visiting');
    trailIndex.set(check, trail.length);
    trail.push(check);
    frames.push({ check, targets: runsAfter(check), next: 0 });
  };
  const leave = ({ check }: Frame): void => {
    frames.pop();
    trail.pop();
    trailIndex.delete(check);
    state.set(check.id, 'done');
  };
  for (const root of checks) {
    if (state.has(root.id)) continue;
    enter(root);
    for (let frame = frames.at(-1); frame; frame = frames.at(-1)) {
      if (frame.next === frame.targets.length) {
        leave(frame);
        continue;
      }
      const target = frame.targets[frame.next++]!;
      const next = byId.get(target);
      if (!next) continue;
      // -1 (the last check of the trail) where a repeated id put another check of that id on it.
      if (state.get(target) === 'visiting') problems.push(describeCycle([...trail.slice(trailIndex.get(next) ?? -1), next]));
      else if (!state.has(target)) enter(next);
    }
  }
  return problems;
};

const describeCycle = (cycle: Check[]): Diagnostic => ({
  code: 'RB_CYCLE',
  message: `checks ${cycle.map((c) => `"${c.id}"`).join(' -> ')} form a dependency cycle: ${cycle.map((c) => formatLocation(c.location)).join(' -> ')}`,
  location: cycle[0]!.location,
  hint: 'remove one of these depends_on entries',
});

/** The smallest of `items` first: a binary heap, for the ready checks by file position. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const { items } = this;
    items.push(value);
    for (let at = items.length - 1; at > 0; ) {
      const up = (at - 1) >> 1;
      if (items[up]! <= value) break;
      items[at] = items[up]!;
      items[up] = value;
      at = up;
    }
  }

  pop(): number | undefined {
    const { items } = this;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let at = 0; ; ) {
      const left = 2 * at + 1;
      const right = left + 1;
      let least = at;
      if (left < items.length && items[left]! < items[least]!) least = left;
      if (right < items.length && items[right]! < items[least]!) least = right;
      if (least === at) break;
      const moved = items[at]!;
      items[at] = items[least]!;
      items[least] = moved;
      at = least;
    }
    return top;
  }
}

/** Each id once: most checks wait for none or one, which need no set made. */
const distinct = (ids: readonly string[]): Iterable<string> => (ids.length < 2 ? ids : new Set(ids));

/**
 * Kahn's algorithm, always taking the earliest ready check in file order (a heap of positions, so
 * 20,000 checks plan in a blink). Checks in a cycle are left out; the cycle is reported elsewhere.
 */
export const executionOrder = (checks: readonly Check[], position: ReadonlyMap<string, number> = positionsById(checks)): Check[] => {
  const count = checks.length;
  const waitingOn = new Int32Array(count);
  // Who waits on whom: each (dependency's position, dependent) pair once, then every check's
  // dependents laid out together in one typed array (start[p] to start[p + 1]), in file order.
  // A map of lists made a list and an entry per dependency, 18,000 of them for 20,000 checks.
  const pairs: number[] = [];
  const start = new Int32Array(count + 1);
  for (let index = 0; index < count; index += 1) {
    let waits = 0;
    for (const id of distinct(runsAfter(checks[index]!))) {
      const target = position.get(id);
      if (target === undefined) continue;
      waits += 1;
      start[target + 1]! += 1;
      pairs.push(target, index);
    }
    waitingOn[index] = waits;
  }
  for (let at = 0; at < count; at += 1) start[at + 1]! += start[at]!;
  const dependents = new Int32Array(pairs.length / 2);
  const filled = start.slice(0, count);
  for (let at = 0; at < pairs.length; at += 2) dependents[filled[pairs[at]!]!++] = pairs[at + 1]!;
  const ready = new MinHeap();
  for (let index = 0; index < count; index += 1) if (waitingOn[index] === 0) ready.push(index);
  const order: Check[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    const check = checks[next]!;
    order.push(check);
    // By id, as depends_on names it: where two checks share an id, each releases the checks waiting for it.
    const target = position.get(check.id)!;
    for (let at = start[target]!; at < start[target + 1]!; at += 1) {
      const dependent = dependents[at]!;
      if (--waitingOn[dependent]! === 0) ready.push(dependent);
    }
  }
  return order;
};

/**
 * Every check `check` depends on, directly or through others: linear in the checks it reaches, so
 * quadratic if asked of every check of a long chain. Only what needs the whole set asks it (a
 * `when` that asks whether any tool was missing); whether one check depends on another is
 * plan/reachability.ts's, for many pairs at once.
 */
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
