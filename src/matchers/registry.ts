// Every matcher, by its YAML key. Adding one: a file in this folder plus one line here (kept sorted);
// the schema, the compiler and the conformance test pick it up from this table.
import { allOf } from './all-of.js';
import { anyOf } from './any-of.js';
import { contains } from './contains.js';
import { equals } from './equals.js';
import { ge } from './ge.js';
import { gt } from './gt.js';
import { le } from './le.js';
import { lineCount } from './line-count.js';
import { lt } from './lt.js';
import { not } from './not.js';
import { regex } from './regex.js';
import type { MatcherDefinition } from './types.js';

/* eslint sort-keys: ["error", "asc"] -- one line per matcher, easy to scan */
export const MATCHERS = {
  all_of: allOf,
  any_of: anyOf,
  contains,
  equals,
  ge,
  gt,
  le,
  line_count: lineCount,
  lt,
  not,
  regex,
} as const satisfies Record<string, MatcherDefinition>;

export type MatcherName = keyof typeof MATCHERS;

export const MATCHER_NAMES = Object.keys(MATCHERS) as MatcherName[];
