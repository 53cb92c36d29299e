import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // vitest's default (cores - 1) runs one file at a time on two cores, but most tests wait
    // on the CLI in a child process, so one fork leaves a core idle: at least two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
