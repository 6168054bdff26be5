// The CLI's own load path, in-process: what `runbook validate` and `runbook plan` do with a file
// (locate, read, parse, schema, includes, model, plan, describe), without spawning anything, so a
// hundred thousand fuzz cases fit in minutes. Whatever it throws besides InputError is what the
// CLI would print as "internal error" (exit 70).
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePlan, renderPlan } from '../../../src/app/describe-plan.js';
import { loadPlans } from '../../../src/app/load-plans.js';
import { ERROR_CODES } from '../../../src/errors/codes.js';
import { formatDiagnostic, InputError, type Diagnostic } from '../../../src/errors/diagnostic.js';
import type { SourceLocation } from '../../../src/model/runbook.js';
import type { Overrides } from '../../../src/runbook/normalize.js';

/** One generated input: the runbook, the file its includes may name, and the command line's overrides. */
export interface FuzzCase {
  readonly main: string;
  /** Written as `lib.yaml` beside the runbook when present; absent, an include of it names a missing file. */
  readonly lib?: string;
  readonly overrides?: Overrides;
}

const MAIN_FILE = 'main.yaml';
const LIB_FILE = 'lib.yaml';

/** How far a case got: refused as YAML (the planner never saw it), planned with problems, or planned clean. */
export type Stage = 'rejected-as-yaml' | 'planned-with-problems' | 'planned-clean';

export interface Outcome {
  readonly stage: Stage;
  readonly diagnostics: readonly Diagnostic[];
  /** Checks in the plan's order, over all plans: how deep a clean case went. */
  readonly checks: number;
}

/** Memory-backed where there is one: writing a file under /tmp took 3 ms here, a third of a case. */
const scratchRoot = (): string => {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
};

/** A directory the cases are written into, one case at a time (each case overwrites the last). */
export const fuzzWorkspace = () => {
  const dir = mkdtempSync(join(scratchRoot(), 'runbook-fuzz-'));
  const mainPath = join(dir, MAIN_FILE);
  const libPath = join(dir, LIB_FILE);
  const write = (fuzzCase: FuzzCase): void => {
    writeFileSync(mainPath, fuzzCase.main);
    // A missing lib.yaml is an input too: the include that names it must say so.
    if (fuzzCase.lib === undefined) rmSync(libPath, { force: true });
    else writeFileSync(libPath, fuzzCase.lib);
  };
  return { dir, mainPath, libPath, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

export type Workspace = ReturnType<typeof fuzzWorkspace>;

/** The main file's own YAML or reading problems: then it never reached the planner. */
const rejectedAsYaml = (diagnostics: readonly Diagnostic[], mainPath: string): boolean =>
  diagnostics.some((diagnostic) => (diagnostic.code === 'RB_YAML' || diagnostic.code === 'RB_FILE') && diagnostic.location?.file === mainPath);

/**
 * Loads and plans the case as `runbook plan` would: every problem as an InputError, else each plan
 * described and rendered. Anything else thrown propagates: it is the bug the fuzzing looks for.
 */
export const loadAndPlan = async (workspace: Workspace, fuzzCase: FuzzCase): Promise<Outcome> => {
  workspace.write(fuzzCase);
  try {
    const plans = await loadPlans([workspace.mainPath], fuzzCase.overrides ?? {});
    for (const plan of plans) renderPlan(plan, describePlan(plan, 10_000));
    return { stage: 'planned-clean', diagnostics: [], checks: plans.reduce((sum, plan) => sum + plan.order.length, 0) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const stage = rejectedAsYaml(error.diagnostics, workspace.mainPath) ? 'rejected-as-yaml' : 'planned-with-problems';
    return { stage, diagnostics: error.diagnostics, checks: 0 };
  }
};

/**
 * What no printed diagnostic may hold: C0 controls (line breaks among them), DEL, C1, the Unicode
 * line separators, the bidi controls and lone surrogates.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The text of each file a diagnostic may point into: the case's own, or a shipped runbook an include named. */
const textsOf = (workspace: Workspace, fuzzCase: FuzzCase) => {
  const texts = new Map<string, string>([[workspace.mainPath, fuzzCase.main]]);
  if (fuzzCase.lib !== undefined) texts.set(workspace.libPath, fuzzCase.lib);
  return (file: string): string | undefined => {
    if (!texts.has(file) && file.endsWith('.yaml') && file.includes('/runbooks/')) texts.set(file, readFileSync(file, 'utf8'));
    return texts.get(file);
  };
};

/** Where a location breaks the contract: outside the file, or in a file the case does not have. */
const locationBreach = (location: SourceLocation, text: string | undefined): string | undefined => {
  if (text === undefined) return `points into ${location.file}, which is not one of the case's files`;
  // The YAML library counts lines by "\n" alone, and columns in UTF-16 units: so does this.
  const lines = text.split('\n');
  const line = lines[location.line - 1];
  if (!Number.isInteger(location.line) || line === undefined) return `line ${location.line} is outside the file (${lines.length} lines)`;
  if (!Number.isInteger(location.col) || location.col < 1 || location.col > line.length + 1) return `column ${location.col} is outside line ${location.line} (${line.length} characters)`;
  return undefined;
};

type Print = (diagnostic: Diagnostic) => string;

/** Breaches of the contract. */
export interface Breaches {
  readonly breaches: string[];
}

/**
 * What a diagnostic breaks of the contract "one line, a known code, a place inside the file", if
 * anything. The line is judged as printed: a message quotes the file's own keys and names as
 * written (a key may hold a line break), and formatDiagnostic, which prints every one, escapes them.
 */
const diagnosticBreaches = (diagnostic: Diagnostic, textOf: (file: string) => string | undefined, print: Print): Breaches => {
  const printed = print(diagnostic);
  const said = (problem: string | undefined): string[] => (problem === undefined ? [] : [`${JSON.stringify(printed)} ${problem}`]);
  const { location } = diagnostic;
  const text = location && textOf(location.file);
  return {
    breaches: [
      ...said(Object.hasOwn(ERROR_CODES, diagnostic.code) ? undefined : `has the unknown code ${JSON.stringify(diagnostic.code)}`),
      ...said(typeof diagnostic.message === 'string' && diagnostic.message.trim() !== '' ? undefined : 'has no message'),
      ...said(UNPRINTABLE.test(printed) ? 'is printed with a line break or a control character' : undefined),
      ...said(location && locationBreach(location, text)),
    ],
  };
};

/** Every way the outcome's diagnostics break the contract, printed by `print` (the CLI's way unless a test says otherwise). */
export const contractBreaches = (outcome: Outcome, workspace: Workspace, fuzzCase: FuzzCase, print: Print = formatDiagnostic): Breaches => {
  const textOf = textsOf(workspace, fuzzCase);
  const each = outcome.diagnostics.map((diagnostic) => diagnosticBreaches(diagnostic, textOf, print));
  return { breaches: each.flatMap((one) => one.breaches) };
};
