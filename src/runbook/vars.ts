// The runbook's variables and the value each one takes for this run: `--var`, else
// RUNBOOK_VAR_<name> from the environment, else a `--vars-file`, else the file's default. A secret takes no default from
// the file (the schema refuses a non-empty one), so it is given by the caller or is empty.
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { VAR_ENV_PREFIX, type VarValue } from '../model/runbook.js';
import { firstHidden } from '../model/visible-text.js';
import { hiddenCharacterProblem } from './hidden-characters.js';
import { asRecord } from './source.js';
import type { VarsFile } from './vars-file.js';

export type Environment = Readonly<Record<string, string | undefined>>;

interface Declaration {
  readonly fileDefault: VarValue;
  readonly secret: boolean;
}

const isVarValue = (value: unknown): value is VarValue => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** `port: 3306` is `port: { default: 3306 }`; a variable with no default (a secret's, too) is empty. */
const declarationOf = (entry: unknown): Declaration => {
  if (isVarValue(entry)) return { fileDefault: entry, secret: false };
  const map = asRecord(entry);
  const secret = map.secret === true;
  return { secret, fileDefault: !secret && isVarValue(map.default) ? map.default : '' };
};

/** Own keys only: a variable named `constructor` must not find Object.prototype's. */
const own = (record: Readonly<Record<string, string | undefined>>, key: string): string | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

export interface ResolvedVars {
  readonly values: Record<string, VarValue>;
  readonly secretVars: string[];
}

/**
 * `environment` is the process environment, as data: only RUNBOOK_VAR_<declared name> is read, so
 * variables meant for other runbooks are ignored rather than refused (unlike a mistyped --var).
 */
/** What the caller gives: --var flags, the environment, the --vars-file values. */
export interface GivenVars {
  readonly flags: Readonly<Record<string, string>>;
  readonly environment: Environment;
  readonly varsFile?: VarsFile;
}

const fromFile = (varsFile: VarsFile | undefined, name: string): VarValue | undefined =>
  varsFile && Object.hasOwn(varsFile.values, name) ? varsFile.values[name] : undefined;

/**
 * A value given on the command line or in the environment is held to what the runbook's YAML is
 * (yaml-content.ts): titles and hints are filled with it while the file loads, and the human report
 * showed a title's `\e]0;...` as it is, retitling the operator's terminal. A secret's value is never
 * shown (its reference is), so it may hold anything the shell could pass.
 */
const hiddenInGiven = (name: string, value: string | undefined, where: string): Diagnostic[] => {
  const index = value === undefined ? -1 : firstHidden(value);
  if (index === -1) return [];
  const { message, hint } = hiddenCharacterProblem(value![index]!);
  return [{ code: 'RB_USAGE', message: `${where}: the value of ${name} ${message}`, hint }];
};

export const resolveVars = (declared: unknown, given: GivenVars, problems: Diagnostic[]): ResolvedVars => {
  const { flags, environment, varsFile } = given;
  const values: Record<string, VarValue> = {};
  const secretVars: string[] = [];
  for (const [name, entry] of Object.entries(asRecord(declared))) {
    const { fileDefault, secret } = declarationOf(entry);
    const [flag, fromEnvironment] = [own(flags, name), own(environment, `${VAR_ENV_PREFIX}${name}`)];
    values[name] = flag ?? fromEnvironment ?? fromFile(varsFile, name) ?? fileDefault;
    if (secret) secretVars.push(name);
    else problems.push(...(flag === undefined ? hiddenInGiven(name, fromEnvironment, `${VAR_ENV_PREFIX}${name}`) : hiddenInGiven(name, flag, `--var ${name}`)));
  }
  for (const name of Object.keys(flags).filter((flag) => !Object.hasOwn(values, flag))) {
    const hint = didYouMean(name, Object.keys(values));
    problems.push({ code: 'RB_USAGE', message: `--var ${name}: the runbook declares no variable "${name}"`, ...(hint ? { hint } : {}) });
  }
  return { values, secretVars };
};
