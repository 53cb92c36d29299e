import { fmtBytes, plural } from '../../io/numbers.js';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { warn } from '../../io/errors.js';
import type { RunContext, StageTiming } from './context.js';
import { syncDir } from './files.js';
import { dataFileEntry, versions, writeCorpusEnd, type ManifestFile } from './manifest.js';
import { optionsJson } from './options.js';
import { CHECKPOINT, streamKey, type StagePlan } from './plan.js';
import { fmtDuration } from './progress.js';
import { renderStats, unsolvedWarnings, type CorpusTallies } from './stats.js';

export interface CorpusResult {
  readonly complete: boolean;
  readonly alreadyComplete: boolean;
  readonly files: readonly ManifestFile[];
  readonly seconds: number;
  readonly timings: readonly StageTiming[];
}

/**
 * Every stage is done: stats.json, the card, then manifest.json (its presence means the
 * corpus is complete); the checkpoint goes, the timings are written if asked for. `t0` is
 * when the run began.
 */
export async function finishCorpus(ctx: RunContext, stages: readonly StagePlan[], tallies: CorpusTallies, range: { start: number; end: number }, t0: number): Promise<CorpusResult> {
  const { o, s, dir } = ctx;
  const data: ManifestFile[] = [];
  for (const plan of stages) {
    for (const f of plan.files) {
      for (const p of ctx.finished.get(streamKey(f))!) data.push(dataFileEntry(f, p));
    }
  }
  const stats = renderStats(tallies, o.solvers, o.window);
  const options = optionsJson(o);
  // Said even with --quiet, as search says it: a corpus a window left unsolved is no training data.
  for (const w of unsolvedWarnings(tallies, options)) warn(w, (line) => ctx.progress.always(line));
  const files = await writeCorpusEnd(dir, versions(), options, data, stats, { shard: s.shard, ...range, blocks: ctx.blocks }, ctx.faults);
  rmSync(join(dir, CHECKPOINT), { force: true });
  await syncDir(dir);
  const seconds = (performance.now() - t0) / 1000;
  if (s.timings) writeFileSync(s.timings, JSON.stringify({ seconds, workers: s.workers, stages: ctx.timings }, null, 2) + '\n');
  if (!s.quiet) {
    const bytes = files.reduce((n, f) => n + f.bytes, 0);
    ctx.progress.note(`corpus: wrote ${plural(files.length + 1, 'file')} (${fmtBytes(bytes)}) to ${dir} in ${fmtDuration(seconds)}`);
  }
  return { complete: true, alreadyComplete: false, files, seconds, timings: ctx.timings };
}
