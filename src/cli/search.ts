import { Command, Option } from 'commander';
import { UsageError } from '../pipeline/errors.js';
import { DEFAULT_WINDOW, type RecordSettings } from '../pipeline/make-record.js';
import { shortestThreadTokens, type Conditioning } from '../serializers/token-costs.js';
import {
  DEFAULT_MAX_DEPTH,
  DEFAULT_WAVE_WINDOWS,
  defaultSearchOptions,
  SOLVERS,
  type FitPolicy,
  type HeuristicChoice,
  type SearchOptions,
  type SolverName,
} from '../solver/strategies.js';
import { compatOption, integer, oneOf, ordered, probability } from './parse.js';

export interface SearchFlags {
  seed: number;
  /** Undefined when not given: DEFAULT_WINDOW in default mode (reference mode has none). */
  window?: number;
  maxDepth?: number;
  wave?: number;
  condition: Conditioning;
  /** Undefined when not given: stop. */
  fit?: FitPolicy;
  minBeam?: number;
  maxBeam?: number;
  maxSubBeam?: number;
  promising?: number;
  heuristic?: HeuristicChoice;
  compat?: 'reference';
}

/** Beam, promising and heuristic options (shared by every search-running command and `corpus`). */
export function addBeamOptions(cmd: Command): Command {
  return cmd
    .option('--min-beam <n>', 'smallest beam drawn per record (default 1)', integer('--min-beam', 1))
    .option('--max-beam <n>', 'largest beam drawn per record (default: sosp 5, apr 10, bfs 5)', integer('--max-beam', 1))
    .option('--max-sub-beam <n>', 'apr: largest child-thread beam (default 15)', integer('--max-sub-beam', 1))
    .option('--promising <p>', 'probability of a sub search / spawn (default: sosp 0.5, apr 0.9)', probability('--promising'))
    .addOption(
      new Option('--heuristic <h>', 'mult, sum or random per record (default: mult; dfs: sum)').argParser(
        oneOf('--heuristic', ['mult', 'sum', 'random'] as const),
      ),
    );
}

/** Window, depth and fit options (shared by every search-running command and `corpus`). */
export function addWindowOptions(cmd: Command): Command {
  return cmd
    .option('--window <n>', `tokens per sequence, <s> and </s> included; 0 turns the guarantee off (default ${DEFAULT_WINDOW}; none with --compat reference)`, integer('--window', 0))
    .option(
      '--max-depth <n>',
      `apr: thread levels below the root the planner may use (default ${DEFAULT_MAX_DEPTH}; 1: children only, as the reference)`,
      integer('--max-depth', 0, 8),
    )
    .option(
      '--wave <windows>',
      `apr: work per spawn, in windows, before the next children wait for its join (default ${DEFAULT_WAVE_WINDOWS}; 0: all children in one spawn)`,
      integer('--wave', 0, 1000),
    )
    .addOption(
      new Option('--fit <policy>', 'sosp, dfs, bfs when the window is full: stop, resample or drop (default: stop)').argParser(
        oneOf('--fit', ['stop', 'resample', 'drop'] as const),
      ),
    );
}

/** Adds the options every search-running command shares. */
export function addSearchOptions(cmd: Command): Command {
  cmd.option('--seed <n>', 'random seed', integer('--seed', 0), 0);
  addBeamOptions(cmd).addOption(compatOption('generate_sosp.py / generate_apr.py'));
  return addWindowOptions(cmd).addOption(
    new Option('--condition <mode>', 'conditioning prefix: none, token-budget (sosp, dfs, bfs) or sub-call-budget (apr)')
      .argParser(oneOf('--condition', ['none', 'token-budget', 'sub-call-budget'] as const))
      .default('none'),
  );
}

/** Validated record settings (search options, window, conditioning) from the flags. */
export function recordSettings(solver: SolverName, f: SearchFlags): RecordSettings {
  const options = searchOptions(solver, f);
  if (options.reference && f.maxDepth !== undefined && f.maxDepth !== 1) {
    throw new UsageError('--max-depth cannot be combined with --compat reference (the reference nests one level)');
  }
  if (options.reference && f.wave !== undefined) throw new UsageError('--wave cannot be combined with --compat reference (the reference spawns every child at once)');
  if (options.reference && f.window !== undefined) throw new UsageError('--window cannot be combined with --compat reference (the reference has no window; verify --window measures its sequences)');
  if (options.reference && f.fit !== undefined) throw new UsageError('--fit cannot be combined with --compat reference (the reference has no window to fit)');
  const fit = f.fit ?? 'stop';
  if (f.condition === 'token-budget' && solver === 'apr') throw new UsageError('--condition token-budget is for sosp, dfs and bfs; apr uses sub-call-budget');
  if (f.condition === 'sub-call-budget' && solver !== 'apr') throw new UsageError('--condition sub-call-budget is for apr; sosp, dfs and bfs use token-budget');
  if (fit !== 'stop' && solver === 'apr') throw new UsageError('--fit is for sosp, dfs and bfs: apr threads hand work to children instead');
  const window = options.reference ? 0 : (f.window ?? DEFAULT_WINDOW);
  if (window > 0) {
    const least = shortestThreadTokens(f.condition, window);
    if (window < least) throw new UsageError(`--window ${window} is too small: the shortest complete thread needs ${least} tokens`);
  }
  return {
    options: { ...options, maxSpawnLevel: f.maxDepth !== undefined ? f.maxDepth - 1 : options.maxSpawnLevel, fit },
    window,
    condition: f.condition,
    tokenFields: !options.reference,
  };
}

/** Validated search options for a solver from the command-line flags. */
export function searchOptions(solver: SolverName, f: SearchFlags): SearchOptions {
  const reference = f.compat === 'reference';
  const d = defaultSearchOptions(solver, reference);
  if (reference && f.heuristic !== undefined) {
    throw new UsageError('--heuristic cannot be combined with --compat reference (the reference fixes the heuristic)');
  }
  const minBeam = f.minBeam ?? d.minBeam;
  if (f.maxBeam === undefined && minBeam > d.maxBeam) {
    throw new UsageError(`--min-beam ${minBeam} is larger than ${solver}'s default --max-beam ${d.maxBeam}; give --max-beam as well`);
  }
  const maxBeam = f.maxBeam ?? d.maxBeam;
  ordered('--min-beam', minBeam, '--max-beam', maxBeam);
  const maxSubBeam = f.maxSubBeam ?? d.maxSubBeam;
  if (solver === 'apr' && maxSubBeam < minBeam) {
    throw new UsageError(`--max-sub-beam ${maxSubBeam} is below --min-beam ${minBeam}: no child thread could have a beam as wide as its parent's; raise --max-sub-beam`);
  }
  return {
    solver,
    reference,
    minBeam,
    maxBeam,
    maxSubBeam,
    promising: f.promising ?? d.promising,
    heuristic: f.heuristic ?? d.heuristic,
    maxSpawnLevel: d.maxSpawnLevel,
    waveWindows: f.wave ?? d.waveWindows,
    fit: 'stop',
  };
}

export function registerSearch(program: Command): void {
  const cmd = program
    .command('search')
    .description('search every problem of a file and write trace records (sosp, apr, dfs, bfs)')
    .argument('<solver>', `one of ${SOLVERS.join(', ')}`, oneOf('solver', SOLVERS))
    .requiredOption('--problems <file>', 'problems file (.jsonl, .json, .gz; - is stdin)')
    .option('--out <file>', 'output (.jsonl, .json, .gz; - is stdout; default: data/{solver}.jsonl)');
  cmd.option('--sequences-out <file>', 'also write every training sequence (.jsonl objects, or .json: an array of strings)');
  addSearchOptions(cmd).action(async (solver: SolverName, o: SearchFlags & { problems: string; out?: string; sequencesOut?: string }) => {
    const out = o.out ?? `data/${solver}.jsonl`;
    const settings = recordSettings(solver, o);
    const { runSearchJob } = await import('../pipeline/search-job.js');
    const sum = await runSearchJob({ problems: o.problems, out, seed: o.seed, settings, sequencesOut: o.sequencesOut });
    const pct = (n: number) => (sum.records ? ((100 * n) / sum.records).toFixed(1) : '0.0');
    const judged = settings.window || DEFAULT_WINDOW;
    const over = sum.overflows === undefined ? '' : `, ${sum.overflows} over ${judged} tokens`;
    process.stderr.write(
      `wrote ${sum.records} ${solver} records to ${out}: ${sum.solved} solved (${pct(sum.solved)}%), ${sum.sequences} sequences` +
        `${over}, ${sum.outOfBudget} stopped by the window` +
        (sum.dropped ? `, ${sum.dropped} dropped` : '') +
        '\n',
    );
  });
}
