import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Worlds and learners are CPU-bound; two cores is the CI budget.
    pool: 'forks',
    maxWorkers: 2,
    // No test may depend on how fast the machine is: the cap only catches a hung test, and is far
    // above any test's run time on a busy 2-core box (tests wait for events, never for time).
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
