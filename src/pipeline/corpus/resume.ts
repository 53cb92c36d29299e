import { fmtInt, plural } from '../../io/numbers.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { say, UsageError } from '../../io/errors.js';
import { CHECKPOINT_FORMAT, readCheckpoint, type Checkpoint, type StageState } from './checkpoint.js';
import { exists, readRegularFile } from './files.js';
import { notTheRuns } from './own.js';
import { clearFolder, refuseUsersAtRunPaths, scanFolder, type FolderContents } from './folder.js';
import { checkFiles, resumeRefused } from './integrity.js';
import { isCurrent, loadedUnlisted, MANIFEST_FORMAT, parseManifest, unlistedFiles, versions } from './manifest.js';
import { firstDifference, optionDifference, optionsJson, valueAt, type CorpusOptions, type RunOptionsJson, type RunSettings } from './options.js';
import type { PartSummary, StreamState } from './parts.js';
import { CHECKPOINT, MANIFEST, partName, streamKey, type FilePlan, type StagePlan } from './plan.js';

/** How a run starts in its folder. */
export type Start =
  /** The folder holds this very corpus, finished and checked: nothing to do. */
  | { readonly kind: 'complete' }
  /** A new run (the folder was empty, or cleared by `--force`): its first checkpoint, not yet written. */
  | { readonly kind: 'fresh'; readonly cp: Checkpoint }
  /** An unfinished run of the same options, shard and versions, continued (`--resume`). */
  | { readonly kind: 'resume'; readonly cp: Checkpoint };

/**
 * The force/resume decision, from what the folder holds: `--force` clears it; a finished corpus
 * (manifest.json) is checked and kept with `--resume`, refused otherwise; an unfinished run
 * (the checkpoint) is continued with `--resume` if it was made with the same options, shard
 * and versions, refused otherwise; files of another run are refused, and so is a user's file
 * the card of the run's `stages` would load. The caller holds the lock.
 */
export async function decideStart(o: CorpusOptions, s: RunSettings, stages: readonly StagePlan[]): Promise<Start> {
  const dir = s.out;
  const streams = stages.flatMap((st) => st.files); // what the run's card will load
  // What the folder holds, scanned once: a file of the user's at a path a run writes (README.md,
  // a link, a folder at a data file's name) is refused, whatever else the folder holds, before
  // any work. The checkpoint is read first when it is the tool's (one of another's is refused
  // here): a folder or pipe in place of a file it lists is the resume's to name.
  const contents = s.start === 'force' ? undefined : scanFolder(dir); // none with --force: it clears the folder
  const cp = contents?.ours.includes(CHECKPOINT) ? readCheckpoint(dir) : undefined;
  if (contents) refuseUsersAtRunPaths(dir, contents, cp && runFiles(cp, stages, contents.ours));
  const manifestPath = join(dir, MANIFEST);
  if (!contents) {
    await clearFolder(dir);
  } else if (await exists(manifestPath)) {
    if (s.start !== 'resume') throw new UsageError(`${dir} already holds a finished corpus (manifest.json); use another --out, or --force to overwrite it`);
    const m = parseManifest(readRegularFile(manifestPath)?.toString('utf8') ?? '', manifestPath);
    if (m === undefined) throw new UsageError(`${manifestPath} is not a countdown-traces manifest; use another --out, or --force to overwrite it`);
    if (!isCurrent(m)) {
      throw new UsageError(`${manifestPath} is of format "${String(m.format)}", from another version of countdown-traces, not "${MANIFEST_FORMAT}"; start over with --force`);
    }
    sameRun(dir, m.options, m.shard, o, s);
    await checkFiles(dir, m.files, 'the manifest', (path, problem) => new UsageError(`${path} ${problem}; ${dir} is not the corpus its manifest describes: make it again with --force`));
    // Not --force as the way out: it refuses a file of another's as well.
    const extra = unlistedFiles(dir, m)[0];
    if (extra !== undefined) throw notTheRuns(dir, extra, "where the dataset card's globs would load it with the files its manifest lists");
    rmSync(join(dir, CHECKPOINT), { force: true });
    if (!s.quiet) say(`${dir} is already complete`);
    return { kind: 'complete' };
  } else if (cp) {
    if (s.start !== 'resume') throw new UsageError(`${dir} holds an unfinished run; continue it with --resume, or start over with --force`);
    sameRun(join(dir, CHECKPOINT), cp.options, cp.shard, o, s);
    refuseUserData(dir, streams, runFiles(cp, stages, contents.ours));
    const vdiff = cp.versions === undefined ? undefined : firstDifference(cp.versions, versions());
    if (vdiff !== undefined) {
      throw new UsageError(
        `${dir} was started by other versions (${vdiff}: ${valueAt(cp.versions, vdiff)}, here ${valueAt(versions(), vdiff)}); resuming could change its bytes: rerun with those versions, or start over with --force`,
      );
    }
    return { kind: 'resume', cp };
  } else {
    refuseLeftovers(dir, streams, contents);
    if (s.start === 'resume' && !s.quiet) say(`nothing to resume in ${dir}; starting a new run`);
  }
  return { kind: 'fresh', cp: { format: CHECKPOINT_FORMAT, options: optionsJson(o), versions: versions(), shard: s.shard, stages: {} } };
}

/** Checks a recorded run against this one: same options and shard, or a one-line error. */
function sameRun(where: string, recorded: RunOptionsJson, recordedShard: unknown, o: CorpusOptions, s: RunSettings): void {
  const diff = optionDifference(recorded, optionsJson(o));
  if (diff !== undefined) throw new UsageError(`${where} was made with other options (${diff}); repeat them, or start over with --force`);
  const rs = (recordedShard ?? { index: 0, count: 1 }) as { index: number; count: number };
  if (rs.index !== s.shard.index || rs.count !== s.shard.count) {
    const source = s.shardFrom === undefined ? '' : ` (from ${s.shardFrom})`;
    throw new UsageError(`${where} holds shard ${rs.index}/${rs.count}, not ${s.shard.index}/${s.shard.count}${source}; start over with --force`);
  }
}

/**
 * A stage's record count in the checkpoint against the lines of its first stream (one per
 * record written; `tally.dropped` were counted and left out by `--fit drop`), as the
 * checkpoint lists them: call it once those files are checked against their bytes. A done
 * stage must also hold all of its records.
 */
export function checkStageRecords(dir: string, plan: StagePlan, st: StageState, tally: { readonly dropped?: number }): void {
  const lines = (st.files[streamKey(plan.files[0])]?.parts ?? []).reduce((n, p) => n + p.records, 0);
  const dropped = tally.dropped ?? 0;
  const all = plan.end - plan.start;
  const problem =
    st.records !== lines + dropped
      ? `says stage ${plan.name} holds ${plural(st.records, 'record')}${dropped > 0 ? ` (${fmtInt(dropped)} of them dropped)` : ''}; the files of ${streamKey(plan.files[0])} hold ${fmtInt(lines)}`
      : st.done && st.records !== all
        ? `says stage ${plan.name} is done with ${fmtInt(st.records)} of its ${plural(all, 'record')}`
        : undefined;
  if (problem) throw resumeRefused(join(dir, CHECKPOINT), problem);
}

/** A stream of a stage the checkpoint says is done: each of its files is read back and checked against the SHA-256 there. */
export async function checkDoneStream(dir: string, f: FilePlan, st: StageState): Promise<StreamState> {
  const done = st.files[streamKey(f)];
  const parts = (done?.parts ?? []).filter((p): p is PartSummary => p.name !== undefined);
  if (!done || parts.length === 0 || parts.length !== done.parts.length) throw resumeRefused(join(dir, CHECKPOINT), `lists no finished files of ${streamKey(f)}`);
  await checkFiles(dir, parts, 'the checkpoint', resumeRefused);
  return done;
}

/**
 * A file in a config folder that the run's card (the globs of `streams`) would load as data
 * and that is not one of `own` (`apr/train-mine.jsonl`; resuming, a file named as a run names
 * its files that this run did not write): the corpus would look finished and load it with its own.
 */
function refuseUserData(dir: string, streams: ReadonlyArray<Pick<FilePlan, 'config' | 'split' | 'ext'>>, own: ReadonlySet<string>): void {
  const loaded = loadedUnlisted(dir, streams, own)[0];
  if (loaded !== undefined) throw notTheRuns(dir, loaded, "where the dataset card's globs would load it with this run's files");
}

/**
 * The data files a stopped run wrote, by its checkpoint, of those the folder holds (`present`,
 * FolderContents.ours): every file of a done stage, by its name there; the `.partial` files the
 * checkpoint lists of the stage it was writing (the first not done); and the finished names a
 * run killed while renaming that stage's files left, which the resume takes back. A later
 * stage has written nothing. Any other file a card's glob would load is not the run's, even at
 * a name the run gives a file later (it would then delete it, or finish beside it).
 */
export function runFiles(cp: Checkpoint, stages: readonly StagePlan[], present: readonly string[]): Set<string> {
  const own = new Set<string>();
  for (const plan of stages) {
    const st = cp.stages[plan.name];
    for (const f of plan.files) {
      const parts = st?.files[streamKey(f)]?.parts ?? [];
      if (st?.done) {
        for (const part of parts) if (part.name !== undefined) own.add(part.name);
      } else {
        parts.forEach((_, i) => own.add(partName(f, i)));
        for (const name of renamedAtStop(f, parts.length, present)) own.add(name);
      }
    }
    if (!st?.done) break;
  }
  return own;
}

/**
 * Finished names of a stream that a run stopped while finishing it may have left, its
 * checkpoint listing `listed` files. A finish lists every file in the checkpoint before it
 * renames any (StageRun), so its names are of that one count (`-of-0000N`, N = `listed`), and a
 * resume takes them back one by one: an index is held as its `.partial` file or its finished
 * name, never both (a finished name beside the `.partial` of its index is not the run's). A
 * finished name of another count is not the run's, nor any while the checkpoint lists no file.
 */
function renamedAtStop(f: FilePlan, listed: number, present: readonly string[]): string[] {
  const held = new Set(present);
  return Array.from({ length: listed }, (_, i) => i).flatMap((i) => {
    const name = partName(f, i, listed);
    return held.has(name) && !held.has(partName(f, i)) ? [name] : [];
  });
}

/**
 * Files of another run in a folder a new run (a corpus or a merge) would write: refused, never
 * overwritten; and a file of the user's that the run's card (the globs of `streams`) would load.
 */
export function refuseLeftovers(dir: string, streams: ReadonlyArray<Pick<FilePlan, 'config' | 'split' | 'ext'>>, c: FolderContents = scanFolder(dir)): void {
  // Every file named as a run names them is refused below, as another run's.
  refuseUserData(dir, streams, new Set(c.ours));
  // A README.md that is not a card, or a link at a top file's name, is the user's: --force would refuse it too.
  refuseUsersAtRunPaths(dir, c);
  const first = c.taken[0];
  if (first === undefined) return;
  // --force refuses a folder holding anything else, so it is no way out here.
  if (c.unknown.length > 0) throw new UsageError(`${dir} already holds ${first} from another run, and ${c.unknown[0]}, which --force would not remove; use another --out`);
  throw new UsageError(`${dir} already holds ${first} from another run; use another --out, or --force to overwrite`);
}
