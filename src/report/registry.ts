// Every reporter, by the name `--reporter` takes. Adding one: a file here plus one line (sorted).
// Each is loaded when a run asks for it, so `--version`, `--help` and `validate` never pay for the
// XML builder or the HTML templates.
import type { Reporter } from './types.js';

/* eslint sort-keys: ["error", "asc"] -- one line per reporter */
export const REPORTERS = {
  github: async () => (await import('./github.js')).githubReporter,
  html: async () => (await import('./html.js')).htmlReporter,
  human: async () => (await import('./human.js')).humanReporter,
  json: async () => (await import('./json.js')).jsonReporter,
  junit: async () => (await import('./junit.js')).junitReporter,
  tap: async () => (await import('./tap.js')).tapReporter,
} as const satisfies Record<string, () => Promise<Reporter>>;

export type ReporterName = keyof typeof REPORTERS;

export const REPORTER_NAMES = Object.keys(REPORTERS) as ReporterName[];
