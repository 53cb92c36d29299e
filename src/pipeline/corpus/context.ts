import { solverNamed, type SolverName } from '../../solver/registry.js';
import type { StageState } from './checkpoint.js';
import type { Checkpointer } from './checkpointer.js';
import type { Faults } from './faults.js';
import type { CorpusOptions, RunSettings } from './options.js';
import { PartedFile, type Block, type CheckedStream, type PartSummary, type StreamState } from './parts.js';
import { streamKey, type FilePlan } from './plan.js';
import { Progress } from './progress.js';
import type { Runner } from './runner.js';

export interface StageTiming {
  readonly stage: string;
  readonly records: number;
  readonly seconds: number;
  /** Worker (or inline) milliseconds making records, and packing them into bytes. */
  readonly makeMs: number;
  readonly packMs: number;
  /** Main-thread milliseconds hashing output, waiting for results, and waiting for the disk. */
  readonly hashMs: number;
  readonly waitMs: number;
  readonly diskMs: number;
}

/**
 * Default records per task, by stage kind (a search stage by its solver's shape): a few
 * milliseconds to tens of them of work each.
 */
const BATCH = { problems: 500, prefix: 1000, sequence: 64, threads: 16 } as const;

/** What the stages of a run share: options, workers, checkpoint, the streams finished so far. */
export class RunContext {
  readonly dir: string;
  readonly progress: Progress;
  /** The signal that asked the run to stop, once one came. */
  stopping: NodeJS.Signals | undefined;
  /** The files of every finished stream, by stream key; and, for a shard, their blocks. */
  readonly finished = new Map<string, readonly PartSummary[]>();
  readonly blocks: Record<string, readonly Block[]> = {};
  readonly timings: StageTiming[] = [];

  constructor(
    readonly o: CorpusOptions,
    readonly s: RunSettings,
    readonly runner: Runner,
    readonly checkpoints: Checkpointer,
    readonly faults: Faults | undefined,
  ) {
    this.dir = s.out;
    this.progress = new Progress(s.quiet);
  }

  /** Tasks running at once: enough to keep every worker busy while results wait their turn. */
  get inFlight(): number {
    return Math.max(2, this.runner.threads * 3);
  }

  batch(kind: 'problems' | 'prefix' | SolverName): number {
    return this.s.batchSize ?? BATCH[kind === 'problems' || kind === 'prefix' ? kind : solverNamed(kind).shape];
  }

  streamDone(f: FilePlan, done: StreamState): void {
    this.finished.set(streamKey(f), done.parts as PartSummary[]);
    if (done.blocks) this.blocks[streamKey(f)] = done.blocks;
  }

  /** Checks a stream of a stage against the checkpoint when resuming (PartedFile.check); `apply` opens it for writing. */
  checkStream(f: FilePlan, resumed: StageState | undefined): Promise<CheckedStream> {
    const o = { gzip: this.o.compress === 'gzip', maxBytes: this.o.maxFileSize, keepBlocks: this.s.shard.count > 1, faults: this.faults };
    return PartedFile.check(this.dir, f, o, resumed?.files[streamKey(f)]);
  }
}
