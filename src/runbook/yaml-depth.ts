// How deep lists and maps nest, bounded before anything recurses over them. The YAML library
// composes a document recursively: about 800 nested "[" exhausted the stack ("Maximum call stack
// size exceeded"), and the stages after it (schema, matchers, the walkers of yaml-values.ts)
// recurse over the same depth. Its lexer and parser do not recurse: they build the document's
// syntax tree on a stack of the collections still open. So the text is lexed and parsed here one
// token at a time, the stack measured after each, and a text that opens one level too many stops
// there: never composed, in time and memory linear in what was read. The stack is the parser's
// own, so a "[" inside quotes, a comment or a block scalar never counts, nor does indentation
// that closes what it seems to open.
import type { Alias, CST, Document, Node } from 'yaml';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { SourceLocation } from '../model/runbook.js';
import { yamlLibrary } from './yaml-library.js';

/**
 * The deepest a runbook, vars file or inventory may nest lists and maps. A runbook uses about 10
 * levels (questions, checks, expect, a matcher, any_of...); the YAML library gives out near 800,
 * and every later stage was measured safe beyond 700.
 */
export const MAX_NESTING_DEPTH = 64;

export const nestingProblem = (location: SourceLocation): Diagnostic => ({
  code: 'RB_YAML',
  message: `lists and maps nest deeper than ${MAX_NESTING_DEPTH} levels here, the most such a file may hold`,
  location,
  hint: 'a runbook needs about 10: look for a "[" or "{" never closed, or indentation that keeps growing',
});

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * `[a: 1]` holds a map of one pair: a level the syntax tree does not have. An entry of `[...]`
 * is such a pair once its `:` or `?` is read, or once a collection opens after its key (the
 * parser keeps a key it has not yet placed, and `[x [y]]` becomes `[{x: [y]}]`).
 */
const opensPair = (token: CST.Token, holdsOpenChild: boolean): boolean => {
  if (token.type !== 'flow-collection' || token.start.source !== '[') return false;
  const item = token.items.at(-1);
  if (!item) return false;
  return (holdsOpenChild && item.key !== undefined) || item.sep?.some(({ type }) => type === 'map-value-ind') === true || item.start.some(({ type }) => type === 'explicit-key-ind');
};

/** Lists and maps open on the parser's stack, and where the innermost one starts. */
const openLevels = (stack: readonly CST.Token[]): { levels: number; innermost: number } => {
  let levels = 0;
  let innermost = 0;
  stack.forEach((token, index) => {
    if (!COLLECTIONS.has(token.type)) return;
    levels += opensPair(token, index < stack.length - 1) ? 2 : 1;
    innermost = token.offset;
  });
  return { levels, innermost };
};

/**
 * Line and column of an offset, counted in the text: the parser's LineCounter misses line breaks
 * in some broken documents, which deep ones often are.
 */
const positionIn = (text: string, offset: number): { line: number; col: number } => {
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) line += 1;
  return { line, col: offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1 };
};

/**
 * What yaml's parseDocument does (lex, parse, compose the first document), with the parser's
 * stack measured after every token: a text that opens more than MAX_NESTING_DEPTH levels is
 * neither parsed further nor composed, and where the list or map that went too deep starts is
 * returned instead.
 */
export const parseWithinDepth = (text: string): { doc: Document.Parsed } | { tooDeepAt: { line: number; col: number } } => {
  const { Composer, Lexer, Parser, YAMLParseError } = yamlLibrary();
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    tokens.push(...parser.next(lexeme));
    const { levels, innermost } = openLevels(parser.stack);
    if (levels > MAX_NESTING_DEPTH) return { tooDeepAt: positionIn(text, innermost) };
  }
  tokens.push(...parser.end());
  let doc: Document.Parsed | undefined;
  for (const next of new Composer({ uniqueKeys: false, logLevel: 'error' }).compose(tokens, true, text.length)) {
    if (doc) {
      const words = 'a second YAML document starts here (after a "---" or "..." line), and a file holds one: remove that line, or move what follows to a file of its own';
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', words));
      break;
    }
    doc = next;
  }
  // compose(..., forceDoc) always yields a document: an empty one for an empty text.
  return { doc: doc! };
};

/** The nodes a collection holds: items, or keys and values. */
const childrenOf = (node: Node): Node[] => {
  const { isCollection, isNode, isPair } = yamlLibrary();
  return isCollection(node) ? node.items.flatMap((item) => (isPair(item) ? [item.key, item.value] : [item])).filter((child): child is Node => isNode(child)) : [];
};

/**
 * The document as data nests no deeper than the limit. The parser's stack misses a level in rare
 * forms (a list as the key of a pair inside `[...]`), and an alias stands for all of what it
 * names: a chain of them (`b: &b [[*a]]`, `c: &c [[*b]]`...) nests far deeper in the data than
 * in the text. Each node's height counts what its aliases stand for (`targets`: the node each
 * names); an anchor is measured once, where it is written, before any alias can name it. The
 * first node past the limit is reported.
 */
export const composedDepthProblem = (doc: Document, at: (node: Node) => SourceLocation, targets: ReadonlyMap<Alias, Node>): Diagnostic | undefined => {
  const { isAlias, isCollection, isNode } = yamlLibrary();
  const heights = new Map<Node, number>();
  let problem: Diagnostic | undefined;
  const measure = (node: Node, depth: number): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      const height = target ? (heights.get(target) ?? 0) : 0;
      if (!problem && depth + height > MAX_NESTING_DEPTH) {
        problem = {
          ...nestingProblem(at(node)),
          message: `the alias *${node.source} stands for lists and maps ${height} levels deep: here they nest ${depth + height} levels, deeper than ${MAX_NESTING_DEPTH}, the most such a file may hold`,
          hint: 'write the value out here, or give the alias a shallower value',
        };
      }
      return height;
    }
    if (!isCollection(node)) return 0;
    if (!problem && depth + 1 > MAX_NESTING_DEPTH) problem = nestingProblem(at(node));
    const height = 1 + childrenOf(node).reduce((highest, child) => Math.max(highest, measure(child, depth + 1)), 0);
    heights.set(node, height);
    return height;
  };
  if (isNode(doc.contents)) measure(doc.contents, 0);
  return problem;
};
