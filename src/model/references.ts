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

/** A name as a reference spells it: `port`, or `disk.used_percent` for one an included runbook brings under its `as:`, or for fields `CHECK.FIELD`. */
const DOTTED_NAME = '[A-Za-z0-9_.-]+';

const oneOf = (namespaces: readonly string[]): string => (namespaces.length === 1 ? namespaces[0]! : `(${namespaces.join('|')})`);

export const REFERENCE = new RegExp(`\\$\\{${oneOf(NAMESPACES)}\\.(${DOTTED_NAME})\\}`, 'g');

/**
 * A reference as a schema pattern (not anchored), for a field that may be given as one:
 * `referencePattern('vars', 'captures')` accepts `${vars.port}` and `${captures.port}`.
 */
export const referencePattern = (...namespaces: readonly CheckNamespace[]): string => `\\$\\{${oneOf(namespaces)}\\.${DOTTED_NAME}\\}`;

/**
 * Jinja's way to write a value (Ansible's), `{{ port }}`, `{{ vars.port }}`, `{{ port | default(1) }}`,
 * which runbook leaves as literal text: the loader tells it for a declared variable, the planner for
 * a capture. Go's templates (`{{.State.Running}}`) start with a dot and are none of these.
 */
export const jinjaLike = (text: string): { readonly written: string; readonly namespace?: CheckNamespace; readonly name: string }[] =>
  !text.includes('{{')
    ? []
    : [...text.matchAll(/\{\{-?\s*(?:(vars|captures)\.)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|[^{}]*)?-?\}\}/g)].map((match) => ({
        written: match[0],
        ...(match[1] ? { namespace: match[1] as CheckNamespace } : {}),
        name: match[2]!,
      }));

/** What Jinja's `{{ port }}` is written as here, for a message: `write ${vars.port}`, and where its `| default(...)` goes. */
export const jinjaRewrite = (written: string, reference: string): string => `write ${reference}${written.includes('|') ? ' (a default goes under vars:)' : ''}`;

export const findReferences = (text: string): Reference[] =>
  // Most text holds no reference: no matcher and no list made for it.
  !text.includes('${') ? [] : [...text.matchAll(REFERENCE)].map((match) => ({ namespace: match[1] as Namespace, name: match[2]! }));

export type Lookup = (reference: Reference) => string | undefined;

/** Each reference `lookup` knows, replaced (through `quote`, e.g. as one shell word); others stay as written. */
export const replaceReferences = (text: string, lookup: Lookup, quote: (value: string) => string = (value) => value): string =>
  text.replace(REFERENCE, (whole, namespace: Namespace, name: string) => {
    const value = lookup({ namespace, name });
    return value === undefined ? whole : quote(value);
  });

/** `${fields.CHECK.FIELD}`: a check id may hold dots (`disk.usage`, from an include), a field's name never does. */
export const fieldReference = (name: string): { readonly check: string; readonly field: string } => {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? { check: name, field: '' } : { check: name.slice(0, dot), field: name.slice(dot + 1) };
};

/** Each reference `rename` gives a new name, written with it; the text around it untouched. */
export const renameReferences = (text: string, rename: (reference: Reference) => string): string =>
  text.replace(REFERENCE, (_whole, namespace: Namespace, name: string) => `\${${namespace}.${rename({ namespace, name })}}`);

const WHOLE = new RegExp(`^${REFERENCE.source}$`);

/** The reference a string is, when it is exactly one (`${vars.max}`): its value can keep its type. */
export const wholeReference = (text: string): Reference | undefined => {
  const match = WHOLE.exec(text.trim());
  return match ? { namespace: match[1] as Namespace, name: match[2] ?? '' } : undefined;
};

/**
 * Anything spelt like a reference, `${word.name}`, whatever the namespace: `${env.HOME}` or a typo
 * such as `${var.port}` is caught at load instead of reaching a shell as a bad substitution.
 */
export const referenceLike = (text: string): { readonly text: string; readonly namespace: string; readonly name: string }[] =>
  [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_.-]+)\}/g)].map((match) => ({ text: match[0], namespace: match[1] ?? '', name: match[2] ?? '' }));
