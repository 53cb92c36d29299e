import { Command, Option } from 'commander';
import { UsageError } from '../pipeline/errors.js';
import { runSearchJob } from '../pipeline/search-job.js';
import { SOLVERS, type HeuristicChoice, type SearchOptions, type SolverName } from '../solver/strategies.js';
import { integer, oneOf, ordered, probability } from './parse.js';

/** Per-solver defaults: the reference scripts' settings. */
const DEFAULTS: Record<SolverName, { minBeam: number; maxBeam: number; maxSubBeam: number; promising: number; heuristic: HeuristicChoice }> = {
  sosp: { minBeam: 1, maxBeam: 5, maxSubBeam: 5, promising: 0.5, heuristic: 'mult' },
  apr: { minBeam: 1, maxBeam: 10, maxSubBeam: 15, promising: 0.9, heuristic: 'mult' },
  dfs: { minBeam: 1, maxBeam: 1, maxSubBeam: 1, promising: 0, heuristic: 'sum' },
  bfs: { minBeam: 1, maxBeam: 5, maxSubBeam: 5, promising: 0, heuristic: 'mult' },
};

export interface SearchFlags {
  seed: number;
  minBeam?: number;
  maxBeam?: number;
  maxSubBeam?: number;
  promising?: number;
  heuristic?: HeuristicChoice;
  compat?: 'reference';
}

/** Adds the options every search-running command shares. */
export function addSearchOptions(cmd: Command): Command {
  return cmd
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0)
    .option('--min-beam <n>', 'smallest beam drawn per record (default 1)', integer('--min-beam', 1))
    .option('--max-beam <n>', 'largest beam drawn per record (default: sosp 5, apr 10, bfs 5)', integer('--max-beam', 1))
    .option('--max-sub-beam <n>', 'apr: largest child-thread beam (default 15)', integer('--max-sub-beam', 1))
    .option('--promising <p>', 'probability of a sub search / spawn (default: sosp 0.5, apr 0.9)', probability('--promising'))
    .addOption(
      new Option('--heuristic <h>', 'mult, sum or random per record (default: mult; dfs: sum)').argParser(
        oneOf('--heuristic', ['mult', 'sum', 'random'] as const),
      ),
    )
    .addOption(
      new Option('--compat <mode>', 'reproduce the Python reference byte for byte').argParser(
        oneOf('--compat', ['reference'] as const),
      ),
    );
}

/** Validated search options for a solver from the command-line flags. */
export function searchOptions(solver: SolverName, f: SearchFlags): SearchOptions {
  const d = DEFAULTS[solver];
  const reference = f.compat === 'reference';
  if (reference && f.heuristic !== undefined) {
    throw new UsageError('--heuristic cannot be combined with --compat reference (the reference fixes the heuristic)');
  }
  const minBeam = f.minBeam ?? d.minBeam;
  const maxBeam = f.maxBeam ?? Math.max(d.maxBeam, minBeam);
  ordered('--min-beam', minBeam, '--max-beam', maxBeam);
  return {
    solver,
    reference,
    minBeam,
    maxBeam,
    maxSubBeam: f.maxSubBeam ?? d.maxSubBeam,
    promising: f.promising ?? d.promising,
    heuristic: f.heuristic ?? d.heuristic,
    maxSpawnLevel: 0,
  };
}

export function registerSearch(program: Command): void {
  const cmd = program
    .command('search')
    .description('search every problem of a file and write trace records (sosp, apr, dfs, bfs)')
    .argument('<solver>', `one of ${SOLVERS.join(', ')}`, oneOf('solver', SOLVERS))
    .requiredOption('--problems <file>', 'problems file (.jsonl, .json, .gz; - is stdin)')
    .option('--out <file>', 'output (.jsonl, .json, .gz; - is stdout; default: data/{solver}.jsonl)');
  addSearchOptions(cmd).action(async (solver: SolverName, o: SearchFlags & { problems: string; out?: string }) => {
    const out = o.out ?? `data/${solver}.jsonl`;
    const n = await runSearchJob({ problems: o.problems, out, seed: o.seed, options: searchOptions(solver, o) });
    if (out !== '-') process.stderr.write(`wrote ${n} ${solver} records to ${out}\n`);
  });
}
