// "did you mean" for every misspelt name (keys, roles, check ids, variables): one rule, one place.
import { closest, distance } from 'fastest-levenshtein';

/**
 * The closest candidate, if close enough to be a plausible typo: one edit for words of up to three
 * letters, else a third of the word but at least two (a swapped pair, "prot" for "port", is two).
 */
export const suggest = (word: string, candidates: readonly string[]): string | undefined => {
  if (candidates.length === 0) return undefined;
  const best = closest(word, [...candidates]);
  const longest = Math.max(word.length, best.length);
  const limit = longest <= 3 ? 1 : Math.max(2, Math.floor(longest / 3));
  return distance(word, best) <= limit ? best : undefined;
};

export const didYouMean = (word: string, candidates: readonly string[]): string | undefined => {
  const best = suggest(word, candidates);
  return best === undefined ? undefined : `did you mean "${best}"?`;
};

/**
 * didYouMean over one list asked about many words (every unknown dependency of a runbook): each
 * word's closest candidate is looked for once, not once per asking. Leaving one candidate out (a
 * check cannot depend on itself) changes the answer only when it was that closest one, and only
 * then is the list searched again without it.
 */
export const didYouMeanAmong = (candidates: readonly string[]): ((word: string, except?: string) => string | undefined) => {
  const closestOf = new Map<string, string | undefined>();
  const closestTo = (word: string): string | undefined => {
    if (!closestOf.has(word)) closestOf.set(word, candidates.length === 0 ? undefined : closest(word, candidates));
    return closestOf.get(word);
  };
  return (word, except) => {
    const best = closestTo(word);
    if (best === undefined) return undefined;
    return didYouMean(word, best === except ? candidates.filter((candidate) => candidate !== except) : [best]);
  };
};
