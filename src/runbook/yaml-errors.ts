// The YAML library's errors as one root cause each, in words that say what to do. After its first
// error the parser often loses its place and reports every later token ("Unexpected scalar token
// in YAML stream"): those are echoes of the same mistake, not new ones, and are dropped.
import type { YAMLError } from 'yaml';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { TextLines } from './text-lines.js';

interface Spot {
  readonly line: number;
  readonly col: number;
  /** The whole line the error is on. */
  readonly text: string;
}

const indentOf = (line: string): number => /^ */.exec(line)?.[0].length ?? 0;

/** `key: value` on this line (after any `- `), for a suggestion that writes it back quoted. */
const keyAndValue = (line: string): { key: string; value: string } | undefined => {
  const match = /^\s*(?:- )?([^\s:#][^:#]*?):\s+(.*?)\s*$/.exec(line);
  return match?.[1] !== undefined && match[2] !== undefined ? { key: match[1], value: match[2] } : undefined;
};

/** Single quotes keep a shell command as written; a value holding one gets double quotes. */
const quoted = (value: string): string => (value.includes("'") ? JSON.stringify(value) : `'${value}'`);

const quoteAdvice = (spot: Spot): string => {
  const pair = keyAndValue(spot.text);
  return pair ? `quote the whole value: ${pair.key}: ${quoted(pair.value)}` : 'quote the whole value';
};

/** `{` right after `$`: an unquoted `${vars.x}` where YAML expects a value starts a flow mapping. */
const unquotedReference = (spot: Spot): string | undefined => {
  const at = spot.col - 1;
  if (spot.text[at] !== '{' || spot.text[at - 1] !== '$') return undefined;
  const reference = /^\$\{[^}\s]*\}?/.exec(spot.text.slice(at - 1))?.[0] ?? '${...}';
  return `${reference} must be quoted here: YAML reads the "{" after "$" as the start of a mapping; write "${reference}"`;
};

const lineAbove = (lines: readonly string[], line: number): string | undefined =>
  lines.slice(0, line - 1).reverse().find((text) => text.trim() !== '' && !text.trim().startsWith('#'));

const indentAdvice = (spot: Spot, lines: readonly string[]): string => {
  const above = lineAbove(lines, spot.line);
  const own = indentOf(spot.text);
  const theirs = above === undefined ? undefined : indentOf(above.replace(/^(\s*)- /, '$1  '));
  return theirs === undefined || theirs === own
    ? 'the keys of one map must start at the same column (spaces, not tabs)'
    : `this line is indented ${own} spaces and the one above ${theirs}: the keys of one map must start at the same column`;
};

/**
 * `"^\d+$"`: in double quotes a backslash starts an escape (`\n`), and `\d` is none. A regex or a
 * Windows path is meant as written, which single quotes keep.
 */
const escapeAdvice = (spot: Spot): string => {
  const at = spot.col - 1;
  const scalar = [...spot.text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].find((match) => match.index <= at && at < match.index + match[0].length);
  const advice = 'in double quotes a backslash starts an escape; single quotes keep it as written';
  if (!scalar) return advice;
  const asWritten = scalar[1]!.replaceAll('\\"', '"');
  return `${advice}: '${asWritten.replaceAll("'", "''")}'`;
};

const advice = (error: YAMLError, spot: Spot): string | undefined => {
  switch (error.code) {
    case 'BAD_DQ_ESCAPE':
      return escapeAdvice(spot);
    case 'BLOCK_AS_IMPLICIT_KEY':
      return `the value holds ": ", which YAML reads as another key; ${quoteAdvice(spot)}`;
    case 'TAB_AS_INDENT':
      return 'indent with spaces';
    default:
      return undefined;
  }
};

/** Errors that mean a line is not lined up with its neighbours, whatever the parser calls them. */
const isIndentation = (error: YAMLError): boolean =>
  error.code === 'BAD_INDENT' || error.code === 'MULTILINE_IMPLICIT_KEY' || (error.code === 'MISSING_CHAR' && /Sequence item without/.test(error.message));

/**
 * "Nested mappings" reported on `b: 1` when the next line is indented deeper (`   c: 2`): the value
 * has no ": " of its own, so the fault is that next line's indentation, reported there.
 */
const deeperLineBelow = (spot: Spot, lines: readonly string[]): Spot | undefined => {
  if (keyAndValue(spot.text)?.value.includes(': ') !== false) return undefined;
  const below = lines.findIndex((text, index) => index >= spot.line && text.trim() !== '' && !text.trim().startsWith('#'));
  const text = lines[below];
  return text !== undefined && indentOf(text) > indentOf(spot.text) ? { line: below + 1, col: indentOf(text) + 1, text } : undefined;
};

const libraryWords = (message: string): string => (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');

/** An echo of an earlier error: the parser reporting every token it could no longer place. */
const isEcho = (error: YAMLError): boolean => error.code === 'UNEXPECTED_TOKEN' && /in YAML stream/.test(error.message);

/**
 * `counter`: the lines counted in the text itself (text-lines.ts), never the parser's own count,
 * which misses line breaks in exactly the broken documents these errors come from.
 */
export const yamlDiagnostics = (file: string, text: string, errors: readonly YAMLError[], counter: TextLines): Diagnostic[] => {
  if (errors.length === 0) return [];
  const lines = text.split('\n');
  const reportedLines = new Set<number>();
  return errors.flatMap((error, index) => {
    const { line, col } = counter.linePos(error.pos[0]);
    if ((index > 0 && isEcho(error)) || reportedLines.has(line)) return [];
    reportedLines.add(line);
    const spot = { line, col, text: lines[line - 1] ?? '' };
    const deeper = error.code === 'BLOCK_AS_IMPLICIT_KEY' ? deeperLineBelow(spot, lines) : undefined;
    if (deeper) return [{ code: 'RB_YAML' as const, message: `bad indentation: ${indentAdvice(deeper, lines)}`, location: { file, line: deeper.line, col: deeper.col } }];
    const words =
      unquotedReference(spot) ??
      (isIndentation(error) ? `bad indentation: ${indentAdvice(spot, lines)}` : [libraryWords(error.message), advice(error, spot)].filter(Boolean).join(': '));
    return [{ code: 'RB_YAML' as const, message: words, location: { file, line, col } }];
  });
};
