/**
 * `npm run bounds -- --numbers N --window W [--depth D] [--wave K] [--free-from L] [--seed S]
 * [--count C]`: APR in default mode on the frontier's problems (default problems of seed 77,
 * search seed 0, as `npm run frontier`), one start size at one window, for the figures of
 * docs/decomposition.md that the frontier does not print. `--free-from L` holds the window
 * only above level L: what the planner would solve if the threads from level L down had no
 * window (a bound: such records do not fit). Prints the solve rate, threads a problem, and
 * the child threads of two numbers (how many, in how many records, how many reached the goal).
 */
import { parseArgs } from 'node:util';
import { integerTextFault } from '../core/values.js';
import { percent } from '../io/numbers.js';
import { qualify } from '../pipeline/settings.js';
import { streamFor } from '../random/streams.js';
import { EventCosts, windowRules } from '../serializers/token-costs.js';
import type { Thread } from '../solver/events.js';
import { DEFAULT_SPEC, defaultProblems } from '../solver/problems.js';
import { runSearch } from '../solver/registry.js';
import type { WindowRules } from '../solver/window.js';

const { values } = parseArgs({
  options: {
    numbers: { type: 'string' },
    window: { type: 'string' },
    depth: { type: 'string', default: '3' },
    wave: { type: 'string', default: '8' },
    'free-from': { type: 'string' },
    seed: { type: 'string', default: '77' },
    count: { type: 'string' },
  },
});
// The integer text rule the CLI's options follow; a bad value is one line and exit 2.
const int = (name: string, text: string | undefined): number => {
  if (text === undefined) console.error(`bounds: --${name} is required`);
  else {
    const fault = integerTextFault(text);
    if (fault === undefined && Number.isSafeInteger(Number(text)) && Number(text) >= 0) return Number(text);
    console.error(`bounds: --${name}: expected a whole number${fault ? ` ${fault}` : ''}, got "${text}"`);
  }
  process.exit(2);
};
const numbers = int('numbers', values.numbers);
const window = int('window', values.window);
const freeFrom = values['free-from'] === undefined ? Infinity : int('free-from', values['free-from']);
const seed = int('seed', values.seed);
const count = values.count === undefined ? (numbers === 6 ? 300 : 1000) : int('count', values.count);
const options = qualify('apr', { window, maxDepth: int('depth', values.depth), wave: int('wave', values.wave) }).options;

const problems = [...defaultProblems(seed, 'train', { ...DEFAULT_SPEC, minNumbers: numbers, maxNumbers: numbers }, count, new Set())];
let solved = 0;
let threads = 0;
let pairs = 0;
let pairsSolved = 0;
let pairRecords = 0;
problems.forEach((p, i) => {
  const held = windowRules(new EventCosts(p.target), window, 0);
  const rules: WindowRules = { ...held, limit: (level) => (level >= freeFrom ? Infinity : held.limit(level)) };
  const root = runSearch(p, streamFor(0, 'apr', i), options, rules).thread;
  if (root.goal) solved++;
  let here = 0;
  const walk = (t: Thread) => {
    threads++;
    if (t.level > 0 && t.start.nums.length === 2) {
      here++;
      if (t.goal) pairsSolved++;
    }
    for (const e of t.events) if (e.type === 'spawn') for (const kid of e.children) walk(kid);
  };
  walk(root);
  pairs += here;
  if (here > 0) pairRecords++;
});
const free = freeFrom === Infinity ? '' : `, no window from level ${freeFrom}`;
console.log(`${numbers} numbers, seed ${seed}, ${count} problems, window ${window}${free}, depth ${values.depth}, wave ${values.wave}`);
console.log(`solved ${percent(solved, count)}%, ${(threads / count).toFixed(1)} threads a problem (${threads})`);
console.log(`two-number child threads: ${pairs} in ${pairRecords} records, ${pairsSolved} reached the goal`);
