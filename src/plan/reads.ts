// What a running check may read of the checks before it: the scheduler builds each check's view of
// the run from these. Every check it runs after (all its `when` can ask about), and the producers
// of the captures it uses, each only if it depends on it (which the planner proved). Giving each
// check every check it depends on, directly or not, held lists quadratic in a long chain: 20,000
// checks in a row held 200 million entries before the first one ran.
import { asksAboutMissingTools } from '../model/condition-checks.js';
import type { Check } from '../model/runbook.js';
import { runsAfter, transitiveDependencies } from './graph.js';
import { dependsOnEach } from './reachability.js';
import { capturesReadBy, producers } from './references.js';

/** The producers of the captures each check reads that it depends on, by reader. */
const producersInScope = (checks: readonly Check[]): Map<Check, string[]> => {
  const producerOf = producers(checks);
  const reads = checks.flatMap((reader) =>
    capturesReadBy(reader).flatMap((name) => {
      const producer = producerOf.get(name);
      return producer ? [{ reader, producer }] : [];
    }));
  const inScope = dependsOnEach(checks, reads);
  const byReader = new Map<Check, string[]>();
  reads.forEach(({ reader, producer }, index) => {
    if (!inScope[index]) return;
    const read = byReader.get(reader);
    if (read) read.push(producer.id);
    else byReader.set(reader, [producer.id]);
  });
  return byReader;
};

/**
 * By check id, the ids of the checks whose runs it may read. A `when` that asks whether any tool
 * was missing asks it of every check it depends on, directly or not: only such a check is given
 * them all.
 */
export const readableChecks = (checks: readonly Check[]): Map<string, string[]> => {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const producersRead = producersInScope(checks);
  const readBy = (check: Check): Iterable<string> =>
    check.when && asksAboutMissingTools(check.when.condition) ? transitiveDependencies(check, byId) : (producersRead.get(check) ?? []);
  return new Map(checks.map((check) => [check.id, [...new Set([...runsAfter(check), ...readBy(check)])]]));
};
