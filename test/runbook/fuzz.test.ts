// Property-based fuzzing of the loader and the planner (issue 14): whatever the input, loading and
// planning end in a plan or in diagnostics, each one line with a known code and a place inside its
// file; never an exception (the CLI's "internal error", exit 70) and never a hang.
//
// FUZZ_RUNS (default 2,000) is the number of cases over all properties; `npm run fuzz:soak` runs
// 100,000. The seed is fixed (FUZZ_SEED to change it), so a run is reproducible. On a failure
// fast-check prints the seed and the path of the smallest failing case: FUZZ_SEED=<seed>
// FUZZ_PATH=<path> with `-t <property>` replays just that case.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { mutated, mutationArb } from './fuzz/mutate.js';
import { contractBreaches, fuzzWorkspace, loadAndPlan, type FuzzCase, type Outcome, type Stage, type Workspace } from './fuzz/pipeline.js';
import { includedShape, runbookShape, type JsonMap } from './fuzz/runbook-shape.js';
import { serialize, styleArb } from './fuzz/serialize.js';
import { splicedRunbook, yamlSoup } from './fuzz/yaml-tokens.js';

const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 14);
const REPLAY = process.env.FUZZ_PATH === undefined ? {} : { path: process.env.FUZZ_PATH };

/** A generous bound: a case takes a few milliseconds; one that takes seconds is a hang in the making. */
const CASE_BOUND_MS = 2000;

// --- the cases --------------------------------------------------------------------------------

const text = (main: string): FuzzCase => ({ main });

const styled = (shape: fc.Arbitrary<JsonMap>): fc.Arbitrary<string> => fc.tuple(shape, styleArb).map(([data, style]) => serialize(data, style));

/** `--var` and `--host` (one case in ten) as an operator might give them: names the runbook has or not, values good or bad. */
const overridesArb = fc.record(
  {
    vars: fc.dictionary(fc.constantFrom('port', 'env', 'wait', 'db_password', 'nope', 'max_used'), fc.constantFrom('db:3307', 'lots!', 'p@ss w"rd', '', '9 0', '${vars.port}', "'; id #")),
    hosts: fc.dictionary(fc.constantFrom('server', 'client', 'web', 'nope'), fc.constantFrom('local', 'root@10.0.0.9:2222', 'web[01:02]', '@prod', 'bad host!')),
  },
  { requiredKeys: [] },
);

/** No mutation in one case in three: those should plan clean. */
const mutationsArb = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) });

/** A runbook-shaped case: the document mutated and styled, its lib.yaml when it includes one, overrides now and then. */
const shapedCase: fc.Arbitrary<FuzzCase> = fc
  .record({ shape: runbookShape, mutations: mutationsArb, style: styleArb, overrides: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, overridesArb) })
  .chain(({ shape, mutations, style, overrides }) => {
    const main = serialize(mutated(shape, mutations), style);
    const base = { main, ...(overrides ? { overrides } : {}) };
    // lib.yaml is missing one time in five: an include of it must then say so.
    return shape.include === undefined ? fc.constant(base) : fc.option(styled(includedShape), { freq: 5 }).map((lib) => (lib === null ? base : { ...base, lib }));
  });

interface Property {
  readonly name: string;
  /** Its part of FUZZ_RUNS. */
  readonly share: number;
  readonly cases: fc.Arbitrary<FuzzCase>;
  /** The generator's own health, where it has a bar: below it, the property tests little. */
  readonly atLeast?: { readonly reachingThePlanner: number; readonly plannedClean: number };
}

const PROPERTIES: readonly Property[] = [
  { name: 'token soup: keys, indicators, anchors, aliases, tags, merge keys, flow collections, controls', share: 0.35, cases: yamlSoup.map(text) },
  // Fewer of these: each builds a whole runbook to break, six times the cost of a soup.
  { name: 'a good runbook with a soup of tokens spliced into one line', share: 0.15, cases: splicedRunbook(styled(runbookShape)).map(text) },
  {
    name: 'runbook-shaped documents, mutated, written with anchors, aliases, merge keys, flow style and tags',
    share: 0.5,
    cases: shapedCase,
    // About 82% and 15% at 2,000 cases.
    atLeast: { reachingThePlanner: 0.75, plannedClean: 0.08 },
  },
];

// --- the figures --------------------------------------------------------------------------------

/** How far the cases of one property got, and the slowest: printed, so a run's depth is seen. */
const tally = () => {
  const stages: Record<Stage, number> = { 'rejected-as-yaml': 0, 'planned-with-problems': 0, 'planned-clean': 0 };
  const codes = new Map<string, number>();
  let [cases, checks, slowestMs] = [0, 0, 0];
  const record = (outcome: Outcome, elapsedMs: number): void => {
    cases += 1;
    stages[outcome.stage] += 1;
    checks += outcome.checks;
    slowestMs = Math.max(slowestMs, elapsedMs);
    for (const { code } of outcome.diagnostics) codes.set(code, (codes.get(code) ?? 0) + 1);
  };
  const share = (stage: Stage): number => stages[stage] / Math.max(cases, 1);
  const percent = (stage: Stage): string => `${(100 * share(stage)).toFixed(1)}%`;
  const summary = (): string =>
    `${cases} cases: ${percent('rejected-as-yaml')} rejected as YAML, ${percent('planned-with-problems')} planned with problems, ` +
    `${percent('planned-clean')} planned clean (${checks} checks planned); slowest ${slowestMs.toFixed(0)} ms; ` +
    `codes: ${[...codes].sort(([a], [b]) => a.localeCompare(b)).map(([code, count]) => `${code} ${count}`).join(', ')}`;
  return { record, share, summary };
};

// --- the properties ---------------------------------------------------------------------------------

let workspace: Workspace;
beforeAll(() => {
  workspace = fuzzWorkspace();
});
afterAll(() => workspace.remove());

/** Loads and plans one case, and holds it to the contract. */
const checkCase = async (fuzzCase: FuzzCase, figures: ReturnType<typeof tally>): Promise<void> => {
  const started = performance.now();
  const outcome = await loadAndPlan(workspace, fuzzCase);
  const elapsedMs = performance.now() - started;
  const { breaches } = contractBreaches(outcome, workspace, fuzzCase);
  figures.record(outcome, elapsedMs);
  expect(breaches).toEqual([]);
  expect(elapsedMs, 'one case took longer than the bound').toBeLessThan(CASE_BOUND_MS);
};

const runsOf = (share: number): number => Math.max(1, Math.round(TOTAL_RUNS * share));

/** Room for a slow, shared machine: a case takes 5 to 30 ms, a hundred is far beyond. */
const timeoutFor = (runs: number): number => Math.max(60_000, runs * 100);

describe(`loading and planning fuzzed input (${TOTAL_RUNS} cases, seed ${SEED})`, () => {
  for (const { name, share, cases, atLeast } of PROPERTIES) {
    const runs = runsOf(share);
    test(`${name} (${runs} cases)`, async () => {
      const figures = tally();
      await fc.assert(fc.asyncProperty(cases, (fuzzCase) => checkCase(fuzzCase, figures)), { seed: SEED, numRuns: runs, ...REPLAY });
      console.log(`fuzz: ${name}: ${figures.summary()}`);
      // A replay runs one case: no share to speak of.
      if (atLeast && !('path' in REPLAY)) {
        expect(1 - figures.share('rejected-as-yaml'), 'the share of cases reaching the planner').toBeGreaterThan(atLeast.reachingThePlanner);
        expect(figures.share('planned-clean'), 'the share of cases planned clean').toBeGreaterThan(atLeast.plannedClean);
      }
    }, timeoutFor(runs));
  }
});

// --- the oracle itself ------------------------------------------------------------------------------

describe('the contract the fuzzing holds diagnostics to', () => {
  const main = 'version: 1\ntitle: t\n';
  const breachesOf = (diagnostic: Diagnostic, print?: (diagnostic: Diagnostic) => string): string[] =>
    contractBreaches({ stage: 'planned-with-problems', diagnostics: [diagnostic], checks: 0 }, workspace, { main }, print).breaches;
  /** A place in the case's main file (its path is known once the workspace exists). */
  const at = (line: number, col: number) => ({ file: workspace.mainPath, line, col });
  /** How diagnostics were printed before formatDiagnostic escaped what they quote. */
  const verbatim = ({ code, message, hint }: Diagnostic): string => `${message}${hint ? `; ${hint}` : ''} [${code}]`;

  test('accepts a one-line diagnostic with a known code inside the file', () => {
    expect(breachesOf({ code: 'RB_SCHEMA', message: 'title must be a string', location: at(2, 8) })).toEqual([]);
  });

  test('accepts a message quoting a line break, which formatDiagnostic prints escaped', () => {
    expect(breachesOf({ code: 'RB_SCHEMA', message: 'the runbook has unknown property "a\nb"', location: at(1, 1) })).toEqual([]);
  });

  test.each<[string, () => Diagnostic]>([
    ['an unknown code', () => ({ code: 'RB_NOPE' as Diagnostic['code'], message: 'x' })],
    ['an empty message', () => ({ code: 'RB_SCHEMA', message: ' ' })],
    ['a line past the end', () => ({ code: 'RB_YAML', message: 'x', location: at(4, 1) })],
    ['a column past the line', () => ({ code: 'RB_YAML', message: 'x', location: at(1, 12) })],
    ['another file', () => ({ code: 'RB_YAML', message: 'x', location: { file: 'elsewhere.yaml', line: 1, col: 1 } })],
  ])('refuses %s', (_what, diagnostic) => {
    expect(breachesOf(diagnostic())).toHaveLength(1);
  });

  test.each([
    ['a line break', 'has unknown property "a\nb"'],
    ['a carriage return', 'has unknown property "a\rb"'],
    ['a terminal escape', 'has unknown property "\x1b]0;pwned\x07"'],
    ['a C1 control', 'has unknown property "\x9b2J"'],
  ])('refuses %s printed as it is', (_what, message) => {
    expect(breachesOf({ code: 'RB_SCHEMA', message }, verbatim)).toHaveLength(1);
  });

  test('a place the YAML parser itself would miscount is counted in the text: inside its line', async () => {
    // Found by the soak: the parser's line count loses line breaks here, and put this at 1:13.
    const broken = { main: '*a: ...\n<<: *a' };
    const outcome = await loadAndPlan(workspace, broken);
    expect(contractBreaches(outcome, workspace, broken).breaches).toEqual([]);
    expect(outcome.diagnostics.map((diagnostic) => `${diagnostic.location?.line}:${diagnostic.location?.col}`)).toContain('1:1');
  });
});
