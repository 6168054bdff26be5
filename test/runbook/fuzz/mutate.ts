// Generator (b), second half: mutations of a runbook-shaped document. Each breaks one thing the way
// an author does (a dropped or misspelt key, a value of the wrong type, a dependency loop, a
// reference to nothing) or the way an attacker does (huge numbers, control characters, nesting,
// one value shared in two places, which serializes as an anchor and its alias).
import fc from 'fast-check';
import type { Json, JsonMap } from './runbook-shape.js';

type Step = string | number;
type Container = Json[] | JsonMap;

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

/** Every place in the document (not the root), parents before children; a shared value is walked once. */
const placesOf = (root: JsonMap): { parent: Container; step: Step; path: Step[] }[] => {
  const places: { parent: Container; step: Step; path: Step[] }[] = [];
  const seen = new Set<unknown>();
  const walk = (node: Container, path: Step[]): void => {
    if (seen.has(node)) return;
    seen.add(node);
    const steps: Step[] = Array.isArray(node) ? node.map((_, index) => index) : Object.keys(node);
    for (const step of steps) {
      places.push({ parent: node, step, path: [...path, step] });
      const child = (node as Record<Step, Json>)[step];
      if (isContainer(child)) walk(child, [...path, step]);
    }
  };
  walk(root, []);
  return places;
};

const valueAt = (parent: Container, step: Step): Json => (parent as Record<Step, Json>)[step]!;
const setAt = (parent: Container, step: Step, value: Json): void => {
  (parent as Record<Step, Json>)[step] = value;
};

/** A key of the map's own, even `__proto__` (assigning it would change the map's prototype instead). */
const defineKey = (map: JsonMap, key: string, value: Json): void => {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
};

/** Values of the wrong type or out of range: the numbers the schema's bounds and JavaScript's floats meet. */
const ODD_VALUES: Json[] = [
  null, true, false, 0, -1, 1e29, 2 ** 53 + 1, 1e308, -1e308, -0, 3.14, Infinity, -Infinity, NaN, 2 ** 31, 2147484, 86401,
  '', ' ', 'x'.repeat(300), [], {}, [1, 2], { a: 1 }, '\x1b[2J\x1b]0;pwned\x07', 'a\nb', 'a\rb', '\u2028', 'tab\there',
  '\x9b31m', '${vars.nope}', '24h1s', '-5s', '0s', '1e3s', '600h', 'ＡＢ', '🙂', 'e\u0301', '\0', '<<', '*a', '&a', '!shell',
];

/** Names an author might write instead of the right one, and names no author would. */
const oddName = fc.oneof(
  fc.constantFrom('prot', 'Id', 'id ', 'dependson', 'depends-on', 'capture ', 'expects', 'exitcode', '<<', '', '0', 'a\nb', 'a\rb', '\x1b[2J', '🙂', 'on', 'true', 'constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf'),
  fc.string({ maxLength: 6 }),
);

const REFERENCES = ['${vars.nope}', '${captures.nope}', '${env.HOME}', '${fields.x.y}', '${tools.missing}', '${vars.port', '${captures.cap_9}', '${vars.db_password}', '${captures.cap_0}', '$(id)', '${vars.}'];

/** A typo of a word: a letter dropped, or two swapped. */
const typo = (word: string, at: number): string => {
  if (word.length < 2) return `${word}x`;
  const index = at % (word.length - 1);
  return at % 2 === 0 ? word.slice(0, index) + word.slice(index + 1) : word.slice(0, index) + word[index + 1]! + word[index]! + word.slice(index + 2);
};

/** `depth` levels of lists or maps around a value: modest (under 50), where the YAML library still copes. */
const nested = (value: Json, depth: number, kind: 'list' | 'map'): Json => {
  let result = value;
  for (let level = 0; level < depth; level += 1) result = kind === 'list' ? [result] : { a: result };
  return result;
};

type Mutation =
  | { readonly kind: 'drop-key'; readonly pick: number }
  | { readonly kind: 'rename-key'; readonly pick: number; readonly name: string }
  | { readonly kind: 'retype'; readonly pick: number; readonly value: Json }
  | { readonly kind: 'typo'; readonly pick: number; readonly at: number }
  | { readonly kind: 'duplicate-item'; readonly pick: number; readonly shared: boolean }
  | { readonly kind: 'share'; readonly pick: number; readonly target: number }
  | { readonly kind: 'cycle'; readonly pick: number; readonly target: number }
  | { readonly kind: 'reference'; readonly pick: number; readonly reference: string }
  | { readonly kind: 'nest'; readonly pick: number; readonly depth: number; readonly as: 'list' | 'map' };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop-key' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rename-key' as const), pick: fc.nat(), name: oddName }),
  fc.record({ kind: fc.constant('retype' as const), pick: fc.nat(), value: fc.constantFrom(...ODD_VALUES) }),
  fc.record({ kind: fc.constant('typo' as const), pick: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-item' as const), pick: fc.nat(), shared: fc.boolean() }),
  fc.record({ kind: fc.constant('share' as const), pick: fc.nat(), target: fc.nat() }),
  fc.record({ kind: fc.constant('cycle' as const), pick: fc.nat(), target: fc.nat() }),
  fc.record({ kind: fc.constant('reference' as const), pick: fc.nat(), reference: fc.constantFrom(...REFERENCES) }),
  fc.record({ kind: fc.constant('nest' as const), pick: fc.nat(), depth: fc.integer({ min: 1, max: 40 }), as: fc.constantFrom('list' as const, 'map' as const) }),
);

/** The document's checks, wherever its questions are (a mutation may have moved or broken them). */
const checksOf = (root: JsonMap): JsonMap[] => {
  const questions = Array.isArray(root.questions) ? root.questions : [];
  return questions.flatMap((question) => (isContainer(question) && !Array.isArray(question) && Array.isArray(question.checks) ? question.checks : []))
    .filter((check): check is JsonMap => isContainer(check) && !Array.isArray(check));
};

/** Two checks that depend on each other (or one on itself): RB_CYCLE. */
const addCycle = (root: JsonMap, pick: number, target: number): void => {
  const checks = checksOf(root);
  if (checks.length === 0) return;
  const [first, second] = [checks[pick % checks.length]!, checks[target % checks.length]!];
  // An id a mutation made something else than text is depended on as it is: one more wrong type.
  first.depends_on = [second.id ?? null];
  second.depends_on = [first.id ?? null];
};

/** Applies one mutation in place; one that finds nothing to act on (no list to duplicate in) does nothing. */
const apply = (root: JsonMap, mutation: Mutation): void => {
  if (mutation.kind === 'cycle') return addCycle(root, mutation.pick, mutation.target);
  const places = placesOf(root);
  if (places.length === 0) return;
  const { parent, step } = places[mutation.pick % places.length]!;
  const value = valueAt(parent, step);
  switch (mutation.kind) {
    case 'drop-key':
      if (Array.isArray(parent)) parent.splice(step as number, 1);
      else delete parent[step];
      return;
    case 'rename-key':
      if (Array.isArray(parent)) return;
      delete parent[step];
      defineKey(parent, mutation.name, value);
      return;
    case 'retype':
      return setAt(parent, step, mutation.value);
    case 'typo':
      if (typeof value === 'string') setAt(parent, step, typo(value, mutation.at));
      else if (!Array.isArray(parent)) {
        delete parent[step];
        defineKey(parent, typo(String(step), mutation.at), value);
      }
      return;
    case 'duplicate-item':
      if (Array.isArray(value) && value.length > 0) value.push(mutation.shared ? value[0]! : structuredClone(value[0]!));
      return;
    case 'share': {
      // The same object in two places serializes as an anchor and an alias; inside itself, a recursive one.
      const source = places[mutation.target % places.length]!;
      return setAt(parent, step, valueAt(source.parent, source.step));
    }
    case 'reference':
      return setAt(parent, step, `${typeof value === 'string' ? value : 'echo'} ${mutation.reference}`);
    case 'nest':
      return setAt(parent, step, nested(value, mutation.depth, mutation.as));
  }
};

/** The document with each mutation applied in turn (on a copy: the shape may be reused by fast-check). */
export const mutated = (shape: JsonMap, mutations: readonly Mutation[]): JsonMap => {
  const copy = structuredClone(shape);
  for (const mutation of mutations) apply(copy, mutation);
  return copy;
};
