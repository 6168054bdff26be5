// The process exit codes: one table, mirrored in the README. A failure (1) wins over an error (3):
// a confirmed problem is the stronger statement for a deployment gate, and the report lists both.
export const EXIT_CODES = {
  pass: 0,
  fail: 1,
  invalid: 2,
  error: 3,
  internal: 70,
  interrupted: 130,
} as const;

export type ExitCodeName = keyof typeof EXIT_CODES;

export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCodeName, string>> = {
  pass: 'every question passed (skipped questions allowed only when nothing failed or errored; questions of severity warning never count)',
  fail: 'at least one check failed: the runbook observed a problem (wins over errors)',
  invalid: 'bad command-line usage or an invalid runbook: nothing ran',
  error: 'could not check: at least one check errored (unreachable host, missing tool, timeout, the --deadline) and none failed',
  internal: 'internal error in runbook itself (please report it; rerun with --debug for the stack)',
  interrupted: 'interrupted (SIGINT/SIGTERM): running checks were stopped, the partial report was still written',
};

/** The codes a run's report can carry: usage errors, invalid runbooks and internal errors end before there is one. */
export const REPORT_EXIT_CODES = ['pass', 'fail', 'error', 'interrupted'] as const satisfies readonly ExitCodeName[];

export type ReportExitCode = (typeof EXIT_CODES)[(typeof REPORT_EXIT_CODES)[number]];
