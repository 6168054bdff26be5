// What a recording holds: every attempt a check made on a host (a command line, or a TCP stream
// with what the far end sent), with what came back. The recorder writes these, the replay answers
// from them; app/recording.ts puts them in files.
import type { AttemptOrigin, AttemptStep, CommandOutcome, StreamFailure, TransportError } from '../types.js';

interface AttemptBase {
  readonly origin: AttemptOrigin;
  /** The transport's name for the host, as the evidence says it: `db (root@10.200.0.82:22)`. */
  readonly target: string;
  /** When the attempt started (ISO 8601). */
  readonly startedAt: string;
  /** Which step of the probe it was, and whether a fallback: with the exit codes, which one answered. */
  readonly step?: AttemptStep;
}

export interface RecordedCommand extends AttemptBase {
  readonly type: 'command';
  readonly script: string;
  readonly stdin?: string;
  readonly become: boolean;
  readonly outcome: CommandOutcome;
}

/**
 * One turn of a stream: bytes the far end sent (base64: a protocol is bytes), how many bytes we
 * sent (only how many: they may carry a login, and the replay needs only the count to keep turns),
 * the far end closing, or the stream failing.
 */
/**
 * A turn of a stream's exchange. A far end that took `afterMs` to answer (only kept from
 * SLOW_ANSWER_MS on) answers as late in a replay: a kind's own bound may have run out first then,
 * and must again (a query that stalled, then was cancelled from a second stream).
 */
export type ExchangeStep = { readonly received: string; readonly afterMs?: number } | { readonly sent: number } | { readonly end: true } | { readonly error: string };

/** From this wait on, an answer's delay is part of the recording: shorter ones vary from run to run. */
export const SLOW_ANSWER_MS = 500;

/** Kept rounded up to this, so that a recording made twice does not differ, and is never shorter than the wait was. */
const SLOW_ANSWER_STEP_MS = 100;

/** The delay a recording keeps for an answer that came `waitedMs` after the turn before it, if any. */
export const keptDelay = (waitedMs: number): number | undefined =>
  waitedMs >= SLOW_ANSWER_MS ? Math.ceil(waitedMs / SLOW_ANSWER_STEP_MS) * SLOW_ANSWER_STEP_MS : undefined;

export type RecordedOpening =
  | { readonly durationMs: number; readonly via: string }
  | { readonly durationMs: number; readonly via: string; readonly failure: StreamFailure; readonly message: string }
  | { readonly durationMs: number; readonly via: string; readonly transportError: TransportError };

export interface RecordedStream extends AttemptBase {
  readonly type: 'stream';
  readonly to: { readonly host: string; readonly port: number };
  readonly opening: RecordedOpening;
  /** Empty when no stream was opened. */
  readonly exchange: readonly ExchangeStep[];
}

export type RecordedAttempt = RecordedCommand | RecordedStream;

/** How record and replay hide every secret's value: `***` wherever it stands. */
export type Mask = (text: string) => string;

/**
 * An attempt's step as a recording keeps it and a replay compares it: masked, as its command line
 * is, since a step's label says what is spoken (`HTTP GET https://api/health?token=...`).
 */
export const maskedStep = (step: AttemptStep | undefined, mask: Mask): { step?: AttemptStep } => (step ? { step: { ...step, label: mask(step.label) } } : {});

/** The instance an attempt belongs to: one check on one host of its role. */
export const instanceOf = (origin: AttemptOrigin): string => `${origin.runbook}\n${origin.check}\n${origin.host}`;

/**
 * What an attempt asks, apart from who asks: a command line, or a stream's destination and its
 * step, whose label says what the probe speaks over it (`MySQL to db:3306 ...: greeting, login as
 * app, SELECT 1`): a stream's bytes are recorded as counts, never as what was sent (a login's).
 */
export type Asked =
  | { readonly type: 'command'; readonly script: string; readonly stdin?: string; readonly become: boolean }
  | { readonly type: 'stream'; readonly to: { readonly host: string; readonly port: number }; readonly step?: AttemptStep };

/**
 * What makes two attempts of one instance the same: where it runs and exactly what it runs (or
 * where it connects, to say what). Retries repeat an attempt; the replay hands out its recordings
 * in order. `withStep: false`: a stream by its destination alone, for a recording made before
 * streams had steps.
 */
export const attemptKey = (role: string, attempt: Asked, withStep = true): string =>
  attempt.type === 'command'
    ? ['command', role, attempt.become ? 'sudo' : '', attempt.script, attempt.stdin ?? ''].join('\n')
    : ['stream', role, `${attempt.to.host}:${attempt.to.port}`, withStep ? (attempt.step?.label ?? '') : ''].join('\n');

/** How an attempt is named in a message: its first line, shortened. */
export const attemptText = (attempt: Asked): string => {
  if (attempt.type === 'stream') return `a stream to ${attempt.to.host}:${attempt.to.port}${attempt.step ? ` for ${attempt.step.label}` : ''}`;
  const first = attempt.script.split('\n')[0] ?? '';
  const line = first.length > 120 ? `${first.slice(0, 120)}…` : first;
  return `\`${line}${attempt.script.includes('\n') && first.length <= 120 ? ' …' : ''}\``;
};
