// What YAML parses without complaint but a runbook cannot hold: a key said twice, a NUL character,
// a character that acts on a terminal or reorders text, aliases that name no anchor, stand inside
// the value they name (which would hold itself) or expand into more than a runbook needs (an
// "alias bomb"), lists and maps nested deeper than yaml-depth.ts allows once aliases stand for
// what they name, and tags.
// A tag either changes what a value is in ways the schema cannot explain (`!!binary ""` becomes
// bytes, `!!set` a map of nulls) or, unknown (`!shell`), is dropped by the parser: the value would
// run as if the tag were not there. Each is one diagnostic at the node, before the document
// becomes data.
import type { Alias, Document, Node, YAMLMap } from 'yaml';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { SourceLocation } from '../model/runbook.js';
import { firstHidden } from '../model/visible-text.js';
import { hiddenCharacterProblem } from './hidden-characters.js';
import type { TextLines } from './text-lines.js';
import { composedDepthProblem } from './yaml-depth.js';
import { yamlLibrary } from './yaml-library.js';
import { pushAll } from '../model/push-all.js';

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

/** A NUL, or a character `runbook plan` and the reports could not show as it is (hidden-characters.ts), at its value. */
const hiddenProblem = (node: Node, at: At, char: string): Diagnostic => {
  const { message, hint } = hiddenCharacterProblem(char);
  return { code: 'RB_YAML', message: `the value ${message}`, location: at(node), hint };
};

/** The first such character in a scalar's text. */
const hiddenScalarProblem = (node: Node, at: At): Diagnostic | undefined => {
  if (!yamlLibrary().isScalar(node) || typeof node.value !== 'string') return undefined;
  const index = firstHidden(node.value);
  return index === -1 ? undefined : hiddenProblem(node, at, node.value[index]!);
};

/**
 * A key said twice in one map. The YAML library's own check (uniqueKeys) compares each key with
 * every one before it: 80,000 keys took 90 s. One set per map does it in one pass.
 */
const duplicateKeys = (map: YAMLMap, at: At): Diagnostic[] => {
  const seen = new Map<string, Node>();
  const problems: Diagnostic[] = [];
  const { isScalar } = yamlLibrary();
  for (const { key } of map.items) {
    if (!isScalar(key)) continue;
    const name = String(key.value);
    const first = seen.get(name);
    if (first) problems.push({ code: 'RB_YAML', message: `Map keys must be unique: "${name}" is already at line ${at(first).line}`, location: at(key) });
    else seen.set(name, key);
  }
  return problems;
};

/** `x: &a [*a]`: the alias is inside the value it names, which would then contain itself without end. */
const selfAlias = (alias: Alias, at: At): Diagnostic => ({
  code: 'RB_YAML',
  message: `the alias *${alias.source} stands inside the value &${alias.source} names, which would then hold itself without end`,
  location: at(alias),
  hint: 'an alias can only repeat a value written whole before it',
});

/**
 * Repeated keys, unresolvable aliases, (unless `hidden` is false) a NUL or another character a
 * terminal acts on or that reorders text, (unless `tags` is false) unsupported tags, in document
 * order; then nesting too deep.
 */
export const contentProblems = (doc: Document, file: string, text: string, counter: TextLines, check: { tags: boolean; hidden: boolean }): Diagnostic[] => {
  const { isAlias, isMap, isNode, visit } = yamlLibrary();
  const at: At = (node, part) => {
    const { line, col } = counter.linePos(part === 'tag' ? tagOffset(text, node) : (node.range?.[0] ?? 0));
    return { file, line, col };
  };
  const problems: Diagnostic[] = [];
  // What each alias stands for, found in the same pass: the last node before it with its anchor, as
  // Alias.resolve finds it (which visits the whole document again for every alias).
  const anchored = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  visit(doc, {
    Node: (_key, node, path) => {
      if (isMap(node)) pushAll(problems, duplicateKeys(node, at));
      if (isAlias(node)) {
        const target = anchored.get(node.source);
        if (!target) problems.push({ code: 'RB_YAML', message: `the alias *${node.source} names no anchor defined before it`, location: at(node), hint: `define &${node.source} on a value above this line, or remove the alias` });
        else if (path.includes(target)) problems.push(selfAlias(node, at));
        else targets.set(node, target);
        return;
      }
      if (isNode(node) && node.anchor) anchored.set(node.anchor, node);
      const problem = check.tags && isNode(node) ? tagProblem(node, at) : undefined;
      if (problem) problems.push(problem);
      const hidden = check.hidden ? hiddenScalarProblem(node, at) : undefined;
      if (hidden) problems.push(hidden);
    },
  });
  const tooDeep = composedDepthProblem(doc, at, targets);
  return tooDeep ? [...problems, tooDeep] : problems;
};

/** The document as data; an alias bomb (too many aliases to resolve) becomes a diagnostic at its first alias. */
export const documentData = (doc: Document, file: string, counter: TextLines): { data: unknown } | { problem: Diagnostic } => {
  const { visit } = yamlLibrary();
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
