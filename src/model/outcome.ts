// The outcome taxonomy and the evidence kept for each check: the vocabulary of the report.

/**
 * What a check, a question or a run concluded, in the order reports list them. The type, the
 * schemas' enums, the counts and the severity order are all built from this list.
 */
export const STATUSES = ['pass', 'fail', 'error', 'skipped'] as const;

export type Status = (typeof STATUSES)[number];

export interface Excerpt {
  /** Bounded, with control characters escaped: safe to print on a terminal. */
  readonly text: string;
  readonly totalLines: number;
  readonly totalBytes: number;
  readonly truncated: boolean;
}

export interface Evidence {
  /** The role and, for remote hosts, the address the command ran on. */
  readonly host: string;
  readonly command: string;
  readonly exitCode: number | null;
  readonly exitMeaning?: string;
  readonly signal?: string;
  /**
   * Set for what runbook itself said over a TCP stream (a protocol such as MySQL's), which has no
   * exit code: `command` says what was spoken to whom, stdout is the transcript.
   */
  readonly conversation?: true;
  /** The command never ran: the transport could not start it (the check's reason says why). */
  readonly notRun?: true;
  /**
   * runbook ended it on purpose once it had what it needed (a packet capture once its trigger
   * ended): its signal is runbook's doing, not a fault.
   */
  readonly stopped?: true;
  readonly durationMs: number;
  readonly stdout: Excerpt;
  readonly stderr: Excerpt;
}

export interface ExpectationResult {
  readonly field: string;
  readonly matcher: string;
  readonly pass: boolean;
  readonly expected: string;
  readonly actual: string;
  /** One line: `stdout expected to contain "LISTEN", got "..."`. */
  readonly message: string;
}
