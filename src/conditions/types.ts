// The contract of a diagnosis condition kind, like a matcher's: the YAML keys it takes, how it is
// compiled when the runbook loads (so a wrong rule is an error at its line), and when it holds over
// what a run observed. Conditions are data; only these modules give them meaning.
import type { JsonSchema } from '../model/json-schema.js';
import type { MatchValue } from '../model/matcher.js';
import type { Status } from '../model/outcome.js';
import type { Check, Condition, FieldType, VarValue } from '../model/runbook.js';

export type Raw = Readonly<Record<string, unknown>>;
export type Path = readonly (string | number)[];

/** A condition that cannot hold as written: the message, where below the rule, and a hint. */
export class ConditionProblem extends Error {
  constructor(message: string, readonly at: Path, readonly hint?: string) {
    super(message);
  }
}

export interface CompileContext {
  readonly checks: ReadonlyMap<string, Check>;
  /** The fields a check's kind observes, with their types (from the check-kind registry). */
  fieldsOf(check: Check): Readonly<Record<string, FieldType>>;
  /** Compiles a condition nested in this one (`all`, `any`, `not`). */
  nested(raw: unknown, at: Path): Condition;
  /** The run's variables: a `var` condition is decided with them when the runbook loads. */
  readonly vars?: Readonly<Record<string, VarValue>>;
}

/** What a run observed, as conditions may ask it; every check asked about is noted as evidence. */
export interface Facts {
  status(check: string): Status | undefined;
  /** undefined when the check was skipped or did not observe the field. */
  field(check: string, field: string): MatchValue | undefined;
  /** Ids of the checks that lacked a tool on their host. */
  lackingTools(): string[];
  holds(condition: Condition): boolean;
}

export interface ConditionKind<C extends Condition = Condition> {
  /** The YAML key that selects this kind of condition. */
  readonly key: string;
  /** The `kind` tags of what it compiles to. */
  readonly compiles: readonly C['kind'][];
  /** Schemas of the keys a condition of this kind may have (the selecting key among them). */
  readonly properties: Readonly<Record<string, JsonSchema>>;
  compile(raw: Raw, at: Path, context: CompileContext): C;
  holds(condition: C, facts: Facts): boolean;
}

/** Any condition kind, whatever it compiles to: what the registry holds. */
export type SomeConditionKind = Omit<ConditionKind, 'compiles' | 'holds'> & {
  readonly compiles: readonly string[];
  holds(condition: never, facts: Facts): boolean;
};
