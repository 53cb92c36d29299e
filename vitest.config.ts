import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Node reads the file NODE_EXTRA_CA_CERTS names when it starts: a 220 KB bundle took 40 ms
// of CPU a process on this machine, and the tests start some 500 CLI processes (none of which
// opens a TLS connection). The forks, and the processes they start, go without it.
delete process.env.NODE_EXTRA_CA_CERTS;

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
