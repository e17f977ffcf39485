import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/globalSetup.ts'],
    environment: 'node',
    // One Chromium at a time: two files at once took the suite from 23 to 17 minutes, but the tokenizer lab's
    // main-thread trace then missed its control task in one full run of four (a timing measurement that needs the
    // cores to itself).
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
