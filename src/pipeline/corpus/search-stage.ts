import { join } from 'node:path';
import { UsageError } from '../../io/errors.js';
import type { StageState } from './checkpoint.js';
import type { RunContext } from './context.js';
import { LineReader } from './lines.js';
import type { SearchPlan } from './plan.js';
import { figuresAt, recordBytes } from './result.js';
import { newTiming, runInOrder } from './schedule.js';
import { StageRun } from './stage-run.js';
import { SearchTally } from './stats.js';
import type { SearchTask } from './tasks.js';

/**
 * Search records and training sequences of one solver, from the train problems file. Gives
 * the stage's tallies, or undefined when a signal stopped it.
 */
export async function searchStage(ctx: RunContext, plan: SearchPlan, resumed: StageState | undefined): Promise<SearchTally | undefined> {
  const { o } = ctx;
  const solver = plan.name;
  const settings = o.settings[solver]!;
  const timing = newTiming();
  const started = performance.now();
  const stage = await StageRun.open(ctx, plan, resumed, SearchTally);
  const train = (ctx.finished.get('problems/train') ?? []).map((p) => join(ctx.dir, p.name));
  const reader = new LineReader(train, o.compress === 'gzip');
  try {
    await reader.skip(stage.records);
    const bar = ctx.progress.stage(solver, plan.end - plan.start, stage.records);
    let done = stage.records;
    const recordsFile = stage.files[0]!;
    const seqFile = stage.files[1]!;
    const ok = await runInOrder(
      { from: plan.start + stage.records, to: plan.end, batch: ctx.batch(solver), inFlight: ctx.inFlight },
      {
        task: async (start, count): Promise<SearchTask> => {
          const { lines, sources } = await reader.takeFrom(count);
          if (lines.length !== count) throw new UsageError(`${train.at(-1) ?? ctx.dir} ends before --count problems; start over with --force`);
          return { kind: 'search', seed: o.seed, settings, start, lines, sources };
        },
        run: (t) => ctx.runner.run(t),
        take: async (r) => {
          for (let k = 0; k < r.count; k++) {
            const index = r.start + k;
            // The open block's tallies: a new object after each block closes.
            const tally = stage.blockTally;
            tally.addOutcome(r.outOfBudget[k] === 1, r.dropped[k] === 1);
            if (r.dropped[k] !== 1) {
              const seqFrom = k === 0 ? 0 : r.seqEnds[k - 1]!;
              recordsFile.append(recordBytes(r.records, k), 1);
              seqFile.append(recordBytes(r.sequences, k), r.seqEnds[k]! - seqFrom);
              tally.addRecord(r.startSize[k]!, r.solved[k] === 1, r.children[k]!, figuresAt(r.figures, k));
              for (let q = seqFrom; q < r.seqEnds[k]!; q++) tally.addSequence(r.seqTokens[q]!, r.seqKind[q] === 1, r.startSize[k]!);
            }
            await stage.recordDone(index);
          }
          done += r.count;
          bar.update(done);
        },
      },
      () => ctx.stopping !== undefined,
      timing,
    );
    return await stage.end(ok, bar, started, timing);
  } catch (err) {
    await stage.abandon();
    throw err;
  } finally {
    reader.close();
  }
}
