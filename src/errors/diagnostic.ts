// A problem in the operator's input, kept as data and printed late, so every problem of a file is
// collected and reported together rather than the first one thrown.
import type { SourceLocation } from '../model/runbook.js';
import { HIDDEN, shownCharacter } from '../model/visible-text.js';
import type { ErrorCode } from './codes.js';

export interface Diagnostic {
  readonly code: ErrorCode;
  /** One sentence, no location, no trailing period: `questions[0].checks[1].on names unknown host "sever"`. */
  readonly message: string;
  readonly location?: SourceLocation;
  /** What to do about it: `did you mean "server"?`. */
  readonly hint?: string;
}

/** Thrown to stop a command with input problems; the CLI prints each diagnostic on its own line. */
export class InputError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'InputError';
    this.diagnostics = diagnostics;
  }
}

/** `runbooks/x.yaml:41:13`: how every message points at a place in a file. */
export const formatLocation = ({ file, line, col }: SourceLocation): string => `${file}:${line}:${col}`;

/** What a message must not hold as itself: the hidden characters, and anything that breaks its line. */
const UNPRINTABLE = new RegExp(`${HIDDEN.source}|[\\n\\t\\u2028\\u2029]`, 'g');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\t': '\\t', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * A message may quote what the file holds (a key, a role, a check id), and that may hold a line
 * break or a terminal escape: escaped, every diagnostic stays one line and nothing in it can move
 * the cursor or retitle the operator's terminal.
 */
const printable = (text: string): string => text.replace(UNPRINTABLE, (char) => NAMED[char] ?? shownCharacter(char));

export const formatDiagnostic = ({ code, message, location, hint }: Diagnostic): string => {
  const where = location ? `${formatLocation(location)}: ` : '';
  const advice = hint ? `; ${hint}` : '';
  return printable(`${where}${message}${advice} [${code}]`);
};

export const usageError = (message: string, hint?: string): InputError =>
  new InputError([{ code: 'RB_USAGE', message, ...(hint ? { hint } : {}) }]);

/** What went wrong, in words, whatever was thrown: an Error's message, else the value as text. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
