// The `${namespace.name}` references runbooks use: the syntax, in one place for every stage.
// vars and captures may appear in checks; fields and tools only in diagnosis findings.
export type Namespace = 'vars' | 'captures' | 'fields' | 'tools';

export interface Reference {
  readonly namespace: Namespace;
  /** For fields, `CHECK.FIELD`. */
  readonly name: string;
}

export const REFERENCE = /\$\{(vars|captures|fields|tools)\.([A-Za-z0-9_.-]+)\}/g;

export const findReferences = (text: string): Reference[] =>
  [...text.matchAll(REFERENCE)].map((match) => ({ namespace: match[1] as Namespace, name: match[2]! }));
