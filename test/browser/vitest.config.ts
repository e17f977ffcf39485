import { defineConfig } from 'vitest/config';

const shared = {
  globalSetup: ['test/browser/globalSetup.ts'],
  environment: 'node' as const,
  testTimeout: 180_000,
  hookTimeout: 180_000,
};
/** Files that measure the page's main thread (how long its tasks run): they need the cores to themselves. */
const TIMED = ['test/browser/tokenizers.test.ts'];

export default defineConfig({
  test: {
    projects: [
      // Two Chromiums at a time (each file launches its own): the suite takes about half as long.
      {
        test: {
          ...shared,
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          exclude: TIMED,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      // Then the timed files, one at a time, with nothing beside them.
      { test: { ...shared, name: 'browser-timed', include: TIMED, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
