import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    setupFiles: ['server/src/polyfills.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files share one database; run files one at a time on this 2-core machine.
    fileParallelism: false,
  },
});
