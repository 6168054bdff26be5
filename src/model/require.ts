// A question's `require:` over a fleet: how many of its hosts must pass for the question to pass.
// Kept as the text written (`all`, `any`, `3`, `90%`) so that a report carries it and
// `merge-reports` judges merged shards by the same rule the run used.

export const DEFAULT_REQUIRE = 'all';

/** What the schema accepts: all, any, a whole number of hosts, or a percentage of them. */
export const REQUIRE_PATTERN = '^(all|any|[1-9][0-9]*|([1-9]?[0-9]|100)%)$';

const REQUIRE = new RegExp(REQUIRE_PATTERN);

export const isRequire = (text: string): boolean => REQUIRE.test(text);

/**
 * How many of `total` hosts must pass. A count above the hosts there are cannot be met (fewer
 * hosts took part than the runbook expects: after --limit, or a smaller inventory), and says so.
 * A percentage rounds up: 90% of 11 hosts is 10.
 */
export const requiredPasses = (require: string, total: number): number => {
  if (require === 'all') return total;
  if (require === 'any') return Math.min(1, total);
  if (require.endsWith('%')) return Math.ceil((Number(require.slice(0, -1)) * total) / 100);
  return Number(require);
};

/** `all`, `any`, `at least 3`, `at least 90%`: for the reason of a verdict. */
export const describeRequire = (require: string): string => (require === 'all' || require === 'any' ? require : `at least ${require}`);
