import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'actions/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Child processes, HTTP servers and Python peers make some tests slow; none is timed.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most of a test's time is spent waiting on a child (Python, mlflow server, docker, act), not on a core:
    // three files at a time on a 2-core runner, where vitest's default would be one (cores - 1).
    maxWorkers: 3,
  },
});
