// Where a path of the data stands in the YAML library's document of the text: the exact reading
// places every problem so (source.ts), and so does the reading of one list or map around a problem
// (local-places.ts).
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { yamlLibrary } from './yaml-library.js';

type Path = readonly (string | number)[];

/**
 * Each map's pairs by key, made the first time a path passes through it: locating every problem of
 * a file with 20,000 keys in one map must not search the map 20,000 times. The first pair of a key
 * wins, as a search from the start would find it.
 */
const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

const pairAt = (map: YAMLMap, key: string): Pair | undefined => {
  let index = pairsByKey.get(map);
  if (!index) {
    const { isPair, isScalar } = yamlLibrary();
    index = new Map();
    for (const item of map.items) {
      if (isPair(item) && isScalar(item.key) && !index.has(String(item.key.value))) index.set(String(item.key.value), item);
    }
    pairsByKey.set(map, index);
  }
  return index.get(key);
};

/** The deepest node along `path`, and whether the whole path was found. */
const walk = (doc: Document, path: Path): { node: Node | undefined; keyNode: Node | undefined } => {
  const { isMap, isSeq } = yamlLibrary();
  let node = doc.contents as Node | null | undefined;
  let keyNode: Node | undefined;
  for (const step of path) {
    if (isMap(node)) {
      const pair = pairAt(node, String(step));
      if (!pair) return { node: node, keyNode: undefined };
      keyNode = pair.key as Node;
      node = pair.value as Node | null;
      if (node === null) return { node: keyNode, keyNode };
    } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
      keyNode = undefined;
      node = node.items[step] as Node;
    } else {
      return { node: node ?? undefined, keyNode: undefined };
    }
  }
  return { node: node ?? undefined, keyNode };
};

/**
 * Where the value at `path` starts in the document's text (or its key, for `key`): the deepest
 * node the path reaches when not all of it is there, the text's start when none is.
 */
export const offsetIn = (doc: Document, path: Path, target: 'key' | 'value'): number => {
  const { node, keyNode } = walk(doc, path);
  const chosen = target === 'key' && keyNode ? keyNode : node;
  return chosen?.range?.[0] ?? 0;
};
