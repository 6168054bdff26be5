// Validates parsed YAML against the generated schema and rewrites ajv's errors for operators:
// "questions[0].checks[1] has unknown property "prot"; did you mean "port"?" at the key's line.
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { CHECK_KIND_KEYS } from '../checks/registry.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { referencePattern } from '../model/references.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { show } from '../matchers/format.js';
import { VAR_ENV_PREFIX } from '../model/runbook.js';
import { DURATION_SCHEMA, durationExpectation, writtenValue } from '../model/duration.js';
import { formatPath, type Path, type RunbookSource } from './source.js';
import { requireCompiled } from '../model/cached-require.js';

let compiled: ValidateFunction | undefined;

/** From the package root, which src/runbook, dist/runbook and the bundle in dist/bundle all reach so. */
const PRECOMPILED = '../../schemas/runbook.validate.cjs';

/** The validator's file: the bundle's code cache is made for it (scripts/code-cache.ts). */
export const SCHEMA_VALIDATOR_FILE = fileURLToPath(new URL(PRECOMPILED, import.meta.url));

/**
 * The validator `npm run schema` generates with the schemas (ajv's standalone code, see
 * runbook/runbook-ajv.ts): compiling the schema at every start cost about 230 ms of `runbook
 * validate`'s 730, and loading ajv itself 40 more. test/schemas.test.ts fails while it is stale.
 * Compiled from its code cache where npm run build left one (cached-require.ts).
 */
export const schemaValidator = (): ValidateFunction => {
  if (compiled) return compiled;
  try {
    compiled = requireCompiled(SCHEMA_VALIDATOR_FILE) as ValidateFunction;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error('schemas/runbook.validate.cjs is missing: run npm run schema', { cause: error });
  }
  return compiled;
};

const toPath = (pointer: string): Path =>
  pointer === ''
    ? []
    : pointer.slice(1).split('/').map((step) => {
        const unescaped = step.replace(/~1/g, '/').replace(/~0/g, '~');
        return /^\d+$/.test(unescaped) ? Number(unescaped) : unescaped;
      });

const article = (type: string): string => (type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`);

const typeNames = (type: unknown): string =>
  (Array.isArray(type) ? type : [type]).map((name) => article(String(name))).join(' or ');

const KIND_LIST = CHECK_KIND_KEYS.join(', ');

interface Rewritten {
  readonly message: string;
  readonly hint?: string;
  readonly at?: 'key';
  readonly path?: Path;
}

/** The keys the schema of an object names (its `properties`), none for another schema. */
const propertyNames = (schema: ErrorObject['parentSchema']): string[] => Object.keys((schema?.properties as object | undefined) ?? {});

/**
 * A check with no kind, or with several. One whose unknown key is a kind misspelt (`tcp-connect`)
 * is left to that key's own line, which names the kind meant: a second line would say it again.
 */
const rewriteOneOfKinds = (data: unknown, parentSchema: ErrorObject['parentSchema']): Rewritten | undefined => {
  const keys = typeof data === 'object' && data !== null ? Object.keys(data) : [];
  const known = new Set(propertyNames(parentSchema));
  const present = CHECK_KIND_KEYS.filter((key) => keys.includes(key));
  if (present.length > 0) return { message: `has ${present.map((key) => `"${key}"`).join(' and ')}; a check runs exactly one kind` };
  const misspeltKind = keys.some((key) => !known.has(key) && didYouMean(key, CHECK_KIND_KEYS) !== undefined);
  return misspeltKind ? undefined : { message: `must say what to run: one of ${KIND_LIST}` };
};

const SECRET_DEFAULT = /^\/vars\/([^/]+)\/default$/;

/** A secret's default (the only `const` under vars): the message must not repeat it, it is the secret. */
const secretDefault = (instancePath: string): Rewritten | undefined => {
  const name = SECRET_DEFAULT.exec(instancePath)?.[1];
  if (name === undefined) return undefined;
  return {
    message: "must not be set: a secret's value never belongs in the runbook file",
    hint: `give it with ${VAR_ENV_PREFIX}${name}=... in the environment or --var ${name}=...`,
  };
};

/**
 * A matcher written as a sentence where a map goes (`stdout: contains "10.11"`): the map it means,
 * `{ contains: "10.11" }`. A matcher's schema is an object of one property, a matcher's name.
 */
const matcherWrittenAsText = (schema: ErrorObject['parentSchema'], text: string): string | undefined => {
  const names = propertyNames(schema);
  if (schema?.maxProperties !== 1 || names.length === 0) return undefined;
  const sentence = /^([a-z_]+)[\s:]+(.+)$/s.exec(text.trim());
  // Plain text (`mode: "0644"`) is the value itself: text has no bare matcher, as a number has `equals`.
  if (!sentence || !names.includes(sentence[1]!)) return names.includes('equals') ? `a matcher is a map: write { equals: ${JSON.stringify(text)} }` : undefined;
  const value = sentence[2]!.trim().replace(/^"(.*)"$|^'(.*)'$/s, '$1$2');
  return `a matcher is a map: write { ${sentence[1]!}: ${JSON.stringify(value)} }`;
};

/** A value where an object of one required property goes (`service: mysql`): the object it means, `{ name: "mysql" }`. */
const onlyRequiredProperty = (schema: ErrorObject['parentSchema'], text: string | number): string | undefined => {
  const required = schema?.required as unknown;
  return Array.isArray(required) && required.length === 1 ? `write { ${String(required[0])}: ${JSON.stringify(text)} }` : undefined;
};

/** `tcp_connect: "10.0.0.5:3306"`: a kind that takes a host and a port, given both as one text. */
const hostAndPort = (schema: ErrorObject['parentSchema'], text: string): string | undefined => {
  const properties = propertyNames(schema);
  const written = /^\[?([^\s[\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  return written && properties.includes('host') && properties.includes('port') ? `write { host: ${JSON.stringify(written[1])}, port: ${written[2]} }` : undefined;
};

/** `become: yes`: YAML 1.2 (what runbook reads) has two booleans, and `yes`, `on` are text. */
const booleanWrittenAsWord = (type: unknown, text: string): string | undefined => {
  if (type !== 'boolean') return undefined;
  const word = text.trim().toLowerCase();
  if (['yes', 'y', 'on'].includes(word)) return 'write true: YAML reads yes and on as text';
  return ['no', 'n', 'off'].includes(word) ? 'write false: YAML reads no and off as text' : undefined;
};

/** `http: { url: ..., expect_status: 200 }`: what a check expects goes under its own `expect:`. */
const expectationInSpec = (name: string): string | undefined => {
  const field = /^expect(?:ed)?[_-]([a-z][a-z0-9_]*)$/i.exec(name)?.[1];
  return field === undefined ? undefined : `what a check expects goes under its expect:, beside the kind: expect: { ${field.toLowerCase()}: ... }`;
};

/** One value where a list goes (`depends_on: db-up`, `tags: smoke`): the list that holds it, `[db-up]`. */
const listOfIt = (type: unknown, data: unknown): string | undefined => {
  if (type !== 'array' || (typeof data !== 'string' && typeof data !== 'number') || data === '') return undefined;
  const text = String(data);
  return `write [${/^[\w.\-, ]+$/.test(text) ? text : JSON.stringify(text)}]`;
};

/** A value of another type than the schema's: the form it was meant in, when one of the usual slips says which. */
const meantForm = (schema: ErrorObject['parentSchema'], type: unknown, data: unknown): string | undefined => {
  if (typeof data === 'string') {
    return matcherWrittenAsText(schema, data) ?? hostAndPort(schema, data) ?? onlyRequiredProperty(schema, data) ?? listOfIt(type, data) ?? booleanWrittenAsWord(type, data);
  }
  return listOfIt(type, data) ?? (typeof data === 'number' ? onlyRequiredProperty(schema, data) : undefined);
};

const rewrite = (error: ErrorObject): Rewritten | undefined => {
  const { keyword, params, data, parentSchema } = error;
  switch (keyword) {
    case 'if':
    case 'propertyNames':
      return undefined;
    case 'oneOf':
      return rewriteOneOfKinds(data, parentSchema);
    case 'anyOf':
      return rewriteAnyOfRequired(parentSchema);
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = propertyNames(parentSchema);
      const isMatcher = parentSchema?.maxProperties === 1;
      const hint = didYouMean(name, known) ?? expectationInSpec(name);
      return {
        message: isMatcher ? `has unknown matcher "${name}"` : `has unknown property "${name}"`,
        ...(hint ? { hint } : { hint: `expected one of: ${known.join(', ')}` }),
        at: 'key',
        path: [...toPath(error.instancePath), name],
      };
    }
    case 'required':
      return { message: `is missing required property "${String(params.missingProperty)}"` };
    case 'type': {
      const hint = meantForm(parentSchema, params.type, data);
      return { message: `must be ${typeNames(ownTypes(parentSchema, params.type))}, got ${typeof data === 'string' ? show(data) : writtenValue(data)}`, ...(hint ? { hint } : {}) };
    }
    case 'const':
      return secretDefault(error.instancePath) ?? { message: `must be ${JSON.stringify(params.allowedValue)}, got ${writtenValue(data)}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = didYouMean(String(data), allowed);
      return { message: `must be one of ${allowed.join(', ')}, got ${writtenValue(data)}`, ...(hint ? { hint } : {}) };
    }
    case 'pattern': {
      const sentence = parentSchema?.patternErrorMessage as string | undefined;
      // The description reads as "must be <description>" by design; the editors' sentence otherwise.
      const wanted = (parentSchema?.description as string | undefined) ?? sentence?.replace(/^must be /, '') ?? `a string matching ${String(params.pattern)}`;
      // ajv reports a bad key (under propertyNames) on the error itself, not in params.
      const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
      if (propertyName !== undefined) {
        return { message: `has invalid name ${JSON.stringify(propertyName)}: ${sentence ?? `must match ${String(params.pattern)}`}`, at: 'key', path: [...toPath(error.instancePath), propertyName] };
      }
      const spaced = typeof data === 'string' && parentSchema?.pattern === DURATION_SCHEMA.pattern ? /^(\d+(?:\.\d+)?)\s+(ms|s|m|h)$/.exec(data.trim()) : null;
      return { message: `must be ${numericMistake(parentSchema, data) ?? wanted}, got ${writtenValue(data)}`, ...(spaced ? { hint: `write ${spaced[1]}${spaced[2]}` } : {}) };
    }
    case 'maximum':
      // A duration's bound (DURATION_SCHEMA's maximum) is a day, said as one; other bounds (ports, counts) as the number.
      return { message: `${parentSchema?.maximum === DURATION_SCHEMA.maximum ? `must be ${durationExpectation(data as number)}` : (error.message ?? 'is too large')}, got ${writtenValue(data)}` };
    case 'minItems':
    case 'minProperties':
    case 'minLength':
      return { message: 'must not be empty (an empty value asserts nothing)' };
    case 'maxProperties':
      return { message: 'must hold exactly one matcher', hint: 'use all_of: [...] or a list for several' };
    case 'uniqueItems':
      return { message: 'has duplicate entries' };
    default:
      return { message: error.message ?? `fails ${keyword}` };
  }
};

/** `lt: ${vars.max}`, `lt: ${captures.max}`: a number that may also be given as a reference to one. */
const REFERENCE_ONLY = [`^${referencePattern('vars')}$`, `^${referencePattern('vars', 'captures')}$`];

const takesVariable = (schema: ErrorObject['parentSchema']): boolean => REFERENCE_ONLY.includes(String(schema?.pattern));

/** The types a value may have, leaving out the text a variable reference is written as. */
const ownTypes = (schema: ErrorObject['parentSchema'], types: unknown): unknown[] =>
  ([] as unknown[]).concat(types).filter((type) => !(type === 'string' && takesVariable(schema)));

/** Text that tried no reference at all was meant as the number, and is told just that. */
const numericMistake = (schema: ErrorObject['parentSchema'], data: unknown): string | undefined =>
  takesVariable(schema) && typeof data === 'string' && !data.includes('${') ? typeNames(ownTypes(schema, schema?.type)) : undefined;

/** Drops the per-branch `required` errors of the "exactly one kind" rule: the oneOf message says it all. */
const isKindBranchNoise = (error: ErrorObject): boolean => /\/(oneOf|anyOf)\/\d+\/required$/.test(error.schemaPath);

/** `anyOf: [{required: [name]}, {required: [command]}]` reads as "needs name or command". */
const rewriteAnyOfRequired = (parentSchema: ErrorObject['parentSchema']): Rewritten => {
  const branches = (parentSchema?.anyOf as { required?: string[] }[] | undefined) ?? [];
  const names = branches.flatMap((branch) => branch.required ?? []);
  return { message: names.length > 0 ? `needs ${names.map((name) => `"${name}"`).join(' or ')}` : 'matches none of the allowed forms' };
};

/**
 * `ports:` where `port:` is required: the unknown key's did-you-mean names the property it meant,
 * and "is missing required property port" would say the same slip a second time.
 */
const requiredButMisspelt = (errors: readonly ErrorObject[]): Set<ErrorObject> => {
  const unknownKeys = new Map<string, string[]>();
  for (const error of errors) {
    if (error.keyword === 'additionalProperties') unknownKeys.set(error.instancePath, [...(unknownKeys.get(error.instancePath) ?? []), String(error.params.additionalProperty)]);
  }
  return new Set(errors.filter((error) => error.keyword === 'required'
    && (unknownKeys.get(error.instancePath) ?? []).some((name) => didYouMean(name, [String(error.params.missingProperty)]) !== undefined)));
};

export interface SchemaCheck {
  readonly diagnostics: Diagnostic[];
  /**
   * True when nothing at or below `path` (or `path`'s `key`, which spares a caller that asks of
   * each key of a check the copy of its path) broke the schema: later stages only read such parts.
   */
  readonly isClean: (path: Path, key?: string | number) => boolean;
  /** True when no schema error is about `path` itself (its own keys, type, required properties). */
  readonly isSound: (path: Path) => boolean;
}

const pointerOf = (path: Path, key?: string | number): string => path.map((step) => `/${String(step)}`).join('') + (key === undefined ? '' : `/${String(key)}`);

/** The pointers `pointer` lies under, as text: "/a/b/c" under "", "/a" and "/a/b". */
const pointersAbove = (pointer: string): string[] => {
  const above: string[] = [];
  for (let at = pointer.indexOf('/'); at >= 0; at = pointer.indexOf('/', at + 1)) above.push(pointer.slice(0, at));
  return above;
};

export const validateAgainstSchema = (source: RunbookSource): SchemaCheck => {
  const validate = schemaValidator();
  const errors = validate(source.data) ? [] : (validate.errors ?? []);
  const diagnostics: Diagnostic[] = [];
  // Where errors stand, and every place above one: asked of each check several times, a scan of
  // the errors made a runbook with an error in each of 8,000 checks take minutes.
  const dirty = new Set<string>();
  const aboveDirty = new Set<string>();
  const saidByDidYouMean = requiredButMisspelt(errors);
  for (const error of errors) {
    if (isKindBranchNoise(error) || saidByDidYouMean.has(error)) continue;
    const rewritten = rewrite(error);
    if (!rewritten) continue;
    dirty.add(error.instancePath);
    for (const above of pointersAbove(error.instancePath)) aboveDirty.add(above);
    const path = rewritten.path ?? toPath(error.instancePath);
    const subject = formatPath(toPath(error.instancePath));
    diagnostics.push({
      code: 'RB_SCHEMA',
      message: `${subject} ${rewritten.message}`,
      location: source.locate(path, rewritten.at ?? 'value'),
      ...(rewritten.hint ? { hint: rewritten.hint } : {}),
    });
  }
  // The usual case, asked about six times per check: no pointer to build where nothing broke.
  if (dirty.size === 0) return { diagnostics, isClean: () => true, isSound: () => true };
  const isClean = (path: Path, key?: string | number): boolean => {
    const pointer = pointerOf(path, key);
    return !dirty.has(pointer) && !aboveDirty.has(pointer);
  };
  const isSound = (path: Path): boolean => !dirty.has(pointerOf(path));
  return { diagnostics, isClean, isSound };
};
