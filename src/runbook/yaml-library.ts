// The YAML library, loaded the first time the exact reading needs it. A runbook of plain YAML is
// read quickly (yaml-quick.ts) and never needs it: loading it was about 10 ms of `validate` and of
// every run's start (20 alternated runs each). ES modules cannot load on demand synchronously, and
// the exact reading is synchronous, so it is required: the bundle keeps its own copy as one
// CommonJS file (RUNBOOK_YAML_MODULE, set by scripts/bundle.ts), one file to read as before,
// compiled from its code cache where npm run build left one (cached-require.ts); from the
// sources (tests), the package itself.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Yaml from 'yaml';
import { requireCompiled } from '../model/cached-require.js';

declare const RUNBOOK_YAML_MODULE: string | undefined;

let loaded: typeof Yaml | undefined;

const load = (): typeof Yaml =>
  (typeof RUNBOOK_YAML_MODULE === 'string'
    ? requireCompiled(fileURLToPath(new URL(RUNBOOK_YAML_MODULE, import.meta.url)))
    : createRequire(import.meta.url)('yaml')) as typeof Yaml;

export const yamlLibrary = (): typeof Yaml => (loaded ??= load());
