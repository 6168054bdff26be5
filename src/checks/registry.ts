// Every check kind, by the YAML key that selects it. Adding one: a file in this folder plus one line
// here (kept sorted); schema, loader, planner, executor and conformance test read this table.
import { command } from './command.js';
import type { CheckKind } from './types.js';

/* eslint sort-keys: ["error", "asc"] -- one line per check kind, easy to scan */
export const CHECK_KINDS = {
  run: command,
} as const satisfies Record<string, CheckKind<never>>;

export type CheckKindKey = keyof typeof CHECK_KINDS;

export const CHECK_KIND_KEYS = Object.keys(CHECK_KINDS) as CheckKindKey[];

/** Erases the kind's spec type: the loader has validated the spec against the kind's schema. */
export const checkKindFor = (key: string): CheckKind<unknown> | undefined =>
  Object.hasOwn(CHECK_KINDS, key) ? CHECK_KINDS[key as CheckKindKey] : undefined;
