import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'actions/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Child processes, HTTP servers and Python peers make some tests slow; none is timed.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
