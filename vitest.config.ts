import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default leaves one core free): most
    // tests wait on the CLI in a child process, so one fork alone keeps a core idle.
    maxWorkers: 2,
  },
});
