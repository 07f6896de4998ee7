import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single worker on CI's 2 cores, which
    // leaves one core idle whenever a test runs in process. Two workers there cut the suite's wall
    // time; the tests are written to hold under load (they run beside other jobs every day).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
