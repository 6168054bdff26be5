// The `${namespace.name}` references runbooks use: the syntax, in one place for every stage.
// vars and captures may appear in checks; fields and tools only in diagnosis findings.
export const NAMESPACES = ['vars', 'captures', 'fields', 'tools'] as const;

export type Namespace = (typeof NAMESPACES)[number];

/** The namespaces a check's own strings may use. */
export type CheckNamespace = Extract<Namespace, 'vars' | 'captures'>;

export interface Reference {
  readonly namespace: Namespace;
  /** For fields, `CHECK.FIELD`. */
  readonly name: string;
}

/** A variable's or a capture's name as a reference spells it. */
const NAME = '[A-Za-z0-9_-]+';
/** Also `CHECK.FIELD`, for fields. */
const DOTTED_NAME = '[A-Za-z0-9_.-]+';

const oneOf = (namespaces: readonly string[]): string => (namespaces.length === 1 ? namespaces[0]! : `(${namespaces.join('|')})`);

export const REFERENCE = new RegExp(`\\$\\{${oneOf(NAMESPACES)}\\.(${DOTTED_NAME})\\}`, 'g');

/**
 * A reference as a schema pattern (not anchored), for a field that may be given as one:
 * `referencePattern('vars', 'captures')` accepts `${vars.port}` and `${captures.port}`.
 */
export const referencePattern = (...namespaces: readonly CheckNamespace[]): string => `\\$\\{${oneOf(namespaces)}\\.${NAME}\\}`;

export const findReferences = (text: string): Reference[] =>
  [...text.matchAll(REFERENCE)].map((match) => ({ namespace: match[1] as Namespace, name: match[2]! }));
