// Runs only the lab's own tests, one file at a time (fixed names and IPs: one lab per machine):
//   npx vitest run --config test/lab/vitest.config.example.ts
// The repository's vitest.config.ts already has a matching "lab" project; this file is for
// working on the lab alone (no build step) and documents the settings that project needs.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
    include: ['test/lab/**/*.test.ts', 'test/**/*.lab.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
