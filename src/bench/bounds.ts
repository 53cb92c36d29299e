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
import { PROBLEM_LIMITS } from '../core/countdown.js';
import { integer } from '../core/values.js';
import { UsageError } from '../io/errors.js';
import { fmtInt, fmtTenths, percent, plural } from '../io/numbers.js';
import { RUN_OPTIONS } from '../pipeline/corpus/options.js';
import { qualify, SETTING_VALUES, type ValueRule } from '../pipeline/settings.js';
import { streamFor } from '../random/streams.js';
import { EventCosts, windowRules } from '../serializers/token-costs.js';
import type { Thread } from '../solver/events.js';
import { runSearch } from '../solver/registry.js';
import type { WindowRules } from '../solver/window.js';
import { FRONTIER_SEED, frontierCount, frontierProblems } from './frontier-cell.js';

function main(): void {
  const { values } = parseArgs({
    options: {
      numbers: { type: 'string' },
      window: { type: 'string' },
      depth: { type: 'string' },
      wave: { type: 'string' },
      'free-from': { type: 'string' },
      seed: { type: 'string' },
      count: { type: 'string' },
    },
  });
  // Each value by the rule the CLI's flag of that name keeps; a setting left out is the planner's default.
  const given = (name: keyof typeof values, rule: ValueRule): number | undefined => {
    const text = values[name];
    if (text === undefined) return undefined;
    if (rule.kind !== 'integer') throw new Error(`--${name} is read as an integer`);
    return integer(`--${name}`, rule.min, rule.max)(text);
  };
  const required = (name: 'numbers' | 'window', rule: ValueRule): number => {
    const n = given(name, rule);
    if (n === undefined) throw new UsageError(`--${name} is required`);
    return n;
  };
  const numbers = required('numbers', { kind: 'integer', min: PROBLEM_LIMITS.minNumbers, max: PROBLEM_LIMITS.maxNumbers });
  const window = required('window', SETTING_VALUES.window);
  if (window === 0) throw new UsageError('--window 0: the planner plans only within a window; give one');
  const freeFrom = given('free-from', { kind: 'integer', min: 0 }) ?? Infinity;
  const seed = given('seed', RUN_OPTIONS.seed.rule) ?? FRONTIER_SEED;
  const count = given('count', RUN_OPTIONS.count.rule) ?? frontierCount(numbers);
  const { options } = qualify('apr', { window, maxDepth: given('depth', SETTING_VALUES.maxDepth), wave: given('wave', SETTING_VALUES.wave) });
  if (options.shape !== 'threads') throw new Error('APR searches in threads');

  let solved = 0;
  let threads = 0;
  let pairs = 0;
  let pairsSolved = 0;
  let pairRecords = 0;
  frontierProblems(numbers, count, seed).forEach((p, i) => {
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
  console.log(`${numbers} numbers, seed ${seed}, ${plural(count, 'problem')}, window ${fmtInt(window)}${free}, depth ${options.maxSpawnLevel + 1}, wave ${options.waveWindows}`);
  console.log(`solved ${percent(solved, count)}%, ${fmtTenths(threads / count)} threads a problem (${fmtInt(threads)})`);
  console.log(`two-number child threads: ${fmtInt(pairs)} in ${plural(pairRecords, 'record')}, ${fmtInt(pairsSolved)} reached the goal`);
}

// Bad input is one line and exit code 2, as the CLI's; anything else is a bug and keeps its stack.
try {
  main();
} catch (err) {
  const parse = typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS');
  if (!(err instanceof UsageError) && !parse) throw err;
  console.error(`bounds: ${(err as Error).message.split('\n')[0]}`);
  process.exit(2);
}
