// Load, validate and plan every file before anything runs: all problems of all files are reported
// together, and nothing runs if any file is invalid.
import { stat } from 'node:fs/promises';
import { InputError, type Diagnostic } from '../errors/diagnostic.js';
import { buildPlan, type Plan } from '../plan/plan.js';
import { loadRunbookFile } from '../runbook/load.js';
import { readText } from '../runbook/read-text.js';
import type { Overrides } from '../runbook/normalize.js';
import { mergeVarsFiles, parseVarsFile, undeclaredInVarsFile, type VarsFile } from '../runbook/vars-file.js';
import { redactData, redactor, secretValues } from '../secrets/redact.js';
import { includeFiles, locateRunbook } from './locate-runbook.js';
import { parseInventory, type Inventory } from '../runbook/inventory.js';
import { pushAll } from '../model/push-all.js';
import { forgetV8Flag, noteV8Flag } from '../model/v8-flags.js';
import { schemaValidator } from '../runbook/validate.js';

const byPosition = (a: Diagnostic, b: Diagnostic): number =>
  (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
  (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
  (a.location?.col ?? 0) - (b.location?.col ?? 0);

/** V8's own factor (--semi-space-growth-factor), which a run's short-lived objects are left to. */
const YOUNG_GENERATION_GROWTH = 2;

const SMALL_YOUNG_GENERATION = '--semi-space-growth-factor=1';

/** From about 2,000 checks. Smaller runbooks never load node:v8 (7 ms, test/e2e/startup.test.ts). */
const LARGE_RUNBOOK_BYTES = 256 * 1024;

/**
 * While a large runbook is read, V8's young generation keeps its first size instead of growing to
 * 16 MiB. What a reading makes mostly survives (the text's data, then the model), so a bigger
 * young generation collects no more garbage; it only spreads each object's allocation and first
 * copy over memory the process touches for the first time, and a page fault costs about 10 µs on
 * a 2-core VM. `validate` of 20,000 checks, 11 alternated runs: 1006 -> 872 ms together with the
 * smaller model (source.ts PlaceWhenRead, compile-check.ts); 143 -> 110 MiB peak (npm run bench).
 * Afterwards V8 grows it again: a run's many short-lived objects did 3% worse without (500 local
 * checks).
 * Returns how to set it back.
 */
const smallYoungGenerationWhile = async (path: string): Promise<(() => void) | undefined> => {
  const { size } = await stat(path).catch(() => ({ size: 0 }));
  if (size < LARGE_RUNBOOK_BYTES) return undefined;
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString(SMALL_YOUNG_GENERATION);
  noteV8Flag(SMALL_YOUNG_GENERATION);
  return () => {
    setFlagsFromString(`--semi-space-growth-factor=${YOUNG_GENERATION_GROWTH}`);
    forgetV8Flag(SMALL_YOUNG_GENERATION);
  };
};

/** `forRun`: every check will be placed, for its result (runbook/source.ts ParseOptions.placeCollections). */
export const loadPlans = async (names: readonly string[], overrides: Overrides = {}, forRun = false): Promise<Plan[]> => {
  const plans: Plan[] = [];
  const problems: Diagnostic[] = [];
  let restoreYoungGeneration: (() => void) | undefined;
  try {
    for (const name of names) {
      const located = await locateRunbook(name).catch((error: unknown) => {
        if (!(error instanceof InputError)) throw error;
        pushAll(problems, error.diagnostics);
        return undefined;
      });
      if (!located) continue;
      // Compiled first, under the flags its code cache was made for (model/cached-require.ts):
      // V8 takes no cache under the young generation's.
      schemaValidator();
      restoreYoungGeneration ??= await smallYoungGenerationWhile(located.path);
      const loaded = await loadRunbookFile(located, overrides, includeFiles, forRun);
      const fileProblems = [...loaded.diagnostics];
      if (loaded.runbook) {
        const { plan, diagnostics } = buildPlan(loaded.runbook);
        pushAll(fileProblems, diagnostics);
        plans.push(plan);
      }
      pushAll(problems, fileProblems.sort(byPosition));
    }
  } finally {
    restoreYoungGeneration?.();
  }
  if (overrides.varsFile) pushAll(problems, undeclaredInVarsFile(overrides.varsFile, plans.flatMap((plan) => Object.keys(plan.runbook.vars))));
  // No message quotes a variable's value today; masking here keeps it so for messages to come.
  if (problems.length > 0) throw new InputError(redactData(dedupe(problems), redactor(secretsOf(plans))));
  return plans;
};

/** The values of every secret variable of these runbooks: what no output may show. */
export const secretsOf = (plans: readonly Plan[]): string[] => plans.flatMap((plan) => secretValues(plan.runbook));

/** A usage problem (`--var x`) is found once per file; say it once. */
const dedupe = (problems: Diagnostic[]): Diagnostic[] => {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = JSON.stringify(problem);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** `--vars-file` files, read and merged in order (a later file wins); every problem of every file at once. */
export const loadVarsFiles = async (paths: readonly string[]): Promise<VarsFile | undefined> => {
  if (paths.length === 0) return undefined;
  const files: VarsFile[] = [];
  const problems: Diagnostic[] = [];
  for (const path of paths) {
    const text = await readText(path);
    if (!text.ok) {
      problems.push({ code: 'RB_FILE', message: `--vars-file ${path}: cannot read it: ${text.error}` });
      continue;
    }
    const { varsFile, diagnostics } = parseVarsFile(path, text.value);
    files.push(varsFile);
    pushAll(problems, diagnostics);
  }
  if (problems.length > 0) throw new InputError(problems);
  return mergeVarsFiles(files);
};

/** `--inventory FILE`, read whole: every problem of the file at once, at its line and column. */
export const loadInventory = async (path: string): Promise<Inventory> => {
  const text = await readText(path);
  if (!text.ok) throw new InputError([{ code: 'RB_INVENTORY', message: `--inventory ${path}: cannot read it: ${text.error}` }]);
  const { inventory, diagnostics } = parseInventory(path, text.value);
  if (diagnostics.length > 0) throw new InputError(diagnostics);
  return inventory;
};
