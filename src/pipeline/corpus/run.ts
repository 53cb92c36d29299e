import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { problemKey } from '../../core/countdown.js';
import { defaultCandidates, MAX_REJECTS, type Split } from '../../solver/problems.js';
import { UsageError } from '../errors.js';
import { acquireLock, CHECKPOINT_FORMAT, readCheckpoint, writeCheckpoint, type Checkpoint, type StageState } from './checkpoint.js';
import { DiskError, exists, prepareFolder, syncDir } from './files.js';
import { clearFolder, scanFolder } from './folder.js';
import { keyCodec, type KeySet, type ProblemCode } from './keys.js';
import { LineReader } from './lines.js';
import { versions, writeCorpusEnd, type Manifest, type ManifestFile } from './manifest.js';
import { checkFiles, resumeRefused } from './integrity.js';
import { firstDifference, optionsJson, valueAt, type CorpusOptions, type RunSettings } from './options.js';
import { PartedFile, type Block, type PartSummary, type StreamState } from './parts.js';
import { CHECKPOINT, MANIFEST, planStages, shardRange, streamKey, type FilePlan, type StageName, type StagePlan } from './plan.js';
import { fmtDuration, fmtInt, Progress, type StageProgress } from './progress.js';
import { createRunner, type Runner } from './runner.js';
import { ProblemTally, renderStats, SearchTally, type CorpusTallies, type Tally } from './stats.js';
import { killArmed, killPoint } from './testkill.js';
import { problemLine } from './problem-task.js';
import { figuresAt } from './result.js';
import type { Task, TaskResult } from './tasks.js';

/** A run stopped by SIGINT or SIGTERM after saving a checkpoint. */
export class Interrupted extends Error {
  constructor(
    readonly signal: NodeJS.Signals,
    readonly saved: string,
    readonly resume: string,
  ) {
    super(`stopped by ${signal}`);
  }
}

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

export interface CorpusResult {
  readonly complete: boolean;
  readonly alreadyComplete: boolean;
  readonly files: readonly ManifestFile[];
  readonly seconds: number;
  readonly timings: readonly StageTiming[];
}

/** Default records per task, by stage kind: a few milliseconds to tens of them of work each. */
const BATCH = { problems: 500, prefix: 1000, sosp: 64, apr: 16, dfs: 64, bfs: 64 } as const;

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function resumeCommand(argv: readonly string[]): string {
  const args = argv.filter((a) => a !== '--force');
  if (!args.includes('--resume')) args.push('--resume');
  return ['countdown-traces', ...args].map(quote).join(' ');
}

/** Everything a run shares across its stages. */
class Ctx {
  readonly dir: string;
  readonly progress: Progress;
  stopping: NodeJS.Signals | undefined;
  cp: Checkpoint;
  lastCheckpoint = performance.now();
  checkpoints = 0;
  cpBusy: Promise<void> | undefined;
  cpError: unknown;
  readonly tallies = new Map<StageName, Tally>();
  /** The files of every finished stream, by stream key; and, for a shard, their blocks. */
  readonly finished = new Map<string, readonly PartSummary[]>();
  readonly blocks: Record<string, readonly Block[]> = {};
  readonly timings: StageTiming[] = [];

  constructor(
    readonly o: CorpusOptions,
    readonly s: RunSettings,
    readonly runner: Runner,
    cp: Checkpoint,
  ) {
    this.dir = s.out;
    this.progress = new Progress(s.quiet);
    this.cp = cp;
  }

  get inFlight(): number {
    return Math.max(2, this.runner.threads * 3);
  }

  batch(kind: keyof typeof BATCH): number {
    return this.s.batchSize ?? BATCH[kind];
  }

  async saveCheckpoint(stages: Checkpoint['stages']): Promise<void> {
    this.cp = { ...this.cp, stages };
    await writeCheckpoint(this.dir, this.cp);
  }

  async settleCheckpoint(): Promise<void> {
    if (this.cpBusy) await this.cpBusy;
    if (this.cpError) throw this.cpError;
  }

  streamDone(f: FilePlan, done: StreamState): void {
    this.finished.set(streamKey(f), done.parts as PartSummary[]);
    if (done.blocks) this.blocks[streamKey(f)] = done.blocks;
  }

  /** Opens a stream of a stage for writing, where the checkpoint left it when resuming. */
  openStream(f: FilePlan, resumed: StageState | undefined): Promise<PartedFile> {
    const o = { gzip: this.o.compress === 'gzip', maxBytes: this.o.maxFileSize, keepBlocks: this.s.shard.count > 1 };
    return PartedFile.open(this.dir, f, o, resumed?.files[streamKey(f)]);
  }
}

/** One stage being written: its files, how many of its records are in complete blocks, its tallies. */
class StageRun {
  /** Records (from the stage's first) in closed blocks. */
  records: number;
  readonly tally: Tally;
  /** Tallies of the open block, committed when it closes. */
  private block: Tally;
  /** Milliseconds the main thread waited for the disk (closing blocks: backpressure). */
  diskMs = 0;

  constructor(
    readonly ctx: Ctx,
    readonly plan: StagePlan,
    readonly files: PartedFile[],
    resumed: StageState | undefined,
  ) {
    this.records = resumed?.records ?? 0;
    this.tally = plan.kind === 'problems' ? ProblemTally.from(resumed?.tally) : SearchTally.from(resumed?.tally);
    this.block = plan.kind === 'problems' ? new ProblemTally() : new SearchTally();
  }

  get blockTally(): Tally {
    return this.block;
  }

  /** Call after the record at global `index` was appended; closes the block if it ends there. */
  async recordDone(index: number): Promise<void> {
    const next = index + 1;
    if (next % this.plan.block !== 0 && next !== this.plan.end) return;
    const t0 = performance.now();
    for (const f of this.files) await f.endBlock();
    this.diskMs += performance.now() - t0;
    (this.tally as ProblemTally & SearchTally).merge(this.block as ProblemTally & SearchTally);
    this.block = this.plan.kind === 'problems' ? new ProblemTally() : new SearchTally();
    this.records = next - this.plan.start;
    if (next !== this.plan.end) await this.maybeCheckpoint();
  }

  /** The stage in the checkpoint: its streams as written (after a flush), or as finished. */
  state(done: boolean, finished?: ReadonlyArray<{ parts: readonly PartSummary[]; blocks: readonly Block[] | undefined }>): StageState {
    const files: Record<string, StreamState> = {};
    this.plan.files.forEach((f, k) => {
      const fin = finished?.[k];
      files[streamKey(f)] = fin ? { parts: fin.parts, ...(fin.blocks ? { blocks: fin.blocks } : {}) } : this.files[k]!.state();
    });
    return { records: this.records, done, files, tally: this.tally.toJSON() };
  }

  /** A durable checkpoint every `--checkpoint-interval` seconds, synced in the background. */
  private async maybeCheckpoint(): Promise<void> {
    const ctx = this.ctx;
    if (ctx.cpError) throw ctx.cpError;
    if (ctx.cpBusy || performance.now() - ctx.lastCheckpoint < ctx.s.checkpointInterval * 1000) return;
    for (const f of this.files) await f.flush();
    const stages = { ...ctx.cp.stages, [this.plan.name]: this.state(false) };
    ctx.lastCheckpoint = performance.now();
    ctx.cpBusy = (async () => {
      for (const f of this.files) await f.sync();
      await ctx.saveCheckpoint(stages);
      if (killArmed) killPoint(`checkpoint:${++ctx.checkpoints}`);
    })()
      .catch((err: unknown) => {
        ctx.cpError = err;
      })
      .finally(() => {
        ctx.cpBusy = undefined;
      });
  }

  /** Stopped: the open block is dropped and what is in closed blocks is checkpointed. */
  async stop(): Promise<void> {
    await this.ctx.settleCheckpoint();
    for (const f of this.files) await f.flush();
    for (const f of this.files) await f.sync();
    await this.ctx.saveCheckpoint({ ...this.ctx.cp.stages, [this.plan.name]: this.state(false) });
    for (const f of this.files) await f.close();
  }

  /** Every record is in: files get their final names and the stage is checkpointed as done. */
  async finish(): Promise<Array<{ parts: PartSummary[]; blocks: Block[] | undefined }>> {
    await this.ctx.settleCheckpoint();
    const sums: Array<{ parts: PartSummary[]; blocks: Block[] | undefined }> = [];
    for (const f of this.files) sums.push(await f.finish());
    await syncDir(this.ctx.dir);
    if (killArmed) killPoint(`finish:${this.plan.name}`);
    await this.ctx.saveCheckpoint({ ...this.ctx.cp.stages, [this.plan.name]: this.state(true, sums) });
    return sums;
  }

  async abandon(): Promise<void> {
    for (const f of this.files) await f.close();
  }

  /**
   * Ends the stage's batches: an interrupted stage stops (resumable); a finished one is
   * finished and its files, tallies and timings recorded. True when the stage is done.
   */
  async end(ok: boolean, bar: StageProgress, started: number, timing: { waitMs: number; makeMs: number; packMs: number }): Promise<boolean> {
    if (!ok) {
      await this.stop();
      return false;
    }
    const { ctx, plan } = this;
    const sums = await this.finish();
    bar.finish();
    ctx.tallies.set(plan.name, this.tally);
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
    return true;
  }
}

/**
 * Runs tasks over records [from, to) in order: at most `ctx.inFlight` tasks at once, results
 * consumed in record order as they are ready. Consuming awaits the disk, so a slow disk stops
 * new tasks from being handed out. False when stopped by a signal.
 */
async function runBatches(
  ctx: Ctx,
  from: number,
  to: number,
  batch: number,
  makeTask: (start: number, count: number) => Promise<Task>,
  consume: (r: TaskResult) => Promise<void>,
  timing: { waitMs: number; makeMs: number; packMs: number },
): Promise<boolean> {
  const inflight: Promise<TaskResult>[] = [];
  let next = from;
  while (next < to || inflight.length > 0) {
    while (next < to && inflight.length < ctx.inFlight && !ctx.stopping) {
      const count = Math.min(batch, to - next);
      const p = ctx.runner.run(await makeTask(next, count));
      p.catch(() => undefined);
      inflight.push(p);
      next += count;
    }
    if (ctx.stopping) return false;
    const t0 = performance.now();
    const r = await inflight.shift()!;
    timing.waitMs += performance.now() - t0;
    timing.makeMs += r.makeMs;
    timing.packMs += r.packMs;
    await consume(r);
    if (ctx.stopping) return false;
  }
  return true;
}

function slice(p: { bytes: Uint8Array; ends: Uint32Array }, k: number): Uint8Array {
  return p.bytes.subarray(k === 0 ? 0 : p.ends[k - 1]!, p.ends[k]!);
}

/** Problems of one split: workers draw each record's first candidate, the main thread de-duplicates. */
async function problemsStage(ctx: Ctx, plan: StagePlan, resumed: StageState | undefined): Promise<boolean> {
  const { o } = ctx;
  const split: Split = plan.name === 'val' ? 'val' : 'train';
  const codec = keyCodec(o.spec);
  const seen = codec.newSet();
  const gzip = o.compress === 'gzip';
  const timing = { waitMs: 0, makeMs: 0, packMs: 0 };
  const started = performance.now();

  const problemAt = (index: number, first: ProblemCode) => {
    // Record `index` takes the first candidate of its stream not taken by an earlier record.
    if (seen.add(first)) return undefined;
    let rejects = 1;
    const it = defaultCandidates(o.seed, split, index, o.spec);
    it.next();
    for (const p of it) {
      if (seen.add(codec.code(p.nums, p.target))) return p;
      if (++rejects >= MAX_REJECTS) {
        throw new UsageError(
          `${split} record ${index}: ${MAX_REJECTS} candidates in a row were duplicates; the problem space of these options is nearly exhausted (ask for fewer problems or widen the ranges)`,
        );
      }
    }
    throw new Error('candidate stream ended');
  };
  const task = async (start: number, count: number, render: boolean): Promise<Task> => ({
    kind: 'problems',
    seed: o.seed,
    split,
    spec: o.spec,
    start,
    count,
    render,
  });

  // A shard draws the records before its own (without writing them) to know which are taken.
  if (plan.prefix > 0) {
    const bar = ctx.progress.stage(`${plan.name} (records before this shard)`, plan.prefix, 0);
    let done = 0;
    const ok = await runBatches(
      ctx,
      0,
      plan.prefix,
      ctx.batch('prefix'),
      (s, n) => task(s, n, false),
      async (r) => {
        for (let k = 0; k < r.count; k++) problemAt(r.start + k, codeAt(r.codes!, k));
        done += r.count;
        bar.update(done);
      },
      timing,
    );
    if (!ok) return false;
    bar.finish();
  }

  const file = await ctx.openStream(plan.files[0]!, resumed);
  const run = new StageRun(ctx, plan, [file], resumed);
  try {
    if (run.records > 0) await readKeys(file.paths(), gzip, run.records, codec.code, seen);
    const total = plan.end - plan.start;
    const bar = ctx.progress.stage(plan.name, total, run.records);
    let done = run.records;
    const ok = await runBatches(
      ctx,
      plan.start + run.records,
      plan.end,
      ctx.batch('problems'),
      (s, n) => task(s, n, true),
      async (r) => {
        const packed = r.files[0]!;
        for (let k = 0; k < r.count; k++) {
          const index = r.start + k;
          const other = problemAt(index, codeAt(r.codes!, k));
          if (other) {
            file.append(Buffer.from(problemLine(other) + '\n'), 1);
            (run.blockTally as ProblemTally).add(other.startSize);
          } else {
            file.append(slice(packed, k), 1);
            (run.blockTally as ProblemTally).add(r.startSize[k]!);
          }
          if (killArmed) killPoint(`record:${plan.name}:${index - plan.start}`);
          await run.recordDone(index);
        }
        done += r.count;
        bar.update(done);
      },
      timing,
    );
    return await run.end(ok, bar, started, timing);
  } catch (err) {
    await run.abandon();
    throw err;
  }
}

function codeAt(codes: Float64Array | readonly string[], k: number): ProblemCode {
  return codes[k]!;
}

/** The keys of the problems already in a (resumed) stream, back into the de-duplication set. */
async function readKeys(paths: readonly string[], gzip: boolean, records: number, code: (nums: readonly number[], t: number) => ProblemCode, seen: KeySet): Promise<void> {
  const reader = new LineReader(paths, gzip);
  try {
    let left = records;
    while (left > 0) {
      const { lines, sources } = await reader.takeFrom(Math.min(left, 10_000));
      const where = sources.at(-1)?.path ?? paths.at(-1);
      if (lines.length === 0) throw new UsageError(`cannot resume: ${where} holds fewer records than its checkpoint; start over with --force`);
      for (const line of lines) {
        const p = JSON.parse(line) as { nums: number[]; target: number };
        if (!seen.add(code(p.nums, p.target))) throw new UsageError(`cannot resume: ${where} repeats problem ${problemKey(p.nums, p.target)}`);
      }
      left -= lines.length;
    }
  } finally {
    reader.close();
  }
}

/** Search records and training sequences of one solver, from the train problems file. */
async function searchStage(ctx: Ctx, plan: StagePlan, resumed: StageState | undefined): Promise<boolean> {
  const { o } = ctx;
  const solver = plan.name as Exclude<StageName, 'train' | 'val'>;
  const settings = o.settings[solver]!;
  const gzip = o.compress === 'gzip';
  const timing = { waitMs: 0, makeMs: 0, packMs: 0 };
  const started = performance.now();
  const files: PartedFile[] = [];
  try {
    for (const f of plan.files) files.push(await ctx.openStream(f, resumed));
  } catch (err) {
    for (const f of files) await f.close();
    throw err;
  }
  const run = new StageRun(ctx, plan, files, resumed);
  const train = (ctx.finished.get('problems/train') ?? []).map((p) => join(ctx.dir, p.name));
  const reader = new LineReader(train, gzip);
  try {
    await reader.skip(run.records);
    const total = plan.end - plan.start;
    const bar = ctx.progress.stage(solver, total, run.records);
    let done = run.records;
    const [recordsFile, seqFile] = files as [PartedFile, PartedFile];
    const ok = await runBatches(
      ctx,
      plan.start + run.records,
      plan.end,
      ctx.batch(solver),
      async (start, count) => {
        const { lines, sources } = await reader.takeFrom(count);
        if (lines.length !== count) throw new UsageError(`${train.at(-1) ?? ctx.dir} ends before --count problems; start over with --force`);
        return { kind: 'search', seed: o.seed, settings, start, lines, sources };
      },
      async (r) => {
        const [recs, seqs] = r.files as [TaskResult['files'][number], TaskResult['files'][number]];
        for (let k = 0; k < r.count; k++) {
          const index = r.start + k;
          const tally = run.blockTally as SearchTally;
          tally.addOutcome(r.outOfBudget[k] === 1, r.dropped[k] === 1);
          if (r.dropped[k] !== 1) {
            recordsFile.append(slice(recs, k), 1);
            seqFile.append(slice(seqs, k), r.seqEnds[k]! - (k === 0 ? 0 : r.seqEnds[k - 1]!));
            tally.addRecord(r.startSize[k]!, r.solved[k] === 1, r.children[k]!, figuresAt(r.figures, k));
            for (let q = k === 0 ? 0 : r.seqEnds[k - 1]!; q < r.seqEnds[k]!; q++) tally.addSequence(r.seqTokens[q]!, r.seqKind[q] === 1, r.startSize[k]!);
          }
          if (killArmed) killPoint(`record:${plan.name}:${index - plan.start}`);
          await run.recordDone(index);
        }
        done += r.count;
        bar.update(done);
      },
      timing,
    );
    return await run.end(ok, bar, started, timing);
  } catch (err) {
    await run.abandon();
    throw err;
  } finally {
    reader.close();
  }
}

/** A stream of a stage the checkpoint says is done: each of its files is read back and checked against the SHA-256 there. */
async function checkDoneStream(dir: string, f: FilePlan, st: StageState): Promise<StreamState> {
  const done = st.files[streamKey(f)];
  const parts = (done?.parts ?? []).filter((p): p is PartSummary => p.name !== undefined);
  if (!done || parts.length === 0 || parts.length !== done.parts.length) throw resumeRefused(join(dir, CHECKPOINT), `lists no finished files of ${streamKey(f)}`);
  await checkFiles(dir, parts, 'the checkpoint', resumeRefused);
  return done;
}

/** Checks a recorded run against this one: same options and shard, or a one-line error. */
function sameRun(where: string, recorded: Record<string, unknown>, recordedShard: unknown, o: CorpusOptions, s: RunSettings): void {
  const now = optionsJson(o);
  const diff = firstDifference(recorded, now);
  if (diff !== undefined) {
    throw new UsageError(
      `${where} was made with other options (${diff}: ${valueAt(recorded, diff)}, here ${valueAt(now, diff)}); repeat them, or start over with --force`,
    );
  }
  const rs = (recordedShard ?? { index: 0, count: 1 }) as { index: number; count: number };
  if (rs.index !== s.shard.index || rs.count !== s.shard.count) {
    throw new UsageError(`${where} holds shard ${rs.index}/${rs.count}, not ${s.shard.index}/${s.shard.count}; start over with --force`);
  }
}

/**
 * The corpus command: train and val problems, search records and training sequences of each
 * solver, stats.json, and manifest.json last. Resumable after any crash (`--resume`), stoppable
 * with SIGINT/SIGTERM, shardable (`--shard I/N`, joined by `merge`).
 */
export async function runCorpus(o: CorpusOptions, s: RunSettings): Promise<CorpusResult> {
  const t0 = performance.now();
  if (s.out === '-') throw new UsageError('--out -: the corpus is a folder of files; name a folder (search and problems can write to stdout)');
  const stages = planStages(o, s.shard);
  const dir = s.out;
  prepareFolder(dir);
  const release = acquireLock(dir);
  let runner: Runner | undefined;
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (ctx?.stopping || !started) process.exit(signal === 'SIGINT' ? 130 : 143);
    ctx!.stopping = signal;
    ctx!.progress.note(`countdown-traces: ${signal}: stopping at the next block (again to quit at once)`);
  };
  let ctx: Ctx | undefined;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let cp = s.force ? undefined : readCheckpoint(dir);
    const manifestPath = join(dir, MANIFEST);
    if (s.force) {
      await clearFolder(dir);
    } else if (await exists(manifestPath)) {
      if (!s.resume) throw new UsageError(`${dir} already holds a finished corpus (manifest.json); use another --out, or --force to overwrite it`);
      const m = JSON.parse(await readFile(manifestPath, 'utf8')) as Pick<Manifest, 'options' | 'shard' | 'files'>;
      sameRun(dir, m.options, m.shard, o, s);
      await checkFiles(dir, m.files, 'the manifest', (path, problem) => new UsageError(`${path} ${problem}; ${dir} is not the corpus its manifest describes: make it again with --force`));
      rmSync(join(dir, CHECKPOINT), { force: true });
      if (!s.quiet) process.stderr.write(`countdown-traces: ${dir} is already complete\n`);
      return { complete: true, alreadyComplete: true, files: [], seconds: 0, timings: [] };
    } else if (cp) {
      if (!s.resume) throw new UsageError(`${dir} holds an unfinished run; continue it with --resume, or start over with --force`);
      sameRun(join(dir, CHECKPOINT), cp.options, cp.shard, o, s);
      const vdiff = cp.versions === undefined ? undefined : firstDifference(cp.versions, versions());
      if (vdiff !== undefined) {
        throw new UsageError(
          `${dir} was started by other versions (${vdiff}: ${valueAt(cp.versions, vdiff)}, here ${valueAt(versions(), vdiff)}); resuming could change its bytes: rerun with those versions, or start over with --force`,
        );
      }
    } else {
      const leftovers = scanFolder(dir).taken;
      if (leftovers.length > 0) {
        throw new UsageError(`${dir} already holds ${leftovers[0]} from another run; use another --out, or --force to overwrite`);
      }
      if (s.resume && !s.quiet) process.stderr.write(`countdown-traces: nothing to resume in ${dir}; starting a new run\n`);
    }
    const fresh = cp === undefined;
    cp ??= { format: CHECKPOINT_FORMAT, options: optionsJson(o), versions: versions(), shard: s.shard, stages: {} };
    if (fresh) await writeCheckpoint(dir, cp);
    started = true;

    runner = createRunner(s.workers, s.workerHeap);
    ctx = new Ctx(o, s, runner, cp);
    const range = shardRange(o.count, s.shard);
    if (!s.quiet) {
      const what = s.shard.count > 1 ? `shard ${s.shard.index}/${s.shard.count}, records ${fmtInt(range.start)}..${fmtInt(range.end - 1)} of ${fmtInt(o.count)}` : `${fmtInt(o.count)} records`;
      const again = fresh ? '' : ' (resuming)';
      ctx.progress.note(`corpus: ${what}, solvers ${o.solvers.join(', ')}, ${s.workers} worker${s.workers === 1 ? '' : 's'} -> ${dir}${again}`);
    }
    for (const plan of stages) {
      const st = ctx.cp.stages[plan.name];
      if (st?.done) {
        for (const f of plan.files) ctx.streamDone(f, await checkDoneStream(dir, f, st));
        ctx.tallies.set(plan.name, plan.kind === 'problems' ? ProblemTally.from(st.tally) : SearchTally.from(st.tally));
        continue;
      }
      const ok = plan.kind === 'problems' ? await problemsStage(ctx, plan, st) : await searchStage(ctx, plan, st);
      if (!ok) {
        const saved = Object.entries(ctx.cp.stages)
          .map(([name, v]) => `${name} ${fmtInt(v!.records)}`)
          .join(', ');
        throw new Interrupted(ctx.stopping!, saved, resumeCommand(s.argv));
      }
    }

    // stats.json, the card, then manifest.json: the manifest's presence means the corpus is complete.
    const tallies: CorpusTallies = {
      train: ctx.tallies.get('train') as ProblemTally,
      val: s.shard.index === 0 && o.valCount > 0 ? (ctx.tallies.get('val') as ProblemTally) : undefined,
      solvers: new Map(o.solvers.map((sv) => [sv, ctx!.tallies.get(sv) as SearchTally])),
    };
    const data: ManifestFile[] = [];
    for (const plan of stages) {
      for (const f of plan.files) {
        for (const p of ctx.finished.get(streamKey(f))!) data.push({ name: p.name, kind: f.kind, config: f.config, split: f.split, records: p.records, bytes: p.bytes, sha256: p.sha256 });
      }
    }
    const stats = renderStats(tallies, o.solvers, o.window);
    const files = await writeCorpusEnd(dir, versions(), optionsJson(o), data, stats, { shard: s.shard, ...range, blocks: ctx.blocks });
    rmSync(join(dir, CHECKPOINT), { force: true });
    await syncDir(dir);
    const seconds = (performance.now() - t0) / 1000;
    if (s.timings) writeFileSync(s.timings, JSON.stringify({ seconds, workers: s.workers, stages: ctx.timings }, null, 2) + '\n');
    if (!s.quiet) {
      const bytes = files.reduce((n, f) => n + f.bytes, 0);
      ctx.progress.note(`corpus: wrote ${files.length + 1} files (${(bytes / 1e6).toFixed(1)} MB) to ${dir} in ${fmtDuration(seconds)}`);
    }
    return { complete: true, alreadyComplete: false, files, seconds, timings: ctx.timings };
  } catch (err) {
    if (started && err instanceof DiskError) {
      throw new UsageError(`${err.message} (what is written so far is kept: fix this and continue with --resume)`);
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (runner) await runner.destroy();
    release();
  }
}
