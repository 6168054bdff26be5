// mysql2, loaded when a check first logs in. The bundle keeps it as one CommonJS file of its own
// (RUNBOOK_MYSQL2_MODULE, set by scripts/bundle.ts), compiled from the code cache npm run build
// leaves (model/cached-require.ts): as a chunk of the ES module bundle, V8 compiled all of its
// 600 KB at every run, in the middle of the run (53-57 ms of the main thread while every other
// check's output waited); from its cache it loads in 27-30 ms. From the sources (tests), the package.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Mysql2 from 'mysql2';
import { requireCompiled } from '../../model/cached-require.js';

declare const RUNBOOK_MYSQL2_MODULE: string | undefined;

export type Mysql2Library = typeof Mysql2;

let loaded: Mysql2Library | undefined;

const load = (): Mysql2Library =>
  (typeof RUNBOOK_MYSQL2_MODULE === 'string'
    ? requireCompiled(fileURLToPath(new URL(RUNBOOK_MYSQL2_MODULE, import.meta.url)))
    : createRequire(import.meta.url)('mysql2')) as Mysql2Library;

export const mysqlLibrary = (): Mysql2Library => (loaded ??= load());
