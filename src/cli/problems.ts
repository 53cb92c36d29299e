import { Command, Option } from 'commander';
import { runProblems } from '../pipeline/problems-job.js';
import { UsageError } from '../pipeline/errors.js';
import { integer, oneOf, ordered } from './parse.js';

interface ProblemsOptions {
  count: number;
  seed: number;
  minNumbers: number;
  maxNumbers: number;
  minTarget: number;
  maxTarget: number;
  maxNumber?: number;
  split: 'train' | 'val';
  exclude?: string;
  compat?: 'reference';
  out?: string;
}

/** The options that say what problems to draw (shared by `problems` and `corpus`). */
export function addProblemSpecOptions(cmd: Command): Command {
  return cmd
    .option('--min-numbers <n>', 'fewest starting numbers', integer('--min-numbers', 2, 6), 4)
    .option('--max-numbers <n>', 'most starting numbers', integer('--max-numbers', 2, 6), 4)
    .option('--min-target <n>', 'smallest target', integer('--min-target', 2), 10)
    .option('--max-target <n>', 'largest target', integer('--max-target', 2), 100)
    .option('--max-number <n>', 'largest starting number (default: max-target - 1)', integer('--max-number', 1));
}

export function registerProblems(program: Command): void {
  const cmd = program
    .command('problems')
    .description('generate solvable Countdown problems (nums, target, solution, optimal_path, start_size)')
    .option('--count <n>', 'number of problems', integer('--count', 1), 1000)
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0);
  addProblemSpecOptions(cmd)
    .addOption(
      new Option('--split <split>', 'train or val (default mode: a property of each problem)')
        .argParser(oneOf('--split', ['train', 'val'] as const))
        .default('train'),
    )
    .option('--exclude <file>', 'problems file whose problems must not appear (e.g. the train set when making val)')
    .addOption(
      new Option('--compat <mode>', 'reproduce the Python reference byte for byte').argParser(
        oneOf('--compat', ['reference'] as const),
      ),
    )
    .option('--out <file>', 'output: .jsonl, .json (one array), .gz compresses, - is stdout (default: data/{split}_problems.jsonl)')
    .action(async (o: ProblemsOptions) => {
      ordered('--min-numbers', o.minNumbers, '--max-numbers', o.maxNumbers);
      ordered('--min-target', o.minTarget, '--max-target', o.maxTarget);
      const maxNumber = o.maxNumber ?? o.maxTarget - 1;
      if (maxNumber < 1) throw new UsageError(`--max-number: must be at least 1, got ${maxNumber}`);
      const out = o.out ?? `data/${o.split}_problems.jsonl`;
      const n = await runProblems({
        spec: { minNumbers: o.minNumbers, maxNumbers: o.maxNumbers, minTarget: o.minTarget, maxTarget: o.maxTarget, maxNumber },
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
