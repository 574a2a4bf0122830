import { defineConfig } from 'vitest/config';

// Test files sit next to the code (src/**, web/src/**), cross-module tests in test/, browser tests in e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for a condition; its default (1 s) is a wall-clock race on a loaded machine.
    expect: { poll: { timeout: 30_000 } },
    pool: 'forks',
  },
});
