// `--only QUESTION` and `--tag TAG`: run part of a runbook. A selected question's checks may depend
// on (or wait for) checks of other questions: those questions run too, whole, so every verdict is
// what a full run would give. Diagnosis rules that ask about a check left out are left out too,
// since they could not be decided from what ran.
import { didYouMean } from '../errors/did-you-mean.js';
import { usageError } from '../errors/diagnostic.js';
import { checksAskedBy } from '../model/condition-checks.js';
import type { Question, Runbook } from '../model/runbook.js';
import { runsAfter } from '../plan/graph.js';
import { buildPlan, type Plan } from '../plan/plan.js';
import { listSome } from '../model/list-words.js';

export interface Selection {
  readonly only: readonly string[];
  readonly tags: readonly string[];
}

const isChosen = (question: Question, { only, tags }: Selection): boolean => only.includes(question.id) || question.tags.some((tag) => tags.includes(tag));

/** The chosen questions and, transitively, every question holding a check they run after. */
const withPrerequisites = (runbook: Runbook, chosen: readonly Question[]): Set<string> => {
  const questionOf = new Map(runbook.questions.flatMap((question) => question.checks.map((check) => [check.id, question] as const)));
  const kept = new Set<string>();
  const pending = [...chosen];
  for (let question = pending.pop(); question; question = pending.pop()) {
    if (kept.has(question.id)) continue;
    kept.add(question.id);
    for (const id of question.checks.flatMap((check) => runsAfter(check))) {
      const holder = questionOf.get(id);
      if (holder && !kept.has(holder.id)) pending.push(holder);
    }
  }
  return kept;
};

const selectedRunbook = (runbook: Runbook, selection: Selection): Runbook | undefined => {
  const chosen = runbook.questions.filter((question) => isChosen(question, selection));
  if (chosen.length === 0) return undefined;
  const kept = withPrerequisites(runbook, chosen);
  const questions = runbook.questions.filter((question) => kept.has(question.id));
  const checks = new Set(questions.flatMap((question) => question.checks.map((check) => check.id)));
  const diagnosis = runbook.diagnosis.filter((rule) => checksAskedBy(rule.when).every((id) => checks.has(id)));
  return { ...runbook, questions, diagnosis };
};

/** Every --only must name a question, every --tag must be on one, in some runbook of the run. */
const checkSelection = (plans: readonly Plan[], { only, tags }: Selection): void => {
  const questions = plans.flatMap((plan) => plan.runbook.questions);
  const ids = questions.map((question) => question.id);
  const known = [...new Set(questions.flatMap((question) => question.tags))];
  for (const id of only.filter((wanted) => !ids.includes(wanted))) throw usageError(`--only ${id}: no runbook of this run has a question "${id}"`, didYouMean(id, ids) ?? `questions: ${listSome(ids)}`);
  for (const tag of tags.filter((wanted) => !known.includes(wanted))) throw usageError(`--tag ${tag}: no question of this run has the tag "${tag}"`, didYouMean(tag, known) ?? `tags: ${known.join(', ') || 'none (questions take tags: [...])'}`);
};

/** The plans for the selection; without one, the plans as they are. A runbook with nothing selected does not run. */
export const selectPlans = (plans: readonly Plan[], selection: Selection): Plan[] => {
  if (selection.only.length === 0 && selection.tags.length === 0) return [...plans];
  checkSelection(plans, selection);
  return plans.flatMap((plan) => {
    const runbook = selectedRunbook(plan.runbook, selection);
    return runbook ? [buildPlan(runbook).plan] : [];
  });
};
