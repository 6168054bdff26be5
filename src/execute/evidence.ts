// Evidence is bounded and made safe where it is produced: output from a host is untrusted input to
// the operator's terminal, and a stdout as large as the output limit (model/limits.ts) must not
// ride along in every report.
import type { Evidence, Excerpt } from '../model/outcome.js';
import { neverRan, type CommandOutcome } from '../transport/types.js';
import { escapeControl } from '../model/visible-text.js';
import { programExitMeaning } from './program-exits.js';
import { counted } from '../model/counted.js';

export const EXCERPT_MAX_LINES = 200;
export const EXCERPT_MAX_LINE_CHARS = 500;

/** What an exit code usually means, as shells and coreutils use them. */
const EXIT_MEANINGS: Readonly<Record<number, string>> = {
  0: 'success',
  1: 'general failure',
  2: 'misuse or error (often: bad usage)',
  124: 'timed out (coreutils timeout)',
  125: 'timeout itself failed',
  126: 'command found but not executable',
  127: 'command not found',
  130: 'interrupted (SIGINT)',
  137: 'killed (SIGKILL)',
  143: 'terminated (SIGTERM)',
};

/** The program's own meaning when the command says which program decided (program-exits.ts), else the shell's. */
export const exitMeaning = (exitCode: number | null, signal: string | null, command = ''): string | undefined => {
  if (exitCode === null) return signal ? `ended by ${signal}` : undefined;
  return programExitMeaning(command, exitCode) ?? EXIT_MEANINGS[exitCode] ?? (exitCode > 128 && exitCode < 160 ? `ended by signal ${exitCode - 128}` : undefined);
};

/** A captured value as the report keeps it (the checks that read it get it whole). */
export const CAPTURE_REPORT_MAX_CHARS = 4096;

/** A captured value for the report: bounded like the evidence, its control characters shown as \xNN. */
export const reportedCapture = (value: string): string =>
  escapeControl(value.length > CAPTURE_REPORT_MAX_CHARS ? `${value.slice(0, CAPTURE_REPORT_MAX_CHARS)}… (${value.length} chars)` : value);

const clip = (line: string): string =>
  line.length > EXCERPT_MAX_LINE_CHARS ? `${line.slice(0, EXCERPT_MAX_LINE_CHARS)}… (${line.length} chars)` : line;

/** Keeps the head and the tail (where errors and summaries usually are) when there is too much. */
export const excerpt = (text: string, maxLines = EXCERPT_MAX_LINES): Excerpt => {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body === '' ? [] : body.split('\n');
  const truncatedLines = lines.length > maxLines;
  const head = Math.ceil(maxLines * 0.6);
  const kept = truncatedLines
    ? [...lines.slice(0, head), `… ${counted(lines.length - maxLines, 'line')} omitted …`, ...lines.slice(lines.length - (maxLines - head))]
    : lines;
  const clipped = kept.map(clip);
  return {
    text: escapeControl(clipped.join('\n')),
    totalLines: lines.length,
    totalBytes: Buffer.byteLength(text),
    truncated: truncatedLines || clipped.some((line, index) => line !== kept[index]),
  };
};

export const evidenceFor = (host: string, command: string, outcome: CommandOutcome, conversation = false): Evidence => {
  const meaning = exitMeaning(outcome.exitCode, outcome.signal, command);
  return {
    host,
    // The command as it ran: a captured value in it is what a host printed.
    command: escapeControl(command),
    exitCode: outcome.exitCode,
    ...(meaning ? { exitMeaning: meaning } : {}),
    ...(outcome.signal ? { signal: outcome.signal } : {}),
    ...(conversation ? { conversation } : {}),
    ...(neverRan(outcome) ? { notRun: true as const } : {}),
    ...(outcome.termination === 'stopped' ? { stopped: true as const } : {}),
    durationMs: outcome.durationMs,
    stdout: excerpt(outcome.stdout),
    stderr: excerpt(outcome.stderr),
  };
};
