import { basename, delimiter, dirname, resolve } from 'node:path';
import { say, UsageError } from '../../io/errors.js';
import type { Split } from '../../solver/problems.js';
import type { SolverName } from '../../solver/registry.js';
import { acquireLock, writeCheckpoint, type StageState } from './checkpoint.js';
import { Checkpointer } from './checkpointer.js';
import { RunContext } from './context.js';
import type { Faults } from './faults.js';
import { DiskError, prepareFolder } from './files.js';
import { checkConfigFolders } from './folder.js';
import { INVOKE } from './card.js';
import { finishCorpus, type CorpusResult } from './finish.js';
import { checkCounts, type CorpusOptions, type RunSettings } from './options.js';
import { planStages, shardRange, type StagePlan } from './plan.js';
import { shardNotice } from './shard.js';
import { problemsStage } from './problems-stage.js';
import { fmtInt, plural } from '../../io/numbers.js';
import { checkDoneStream, checkStageRecords, decideStart } from './resume.js';
import type { StreamState } from './parts.js';
import { createRunner, type Runner } from './runner.js';
import { searchStage } from './search-stage.js';
import type { StageTally, TallyKind } from './stage-run.js';
import { ProblemTally, SearchTally } from './stats.js';
import { onStopSignals, signalExitCode } from '../signals.js';

export type { StageTiming } from './context.js';
export type { CorpusResult } from './finish.js';

/** A run stopped by a stop signal (SIGINT, SIGTERM, SIGHUP) after saving a checkpoint. */
export class Interrupted extends Error {
  constructor(
    readonly signal: NodeJS.Signals,
    readonly saved: string,
    readonly resume: string,
  ) {
    super(`stopped by ${signal}`);
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function resumeCommand(argv: readonly string[]): string {
  const args = argv.filter((a) => a !== '--force');
  if (!args.includes('--resume')) args.push('--resume');
  return [howRun(), ...args.map(quote)].join(' ');
}

/**
 * The tool as this process was started, to be pasted: through npx, by its name on PATH (as a
 * Slurm script runs it, since npx does not pass SIGTERM on), or as `node` and its script.
 */
function howRun(): string {
  const script = process.argv[1] ?? '';
  // npx runs the bin's link in a node_modules/.bin (and puts that folder on the child's PATH).
  if (basename(dirname(script)) === '.bin' && basename(dirname(dirname(script))) === 'node_modules') return INVOKE;
  const onPath = (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && resolve(d) === dirname(script));
  return basename(script) === 'countdown-traces' && onPath ? 'countdown-traces' : `node ${quote(script)}`;
}

/** The run stopped at a signal: what the checkpoint holds, and how to go on. */
function interrupted(ctx: RunContext): never {
  const saved = Object.entries(ctx.checkpoints.stages)
    .map(([name, v]) => `${name} ${fmtInt(v!.records)}`)
    .join(', ');
  throw new Interrupted(ctx.stopping!, saved, resumeCommand(ctx.s.argv));
}

/**
 * A stage's tallies: a stage the checkpoint says is done is checked and taken as it is;
 * any other is run. Undefined when a signal stopped it.
 */
async function stageTallies<P extends StagePlan, T extends StageTally<T>>(
  ctx: RunContext,
  plan: P,
  kind: TallyKind<T>,
  run: (ctx: RunContext, plan: P, resumed: StageState | undefined) => Promise<T | undefined>,
): Promise<T | undefined> {
  const st = ctx.checkpoints.stages[plan.name];
  if (!st?.done) return run(ctx, plan, st);
  const streams: StreamState[] = [];
  for (const f of plan.files) streams.push(await checkDoneStream(ctx.dir, f, st));
  const tally = kind.from(st.tally);
  checkStageRecords(ctx.dir, plan, st, tally);
  plan.files.forEach((f, k) => ctx.streamDone(f, streams[k]!));
  return tally;
}

/**
 * The corpus command: train and val problems, search records and training sequences of each
 * solver, stats.json, and manifest.json last. Resumable after any crash (`--resume`), stoppable
 * with SIGINT/SIGTERM/SIGHUP, shardable (`--shard I/N`, joined by `merge`). `faults` is for tests
 * only (see faults.ts); the command line passes none.
 */
export async function runCorpus(o: CorpusOptions, s: RunSettings, faults?: Faults): Promise<CorpusResult> {
  const t0 = performance.now();
  if (s.out === '-') throw new UsageError('--out -: the corpus is a folder of files; name a folder (search and problems can write to stdout)');
  checkCounts(o);
  const stages = planStages(o, s.shard, s.shardFrom);
  const dir = s.out;
  prepareFolder(dir);
  checkConfigFolders(dir);
  const release = acquireLock(dir);
  let runner: Runner | undefined;
  let started = false;
  let ctx: RunContext | undefined;
  // The first signal stops the run at the next block, checkpointed; a second (or one before
  // the run has started) quits at once.
  // Said even with --quiet: an unattended run's log should show why it ended.
  const onSignal = (signal: NodeJS.Signals) => {
    if (ctx?.stopping || !started) {
      say(`${signal}: quitting at once; ${started ? 'continue with --resume (from the last checkpoint)' : 'nothing was written'}`);
      process.exit(signalExitCode(signal));
    }
    ctx!.stopping = signal;
    say(`${signal}: stopping at the next block (again to quit at once)`, (line) => ctx!.progress.always(line));
  };
  const stopListening = onStopSignals(onSignal);
  try {
    const start = await decideStart(o, s, stages);
    // Said once the run is not refused (a refusal is one line, naming the shard's source where it matters).
    const notice = shardNotice({ shard: s.shard, from: s.shardFrom }, s.quiet);
    if (notice !== undefined) say(notice);
    if (start.kind === 'complete') return { complete: true, alreadyComplete: true, files: [], seconds: 0, timings: [] };
    if (start.kind === 'fresh') await writeCheckpoint(dir, start.cp);
    started = true;

    runner = createRunner(s.workers, s.workerHeap);
    ctx = new RunContext(o, s, runner, new Checkpointer(dir, start.cp, s.checkpointInterval * 1000, faults), faults);
    const range = shardRange(o.count, s.shard);
    if (!s.quiet) {
      const what = s.shard.count > 1 ? `shard ${s.shard.index}/${s.shard.count}, records ${fmtInt(range.start)}..${fmtInt(range.end - 1)} of ${fmtInt(o.count)}` : plural(o.count, 'record');
      const again = start.kind === 'fresh' ? '' : ' (resuming)';
      ctx.progress.note(`corpus: ${what}, solvers ${o.solvers.join(', ')}, ${plural(s.workers, 'worker')} -> ${dir}${again}`);
    }
    const problems = new Map<Split, ProblemTally>();
    const searches = new Map<SolverName, SearchTally>();
    for (const plan of stages) {
      if (plan.kind === 'problems') problems.set(plan.name, (await stageTallies(ctx, plan, ProblemTally, problemsStage)) ?? interrupted(ctx));
      else searches.set(plan.name, (await stageTallies(ctx, plan, SearchTally, searchStage)) ?? interrupted(ctx));
    }
    const tallies = { train: problems.get('train')!, val: problems.get('val'), solvers: new Map(o.solvers.map((sv) => [sv, searches.get(sv)!])) };
    return await finishCorpus(ctx, stages, tallies, range, t0);
  } catch (err) {
    if (started && err instanceof DiskError) {
      throw new UsageError(`${err.message} (what is written so far is kept: fix this and continue with --resume)`);
    }
    throw err;
  } finally {
    stopListening();
    if (runner) await runner.destroy();
    release();
  }
}
