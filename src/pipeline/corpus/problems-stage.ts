import { problemKey } from '../../core/countdown.js';
import { defaultCandidates, firstUntaken, leftoverCandidates, MAX_REJECTS, type Problem } from '../../solver/problems.js';
import { UsageError } from '../../io/errors.js';
import type { StageState } from './checkpoint.js';
import type { RunContext } from './context.js';
import { keyCodec, type KeySet, type ProblemCode } from './keys.js';
import { LineReader } from './lines.js';
import { parseRecordLine } from '../../records/read.js';
import type { ProblemsPlan } from './plan.js';
import { problemLine, type ProblemTask } from './problem-task.js';
import { recordBytes } from './result.js';
import { newTiming, runInOrder } from './schedule.js';
import { StageRun } from './stage-run.js';
import { ProblemTally } from './stats.js';

/**
 * Problems of one split: workers draw each record's first candidate, the main thread
 * de-duplicates. Gives the stage's tallies, or undefined when a signal stopped it.
 */
export async function problemsStage(ctx: RunContext, plan: ProblemsPlan, resumed: StageState | undefined): Promise<ProblemTally | undefined> {
  const { o } = ctx;
  const split = plan.name;
  const codec = keyCodec(o.spec);
  const seen = codec.newSet();
  const timing = newTiming();
  const started = performance.now();
  const stopped = () => ctx.stopping !== undefined;

  /** Record `index`'s candidates after its first (which a worker drew, and sent as its key). */
  const later = (index: number): Iterable<Problem> => {
    const stream = defaultCandidates(o.seed, split, index, o.spec);
    stream.next();
    return stream;
  };
  const take = (c: ProblemCode | Problem) => seen.add(typeof c === 'object' ? codec.code(c.nums, c.target) : c);
  const exhausted = (index: number) =>
    new UsageError(
      `${split} record ${index}: ${MAX_REJECTS} candidates in a row were duplicates; the problem space of these options is nearly exhausted (ask for fewer problems or widen the ranges)`,
    );
  /** Undefined when record `index` is its first candidate (the worker's bytes); else the problem it takes. */
  const problemAt = (index: number, first: ProblemCode): Problem | undefined => {
    const p = firstUntaken<ProblemCode | Problem>(index, first, later, take, exhausted, (i) => leftoverCandidates(o.seed, split, i, o.spec));
    return typeof p === 'object' ? p : undefined;
  };
  const task = (start: number, count: number, render: boolean): ProblemTask => ({ kind: 'problems', seed: o.seed, split, spec: o.spec, start, count, render });
  const run = (t: ProblemTask) => ctx.runner.run(t);

  // A shard draws the records before its own (without writing them) to know which are taken.
  if (plan.prefix > 0) {
    const bar = ctx.progress.stage(`${plan.name} (records before this shard)`, plan.prefix, 0);
    let done = 0;
    const ok = await runInOrder(
      { from: 0, to: plan.prefix, batch: ctx.batch('prefix'), inFlight: ctx.inFlight },
      {
        task: (s, n) => task(s, n, false),
        run,
        take: async (r) => {
          for (let k = 0; k < r.count; k++) problemAt(r.start + k, r.codes[k]!);
          done += r.count;
          bar.update(done);
        },
      },
      stopped,
      timing,
    );
    if (!ok) return undefined;
    bar.finish();
  }

  const stage = await StageRun.open(ctx, plan, resumed, ProblemTally);
  const file = stage.files[0]!;
  try {
    if (stage.records > 0) await readKeys(file.paths(), o.compress === 'gzip', stage.records, codec.code, seen);
    const bar = ctx.progress.stage(plan.name, plan.end - plan.start, stage.records);
    let done = stage.records;
    const ok = await runInOrder(
      { from: plan.start + stage.records, to: plan.end, batch: ctx.batch('problems'), inFlight: ctx.inFlight },
      {
        task: (s, n) => task(s, n, true),
        run,
        take: async (r) => {
          // Tasks made with `render` carry their records' lines.
          const packed = r.records!;
          for (let k = 0; k < r.count; k++) {
            const index = r.start + k;
            const other = problemAt(index, r.codes[k]!);
            if (other) {
              file.append(Buffer.from(problemLine(other) + '\n'), 1);
              stage.blockTally.add(other.startSize);
            } else {
              file.append(recordBytes(packed, k), 1);
              stage.blockTally.add(r.startSize[k]!);
            }
            await stage.recordDone(index);
          }
          done += r.count;
          bar.update(done);
        },
      },
      stopped,
      timing,
    );
    return await stage.end(ok, bar, started, timing);
  } catch (err) {
    await stage.abandon();
    throw err;
  }
}

/** The keys of the problems already in a (resumed) stream, back into the de-duplication set. */
async function readKeys(paths: readonly string[], gzip: boolean, records: number, code: (nums: readonly number[], t: number) => ProblemCode, seen: KeySet): Promise<void> {
  const reader = new LineReader(paths, gzip);
  try {
    let left = records;
    while (left > 0) {
      const { lines, sources } = await reader.takeFrom(Math.min(left, 10_000));
      if (lines.length === 0) throw new UsageError(`cannot resume: ${paths.at(-1)} holds fewer records than its checkpoint; start over with --force`);
      let s = 0;
      for (let k = 0; k < lines.length; k++) {
        // A batch may span two files: the line's own is named.
        while (s + 1 < sources.length && sources[s + 1]!.from <= k) s++;
        const where = sources[s]!.path;
        // Bytes the checkpoint's hashes vouch for (checked before): parsed, not validated again.
        const p = parseRecordLine(lines[k]!, where, undefined) as { nums: number[]; target: number };
        if (!seen.add(code(p.nums, p.target))) throw new UsageError(`cannot resume: ${where} repeats problem ${problemKey(p.nums, p.target)}`);
      }
      left -= lines.length;
    }
  } finally {
    reader.close();
  }
}
