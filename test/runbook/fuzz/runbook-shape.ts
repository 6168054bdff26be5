// Generator (b), first half: runbooks as data, close to valid. Names are drawn first (roles, which
// checks capture what, which question holds which check) and every variable is declared, so a
// check's `on`, its `depends_on`, the captures it reads and the checks its conditions name exist:
// unmutated, more than half of the documents plan clean (the rest meet a bad regex, an inventory
// group or an include on purpose), and the mutations (mutate.ts) then break one thing at a time
// deep inside a document that otherwise holds.
import fc from 'fast-check';
import { CHECK_KINDS, CHECK_KIND_KEYS, type CheckKindKey } from '../../../src/checks/registry.js';
import type { FieldType } from '../../../src/model/runbook.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };

/** The names a document is built from, drawn before anything that refers to them. */
interface Names {
  readonly roles: readonly string[];
  /** Per check, in file order: whether it captures a value (named `cap_<index>`). */
  readonly captures: readonly boolean[];
  /** Per check: its question's index. */
  readonly questionOf: readonly number[];
}

/** Valid names, `constructor` among them: a name Object.prototype also has must still be looked up as the runbook's own. */
const ROLES = ['server', 'client', 'web', 'db', 'app-db', 'a1', 'constructor'];
const CHECK_WORDS = ['listeners', 'mysqld-process', 'port-open', 'disk', 'ping-db', 'constructor', 'capture-pid', 'who'];

/** Ids unique by construction: a duplicate is a mutation's job. */
const checkId = (index: number): string => `${CHECK_WORDS[index % CHECK_WORDS.length]!}${index >= CHECK_WORDS.length ? `-${index}` : ''}`;
const captureName = (index: number): string => `cap_${index}`;

const namesArb: fc.Arbitrary<Names> = fc
  .record({
    roles: fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 3 }),
    checks: fc.integer({ min: 1, max: 5 }),
    questions: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ roles, checks, questions }) =>
    fc.record({
      roles: fc.constant(roles),
      captures: fc.array(fc.boolean(), { minLength: checks, maxLength: checks }),
      // Sorted, so questions hold consecutive checks.
      questionOf: fc.array(fc.nat(questions - 1), { minLength: checks, maxLength: checks }).map((indexes) => indexes.sort((a, b) => a - b)),
    }),
  );

// --- values ------------------------------------------------------------------------------------

/** A part of the document present in `present` cases out of `present + absent`. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, present = 1, absent = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: present, arbitrary });

/** The parts `sometimes` left out, left out of the map too. */
const present = (parts: Record<string, Json | undefined>): JsonMap =>
  Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined)) as JsonMap;

/** Every variable is declared (vars below), each with a value its uses accept: a dropped one is a mutation's job. */
const TEXT_VARS = ['port', 'user', 'process', 'env'];

/** The captures a check may read: those of the checks it depends on. */
const captureRefs = (names: Names, dependsOn: readonly number[]): string[] =>
  dependsOn.filter((index) => names.captures[index]).map((index) => `\${captures.${captureName(index)}}`);

/** Text with references where a check may hold them: a variable, or a capture of a dependency. */
const textWithRefs = (names: Names, dependsOn: readonly number[], words: readonly string[]): fc.Arbitrary<string> => {
  const captures = captureRefs(names, dependsOn);
  return fc
    .tuple(fc.constantFrom(...words), fc.option(fc.constantFrom(...TEXT_VARS).map((name) => `\${vars.${name}}`)), captures.length > 0 ? fc.option(fc.constantFrom(...captures)) : fc.constant(null))
    .map((parts) => parts.filter((part) => part !== null).join(' '));
};

const duration = fc.constantFrom('500ms', '5s', '2m', '1.5s', 3, '24h', '${vars.wait}');

const port: fc.Arbitrary<Json> = fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constant('${vars.port}'));

const host = fc.constantFrom('127.0.0.1', 'db.example.com', '::1', '${vars.host_ip}', 'localhost');

/** Good patterns (a backtracking one, lookaround, a backreference) and, one time in ten, one that is not. */
const regexArb = (good: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom('(', 'x{2,1}', '[z-a]', 'no group') });

const matcherRegex = regexArb(['^\\d+$', 'LISTEN', '(?<value>\\w+)', ':${vars.port}$', '(?<=x)y', '(a)\\1', '\\p{L}+', '^(a+)+$']);

/** A capture takes its first group, or the group named `value`. */
const captureRegex = regexArb(['^(\\d+)', '(?<value>\\S+)', ' ([0-9.]+)$', '^(a+)+$']);

// --- matchers ----------------------------------------------------------------------------------

/** A matcher for a field of this type, up to `depth` levels of all_of / any_of / not / lists. */
const matcherArb = (type: FieldType, depth: number): fc.Arbitrary<Json> => {
  const comparison = fc
    .tuple(fc.constantFrom('gt', 'ge', 'lt', 'le'), fc.oneof(fc.integer({ min: -5, max: 100 }), fc.constant('${vars.max_used}')))
    .map(([name, bound]): Json => ({ [name]: bound }));
  const leaves: fc.Arbitrary<Json>[] =
    type === 'number'
      ? [fc.integer({ min: -1, max: 255 }), fc.record({ equals: fc.integer({ min: 0, max: 255 }) }), comparison]
      : [
          fc.record({ contains: fc.constantFrom('LISTEN', 'ok', 'open', '${vars.process}') }),
          fc.record({ regex: matcherRegex }),
          fc.record({ equals: fc.constantFrom('open', '200', 'pass', '') }),
          fc.record({ line_count: fc.oneof(fc.nat(5), fc.record({ ge: fc.nat(3) })) }),
          comparison,
        ];
  if (depth <= 0) return fc.oneof(...leaves);
  const nested = fc.array(matcherArb(type, depth - 1), { minLength: 1, maxLength: 2 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...leaves) },
    { weight: 1, arbitrary: fc.record({ not: matcherArb(type, depth - 1) }) },
    { weight: 1, arbitrary: fc.record({ any_of: nested }) },
    { weight: 1, arbitrary: fc.record({ all_of: nested }) },
    { weight: 1, arbitrary: nested },
  );
};

const fieldsOf = (kind: CheckKindKey): [string, FieldType][] => Object.entries(CHECK_KINDS[kind].fields);

/** `expect:` with one or two of the kind's own fields (read from the registry, so new kinds are covered). */
const expectArb = (kind: CheckKindKey): fc.Arbitrary<Json> =>
  fc
    .subarray(fieldsOf(kind), { minLength: 1, maxLength: 2 })
    .chain((fields) => fc.tuple(...fields.map(([name, type]) => matcherArb(type, 1).map((matcher) => [name, matcher] as const))))
    .map((pairs) => Object.fromEntries(pairs));

/** `capture:` of one value: a bare regex, or `{ from, regex, expect }` on one of the kind's fields. */
const captureArb = (kind: CheckKindKey, index: number): fc.Arbitrary<Json> => {
  const fields = fieldsOf(kind);
  // A captured value is text, whatever the field it was read from.
  const detailed = fc.record({ from: fc.constantFrom(...fields.map(([field]) => field)), regex: captureRegex, expect: matcherArb('text', 1) }, { requiredKeys: ['from'] });
  return fc.oneof(captureRegex, detailed).map((capture) => ({ [captureName(index)]: capture }));
};

// --- check kinds -------------------------------------------------------------------------------

interface CheckPlace {
  readonly names: Names;
  readonly index: number;
  readonly dependsOn: readonly number[];
}

/** A valid spec of each kind; a Record over every key, so a kind added to the registry must be added here. */
const SPECS: Record<CheckKindKey, (place: CheckPlace) => fc.Arbitrary<Json>> = {
  dns: () => fc.record({ name: fc.constantFrom('db.example.com', 'localhost', '${vars.host_ip}'), server: host, type: fc.constantFrom('A', 'AAAA'), timeout: duration }, { requiredKeys: ['name'] }),
  file: () => fc.record({ path: fc.constantFrom('/etc/mysql/my.cnf', '/etc/${vars.env}/my.cnf'), contains: fc.constantFrom('bind-address', '${vars.process}'), regex: regexArb(['^bind-address\\s*=\\s*(\\S+)', '(?<value>\\d+)', '^(a+)+$']), max_bytes: fc.integer({ min: 1, max: 4096 }) }, { requiredKeys: ['path'] }),
  http: () =>
    fc.record(
      { url: fc.constantFrom('http://127.0.0.1/', 'https://db.example.com:8443/health?x=1', 'http://${vars.host_ip}:${vars.port}/'), method: fc.constantFrom('GET', 'HEAD', 'POST'), headers: fc.constant({ accept: 'text/plain' }), timeout: duration, follow_redirects: fc.integer({ min: 0, max: 10 }), insecure: fc.boolean() },
      { requiredKeys: ['url'] },
    ),
  listening: ({ names, dependsOn }) => {
    const captures = captureRefs(names, dependsOn);
    return fc.oneof(fc.record({ port }), fc.record({ pid: captures.length > 0 ? fc.constantFrom(...captures) : fc.integer({ min: 1, max: 99999 }) }));
  },
  mysql: () =>
    fc.record(
      { host, port: port, user: fc.constantFrom('app', '${vars.user}'), password: fc.constant('${vars.db_password}'), database: fc.constant('app'), query: fc.constant('SELECT 1'), timeouts: fc.record({ connect: duration }, { requiredKeys: [] }) },
      { requiredKeys: ['host'] },
    ),
  packet_capture: ({ names }) =>
    fc.record(
      { filter: fc.constantFrom('tcp port 3306', 'icmp'), client: fc.constantFrom(...names.roles), trigger: fc.record({ on: fc.constantFrom(...names.roles), run: fc.constant('curl -s http://db/') }), duration, packets: fc.integer({ min: 1, max: 1000 }) },
      { requiredKeys: ['filter', 'client', 'trigger'] },
    ),
  ping: () => fc.record({ host, count: fc.integer({ min: 1, max: 10 }), timeout: duration }, { requiredKeys: ['host'] }),
  port_scan: () => fc.record({ host, port: port, timeout: duration }, { requiredKeys: ['host', 'port'] }),
  process: () => fc.oneof(fc.record({ name: fc.constantFrom('mysqld', 'sshd') }), fc.record({ command: fc.constant('nginx: master'), user: fc.constant('root') }, { requiredKeys: ['command'] })),
  run: ({ names, dependsOn }) => textWithRefs(names, dependsOn, ['echo ok', 'ss -ltnH', 'pgrep -a mysqld', 'test -s /var/cache/warm', 'true']),
  service: () => fc.record({ name: fc.constantFrom('nginx', 'mariadb.service', 'getty@tty1.service', '${vars.process}'), journal_lines: fc.integer({ min: 0, max: 50 }) }, { requiredKeys: ['name'] }),
  tcp_connect: () => fc.record({ host, port: port, timeout: duration }, { requiredKeys: ['host', 'port'] }),
  tls: () => fc.record({ host, port: port, name: fc.constantFrom('db.example.com', '${vars.host_ip}'), timeout: duration }, { requiredKeys: ['host'] }),
};

// --- conditions ----------------------------------------------------------------------------------

/** A `when:` or diagnosis condition over the checks before `upTo` (all of them for diagnosis). */
const conditionArb = (kinds: readonly CheckKindKey[], upTo: number, depth: number): fc.Arbitrary<Json> => {
  const leaves: fc.Arbitrary<Json>[] = [fc.constant({ tool_missing: true })];
  if (upTo > 0) {
    const target = fc.nat(upTo - 1);
    leaves.push(
      target.chain((index) => fc.record({ check: fc.constant(checkId(index)), status: fc.oneof(fc.constantFrom('pass', 'fail', 'error', 'skipped'), fc.constant<Json>(['fail', 'error'])) })),
      target.chain((index) =>
        fc.constantFrom(...fieldsOf(kinds[index]!)).chain(([field, type]) => fc.record({ check: fc.constant(checkId(index)), field: fc.constant(field), matches: matcherArb(type, 1) })),
      ),
    );
  }
  leaves.push(fc.record({ var: fc.constantFrom('env', 'port'), matches: fc.record({ equals: fc.constantFrom('prod', 3306) }) }));
  if (depth <= 0) return fc.oneof(...leaves);
  const nested = fc.array(conditionArb(kinds, upTo, depth - 1), { minLength: 1, maxLength: 2 });
  return fc.oneof({ weight: 3, arbitrary: fc.oneof(...leaves) }, fc.record({ all: nested }), fc.record({ any: nested }), fc.record({ not: conditionArb(kinds, upTo, depth - 1) }));
};

// --- checks and questions ------------------------------------------------------------------------

/** How a check tries again: not at all, `retry:` or `until:` (both at once is a mutation's job). */
const retryPolicy: fc.Arbitrary<JsonMap> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  fc.record({ retry: fc.record({ attempts: fc.integer({ min: 1, max: 100 }), interval: duration }, { requiredKeys: ['attempts'] }) }),
  fc.record({ until: fc.record({ timeout: duration, interval: duration }, { requiredKeys: ['timeout'] }) }),
);

/** The optional keys of a check, each present now and then (fewer keys, smaller documents, faster cases). */
const checkExtras = (place: CheckPlace, kind: CheckKindKey, kinds: readonly CheckKindKey[]): fc.Arbitrary<JsonMap> =>
  fc
    .tuple(
      fc.record({
        expect: sometimes(expectArb(kind), 2, 1),
        timeout: sometimes(duration, 1, 2),
        become: sometimes(fc.boolean(), 1, 3),
        informational: sometimes(fc.boolean(), 1, 3),
        hint: sometimes(textWithRefs(place.names, place.dependsOn, ['look at the log', 'the port is']), 1, 2),
        when: sometimes(conditionArb(kinds, place.index, 1), 1, 3),
      }),
      retryPolicy,
    )
    .map(([extras, retry]) => ({ ...present(extras), ...retry }));

const checkArb = (names: Names, kinds: readonly CheckKindKey[], index: number): fc.Arbitrary<JsonMap> => {
  const kind = kinds[index]!;
  const dependsOnArb = index === 0 ? fc.constant([]) : fc.uniqueArray(fc.nat(index - 1), { maxLength: 2 });
  return dependsOnArb.chain((dependsOn) => {
    const place = { names, index, dependsOn };
    return fc.record({ on: fc.constantFrom(...names.roles), spec: SPECS[kind](place), extras: checkExtras(place, kind, kinds), capture: captureArb(kind, index) }).map(({ on, spec, extras, capture }): JsonMap => ({
      id: checkId(index),
      on,
      [kind]: spec,
      ...(dependsOn.length > 0 ? { depends_on: dependsOn.map(checkId) } : {}),
      ...(names.captures[index] ? { capture } : {}),
      ...extras,
    }));
  });
};

const questionExtras = fc.record(
  { hint: fc.constant('start it with systemctl start ${vars.process}'), severity: fc.constantFrom('error', 'warning'), require: fc.constantFrom('all', 'any', 2, '50%'), tags: fc.constant<Json>(['db', 'net']) },
  { requiredKeys: [] },
);

const QUESTION_IDS = ['service-up', 'port-listening', 'can-connect'];

const questionsOf = (names: Names, checks: readonly JsonMap[], extras: readonly JsonMap[]): Json[] => {
  const count = Math.max(...names.questionOf) + 1;
  return Array.from({ length: count }, (_, question) => ({
    id: QUESTION_IDS[question]!,
    title: `Question ${question}: is \${vars.port} open?`,
    ...extras[question],
    checks: checks.filter((_, index) => names.questionOf[index] === question),
  })).filter((question) => question.checks.length > 0);
};

// --- the document ------------------------------------------------------------------------------

/** A value as `name: value` or `name: { default, description }`. */
const variable = (values: readonly Json[]): fc.Arbitrary<Json> =>
  fc.oneof(fc.constantFrom(...values), fc.record({ default: fc.constantFrom(...values), description: fc.constant('a variable') }, { requiredKeys: ['default'] }));

/** Every variable the references above use, each with a value its uses accept. */
const varsArb: fc.Arbitrary<JsonMap> = fc.record({
  port: variable([3306, 3307, '3306']),
  user: variable(['app', 'root']),
  process: variable(['mysqld', 'mariadbd']),
  env: variable(['prod', 'staging', 'lib']),
  max_used: variable([90, '95']),
  wait: variable(['2s', 5, '500ms']),
  host_ip: variable(['10.0.0.2', 'db.example.com']),
  db_password: fc.constantFrom<Json>({ secret: true, description: 'the app password' }, { secret: true }),
});

const HOST_VALUES: Json[] = ['local', 'root@10.0.0.2', 'admin@db.example.com:2222', '[fe80::1]:22', ['web1', 'root@web2:2222'], 'web[01:03].prod', { address: 'local', become: true }, '@prod-web', {}];

const hostsArb = (names: Names): fc.Arbitrary<JsonMap> =>
  fc
    .tuple(...names.roles.map(() => fc.oneof({ weight: 8, arbitrary: fc.constant<Json>('local') }, fc.constantFrom(...HOST_VALUES))))
    .map((values) => Object.fromEntries(names.roles.map((role, index) => [role, values[index]!])));

/** Findings that read a field of the first check (whatever its kind) and the tools found missing. */
const findingArb = (kinds: readonly CheckKindKey[]): fc.Arbitrary<string> => {
  const [field] = fieldsOf(kinds[0]!)[0]!;
  return fc.constantFrom('only loopback listens on ${vars.port}', `\${fields.${checkId(0)}.${field}} answered`, 'missing: ${tools.missing}');
};

const diagnosisArb = (kinds: readonly CheckKindKey[]): fc.Arbitrary<Json[]> =>
  fc
    .array(fc.record({ when: conditionArb(kinds, kinds.length, 2), finding: findingArb(kinds), hint: fc.constant('set bind-address') }, { requiredKeys: ['when', 'finding'] }), { minLength: 1, maxLength: 2 })
    .map((rules) => rules.map((rule, index) => ({ id: `rule-${index}`, ...rule })));

/** An include of lib.yaml (the case's second file), of the runbook itself (a cycle), of a missing or a shipped one. */
const includeArb = (names: Names): fc.Arbitrary<Json[]> =>
  fc.array(
    fc.record(
      { file: fc.constantFrom('lib.yaml', 'lib.yaml', 'main.yaml', 'missing.yaml', 'local-host', '${vars.env}.yaml'), as: fc.constantFrom('lib', 'disk', 'lib'), vars: fc.constant({ port: 3307 }), hosts: fc.constant({ server: names.roles[0]! }) },
      { requiredKeys: ['file'] },
    ),
    { minLength: 1, maxLength: 2 },
  );

const defaultsArb = fc.oneof(fc.record({ timeout: duration }), fc.record({ retry: fc.record({ attempts: fc.integer({ min: 1, max: 5 }) }) }), fc.record({ until: fc.record({ timeout: duration }) }));

/** The optional top-level parts; an include only in one case in five (a clean one is the rarer). */
const partsArb = (names: Names, kinds: readonly CheckKindKey[]): fc.Arbitrary<JsonMap> =>
  fc
    .record({ description: sometimes(fc.constant('Why can the app not reach ${vars.host_ip}?')), defaults: sometimes(defaultsArb), diagnosis: sometimes(diagnosisArb(kinds)), include: sometimes(includeArb(names), 1, 4) })
    .map(present);

/** A runbook close to valid: each optional part present or not, names consistent. */
export const runbookShape: fc.Arbitrary<JsonMap> = namesArb.chain((names) => {
  const checkCount = names.captures.length;
  return fc.array(fc.constantFrom(...CHECK_KIND_KEYS), { minLength: checkCount, maxLength: checkCount }).chain((kinds) =>
    fc
      .record({
        checks: fc.tuple(...kinds.map((_, index) => checkArb(names, kinds, index))),
        questionExtras: fc.array(questionExtras, { minLength: 3, maxLength: 3 }),
        vars: varsArb,
        hosts: hostsArb(names),
        parts: partsArb(names, kinds),
      })
      .map(({ checks, questionExtras: extras, vars, hosts, parts }): JsonMap => ({
        version: 1,
        title: 'Fuzzed runbook on ${vars.port}',
        vars,
        hosts,
        questions: questionsOf(names, checks, extras),
        ...parts,
      })),
  );
});

/** A runbook for lib.yaml, which `include:` brings in; it includes nothing itself. */
export const includedShape: fc.Arbitrary<JsonMap> = runbookShape.map(({ include: _include, ...rest }) => rest);
