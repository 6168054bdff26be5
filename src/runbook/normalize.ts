// Builds the Runbook model from a parsed file: variables given their values (vars.ts), --host
// overrides applied, ids checked for duplicates, every check compiled. Parts that broke the schema
// are skipped (already reported).
import { CHECK_KIND_KEYS, checkKindOf, type CheckKindKey } from '../checks/registry.js';
import { formatLocation, type Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { RUNBOOK_VERSION, type Check, type Question, type RoleHosts, type Runbook, type SourceLocation } from '../model/runbook.js';
import { DEFAULT_REQUIRE } from '../model/require.js';
import { compileCheck, type CheckContext } from './compile-check.js';
import { compileDiagnosis, compileWhen, type WhenSource } from './compile-diagnosis.js';
import type { Inventory } from './inventory.js';
import { buildRoles, HostBudget } from './role-hosts.js';
import { referencePlaceProblems } from './reference-places.js';
import { substituteText, withoutSecrets, type Vars } from './substitute.js';
import type { VarsFile } from './vars-file.js';
import { asRecord, formatPath, type Path, type Raw, type RunbookSource } from './source.js';
import type { SchemaCheck } from './validate.js';
import { resolveVars, type Environment } from './vars.js';
import { pushAll } from '../model/push-all.js';
import { listSome } from '../model/list-words.js';

export interface Overrides {
  /** `--var name=value`: wins over the environment and the file's default; numeric text stays text (it is substituted as is). */
  readonly vars?: Readonly<Record<string, string>>;
  /** The environment, as data (src/cli passes its RUNBOOK_VAR_* entries): `RUNBOOK_VAR_<name>` sets the variable `<name>`. */
  readonly environment?: Environment;
  /** `--vars-file FILE`: values under RUNBOOK_VAR_<name>, over the file's defaults. */
  readonly varsFile?: VarsFile;
  /** `--host role=[user@]host[:port]`, a range or `@GROUP`: points a role at other machines. */
  readonly hosts?: Readonly<Record<string, string>>;
  /** `--inventory FILE`, read: the groups `@GROUP` and `web: {}` name. */
  readonly inventory?: Inventory;
}

/** `--host` may only point a role the runbook has; what it points at is read like the runbook's own value. */
const unknownRoleOverrides = (raw: Raw, overrides: Readonly<Record<string, string>>): Diagnostic[] =>
  Object.keys(overrides)
    .filter((role) => !Object.hasOwn(raw, role))
    .map((role) => {
      // The roles it has, when no name is close: "client" for a runbook whose only role is "this".
      const roles = Object.keys(raw);
      const hint = didYouMean(role, roles) ?? (roles.length > 0 ? `its roles: ${listSome(roles)}` : 'it names no hosts');
      return { code: 'RB_USAGE', message: `--host ${role}: the runbook has no host role "${role}"`, hint };
    });

/** Reports the second and later uses of an id, pointing back at the first. */
const findDuplicates = (entries: { id: string; path: Path; location: SourceLocation }[], what: string): Diagnostic[] => {
  const first = new Map<string, { path: Path; location: SourceLocation }>();
  const problems: Diagnostic[] = [];
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index]!;
    const earlier = first.get(entry.id);
    if (!earlier) first.set(entry.id, entry);
    else {
      problems.push({
        code: 'RB_DUPLICATE_ID',
        message: `${formatPath(entry.path)} ${what} id "${entry.id}" is already used by ${formatPath(earlier.path)} at ${formatLocation(earlier.location)}`,
        location: entry.location,
      });
    }
  }
  return problems;
};

/** `on`, and the roles a kind reaches besides it (a capture's trigger host), must all be defined. */
const checkRoles = (checks: readonly Check[], hosts: Readonly<Record<string, RoleHosts>>, roles: string[]): Diagnostic[] => {
  const written = new Set(roles);
  const problems: Diagnostic[] = [];
  /** `key`: the check's key that names the role, where the problem is placed. */
  const expect = (role: string, check: Check, what: string, key: string): void => {
    if (Object.hasOwn(hosts, role) || written.has(role)) return;
    const hint = didYouMean(role, roles) ?? `define it under hosts (known roles: ${listSome(roles) || 'none'})`;
    problems.push({ code: 'RB_UNKNOWN_HOST', message: `check "${check.id}" ${what} unknown host role "${role}"`, location: check.places.of(key), hint });
  };
  // Index loops, not a list of roles per check nor an iterator: this runs over every check of the file.
  for (let index = 0; index < checks.length; index += 1) {
    const check = checks[index]!;
    expect(check.on, check, 'runs on', 'on');
    const others = checkKindOf(check).otherHosts(check.spec);
    for (let other = 0; other < others.length; other += 1) expect(others[other]!, check, 'uses', check.kind);
  }
  return problems;
};

const duplicateCaptures = (checks: readonly Check[]): Diagnostic[] => {
  const owner = new Map<string, string>();
  const problems: Diagnostic[] = [];
  for (let index = 0; index < checks.length; index += 1) {
    const check = checks[index]!;
    for (const capture of check.captures) {
      const other = owner.get(capture.name);
      if (other) problems.push({ code: 'RB_DUPLICATE_CAPTURE', message: `check "${check.id}" captures "${capture.name}", already captured by check "${other}"`, location: capture.location, hint: 'give each capture its own name' });
      else owner.set(capture.name, check.id);
    }
  }
  return problems;
};

/** A check missing or breaking one of these cannot be planned. */
const ESSENTIAL_KEYS = ['id', 'on', 'depends_on'] as const;

const essentialKeysClean = (schema: SchemaCheck, checkPath: Path): boolean => {
  for (const key of ESSENTIAL_KEYS) if (!schema.isClean(checkPath, key)) return false;
  return true;
};

/** The check's kind: its one kind's key, where the schema let a sound check through. */
const kindKeyOf = (raw: Raw): CheckKindKey | undefined => {
  for (const key of CHECK_KIND_KEYS) if (Object.hasOwn(raw, key)) return key;
  return undefined;
};

const givenVars = (overrides: Overrides) => ({ flags: overrides.vars ?? {}, environment: overrides.environment ?? {}, ...(overrides.varsFile ? { varsFile: overrides.varsFile } : {}) });

/** The values of the runbook's own variables, before anything else is compiled: its includes are given them. */
export const runbookVars = (source: RunbookSource, overrides: Overrides = {}): Vars => resolveVars(asRecord(source.data).vars, givenVars(overrides), []).values;

/** `when` may ask about any check, so it is compiled once every check is known. */
const withWhens = (
  source: RunbookSource,
  parsed: readonly Question[],
  { whenSources, imported, vars }: { whenSources: ReadonlyMap<Check, WhenSource[]>; imported: readonly Check[]; vars: Vars },
  problems: Diagnostic[],
): Question[] => {
  const checksById = new Map([...imported, ...parsed.flatMap((question) => question.checks)].map((check) => [check.id, check]));
  return parsed.map((question) => ({
    ...question,
    checks: question.checks.map((check) => {
      const when = compileWhen(source, check, whenSources.get(check) ?? [], checksById, vars, problems);
      return when ? { ...check, when } : check;
    }),
  }));
};

/**
 * `imported`: the checks its includes bring, which its own `when:` and diagnosis rules may name.
 * `hostBudget`: what the roles of the whole load (this runbook, its includer and its includes) may still hold.
 */
export const normalizeRunbook = (source: RunbookSource, schema: SchemaCheck, overrides: Overrides = {}, imported: readonly Check[] = [], hostBudget = new HostBudget()) => {
  const problems: Diagnostic[] = [];
  const root = asRecord(source.data);
  const rawHosts = asRecord(root.hosts);
  pushAll(problems, unknownRoleOverrides(rawHosts, overrides.hosts ?? {}));
  const hosts = buildRoles(source, rawHosts, { overrides: overrides.hosts ?? {}, isClean: schema.isClean, budget: hostBudget, ...(overrides.inventory ? { inventory: overrides.inventory } : {}) }, problems);
  const { values: vars, secretVars } = resolveVars(root.vars, givenVars(overrides), problems);
  pushAll(problems, referencePlaceProblems(source, vars, CHECK_KIND_KEYS));
  // Text only shown to people names a secret (`${vars.db_password}`) as the plan does, never its value.
  const shownVars = withoutSecrets(vars, secretVars);
  const shown = (text: string): string => substituteText(text, shownVars);
  const defaults = root.defaults !== undefined && schema.isClean(['defaults']) ? { raw: asRecord(root.defaults), path: ['defaults'] as Path } : undefined;
  const questionIds: { id: string; path: Path; location: SourceLocation }[] = [];
  const checkIds: { id: string; path: Path; location: SourceLocation }[] = [];
  const parsed: Question[] = [];
  const whenSources = new Map<Check, WhenSource[]>();
  (Array.isArray(root.questions) ? root.questions : []).forEach((rawQuestion: unknown, index) => {
    const path: Path = ['questions', index];
    const question = asRecord(rawQuestion);
    const id = typeof question.id === 'string' ? question.id : `#${index}`;
    if (typeof question.id === 'string') questionIds.push({ id, path, location: source.locateIn(path, 'id') });
    const rawChecks: unknown[] = Array.isArray(question.checks) ? question.checks : [];
    const checks: Check[] = [];
    // Plain loops here and below: this runs for every check, and in code V8 has not optimized yet
    // each callback, list returned to flatMap or spread was made and dropped 20,000 times.
    for (let checkIndex = 0; checkIndex < rawChecks.length; checkIndex += 1) {
      // Shared by the check's places (source.locateIn): written out, as a spread leaves room to grow.
      const checkPath: Path = ['questions', index, 'checks', checkIndex];
      const raw = asRecord(rawChecks[checkIndex]);
      // A sound check has exactly one kind's key (the schema's oneOf).
      const kindKey = kindKeyOf(raw);
      // A bad timeout or expectation is reported on its own; the check is still planned, so its
      // unknown role or dependency is reported in the same run, not after the first fix.
      if (!schema.isSound(checkPath) || kindKey === undefined || !essentialKeysClean(schema, checkPath)) continue;
      const context: CheckContext = defaults ? { path: checkPath, kindKey, questionId: id, vars, defaults } : { path: checkPath, kindKey, questionId: id, vars };
      const check = compileCheck(source, raw, context, problems, schema.isClean);
      checkIds.push({ id: check.id, path: checkPath, location: check.location });
      const questionWhen = question.when !== undefined && schema.isClean(path, 'when');
      const checkWhen = raw.when !== undefined && schema.isClean(checkPath, 'when');
      if (questionWhen || checkWhen) {
        const whens: WhenSource[] = [];
        if (questionWhen) whens.push({ raw: question.when, at: [...path, 'when'] });
        if (checkWhen) whens.push({ raw: raw.when, at: [...checkPath, 'when'] });
        whenSources.set(check, whens);
      }
      checks.push(check);
    }
    parsed.push({
      id,
      title: typeof question.title === 'string' ? shown(question.title) : id,
      severity: question.severity === 'warning' ? 'warning' : 'error',
      tags: Array.isArray(question.tags) ? question.tags.filter((tag): tag is string => typeof tag === 'string') : [],
      require: typeof question.require === 'string' ? question.require : typeof question.require === 'number' ? String(question.require) : DEFAULT_REQUIRE,
      checks,
      location: source.locate(path),
      ...(typeof question.hint === 'string' ? { hint: shown(question.hint) } : {}),
    });
  });
  const questions = whenSources.size === 0 ? parsed : withWhens(source, parsed, { whenSources, imported, vars }, problems);
  const allChecks = questions.flatMap((question) => question.checks);
  pushAll(problems, findDuplicates(questionIds, 'question'), findDuplicates(checkIds, 'check'));
  pushAll(problems, checkRoles(allChecks, hosts, Object.keys(rawHosts)), duplicateCaptures(allChecks));
  const diagnosis = compileDiagnosis(source, root.diagnosis, [...imported, ...allChecks], schema.isClean, problems, vars);
  const ruleIds = diagnosis.map((rule, index) => ({ id: rule.id, path: ['diagnosis', index] as Path, location: rule.location }));
  pushAll(problems, findDuplicates(ruleIds, 'diagnosis rule'));
  const runbook: Runbook = {
    file: source.file,
    version: typeof root.version === 'number' ? root.version : RUNBOOK_VERSION,
    title: typeof root.title === 'string' ? shown(root.title) : source.file,
    vars,
    secretVars,
    hosts,
    questions,
    diagnosis,
    ...(typeof root.description === 'string' ? { description: shown(root.description) } : {}),
  };
  return { runbook, diagnostics: problems };
};
