// Builds schemas/runbook.schema.json from the check kinds' and matchers' own fragments, so the schema
// cannot drift from the code (a test fails when the committed file is stale).
import { CONDITION_KINDS } from '../conditions/registry.js';
import { CHECK_KINDS } from '../checks/registry.js';
import type { CheckKind } from '../checks/types.js';
import { MATCHERS } from '../matchers/registry.js';
import { DURATION_SCHEMA } from '../model/duration.js';
import { patterned, type JsonSchema } from '../model/json-schema.js';
import { ID_PATTERN, NAME_PATTERN } from '../model/names.js';
import { REQUIRE_PATTERN } from '../model/require.js';
import { referencePattern } from '../model/references.js';
import { RUNBOOK_VERSION, type FieldType } from '../model/runbook.js';

export const RUNBOOK_SCHEMA_ID = 'https://runbook.dev/schemas/runbook.schema.json';

// One host ([user@]host[:port], an IPv6 address in brackets), a range of them (`web[01:50].prod`,
// Ansible's syntax; runbook/role-hosts.ts expands it) or `@GROUP` of --inventory.
export const ADDRESS_PATTERN = '^(local|@[A-Za-z0-9_.-]+|([A-Za-z0-9._-]+@)?(\\[[0-9A-Fa-f:.]+\\]|([A-Za-z0-9._-]|\\[[0-9A-Za-z:-]+\\])+)(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?)$';

const id = (example: string): JsonSchema => ({
  type: 'string',
  ...patterned(ID_PATTERN, `a kebab-case id such as "${example}" (lower-case letters, digits, dashes)`),
  description: `a kebab-case id such as "${example}"`,
});

const duration: JsonSchema = { ...DURATION_SCHEMA, description: 'a duration such as 500ms, 5s or 2m (a bare number is seconds)' };

const address: JsonSchema = {
  type: 'string',
  ...patterned(ADDRESS_PATTERN, '"local", an SSH destination [user@]host[:port], a range such as web[01:50].prod, or @GROUP of --inventory; e.g. root@10.0.0.2:22'),
  description: '"local", an SSH destination [user@]host[:port], a range such as web[01:50].prod, or @GROUP of --inventory',
};

const addresses: JsonSchema = {
  type: 'array',
  minItems: 1,
  items: address,
  description: 'a fleet: each check on this role runs once per host, e.g. [web1, root@web2:2222, "web[03:09]"]',
};

/** `web: {}` (no address): the --inventory group of the role's name. */
const hostEntry: JsonSchema = {
  if: { type: 'string' },
  then: address,
  else: {
    if: { type: 'array' },
    then: addresses,
    else: {
      type: 'object',
      additionalProperties: false,
      description: '{ address, become }; without address ({}), the hosts of the --inventory group named like the role',
      properties: {
        address: { if: { type: 'array' }, then: addresses, else: address },
        become: { type: 'boolean', description: 'run every check on this host with sudo -n' },
      },
    },
  },
};

const varValue: JsonSchema = { type: ['string', 'number', 'boolean'] };

// A secret's default would write the secret into the runbook: only an empty one is allowed. The
// message for it is rewritten in validate.ts so that it never repeats the value.
const secretWithoutDefault: JsonSchema = {
  if: { required: ['secret'], properties: { secret: { const: true } } },
  then: { properties: { default: { const: '', description: 'a secret has no default in the file: give it with RUNBOOK_VAR_<name> or --var' } } },
};

/** `port: 3306`, or `db_password: { secret: true, description: ... }`. */
const variable: JsonSchema = {
  if: { type: 'object' },
  then: {
    type: 'object',
    additionalProperties: false,
    properties: {
      default: { ...varValue, description: 'the value when neither --var nor RUNBOOK_VAR_<name> gives one (none: empty)' },
      secret: { type: 'boolean', description: 'never shown: masked as *** in every output; give it with RUNBOOK_VAR_<name> or --var, never as a default' },
      description: { type: 'string', description: 'what the variable is, for the people who set it' },
    },
    ...secretWithoutDefault,
  },
  else: { ...varValue, description: 'the default value, or a map {default, secret, description}' },
};

const matcherObject: JsonSchema = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(MATCHERS).map(([name, matcher]) => [name, { ...matcher.schema, description: matcher.schema.description ?? matcher.summary }])),
};

// A nested integer is the `equals` shorthand; whether the field is a number is checked when the
// matchers compile, since a nested position in the schema cannot know its field's type.
const matcherDefinition: JsonSchema = {
  if: { type: 'array' },
  then: { type: 'array', minItems: 1, items: { $ref: '#/definitions/matcher' } },
  else: { if: { type: 'integer' }, then: { type: 'integer' }, else: matcherObject },
};

/** A number field's expectation: a matcher, an integer (equals), or a variable holding one. */
const numberOrMatcher: JsonSchema = {
  if: { type: ['object', 'array'] },
  then: { $ref: '#/definitions/matcher' },
  else: { type: ['integer', 'string'], ...patterned(`^${referencePattern('vars', 'captures')}$`, 'an integer, or a variable or a capture such as "${vars.min}"') },
};

const matcherFor = (type: FieldType): JsonSchema =>
  type === 'number' ? { $ref: '#/definitions/numberOrMatcher' } : { $ref: '#/definitions/matcher' };

const EXPECT_TEXT = "what the observed fields must be, by field, e.g. exit_code: 0 or stdout: { contains: LISTEN }; without it, the kind's default";
const CAPTURE_TEXT = 'values for later checks, read as ${captures.NAME}, e.g. pid: "^(\\d+)" (a regex whose first group is the value), or with a matcher on the value: seconds: { regex: "([0-9.]+)", expect: { lt: 0.5 } }';

const expectationText = (field: string, type: FieldType): string =>
  type === 'number'
    ? `${field} (a number): an integer, or a matcher, e.g. { ge: 1 } or { any_of: [0, 1] }`
    : `${field} (text): a matcher, e.g. { contains: "..." }, { regex: "..." } or { equals: "..." }`;

const textFields = (kind: CheckKind<never>): string[] =>
  Object.entries(kind.fields).filter(([, type]) => type === 'text').map(([name]) => name);

const expectFor = (kind: CheckKind<never>): JsonSchema => ({
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(kind.fields).map(([field, type]) => [field, { ...matcherFor(type), description: expectationText(field, type) }])),
});

const captureFor = (kind: CheckKind<never>): JsonSchema => ({
  type: 'object',
  minProperties: 1,
  propertyNames: patterned(NAME_PATTERN, 'a name of letters, digits and underscores, e.g. pid'),
  additionalProperties: {
    if: { type: 'string' },
    then: { type: 'string', minLength: 1, description: `a regex over ${textFields(kind)[0] ?? 'the output'}; its first group is the value` },
    else: {
      type: 'object',
      additionalProperties: false,
      properties: {
        from: { enum: Object.keys(kind.fields), description: `the field to read, e.g. ${Object.keys(kind.fields)[0] ?? 'stdout'}` },
        regex: { type: 'string', minLength: 1, description: 'its first group (or the group named value) is the value' },
        expect: { $ref: '#/definitions/matcher', description: 'what the captured value (text) must be, e.g. { lt: 0.5 } or { equals: "200" }: a matcher on the capture itself' },
      },
    },
  },
});

const retrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['attempts'],
  description: 'run the check again when it does not pass, up to this many attempts in all, e.g. { attempts: 3, interval: 2s }; the report says on which attempt it passed',
  properties: {
    attempts: { type: 'integer', minimum: 1, maximum: 100, description: 'attempts in all, the first one included (1: no retry)' },
    interval: { ...duration, description: 'the wait between attempts (default 1s)' },
  },
};

const untilSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['timeout'],
  description: 'run the check again until it passes or the time is up: a gate right after a restart, e.g. { timeout: 60s, interval: 2s }',
  properties: {
    timeout: { ...duration, description: 'how long to keep trying, from the first attempt; no attempt starts after it' },
    interval: { ...duration, description: 'the wait between attempts (default 1s)' },
  },
};

const kinds = Object.entries(CHECK_KINDS).map(([key, kind]) => ({ key, kind: kind }));

/** The definition that holds what a check of this kind may expect and capture. */
const kindFieldsName = (key: string): string => `${key}-check-fields`;

const check: JsonSchema = {
  type: 'object',
  required: ['id', 'on'],
  additionalProperties: false,
  // Kind keys first: a misspelt kind ("rn") is then suggested as "run", not as "on".
  properties: {
    ...Object.fromEntries(kinds.map(({ key, kind }) => [key, { ...kind.schema, description: kind.schema.description ?? kind.summary }])),
    id: id('mysqld-process'),
    on: { type: 'string', minLength: 1, description: 'the host role the check runs on' },
    expect: { type: 'object', description: EXPECT_TEXT },
    capture: { type: 'object', description: CAPTURE_TEXT },
    depends_on: { type: 'array', uniqueItems: true, items: { type: 'string' }, description: 'checks that must pass first, else this one is skipped, e.g. [db-process]' },
    timeout: duration,
    become: { type: 'boolean', description: 'run this check with sudo -n' },
    informational: { type: 'boolean', description: "reported, but never decides its question's status" },
    hint: { type: 'string', minLength: 1, description: 'what to do when the check fails, e.g. "start sshd"; may use ${vars.x} and ${captures.x}' },
    when: { $ref: '#/definitions/condition', description: 'run this check only when this holds (over other checks\' outcomes or fields, or a variable); else it is skipped with the condition as the reason' },
    retry: retrySchema,
    until: untilSchema,
  },
  oneOf: kinds.map(({ key }) => ({ required: [key] })),
  // What expect and capture may hold depends on the kind. Said as dependencies (the kind's key
  // present: these apply), not as allOf of if/then: each failed if made an error, found and
  // thrown away, 12 per check, and a third of the schema's time. Each is a definition of its own
  // (see kindFieldsDefinitions).
  dependencies: Object.fromEntries(kinds.map(({ key }) => [key, { $ref: `#/definitions/${kindFieldsName(key)}` }])),
};

/**
 * The check and each kind's fields as definitions, not written in place: ajv compiles each
 * definition to a function of its own, and V8 compiles a function only when it is first called,
 * so a runbook pays for the kinds it uses. `runbook validate` of the shipped runbook spent 57 ms
 * loading and running the validator with everything in one function, 24 ms so.
 */
const kindFieldsDefinitions = (): Record<string, JsonSchema> =>
  Object.fromEntries(
    kinds.map(({ key, kind }) => [kindFieldsName(key), { properties: { expect: { ...expectFor(kind), description: EXPECT_TEXT }, capture: { ...captureFor(kind), description: CAPTURE_TEXT } } }]),
  );

const question: JsonSchema = {
  type: 'object',
  required: ['id', 'title', 'checks'],
  additionalProperties: false,
  properties: {
    id: id('service-up'),
    title: { type: 'string', minLength: 1, description: 'the question as an operator asks it, e.g. "Does the database listen on its port?"' },
    hint: { type: 'string', minLength: 1, description: 'what to do when it fails, e.g. "start mysqld"' },
    severity: { enum: ['error', 'warning'], description: 'warning: reported with its verdict, but never fails the run or its exit code (default error)' },
    require: {
      type: ['string', 'integer'],
      minimum: 1,
      ...patterned(REQUIRE_PATTERN, 'all, any, a number of hosts such as 3, or a percentage such as 90%'),
      description: 'on a fleet, how many hosts must pass for the question to pass: all (default), any, N or N%; checks on single hosts must pass as always',
    },
    tags: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', ...patterned(ID_PATTERN, 'a kebab-case tag such as "network"') },
      description: 'labels to select questions with: runbook run FILE --tag network, e.g. [db, network]',
    },
    when: { $ref: '#/definitions/condition', description: 'ask this question only when this holds; else each of its checks is skipped with the condition as the reason' },
    checks: { type: 'array', minItems: 1, items: { $ref: '#/definitions/check' }, description: 'the checks that answer it, each run on a host role: { id, on, run | tcp_connect | ... }' },
  },
};

/** One kind of condition per map (checked when compiled): the keys of every kind in src/conditions/. */
const condition: JsonSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: Object.assign({}, ...Object.values(CONDITION_KINDS).map((kind) => kind.properties)) as Record<string, JsonSchema>,
};

const diagnosisRule: JsonSchema = {
  type: 'object',
  required: ['id', 'when', 'finding'],
  additionalProperties: false,
  properties: {
    id: id('bound-to-loopback'),
    when: { $ref: '#/definitions/condition', description: 'when the finding holds, e.g. { check: ping-server, status: fail }' },
    finding: { type: 'string', minLength: 1, description: 'the sentence for the operator: ${vars.x}, ${captures.x}, ${fields.CHECK.FIELD}, ${tools.missing}' },
    hint: { type: 'string', minLength: 1, description: 'what to do about the finding, e.g. "open port ${vars.port} in the firewall"' },
  },
};

const includeEntry: JsonSchema = {
  type: 'object',
  required: ['file'],
  additionalProperties: false,
  properties: {
    file: { type: 'string', minLength: 1, description: 'a runbook file, relative to this one (e.g. lib/disk-space.yaml), or the name of a shipped runbook (e.g. local-host)' },
    as: { ...id('logs'), description: 'a prefix for what it brings: with as: logs, its check disk-usage is logs.disk-usage here, its capture used_percent is ${captures.logs.used_percent}; without it, names stay as they are and must not clash' },
    vars: {
      type: 'object',
      description: 'values for its variables, which may use this runbook\'s: { dir: /var/log, max_used_percent: "${vars.max_used}" }; the others keep their defaults',
      propertyNames: patterned(NAME_PATTERN, 'a variable of the included runbook, e.g. dir'),
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
    hosts: {
      type: 'object',
      description: 'its host roles, each to one of this runbook\'s: { target: web }; a role not named here is this runbook\'s role of the same name',
      propertyNames: patterned(ID_PATTERN, 'a host role of the included runbook, e.g. target'),
      additionalProperties: { ...patterned(ID_PATTERN, 'a host role of this runbook, e.g. web'), type: 'string' },
    },
  },
};

export const buildRunbookSchema = (): JsonSchema => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: RUNBOOK_SCHEMA_ID,
  title: 'runbook',
  description: 'A troubleshooting runbook: hosts, variables, and questions answered by checks.',
  type: 'object',
  required: ['version', 'title', 'hosts'],
  // A runbook made only of includes asks no questions of its own.
  anyOf: [{ required: ['questions'] }, { required: ['include'] }],
  additionalProperties: false,
  properties: {
    version: { const: RUNBOOK_VERSION, description: `the runbook format's version: ${RUNBOOK_VERSION}` },
    title: { type: 'string', minLength: 1, description: 'what the runbook answers, e.g. "MySQL connectivity (app -> database)"' },
    description: { type: 'string', description: 'a longer explanation for the people who run it' },
    vars: {
      type: 'object',
      description: 'variables by name, e.g. port: 3306 or db_password: { secret: true }; set with --var, RUNBOOK_VAR_<name> or --vars-file',
      propertyNames: patterned(NAME_PATTERN, 'a name of letters, digits and underscores, not starting with a digit, e.g. db_port'),
      additionalProperties: variable,
    },
    hosts: {
      type: 'object',
      description: 'host roles by name: "local", an SSH destination (server: root@10.0.0.2), a fleet (web: [web1, web2], web: "web[01:50].prod", web: "@GROUP") or web: {} for the --inventory group web; --host role=... points one elsewhere',
      minProperties: 1,
      propertyNames: patterned(ID_PATTERN, 'a kebab-case role such as "server" or "app-db"'),
      additionalProperties: hostEntry,
    },
    questions: { type: 'array', minItems: 1, items: question, description: 'the questions the runbook answers, e.g. "Is the database up?", each by its checks' },
    defaults: {
      type: 'object',
      additionalProperties: false,
      description: 'what every check gets unless it says otherwise: { timeout: 10s, until: { timeout: 60s } }',
      properties: { timeout: duration, retry: retrySchema, until: untilSchema },
    },
    include: {
      type: 'array',
      minItems: 1,
      items: includeEntry,
      description: 'other runbooks whose questions, checks and diagnosis this one asks too, e.g. - { file: lib/disk-space.yaml, as: logs, vars: { dir: /var/log }, hosts: { target: web } }',
    },
    diagnosis: { type: 'array', items: diagnosisRule, description: 'rules that name the fault from the checks\' outcomes: { id, when, finding, hint }' },
  },
  definitions: { matcher: matcherDefinition, numberOrMatcher, condition, check, ...kindFieldsDefinitions() },
});

/** Each kind's key forbidden: a map matches it when it has none of them, and fails it at the one it has. */
const withoutKeys = (keys: readonly string[]): JsonSchema => ({ properties: Object.fromEntries(keys.map((key) => [key, false])) });

/**
 * "Exactly one kind", said so that a check that has one costs ajv nothing: not none of the kinds'
 * keys (one failure, at the key it has), and each kind's key forbidding the others (tested only
 * for the key present, and passed). As a oneOf of `required`s, even inside an `if`, ajv counted a
 * failure for each kind a check does not have: 12 objects per check, made and thrown away.
 */
const exactlyOneOf = (keys: readonly string[]): JsonSchema => ({
  not: withoutKeys(keys),
  dependencies: Object.fromEntries(keys.map((key) => [key, withoutKeys(keys.filter((other) => other !== key))])),
});

/**
 * The schema the validator is compiled from (app/schemas.ts): the published one, but a check's
 * "exactly one kind" (its oneOf) is first asked as an `if` (exactlyOneOf), which ajv answers
 * without writing an error (half of the validator's time on 20,000 checks, when it was the oneOf
 * itself). Only a check that fails it is asked again, as written, which says what is wrong as
 * before.
 */
export const buildRunbookValidatorSchema = (): JsonSchema => {
  const schema = buildRunbookSchema();
  const definitions = schema.definitions as Record<string, JsonSchema>;
  const { oneOf, ...rest } = definitions.check as JsonSchema & { oneOf: { required: [string] }[] };
  return { ...schema, definitions: { ...definitions, check: { ...rest, if: exactlyOneOf(oneOf.map(({ required: [key] }) => key)), else: { oneOf } } } };
};

