// A reporter is a function of the finished report: the verdicts are decided before it runs.
import type { RunReport } from '../model/report.js';

export interface Screen {
  /** ANSI colours: only when writing to a terminal that wants them. */
  readonly colors: boolean;
  /** `--verbose`: every host of a fleet on its own line, passes included, instead of hosts grouped by outcome. */
  readonly verbose?: boolean;
}

export interface Reporter {
  readonly name: string;
  readonly summary: string;
  render(report: RunReport, screen: Screen): string;
  /**
   * A Markdown summary for the CI job's page (GitHub's $GITHUB_STEP_SUMMARY), which the CLI appends
   * to that file when the CI provides one. Only reporters made for such a CI have it.
   */
  stepSummary?(report: RunReport): string;
}
