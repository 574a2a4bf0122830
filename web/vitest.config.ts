import { defineConfig } from 'vitest/config';

// The UI's unit tests (pure logic of web/src/lib). `npx vitest run --config web/vitest.config.ts`.
export default defineConfig({
  test: {
    include: ['web/src/**/*.test.ts'],
  },
});
