import { Command, Option } from 'commander';
import { qualifySpec, type PartialSpec } from '../pipeline/problems-job.js';
import { plural } from '../io/numbers.js';
import { compatOption, countOption, oneOf, runOption, seedOption } from './parse.js';
import { decidedDefault } from './help.js';

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

/** Where `problems` writes by default: {split} is the split drawn. */
const DEFAULT_OUT = 'data/{split}_problems.jsonl';

/** The options that say what problems to draw (shared by `problems` and `corpus`). */
export function addProblemSpecOptions(cmd: Command): Command {
  return cmd
    .addOption(runOption('min_numbers', 'n', 'fewest starting numbers'))
    .addOption(runOption('max_numbers', 'n', 'most starting numbers'))
    .addOption(runOption('min_target', 'n', 'smallest target'))
    .addOption(runOption('max_target', 'n', 'largest target'))
    .addOption(decidedDefault(runOption('max_number', 'n', 'largest starting number'), 'max-target - 1'));
}

export function registerProblems(program: Command): void {
  const cmd = program
    .command('problems')
    .description('generate solvable Countdown problems (nums, target, solution, optimal_path, start_size)')
    .addOption(countOption('number of problems'))
    .addOption(seedOption());
  addProblemSpecOptions(cmd)
    .addOption(
      new Option('--split <split>', 'train or val (in default mode, a property of each problem)')
        .argParser(oneOf('--split', ['train', 'val'] as const))
        .default('train'),
    )
    .option('--exclude <file>', 'problems file whose problems must not appear (e.g. the train set when making val)')
    .addOption(compatOption('generate_problems.py'))
    .addOption(decidedDefault(new Option('--out <file>', 'output: .jsonl, .json (one array), .gz compresses, - is stdout'), DEFAULT_OUT))
    .action(async (o: ProblemsOptions) => {
      const spec = qualifySpec(o);
      const out = o.out ?? DEFAULT_OUT.replace('{split}', o.split);
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
      if (out !== '-') process.stderr.write(`wrote ${plural(n, 'problem')} to ${out}\n`);
    });
}
