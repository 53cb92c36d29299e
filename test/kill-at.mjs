/**
 * The one test-only entry of the corpus command: it runs `corpus` as the built CLI does, and
 * kills itself with SIGKILL when the run reaches the fault point given first (points: see
 * src/pipeline/corpus/faults.ts), so tests can `kill -9` a real run at exact places.
 *
 *   node test/kill-at.mjs record:apr:777 corpus --count 1500 ... --out killed
 */
import { Command } from 'commander';
import { registerCorpus } from '../dist/cli/corpus.js';

const [point, ...args] = process.argv.slice(2);
const program = new Command('countdown-traces').exitOverride();
registerCorpus(program, {
  at(p) {
    if (p === point) process.kill(process.pid, 'SIGKILL');
  },
});
await program.parseAsync(args, { from: 'user' });
