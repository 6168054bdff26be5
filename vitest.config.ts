// Two groups: unit and e2e tests run in parallel first; tests that use the network-namespace lab
// (fixed addresses and names) run afterwards, one file at a time.
import { defineConfig } from 'vitest/config';

const LAB_TESTS = ['test/**/*.lab.test.ts', 'test/lab/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/build-once.ts'],
    // Lab teardown (namespaces, hosts) can take a few seconds with a fleet.
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: LAB_TESTS,
          setupFiles: ['test/helpers/leak-detector.ts'],
          sequence: { groupOrder: 0 },
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'lab',
          include: LAB_TESTS,
          fileParallelism: false,
          setupFiles: ['test/helpers/leak-detector.ts'],
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
