// What a compiled matcher returns: structured, so reporters phrase it and `not` can swap it.
export type MatchValue = string | number | null;

export interface MatchResult {
  readonly pass: boolean;
  /** Short phrase in the positive form: "to contain", "to match", "to be greater than". */
  readonly message: string;
  /** The phrase when the result is negated: "not to contain". */
  readonly negatedMessage: string;
  readonly expected: string;
  readonly actual: string;
}

export interface CompiledMatcher {
  /** Human form of the assertion, e.g. `contains "LISTEN"`, for plans and reports. */
  readonly describe: string;
  readonly test: (value: MatchValue) => MatchResult;
}
