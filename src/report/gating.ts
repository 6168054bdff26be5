// Which outcomes count against the run, for reporters that must say it in their own terms (JUnit's
// failure or skipped, TAP's TODO, GitHub's error or warning). The rules are execute/verdict.ts's and
// execute/assemble.ts's, which report/ may not import: informational checks do not decide their
// question unless it has nothing else, and a question of severity warning never fails the run.
import type { CheckResult, QuestionResult } from '../model/report.js';

export const decidesQuestion = (check: CheckResult, question: QuestionResult): boolean =>
  !check.informational || question.checks.every((other) => other.informational);

/**
 * Why a check that did not pass still does not fail the run, or undefined when it does: `informational`
 * (it does not decide its question) or `warning` (its question is of severity warning).
 */
export const notCountedBecause = (check: CheckResult, question: QuestionResult): 'informational' | 'warning' | undefined => {
  if (!decidesQuestion(check, question)) return 'informational';
  return question.severity === 'warning' ? 'warning' : undefined;
};
