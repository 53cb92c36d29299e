import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { say, UsageError } from '../io/errors.js';
import type { Faults } from '../pipeline/corpus/faults.js';
import { formatSize, RUN_OPTIONS, WORKER_HEAP_MB, type CorpusOptions, type RunSettings } from '../pipeline/corpus/options.js';
import { DEFAULT_MAX_FILE_SIZE } from '../pipeline/corpus/plan.js';
import { CONDITIONING_MODES, judgedWindow, qualifyEach } from '../pipeline/settings.js';
import type { Conditioning } from '../records/conditioning-prefix.js';
import { resolveShard } from '../pipeline/corpus/shard.js';
import { signalExitCode } from '../pipeline/signals.js';
import { SOLVERS, type SolverName } from '../solver/registry.js';
import { integer } from '../core/values.js';
import { countOption, indexOfCount, listOf, runOption, seconds, seedOption, size } from './parse.js';
import { addProblemSpecOptions, type ProblemSpecFlags } from './problems.js';
import { qualifySpec } from '../pipeline/problems-job.js';
import { addBeamOptions, addWindowOptions, conditionHelp, type SearchFlags } from './search.js';
import { decidedDefault } from './help.js';

interface CorpusFlags extends ProblemSpecFlags, Omit<SearchFlags, 'condition' | 'compat'> {
  count: number;
  valCount: number;
  solvers: SolverName[];
  condition: Conditioning[];
  compress: 'none' | 'gzip';
  maxFileSize: number;
  out: string;
  workers?: number;
  workerHeap: number;
  batchSize?: number;
  shard?: { index: number; count: number };
  shards?: number;
  resume?: boolean;
  force?: boolean;
  checkpointInterval: number;
  quiet?: boolean;
  timings?: string;
}

/**
 * More worker threads than this only add memory (each holds a V8 heap and the tokenizer) and
 * crash risk, never speed: 4 per core.
 */
const MAX_WORKERS = 4 * availableParallelism();

function workerCount(text: string): number {
  const n = integer('--workers', 0)(text);
  if (n > MAX_WORKERS) throw new UsageError(`--workers: at most ${MAX_WORKERS} (4 per core on this machine), got ${n}`);
  return n;
}

/** `--compat`, which `problems` and `search` take: corpus has no reference mode (docs/corpus.md). */
function noReferenceMode(): never {
  throw new UsageError(
    '--compat: corpus has no reference mode: the reference draws every record from one shared generator, which cannot be split across workers; use problems and search with --compat reference',
  );
}

/** `faults`: for tests only (test/kill-at.mjs); main.ts registers the command without. */
export function registerCorpus(program: Command, faults?: Faults): void {
  const cmd = program
    .command('corpus')
    .description('the training corpus in one folder: train and val problems, search records and training sequences of each solver, stats.json and manifest.json (resumable, shardable)')
    .addOption(countOption('train problems, and records of each solver'))
    .addOption(seedOption())
    .addOption(runOption('val_count', 'n', 'val problems (disjoint from train by construction)'))
    // Lists are shown as they are typed (sosp,apr), not as commander prints an array.
    .addOption(new Option('--solvers <list>', `comma-separated, of ${SOLVERS.join(', ')}`).argParser(listOf('--solvers', SOLVERS, 'sosp,apr')).default(['sosp', 'apr'] as SolverName[], 'sosp,apr'));
  addProblemSpecOptions(cmd);
  addBeamOptions(cmd);
  addWindowOptions(cmd, false)
    .addOption(new Option('--condition <modes>', conditionHelp(true)).argParser(listOf('--condition', CONDITIONING_MODES, 'token-budget,sub-call-budget')).default(['none'] as Conditioning[], 'none'))
    .addOption(runOption('compress', 'kind', 'none, or gzip (one member per block of records)'))
    .addOption(
      new Option(`${RUN_OPTIONS.max_file_size.flag} <size>`, 'largest data file (500MB, 1GB, 2GiB, ...; 0: one file per split); files split between blocks of records')
        .argParser(size(RUN_OPTIONS.max_file_size.flag))
        .default(DEFAULT_MAX_FILE_SIZE, formatSize(DEFAULT_MAX_FILE_SIZE)),
    )
    .option('--out <dir>', 'output folder', 'data/corpus')
    .addOption(decidedDefault(new Option('--workers <n>', `worker threads; 0: all on the main thread; at most 4 per core, ${MAX_WORKERS} here`).argParser(workerCount), "the machine's cores"))
    .option('--worker-heap <mb>', 'V8 heap limit of each worker thread, in MB', integer('--worker-heap', 64, 16384), WORKER_HEAP_MB)
    .addOption(decidedDefault(new Option('--batch-size <n>', 'records per task; never changes the output').argParser(integer('--batch-size', 1, 10_000)), 'per stage'))
    .option('--shard <i/n>', 'make shard I of N (0-based); join the shard folders with merge', indexOfCount('--shard'))
    .option('--shards <n>', 'shard count; the index comes from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID', integer('--shards', 1))
    .option('--resume', 'continue the interrupted run in --out')
    .option('--force', 'start over: replace what an earlier run left in --out (only files a corpus run writes)')
    .option('--checkpoint-interval <s>', 'seconds between durable checkpoints (at most a day)', seconds('--checkpoint-interval', 86_400), 5)
    .option('--quiet', 'no progress or summary on stderr')
    .addOption(new Option('--timings <file>', 'write per-stage timings (JSON)').hideHelp())
    // Known, so that it is refused with the reason (commander would offer --count), and unlisted.
    .addOption(new Option('--compat <mode>').argParser(noReferenceMode).hideHelp())
    .action(async (f: CorpusFlags) => {
      const spec = qualifySpec(f);
      if (f.resume && f.force) throw new UsageError('--resume and --force exclude each other');
      const qualified = qualifyEach(f.solvers, f.condition, f);
      const options: CorpusOptions = {
        count: f.count,
        seed: f.seed,
        valCount: f.valCount,
        spec,
        solvers: f.solvers,
        settings: qualified,
        // Every solver has the one --window, its default filled in by qualify.
        window: judgedWindow(qualified[f.solvers[0]!]!.window),
        compress: f.compress,
        maxFileSize: f.maxFileSize,
      };
      const { shard, from } = resolveShard(f.shard, f.shards, process.env);
      const settings: RunSettings = {
        out: f.out,
        workers: f.workers ?? availableParallelism(),
        workerHeap: f.workerHeap,
        batchSize: f.batchSize,
        shard,
        shardFrom: from,
        start: f.force ? 'force' : f.resume ? 'resume' : 'new',
        checkpointInterval: f.checkpointInterval,
        quiet: Boolean(f.quiet),
        timings: f.timings,
        argv: process.argv.slice(2),
      };
      const { Interrupted, runCorpus } = await import('../pipeline/corpus/run.js');
      try {
        await runCorpus(options, settings, faults);
      } catch (err) {
        if (!(err instanceof Interrupted)) throw err;
        say(`stopped by ${err.signal}; ${err.saved ? `saved in ${f.out}: ${err.saved} records` : 'nothing saved yet'}. Resume with:\n  ${err.resume}`);
        process.exitCode = signalExitCode(err.signal);
      }
    });
}
