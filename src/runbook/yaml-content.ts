// What YAML parses without complaint but a runbook cannot hold: a key said twice, a NUL character,
// aliases that name no anchor or expand into more than a runbook needs (an "alias bomb"), and tags.
// A tag either changes what a value is in ways the schema cannot explain (`!!binary ""` becomes
// bytes, `!!set` a map of nulls) or, unknown (`!shell`), is dropped by the parser: the value would
// run as if the tag were not there. Each is one diagnostic at the node, before the document
// becomes data.
import { isAlias, isMap, isNode, isScalar, visit, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { SourceLocation } from '../model/runbook.js';

/** Aliases resolved when the document becomes data: far more than any runbook repeats, far fewer than a bomb needs. */
export const MAX_ALIAS_COUNT = 1000;

/** The tags that only say what plain YAML would say anyway: a string, a number, a boolean, null, a map, a list. */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`));

const shortTag = (tag: string): string => tag.replace(/^tag:yaml\.org,2002:/, '!!');

type At = (node: Node, part?: 'tag') => SourceLocation;

/** Where the tag itself starts: the node's range begins at its value, after `!tag `. */
const tagOffset = (text: string, node: Node): number => {
  const valueAt = node.range?.[0] ?? 0;
  let at = valueAt - 1;
  while (at >= 0 && /\s/.test(text[at]!)) at -= 1;
  while (at >= 0 && !/[\s,[{]/.test(text[at]!)) at -= 1;
  return text[at + 1] === '!' ? at + 1 : valueAt;
};

const tagProblem = (node: Node, at: At): Diagnostic | undefined => {
  if (!node.tag || PLAIN_TAGS.has(node.tag)) return undefined;
  return {
    code: 'RB_YAML',
    message: `the tag ${shortTag(node.tag)} is not supported in a runbook`,
    location: at(node, 'tag'),
    hint: 'remove it; to keep a value that starts with "!", quote it',
  };
};

/** "\0" in a double-quoted string: no command line, file name or environment variable can carry it. */
const nulProblem = (node: Node, at: At): Diagnostic => ({
  code: 'RB_YAML',
  message: 'the value holds a NUL character ("\\0"), which no command, file name or variable can carry',
  location: at(node),
  hint: 'remove it',
});

/**
 * A key said twice in one map. The YAML library's own check (uniqueKeys) compares each key with
 * every one before it: 80,000 keys took 90 s. One set per map does it in one pass.
 */
const duplicateKeys = (map: YAMLMap, at: At): Diagnostic[] => {
  const seen = new Map<string, Node>();
  const problems: Diagnostic[] = [];
  for (const { key } of map.items) {
    if (!isScalar(key)) continue;
    const name = String(key.value);
    const first = seen.get(name);
    if (first) problems.push({ code: 'RB_YAML', message: `Map keys must be unique: "${name}" is already at line ${at(first).line}`, location: at(key) });
    else seen.set(name, key);
  }
  return problems;
};

/** Repeated keys, unresolvable aliases and (unless `tags` is false) unsupported tags, in document order. */
export const contentProblems = (doc: Document, file: string, text: string, counter: LineCounter, check: { tags: boolean }): Diagnostic[] => {
  const at: At = (node, part) => {
    const { line, col } = counter.linePos(part === 'tag' ? tagOffset(text, node) : (node.range?.[0] ?? 0));
    return { file, line, col };
  };
  const problems: Diagnostic[] = [];
  visit(doc, {
    Node: (_key, node) => {
      if (isMap(node)) problems.push(...duplicateKeys(node, at));
      if (isAlias(node)) {
        if (!node.resolve(doc)) problems.push({ code: 'RB_YAML', message: `the alias *${node.source} names no anchor defined before it`, location: at(node), hint: `define &${node.source} on a value above this line, or remove the alias` });
        return;
      }
      const problem = check.tags && isNode(node) ? tagProblem(node, at) : undefined;
      if (problem) problems.push(problem);
      if (isScalar(node) && typeof node.value === 'string' && node.value.includes('\0')) problems.push(nulProblem(node, at));
    },
  });
  return problems;
};

/** The document as data; an alias bomb (too many aliases to resolve) becomes a diagnostic at its first alias. */
export const documentData = (doc: Document, file: string, counter: LineCounter): { data: unknown } | { problem: Diagnostic } => {
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch {
    // The one error toJS throws once aliases resolved: unresolved ones were reported before.
    let first: Node | undefined;
    visit(doc, { Alias: (_key, node) => ((first = node), visit.BREAK) });
    const { line, col } = counter.linePos(first?.range?.[0] ?? 0);
    return {
      problem: {
        code: 'RB_YAML',
        message: `aliases here expand into more than ${MAX_ALIAS_COUNT} copies of what they name`,
        location: { file, line, col },
        hint: 'write the repeated part once (an include, or a variable) instead of aliases of aliases',
      },
    };
  }
};
