// Whether one check depends on another through depends_on, directly or through others, asked for
// many pairs at once (a capture may only be read after its producer). Collecting each reader's
// every dependency was quadratic in a long chain, in time and in memory; here each producer walks
// forward to its readers once, only as far as the last of them can be in execution order.
import type { Check } from '../model/runbook.js';

export interface DependencyQuestion {
  /** The check that must run after `producer`. */
  readonly reader: Check;
  readonly producer: Check;
}

/**
 * The checks as a graph on their positions in `checks`: each depends_on entry is an edge to the
 * last check of that id (as a map by id would find it); entries naming no check are left out.
 */
interface DependencyGraph {
  readonly indexOf: ReadonlyMap<Check, number>;
  readonly indexById: ReadonlyMap<string, number>;
  readonly dependsOn: readonly (readonly number[])[];
  readonly dependents: readonly (readonly number[])[];
}

const dependencyGraph = (checks: readonly Check[]): DependencyGraph => {
  const indexOf = new Map(checks.map((check, index) => [check, index]));
  const indexById = new Map(checks.map((check, index) => [check.id, index]));
  const dependsOn = checks.map((check) => check.dependsOn.flatMap((id) => indexById.get(id) ?? []));
  const dependents: number[][] = checks.map(() => []);
  dependsOn.forEach((targets, index) => targets.forEach((target) => dependents[target]!.push(index)));
  return { indexOf, indexById, dependsOn, dependents };
};

/**
 * Each check's rank in one topological order of depends_on (Kahn's algorithm, any order will do);
 * Infinity for a check in a cycle or after one. A check can only depend on checks ranked lower.
 */
const topologicalRanks = ({ dependsOn, dependents }: DependencyGraph): number[] => {
  const ranks = dependsOn.map(() => Infinity);
  const waiting = dependsOn.map((targets) => targets.length);
  const ready = waiting.flatMap((count, index) => (count === 0 ? [index] : []));
  for (let rank = 0; rank < ready.length; rank += 1) {
    const index = ready[rank]!;
    ranks[index] = rank;
    for (const dependent of dependents[index]!) if (--waiting[dependent]! === 0) ready.push(dependent);
  }
  return ranks;
};

/** Readers of one producer still unanswered: reader's graph index -> the questions it asks. */
type Readers = ReadonlyMap<number, readonly number[]>;

/**
 * Marks, for one producer at a time, each reader that depends on it: a walk along dependents from
 * the producer that never goes past the highest-ranked reader and stops once every reader is found.
 * Each walk is linear in what lies between the producer and its last reader; many producers, each
 * read far down long paths, are the worst case. One `seen` array serves every walk, each with its
 * own stamp.
 */
const readerWalker = (graph: DependencyGraph, answers: boolean[]) => {
  const ranks = topologicalRanks(graph);
  const seen = new Int32Array(ranks.length).fill(-1);
  let stamp = 0;
  return (producer: number, readers: Readers): void => {
    stamp += 1;
    let horizon = -Infinity;
    for (const reader of readers.keys()) horizon = Math.max(horizon, ranks[reader]!);
    let unanswered = readers.size;
    const pending = [producer];
    while (pending.length > 0 && unanswered > 0) {
      for (const dependent of graph.dependents[pending.pop()!]!) {
        if (seen[dependent] === stamp || ranks[dependent]! > horizon) continue;
        seen[dependent] = stamp;
        pending.push(dependent);
        const questions = readers.get(dependent);
        if (!questions) continue;
        for (const question of questions) answers[question] = true;
        unanswered -= 1;
      }
    }
  };
};

/**
 * For each question, whether its reader depends on its producer, directly or through other checks:
 * exactly whether the producer's id is among the ids reached from the reader's depends_on. Direct
 * dependencies, the usual case, are answered at once; the others by one bounded walk per producer.
 * Readers and producers are among `checks`.
 */
export const dependsOnEach = (checks: readonly Check[], questions: readonly DependencyQuestion[]): boolean[] => {
  const direct = new Map<Check, ReadonlySet<string>>();
  const directOf = (check: Check): ReadonlySet<string> => direct.get(check) ?? direct.set(check, new Set(check.dependsOn)).get(check)!;
  const answers = questions.map(({ reader, producer }) => directOf(reader).has(producer.id));
  if (answers.every(Boolean)) return answers;
  const graph = dependencyGraph(checks);
  // The readers still unanswered, by producer: graph index of the producer -> reader's index -> questions.
  const byProducer = new Map<number, Map<number, number[]>>();
  questions.forEach(({ reader, producer }, question) => {
    const readerIndex = graph.indexOf.get(reader);
    if (answers[question] || readerIndex === undefined) return;
    const producerIndex = graph.indexById.get(producer.id)!;
    const readers = byProducer.get(producerIndex) ?? byProducer.set(producerIndex, new Map()).get(producerIndex)!;
    (readers.get(readerIndex) ?? readers.set(readerIndex, []).get(readerIndex)!).push(question);
  });
  const walk = readerWalker(graph, answers);
  for (const [producer, readers] of byProducer) walk(producer, readers);
  return answers;
};
