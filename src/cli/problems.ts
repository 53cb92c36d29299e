import { Command, Option } from 'commander';
import { qualifySpec, type PartialSpec } from '../pipeline/problems-job.js';
import { PROBLEM_LIMITS } from '../core/countdown.js';
import { compatOption, countOption, integer, oneOf, seedOption } from './parse.js';

/** What addProblemSpecOptions parses. */
export type ProblemSpecFlags = PartialSpec;

interface ProblemsOptions extends ProblemSpecFlags {
  count: number;
  seed: number;
  split: 'train' | 'val';
  exclude?: string;
  compat?: 'reference';
  out?: string;
}

/** The options that say what problems to draw (shared by `problems` and `corpus`). */
export function addProblemSpecOptions(cmd: Command): Command {
  return cmd
    .option('--min-numbers <n>', 'fewest starting numbers', integer('--min-numbers', PROBLEM_LIMITS.minNumbers, PROBLEM_LIMITS.maxNumbers), 4)
    .option('--max-numbers <n>', 'most starting numbers', integer('--max-numbers', PROBLEM_LIMITS.minNumbers, PROBLEM_LIMITS.maxNumbers), 4)
    .option('--min-target <n>', 'smallest target', integer('--min-target', PROBLEM_LIMITS.minTarget), 10)
    .option('--max-target <n>', 'largest target', integer('--max-target', PROBLEM_LIMITS.minTarget), 100)
    .option('--max-number <n>', 'largest starting number (default: max-target - 1)', integer('--max-number', 1));
}

export function registerProblems(program: Command): void {
  const cmd = program
    .command('problems')
    .description('generate solvable Countdown problems (nums, target, solution, optimal_path, start_size)')
    .addOption(countOption('number of problems'))
    .addOption(seedOption());
  addProblemSpecOptions(cmd)
    .addOption(
      new Option('--split <split>', 'train or val (default mode: a property of each problem)')
        .argParser(oneOf('--split', ['train', 'val'] as const))
        .default('train'),
    )
    .option('--exclude <file>', 'problems file whose problems must not appear (e.g. the train set when making val)')
    .addOption(compatOption('generate_problems.py'))
    .option('--out <file>', 'output: .jsonl, .json (one array), .gz compresses, - is stdout (default: data/{split}_problems.jsonl)')
    .action(async (o: ProblemsOptions) => {
      const spec = qualifySpec(o);
      const out = o.out ?? `data/${o.split}_problems.jsonl`;
      const { runProblems } = await import('../pipeline/problems-job.js');
      const n = await runProblems({
        spec,
        count: o.count,
        seed: o.seed,
        split: o.split,
        compat: o.compat ?? 'default',
        exclude: o.exclude,
        out,
      });
      if (out !== '-') process.stderr.write(`wrote ${n} problems to ${out}\n`);
    });
}
