/**
 * The one test-only entry of the corpus command: it runs `corpus` as the built CLI does, and
 * kills itself with SIGKILL when the run reaches the fault point given first (points: see
 * src/pipeline/corpus/faults.ts), so tests can `kill -9` a real run at exact places.
 *
 *   node test/kill-at.mjs record:apr:777 corpus --count 1500 ... --out killed
 *
 * `record:<stage>:<i>+checkpoint` kills at the first record of the stage from i on once a
 * checkpoint begun after record i is durable: saves run in the background, so without it a
 * kill may come before any checkpoint knows the stage, or (a save begun before i landing
 * after it) before one knows the stage's later files. Records from i on wait while a save
 * runs, so on a loaded machine the stage cannot end first.
 */
import { Command } from 'commander';
import { registerCorpus } from '../dist/cli/corpus.js';

const [point, ...args] = process.argv.slice(2);
const after = /^record:([^:]+):(\d+)\+checkpoint$/.exec(point);
let reached = false;
/** A background save runs; one begun after record i was reached; one such has landed. */
let saving = false;
let begunAfter = false;
let landedAfter = false;
/** Wakes the record held until the running save lands. */
let wake;
const from = (p) => {
  const r = /^record:([^:]+):(\d+)$/.exec(p);
  return after !== null && r !== null && r[1] === after[1] && Number(r[2]) >= Number(after[2]);
};
const program = new Command('countdown-traces').exitOverride();
registerCorpus(program, {
  at(p) {
    if (!after) {
      if (p === point) process.kill(process.pid, 'SIGKILL');
      return;
    }
    if (from(p)) {
      reached = true;
      if (landedAfter) process.kill(process.pid, 'SIGKILL');
    } else if (p.startsWith('saving:')) {
      saving = true;
      begunAfter ||= reached;
    } else if (p.startsWith('checkpoint:')) {
      saving = false;
      landedAfter ||= begunAfter;
      wake?.();
    }
  },
  // From record i on, a record waits while a save runs: however loaded the machine, the stage
  // cannot end before a save begun after record i is durable. A save that fails never lands:
  // after 10 s the record goes on, and the run reports the failure at its next save.
  hold(p) {
    if (!from(p) || landedAfter || !saving) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  },
});
await program.parseAsync(args, { from: 'user' });
