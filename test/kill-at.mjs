/**
 * The one test-only entry of the corpus command: it runs `corpus` as the built CLI does, and
 * kills itself with SIGKILL when the run reaches the fault point given first (points: see
 * src/pipeline/corpus/faults.ts), so tests can `kill -9` a real run at exact places.
 *
 *   node test/kill-at.mjs record:apr:777 corpus --count 1500 ... --out killed
 *
 * `record:<stage>:<i>+checkpoint` kills at the first record of the stage from i on once a
 * checkpoint taken after record i is durable: saves run in the background, so without it a
 * kill may come before any checkpoint knows the stage, or (the first durable one after i
 * having been taken before it) before one knows the stage's later files. The second save to
 * be durable after record i was begun after it.
 */
import { Command } from 'commander';
import { registerCorpus } from '../dist/cli/corpus.js';

const [point, ...args] = process.argv.slice(2);
const after = /^record:([^:]+):(\d+)\+checkpoint$/.exec(point);
let reached = false;
let saves = 0;
const program = new Command('countdown-traces').exitOverride();
registerCorpus(program, {
  at(p) {
    if (!after) {
      if (p === point) process.kill(process.pid, 'SIGKILL');
      return;
    }
    const r = /^record:([^:]+):(\d+)$/.exec(p);
    if (r && r[1] === after[1] && Number(r[2]) >= Number(after[2])) {
      reached = true;
      if (saves >= 2) process.kill(process.pid, 'SIGKILL');
    } else if (reached && p.startsWith('checkpoint:')) saves++;
  },
});
await program.parseAsync(args, { from: 'user' });
