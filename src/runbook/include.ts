// `include:` composes runbooks. Each entry loads another runbook file (beside this one, or a shipped
// runbook by name), gives its variables their values and maps its host roles to this runbook's,
// then brings its questions, checks and diagnosis rules in, renamed (namespace.ts). Any runbook can
// be included: its `vars` are its parameters, as InSpec inputs are a profile's, and it still runs on
// its own. A missing file, a cycle, a role or a variable that does not fit, an id that clashes: each
// is an input error at the include that causes it.
import { checkKindOf } from '../checks/registry.js';
import { formatLocation, type Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { wholeReference } from '../model/references.js';
import type { Result } from '../model/result.js';
import type { Check, Runbook, SourceLocation, VarValue } from '../model/runbook.js';
import { mebibytes } from '../model/limits.js';
import { namespaced, type IncludedParts } from './namespace.js';
import { MAX_INPUT_BYTES } from './read-text.js';
import { asRecord, formatPath, type Path, type Raw, type RunbookSource } from './source.js';
import { substituteText, substituteVars, type Vars } from './substitute.js';
import type { SchemaCheck } from './validate.js';
import type { VarsFile } from './vars-file.js';
import { pushAll } from '../model/push-all.js';
import { listSome } from '../model/list-words.js';

/** A runbook file found for an include: where to read it, how messages name it, and its real path (for cycles). */
export interface FoundRunbook {
  readonly path: string;
  readonly displayName: string;
  readonly realPath: string;
  /** Its size on disk, where it has one (a pipe has none). */
  readonly size?: number;
}

/** How includes find their files: app/ knows the shipped runbooks, runbook/ does not. */
export interface IncludeFiles {
  /** `file` as written in an include of the runbook at `from` (a path read from disk). */
  locate(file: string, from: string): Promise<Result<FoundRunbook, { message: string; hint?: string }>>;
}

/** The runbooks being loaded, outermost first: an include of one of them is a cycle. */
export type IncludeChain = readonly FoundRunbook[];

/** Loads one included file with the values its include gives; load.ts passes itself, so the two need not import each other. */
export type LoadIncluded = (found: FoundRunbook, given: VarsFile, chain: IncludeChain) => Promise<{ runbook?: Runbook | undefined; diagnostics: Diagnostic[] }>;

/**
 * How much a runbook may bring in through includes, however they nest. Each include is a copy of
 * its file, so includes that each include another file twice double at every level: 22 levels of
 * them are 4 million copies, which loaded until memory ran out. The limits are far above what a
 * team composes (the shipped web-host.yaml: 3 includes) and keep the worst such file to seconds.
 */
export const INCLUDE_LIMITS = {
  /** Included runbooks in all, the includes of includes counted. */
  runbooks: 1000,
  /** Runbook text read in all, the including file's own counted: twice what one file may hold. */
  bytes: 2 * MAX_INPUT_BYTES,
  /** Checks the includes of one runbook bring in all: about half what one 8 MiB file can hold. */
  checks: 100_000,
} as const;

/** 1,000, as messages say it. */
const count = (value: number): string => value.toLocaleString('en-US');

/**
 * What one load (a runbook and everything it includes) has taken of INCLUDE_LIMITS. The first
 * include past a limit is reported at its place; after it, the load stops including (the runbook
 * cannot run), so a file that crosses a limit gives one line, not one per copy.
 */
export class IncludeBudget {
  #runbooks = 0;
  #bytes = 0;
  #spent = false;

  get spent(): boolean {
    return this.#spent;
  }

  /** Bytes of runbook text actually read (the including file's own, and what a pipe held). */
  read(bytes: number): void {
    this.#bytes += bytes;
  }

  /** The problem with including `found` once more, if there is one; else counts it. */
  include(found: FoundRunbook): { message: string; hint: string } | undefined {
    if (this.#runbooks + 1 > INCLUDE_LIMITS.runbooks) {
      return this.#spend({
        message: `would make ${count(this.#runbooks + 1)} runbooks included, and a runbook may include at most ${count(INCLUDE_LIMITS.runbooks)} in all (the includes of its includes counted)`,
        hint: 'each include is a copy of its file: include a runbook once and depend on its checks, rather than nesting includes that each include others',
      });
    }
    const size = found.size ?? 0;
    if (this.#bytes + size > INCLUDE_LIMITS.bytes) {
      return this.#spend({
        message: `(${mebibytes(size)}) would bring the runbook text read to ${mebibytes(this.#bytes + size)}, and a runbook and its includes may hold at most ${mebibytes(INCLUDE_LIMITS.bytes)} in all`,
        hint: 'include smaller runbooks, or fewer copies of this one',
      });
    }
    this.#runbooks += 1;
    return undefined;
  }

  /** The problem with the includes of one runbook bringing `checks` checks, if there is one. */
  checks(checks: number): string | undefined {
    if (checks <= INCLUDE_LIMITS.checks) return undefined;
    this.#spent = true;
    return `${count(checks)} checks, and the includes of a runbook may bring at most ${count(INCLUDE_LIMITS.checks)}`;
  }

  #spend(problem: { message: string; hint: string }): { message: string; hint: string } {
    this.#spent = true;
    return problem;
  }
}

export interface IncludeContext {
  readonly budget: IncludeBudget;
  readonly files: IncludeFiles;
  /** The including runbook, last in the chain. */
  readonly chain: IncludeChain;
  readonly load: LoadIncluded;
}

/** What the includes of one runbook bring, all renamed, and the checks its own conditions may name. */
export interface Imports extends IncludedParts {
  readonly checks: readonly Check[];
  readonly diagnostics: readonly Diagnostic[];
  /** Each include's parts, for the check of clashing names once the including runbook is compiled. */
  readonly brought: readonly Brought[];
}

export const NO_IMPORTS: Imports = { questions: [], diagnosis: [], vars: {}, secretVars: [], checks: [], diagnostics: [], brought: [] };

interface Entry {
  readonly at: Path;
  readonly file: string;
  readonly as?: string;
  readonly vars: Raw;
  readonly hosts: Readonly<Record<string, string>>;
}

const entriesOf = (source: RunbookSource, schema: SchemaCheck): Entry[] =>
  (Array.isArray(asRecord(source.data).include) ? (asRecord(source.data).include as unknown[]) : []).flatMap((raw, index) => {
    const at: Path = ['include', index];
    if (!schema.isClean(at)) return [];
    const entry = asRecord(raw);
    return [{ at, file: entry.file as string, vars: asRecord(entry.vars), hosts: asRecord(entry.hosts) as Record<string, string>, ...(typeof entry.as === 'string' ? { as: entry.as } : {}) }];
  });

/** Who holds a name first: the including runbook, or an earlier include. */
interface Owner {
  readonly what: string;
  readonly location: SourceLocation;
}

/** Every name a runbook's parts give, keyed by what kind of name it is. */
const broughtNames = (parts: IncludedParts): [string, Owner][] => [
  ...parts.questions.map((question): [string, Owner] => [`question ${question.id}`, { what: `question "${question.id}"`, location: question.location }]),
  ...parts.questions.flatMap((question) => question.checks).flatMap((check): [string, Owner][] => [
    [`check ${check.id}`, { what: `check "${check.id}"`, location: check.location }],
    ...check.captures.map((capture): [string, Owner] => [`capture ${capture.name}`, { what: `capture "${capture.name}"`, location: capture.location }]),
  ]),
  ...parts.diagnosis.map((rule): [string, Owner] => [`diagnosis rule ${rule.id}`, { what: `diagnosis rule "${rule.id}"`, location: rule.location }]),
];

/** One include as it was brought in: what it brings, renamed, and where to point at it. */
interface Brought {
  readonly parts: IncludedParts;
  /** `include[1]`, as messages name it. */
  readonly entry: string;
  readonly displayName: string;
  readonly prefixed: boolean;
  /** Its `as:`, else its `file:`: what the author changes to end a clash. */
  readonly location: SourceLocation;
}

/** One problem per include whose names clash, however many do: one `as:` fixes them all. */
const clashesOf = (brought: Brought, taken: Map<string, Owner>): Diagnostic[] => {
  const names = broughtNames(brought.parts);
  const clashing = names.filter(([key]) => taken.has(key));
  const [first] = clashing;
  const earlier = first && taken.get(first[0]);
  for (const [key, owner] of names) if (!taken.has(key)) taken.set(key, owner);
  if (!first || !earlier) return [];
  const more = clashing.length > 1 ? `, and ${clashing.length - 1} more` : '';
  return [{
    code: 'RB_INCLUDE',
    message: `${brought.entry} ${brought.displayName} brings ${first[1].what}, already ${earlier.what} at ${formatLocation(earlier.location)}${more}`,
    location: brought.location,
    hint: brought.prefixed ? 'give this include another prefix (as:)' : 'give this include a prefix of its own: as: NAME makes its ids NAME.id',
  }];
};

/**
 * Names the includes bring that the including runbook (its own parts, compiled) or an earlier
 * include already gives, each include reported once.
 */
export const importClashes = (own: IncludedParts, imports: Imports): Diagnostic[] => {
  if (imports.brought.length === 0) return [];
  const taken = new Map(broughtNames(own));
  return imports.brought.flatMap((brought) => clashesOf(brought, taken));
};

/** The role of ours an included role runs on: its `hosts:` entry (own keys only: a role may be named `constructor`), else its own name. */
const mappedRole = (entry: Entry, role: string): string => (Object.hasOwn(entry.hosts, role) ? entry.hosts[role]! : role);

/** The included runbook's roles, each to one of ours: mapped by `hosts:`, else the role of the same name. */
const roleProblems = (entry: Entry, included: Runbook, roles: readonly string[], source: RunbookSource, found: FoundRunbook): Diagnostic[] => {
  const theirs = Object.keys(included.hosts);
  const unknownKeys = Object.keys(entry.hosts).filter((role) => !theirs.includes(role)).map((role) => ({
    code: 'RB_INCLUDE' as const,
    message: `${formatPath([...entry.at, 'hosts', role])}: ${found.displayName} has no host role "${role}"`,
    location: source.locate([...entry.at, 'hosts', role], 'key'),
    hint: didYouMean(role, theirs) ?? `its roles: ${listSome(theirs)}`,
  }));
  // A role the included runbook does not define is reported in its own file, once.
  const used = [...new Set(included.questions.flatMap((question) => question.checks).flatMap((check) => [check.on, ...checkKindOf(check).otherHosts(check.spec)]))]
    .filter((role) => theirs.includes(role));
  const unmapped = used.filter((role) => !roles.includes(mappedRole(entry, role))).map((role) => {
    const mapped = Object.hasOwn(entry.hosts, role);
    return {
      code: 'RB_INCLUDE' as const,
      message: mapped
        ? `${formatPath([...entry.at, 'hosts', role])} maps role "${role}" to "${entry.hosts[role]}", which this runbook's hosts do not define`
        : `${formatPath(entry.at)} ${found.displayName} runs checks on role "${role}", which this runbook's hosts do not define`,
      location: source.locate(mapped ? [...entry.at, 'hosts', role] : [...entry.at, 'file']),
      hint: mapped ? (didYouMean(entry.hosts[role]!, roles) ?? `roles here: ${listSome(roles)}`) : `map it to one of this runbook's roles: hosts: { ${role}: ${roles[0] ?? 'ROLE'} }`,
    };
  });
  return [...unknownKeys, ...unmapped];
};

/** Names given under `vars:` that the included runbook does not declare; secrets given as text. */
const varProblems = (entry: Entry, included: Runbook, source: RunbookSource, found: FoundRunbook): Diagnostic[] => {
  const declared = Object.keys(included.vars).filter((name) => !name.includes('.'));
  return Object.entries(entry.vars).flatMap(([name, value]): Diagnostic[] => {
    const at = [...entry.at, 'vars', name];
    if (!declared.includes(name)) {
      return [{ code: 'RB_INCLUDE', message: `${formatPath(at)}: ${found.displayName} declares no variable "${name}"`, location: source.locate(at, 'key'), hint: didYouMean(name, declared) ?? `it declares: ${declared.join(', ') || 'none'}` }];
    }
    const reference = typeof value === 'string' ? wholeReference(value) : undefined;
    if (included.secretVars.includes(name) && reference?.namespace !== 'vars') {
      return [{ code: 'RB_INCLUDE', message: `${formatPath(at)} is a secret of ${found.displayName}: it takes no value written in the file`, location: source.locate(at), hint: 'give it a secret variable of this runbook, e.g. "${vars.db_password}"' }];
    }
    return [];
  });
};

/** A space for the included variables that no other include of this runbook has taken. */
const varSpaceFor = (entry: Entry, found: FoundRunbook, used: Set<string>): string => {
  const base = entry.as ?? found.displayName.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  let space = base;
  for (let n = 2; used.has(space); n++) space = `${base}-${n}`;
  used.add(space);
  return space;
};

const cycleProblem = (entry: Entry, found: FoundRunbook, chain: IncludeChain, source: RunbookSource): Diagnostic | undefined => {
  const start = chain.findIndex((link) => link.realPath === found.realPath);
  if (start < 0) return undefined;
  const loop = [...chain.slice(start), found].map((link) => link.displayName).join(' -> ');
  return { code: 'RB_INCLUDE', message: `${formatPath([...entry.at, 'file'])} closes a cycle of includes: ${loop}`, location: source.locate([...entry.at, 'file']), hint: 'a runbook cannot include itself, directly or through others' };
};

interface Including {
  readonly source: RunbookSource;
  readonly vars: Vars;
  readonly roles: readonly string[];
}

/** A runbook that was never a file has nowhere to find its includes from. */
export const includesOfText = (source: RunbookSource, schema: SchemaCheck): Imports =>
  entriesOf(source, schema).length === 0
    ? NO_IMPORTS
    : { ...NO_IMPORTS, diagnostics: [{ code: 'RB_INCLUDE', message: 'include: only a runbook read from a file can include others', location: source.locate(['include']) }] };

/** Loads every include of a runbook (its variables already known), in order, each problem at its place. */
export const loadIncludes = async (including: Including, schema: SchemaCheck, context: IncludeContext): Promise<Imports> => {
  const { source, vars, roles } = including;
  const entries = entriesOf(source, schema);
  if (entries.length === 0) return NO_IMPORTS;
  const brought: Brought[] = [];
  const diagnostics: Diagnostic[] = [];
  const spaces = new Set<string>();
  let checks = 0;
  for (const entry of entries) {
    // Past a limit the runbook cannot run: nothing more is loaded, and one line says why.
    if (context.budget.spent) break;
    const file = substituteText(entry.file, vars);
    const found = await context.files.locate(file, context.chain.at(-1)!.path);
    if (!found.ok) {
      diagnostics.push({ code: 'RB_INCLUDE', message: `${formatPath([...entry.at, 'file'])} ${found.error.message}`, location: source.locate([...entry.at, 'file']), ...(found.error.hint ? { hint: found.error.hint } : {}) });
      continue;
    }
    const cycle = cycleProblem(entry, found.value, context.chain, source);
    if (cycle) {
      diagnostics.push(cycle);
      continue;
    }
    const overLimit = context.budget.include(found.value);
    if (overLimit) {
      diagnostics.push({ code: 'RB_INCLUDE', message: `${formatPath([...entry.at, 'file'])} ${found.value.displayName} ${overLimit.message}`, location: source.locate([...entry.at, 'file']), hint: overLimit.hint });
      break;
    }
    const values = substituteVars(entry.vars, vars) as Record<string, VarValue>;
    const locations = Object.fromEntries(Object.keys(values).map((name) => [name, source.locate([...entry.at, 'vars', name], 'key')]));
    const loaded = await context.load(found.value, { values, locations }, [...context.chain, found.value]);
    pushAll(diagnostics, loaded.diagnostics);
    if (context.budget.spent) break; // by an include of its own: said there
    if (!loaded.runbook) continue;
    checks += loaded.runbook.questions.reduce((sum, question) => sum + question.checks.length, 0);
    const tooMany = context.budget.checks(checks);
    if (tooMany) {
      diagnostics.push({ code: 'RB_INCLUDE', message: `${formatPath([...entry.at, 'file'])} ${found.value.displayName} brings the includes of this runbook to ${tooMany}`, location: source.locate([...entry.at, 'file']), hint: 'split the runbook, or include fewer copies' });
      break;
    }
    const fits = [...varProblems(entry, loaded.runbook, source, found.value), ...roleProblems(entry, loaded.runbook, roles, source, found.value)];
    pushAll(diagnostics, fits);
    const renamed = namespaced(loaded.runbook, {
      ...(entry.as === undefined ? {} : { prefix: entry.as }),
      varSpace: varSpaceFor(entry, found.value, spaces),
      role: (role) => mappedRole(entry, role),
    });
    brought.push({
      parts: renamed,
      entry: formatPath(entry.at),
      displayName: found.value.displayName,
      prefixed: entry.as !== undefined,
      location: source.locate([...entry.at, entry.as === undefined ? 'file' : 'as']),
    });
  }
  const parts = brought.map((include) => include.parts);
  const questions = parts.flatMap((part) => part.questions);
  return {
    questions,
    diagnosis: parts.flatMap((part) => part.diagnosis),
    vars: Object.assign({}, ...parts.map((part) => part.vars)) as Record<string, VarValue>,
    secretVars: parts.flatMap((part) => part.secretVars),
    checks: questions.flatMap((question) => question.checks),
    diagnostics,
    brought,
  };
};

/** The including runbook with what its includes bring: theirs first, as if written at the top. */
export const withImports = (runbook: Runbook, imports: Imports): Runbook => ({
  ...runbook,
  vars: { ...imports.vars, ...runbook.vars },
  secretVars: [...imports.secretVars, ...runbook.secretVars],
  questions: [...imports.questions, ...runbook.questions],
  diagnosis: [...imports.diagnosis, ...runbook.diagnosis],
});
