// Generator (b), the text: a runbook-shaped document written out with the `yaml` package the way
// people (and tools) write YAML: flow and block collections, every quoting style, comments,
// anchors and aliases (of values shared in the data, and of values chosen at random, before or
// after their anchor, or inside it), merge keys, tags, YAML 1.1, and a second document or an end marker.
import fc from 'fast-check';
import { Document, isAlias, isCollection, isMap, isScalar, Pair, Scalar, visit, type Node, type ToStringOptions } from 'yaml';
import { mutated, mutationArb } from './mutate.js';
import { runbookShape, type Json } from './runbook-shape.js';

interface Style {
  readonly version: '1.1' | '1.2';
  /** Picks among the collections: written in flow style. */
  readonly flow: readonly number[];
  readonly quoting: readonly (readonly [number, Scalar.Type])[];
  readonly tags: readonly (readonly [number, string])[];
  readonly comments: readonly number[];
  /** [anchor, alias]: the second node replaced by an alias of the first. */
  readonly aliases: readonly (readonly [number, number])[];
  /** [source, target]: `<<: *source` added to the target map (a merge in YAML 1.1, a plain "<<" key in 1.2). */
  readonly merges: readonly (readonly [number, number])[];
  readonly options: ToStringOptions;
  readonly trailer: string;
}

const SCALAR_TYPES: Scalar.Type[] = ['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'];

/** Plain tags (harmless), unsupported ones (RB_YAML), and ones that change what a value is. */
const TAGS = ['!!str', '!!int', '!!map', '!!seq', '!!bool', '!!null', '!!float', '!shell', '!!binary', '!!set', '!!omap', '!!timestamp', '!e!local', '!'];

const pairs = <T>(second: fc.Arbitrary<T>) => fc.array(fc.tuple(fc.nat(), second), { maxLength: 3 });

const optionsArb: fc.Arbitrary<ToStringOptions> = fc.record(
  {
    indent: fc.integer({ min: 2, max: 4 }),
    indentSeq: fc.boolean(),
    lineWidth: fc.constantFrom(0, 20, 80),
    minContentWidth: fc.constantFrom(0, 20),
    defaultStringType: fc.constantFrom<Scalar.Type>('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
    defaultKeyType: fc.constantFrom<Scalar.Type | null>(null, 'PLAIN', 'QUOTE_DOUBLE'),
    collectionStyle: fc.constantFrom<'any' | 'block' | 'flow'>('any', 'block', 'flow'),
    flowCollectionPadding: fc.boolean(),
    doubleQuotedAsJSON: fc.boolean(),
  },
  { requiredKeys: [] },
);

export const styleArb: fc.Arbitrary<Style> = fc.record({
  version: fc.constantFrom<'1.1' | '1.2'>('1.2', '1.2', '1.2', '1.1'),
  flow: fc.array(fc.nat(), { maxLength: 3 }),
  quoting: pairs(fc.constantFrom(...SCALAR_TYPES)),
  tags: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, pairs(fc.constantFrom(...TAGS))),
  comments: fc.array(fc.nat(), { maxLength: 2 }),
  aliases: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 2 })),
  merges: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 2 })),
  options: optionsArb,
  trailer: fc.constantFrom('', '', '', '\n...\n', '\n---\n{}\n', '\n# the end\n'),
});

interface Place {
  readonly node: Node;
  readonly isKey: boolean;
}

/** Every node, keys included, in document order. */
const placesOf = (doc: Document): Place[] => {
  const places: Place[] = [];
  visit(doc, {
    Node: (key, node) => {
      places.push({ node, isKey: key === 'key' });
    },
  });
  return places;
};

const pick = <T>(items: readonly T[], at: number): T | undefined => (items.length === 0 ? undefined : items[at % items.length]);

/** Styles, tags and comments: each changes how a node is written, not the tree. */
const dress = (places: readonly Place[], style: Style): void => {
  const collections = places.filter(({ node }) => isCollection(node));
  const scalars = places.filter(({ node }) => isScalar(node));
  for (const at of style.flow) {
    const collection = pick(collections, at)?.node;
    if (isCollection(collection)) collection.flow = true;
  }
  for (const [at, type] of style.quoting) {
    const place = pick(scalars, at);
    // A key cannot be a block scalar: YAML has no syntax for it.
    if (place && isScalar(place.node) && !(place.isKey && type.startsWith('BLOCK'))) place.node.type = type;
  }
  for (const [at, tag] of style.tags) {
    const place = pick(places, at);
    // An alias takes no tag: it stands for a node that has its own.
    if (place && !place.isKey && !isAlias(place.node)) place.node.tag = tag;
  }
  for (const at of style.comments) {
    const place = pick(places, at);
    if (place) place.node.commentBefore = ' a comment';
  }
};

/** Aliases and merge keys: each changes the tree, so they are made after the nodes were listed. */
const link = (doc: Document, places: readonly Place[], style: Style): void => {
  const values = places.filter(({ isKey }) => !isKey).map(({ node }) => node);
  const anchorable = values.filter((node) => isScalar(node) || isCollection(node));
  const replacements = new Map<Node, Node>();
  for (const [anchorAt, aliasAt] of style.aliases) {
    const [source, target] = [pick(anchorable, anchorAt), pick(values, aliasAt)];
    if (source && target && source !== target && !replacements.has(source)) replacements.set(target, doc.createAlias(source));
  }
  const maps = values.filter(isMap);
  for (const [sourceAt, targetAt] of style.merges) {
    const [source, target] = [pick(maps, sourceAt), pick(maps, targetAt)];
    if (source && target) target.items.unshift(new Pair(new Scalar('<<'), doc.createAlias(source)));
  }
  if (replacements.size > 0) visit(doc, { Node: (_key, node) => replacements.get(node) });
};

/** The text of the document in this style; what the `yaml` package cannot write is written plainly. */
export const serialize = (data: Json, style: Style): string => {
  const doc = new Document(data, { version: style.version });
  const places = placesOf(doc);
  dress(places, style);
  link(doc, places, style);
  const directive = style.version === '1.1' ? '%YAML 1.1\n---\n' : '';
  try {
    return `${directive}${doc.toString(style.options)}${style.trailer}`;
  } catch {
    // A style the writer refuses (an alias of a node it never wrote, say): still a document to load.
    return `${directive}${new Document(data, { version: style.version }).toString()}`;
  }
};

/** A runbook's shape, mutated at most twice, written in a style: the text the readings' fuzz tests read. */
export const styledRunbook: fc.Arbitrary<string> = fc
  .tuple(runbookShape, fc.array(mutationArb, { maxLength: 2 }), styleArb)
  .map(([shape, mutations, style]) => serialize(mutated(shape, mutations), style));
