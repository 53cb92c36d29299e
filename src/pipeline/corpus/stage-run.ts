import type { StageState } from './checkpoint.js';
import type { RunContext } from './context.js';
import { syncDir } from './files.js';
import type { CheckedStream, FinishedStream, PartedFile, SealedStream, StreamState } from './parts.js';
import { streamKey, type StagePlan } from './plan.js';
import { checkStageRecords } from './resume.js';
import type { StageProgress } from './progress.js';
import type { TaskTiming } from './schedule.js';

/** The tallies a stage keeps: summed block by block, and checkpointed as JSON. */
export interface StageTally<T> {
  merge(other: T): void;
  toJSON(): unknown;
  /** Records the stage counted but did not write (`--fit drop`); none for problems. */
  readonly dropped?: number;
}

/** A kind of tally: a new one, or one back from a checkpoint. */
export interface TallyKind<T> {
  new (): T;
  from(json: unknown): T;
}

/**
 * One stage being written: its files, how many of its records are in closed blocks, and its
 * tallies. A block is the unit of durability: its tallies are committed when it closes, and
 * a checkpoint covers closed blocks only, so a stopped stage resumes at a block start.
 */
export class StageRun<T extends StageTally<T>> {
  /** Records (from the stage's first) in closed blocks. */
  records: number;
  readonly tally: T;
  /** Tallies of the open block, committed when it closes. */
  private current: T;
  /** Milliseconds the main thread waited for the disk (closing blocks: backpressure). */
  private diskMs = 0;

  private constructor(
    readonly ctx: RunContext,
    readonly plan: StagePlan,
    readonly files: readonly PartedFile[],
    records: number,
    tally: T,
    private readonly kind: TallyKind<T>,
  ) {
    this.records = records;
    this.tally = tally;
    this.current = new kind();
  }

  /** Opens the stage's streams where the checkpoint left them (`resumed`), or empty. */
  static async open<T extends StageTally<T>>(ctx: RunContext, plan: StagePlan, resumed: StageState | undefined, kind: TallyKind<T>): Promise<StageRun<T>> {
    const checked: CheckedStream[] = [];
    const files: PartedFile[] = [];
    const tally = kind.from(resumed?.tally);
    try {
      // Every stream is read back and checked before any is cut back: a refused resume changes nothing.
      for (const f of plan.files) checked.push(await ctx.checkStream(f, resumed));
      // Once its files are checked against their bytes, the stage's own count must agree with them.
      if (resumed) checkStageRecords(ctx.dir, plan, resumed, tally);
    } catch (err) {
      for (const c of checked) await c.close().catch(() => undefined);
      throw err;
    }
    try {
      for (const [k, c] of checked.entries()) {
        files.push(await c.apply());
        ctx.faults?.at(`opened:${streamKey(plan.files[k]!)}`);
      }
    } catch (err) {
      for (const f of files) await f.close();
      for (const c of checked.slice(files.length + 1)) await c.close().catch(() => undefined);
      throw err;
    }
    return new StageRun(ctx, plan, files, resumed?.records ?? 0, tally, kind);
  }

  /** Tallies of the block being written. */
  get blockTally(): T {
    return this.current;
  }

  /** Call after the record at global `index` was appended; closes the block if it ends there. */
  async recordDone(index: number): Promise<void> {
    const { plan } = this;
    const { faults } = this.ctx;
    if (faults) {
      const point = `record:${plan.name}:${index - plan.start}` as const;
      faults.at(point);
      const held = faults.hold?.(point);
      if (held) await held;
    }
    const next = index + 1;
    if (next % plan.block !== 0 && next !== plan.end) return;
    const t0 = performance.now();
    for (const f of this.files) await f.endBlock();
    this.diskMs += performance.now() - t0;
    this.tally.merge(this.current);
    this.current = new this.kind();
    this.records = next - plan.start;
    if (next !== plan.end) await this.ctx.checkpoints.maybeSave(plan.name, this.files, () => this.state(false));
  }

  /** The stage in the checkpoint: its streams as written (after a flush), or as given. */
  private state(done: boolean, streams: readonly StreamState[] = this.files.map((f) => f.state())): StageState {
    const files: Record<string, StreamState> = {};
    this.plan.files.forEach((f, k) => {
      files[streamKey(f)] = streams[k]!;
    });
    return { records: this.records, done, files, tally: this.tally.toJSON() };
  }

  /** Stopped: the open block is dropped and what is in closed blocks is checkpointed. */
  private async stop(): Promise<void> {
    const { checkpoints } = this.ctx;
    await checkpoints.settle();
    for (const f of this.files) await f.flush();
    for (const f of this.files) await f.sync();
    await checkpoints.save(this.plan.name, this.state(false));
    for (const f of this.files) await f.close();
  }

  /**
   * Every record is in: files get their final names and the stage is checkpointed as done.
   * The checkpoint lists every file of every stream before any is renamed, so the finished
   * names a stop leaves are all of the count it lists (which `runFiles` relies on).
   */
  private async finish(): Promise<FinishedStream[]> {
    const { ctx, plan } = this;
    await ctx.checkpoints.settle();
    const sealed: SealedStream[] = [];
    for (const f of this.files) sealed.push(await f.seal());
    await ctx.checkpoints.save(plan.name, this.state(false, sealed.map((s) => s.state)));
    // That checkpoint's own rename made durable before any file's: a power cut must not keep a
    // finished name and lose the checkpoint of its count (each stream's renames sync its folder).
    await syncDir(ctx.dir);
    ctx.faults?.at(`sealed:${plan.name}`);
    const sums: FinishedStream[] = [];
    for (const s of sealed) sums.push(await s.rename());
    ctx.faults?.at(`finish:${plan.name}`);
    await ctx.checkpoints.save(plan.name, this.state(true, sums));
    return sums;
  }

  /** A failed stage: its files are closed as they are (a resume starts from the checkpoint). */
  async abandon(): Promise<void> {
    for (const f of this.files) await f.close();
  }

  /**
   * Ends the stage: an interrupted one (`ok` false) stops, resumable, and gives undefined; a
   * complete one is finished, its files and timings (from `started`) recorded, and gives its tallies.
   */
  async end(ok: boolean, bar: StageProgress, started: number, timing: TaskTiming): Promise<T | undefined> {
    if (!ok) {
      await this.stop();
      return undefined;
    }
    const { ctx, plan } = this;
    const sums = await this.finish();
    bar.finish();
    plan.files.forEach((f, k) => ctx.streamDone(f, sums[k]!));
    ctx.timings.push({
      stage: plan.name,
      records: plan.end - plan.start,
      seconds: (performance.now() - started) / 1000,
      makeMs: Math.round(timing.makeMs),
      packMs: Math.round(timing.packMs),
      hashMs: Math.round(this.files.reduce((sum, f) => sum + f.hashMs, 0)),
      waitMs: Math.round(timing.waitMs),
      diskMs: Math.round(this.diskMs),
    });
    return this.tally;
  }
}
