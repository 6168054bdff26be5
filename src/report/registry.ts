// Every reporter, by the name `--reporter` takes. Adding one: a file here plus one line (sorted).
import { humanReporter } from './human.js';
import { jsonReporter } from './json.js';
import type { Reporter } from './types.js';

/* eslint sort-keys: ["error", "asc"] -- one line per reporter */
export const REPORTERS = {
  human: humanReporter,
  json: jsonReporter,
} as const satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof REPORTERS;

export const REPORTER_NAMES = Object.keys(REPORTERS) as ReporterName[];
