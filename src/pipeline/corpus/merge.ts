import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { SolverName } from '../../solver/strategies.js';
import { UsageError } from '../errors.js';
import { acquireLock } from './checkpoint.js';
import { exists, forEachChunk, prepareFolder, syncDir, systemError, writeAtomic } from './files.js';
import { buildManifest, type Manifest, type ManifestFile } from './manifest.js';
import { firstDifference } from './options.js';
import { CHECKPOINT, MANIFEST, PARTIAL, STATS } from './plan.js';
import { fmtDuration, Progress } from './progress.js';
import { ProblemTally, renderStats, talliesFromStats, type CorpusTallies } from './stats.js';

export interface MergeJob {
  readonly shards: readonly string[];
  readonly out: string;
  readonly force: boolean;
  readonly quiet: boolean;
}

interface ShardDir {
  readonly dir: string;
  readonly manifest: Manifest & { shard: NonNullable<Manifest['shard']> };
}

function readShard(dir: string): ShardDir {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), 'utf8');
  } catch {
    throw new UsageError(`${dir}: no ${MANIFEST}; is this a finished shard folder? (an unfinished one continues with corpus ... --resume)`);
  }
  const m = JSON.parse(text) as Manifest;
  if (!m.shard) throw new UsageError(`${dir}: not a shard (its manifest has no "shard"); it is a whole corpus already`);
  return { dir, manifest: m as ShardDir['manifest'] };
}

/** Copies `src` to the end of `out`, checking the source's size and SHA-256 against its manifest. */
async function append(out: import('node:fs/promises').FileHandle, at: number, src: string, want: ManifestFile, into: ReturnType<typeof createHash>): Promise<number> {
  const check = createHash('sha256');
  let bytes: number;
  try {
    bytes = await forEachChunk(src, async (chunk, offset) => {
      check.update(chunk);
      into.update(chunk);
      for (let k = 0; k < chunk.length; ) k += (await out.write(chunk, k, chunk.length - k, at + offset + k)).bytesWritten;
    });
  } catch (err) {
    throw systemError(err, `cannot copy ${src} into the merged corpus`);
  }
  if (bytes !== want.bytes || check.digest('hex') !== want.sha256) {
    throw new UsageError(`${src} does not match its shard's manifest (size or SHA-256); make that shard again`);
  }
  return bytes;
}

/**
 * Joins the folders of shards 0..N-1 of one corpus into the folder an unsharded run would
 * have written, byte for byte: data files are concatenated in shard order (shards hold whole
 * blocks, so gzip members line up), val comes from shard 0, stats.json is rendered from the
 * summed tallies and the manifest is written last.
 */
export async function mergeShards(job: MergeJob): Promise<{ files: ManifestFile[]; seconds: number }> {
  const t0 = performance.now();
  if (job.shards.length === 0) throw new UsageError('merge: name the shard folders');
  const shards = job.shards.map(readShard).sort((a, b) => a.manifest.shard.index - b.manifest.shard.index);
  const first = shards[0]!.manifest;
  const count = first.shard.count;
  for (const sh of shards) {
    const m = sh.manifest;
    if (m.format !== first.format) throw new UsageError(`${sh.dir}: manifest format "${m.format}", not "${first.format}"`);
    const diff = firstDifference(m.options, first.options);
    if (diff !== undefined) throw new UsageError(`${sh.dir} was made with other options than ${shards[0]!.dir} (${diff})`);
    const vdiff = firstDifference({ tool: m.tool, runtime: m.runtime, dependencies: m.dependencies }, { tool: first.tool, runtime: first.runtime, dependencies: first.dependencies });
    if (vdiff !== undefined) throw new UsageError(`${sh.dir} was made by other versions than ${shards[0]!.dir} (${vdiff}); make every shard with the same install`);
    if (m.shard.count !== count) throw new UsageError(`${sh.dir} is a shard of ${m.shard.count}, ${shards[0]!.dir} of ${count}`);
  }
  const indices = shards.map((s) => s.manifest.shard.index);
  for (let i = 0; i < count; i++) {
    const n = indices.filter((x) => x === i).length;
    if (n === 0) throw new UsageError(`merge: shard ${i}/${count} is missing`);
    if (n > 1) throw new UsageError(`merge: shard ${i}/${count} is given ${n} times`);
  }
  if (shards.length !== count) throw new UsageError(`merge: expected ${count} shards, got ${shards.length}`);
  let next = 0;
  for (const sh of shards) {
    if (sh.manifest.shard.first_record !== next) throw new UsageError(`${sh.dir}: starts at record ${sh.manifest.shard.first_record}, expected ${next}`);
    next += sh.manifest.shard.records;
  }
  if (next !== first.options.count) throw new UsageError(`merge: the shards hold ${next} records, the options say ${String(first.options.count)}`);

  const dir = job.out;
  prepareFolder(dir);
  const release = acquireLock(dir);
  try {
    if (await exists(join(dir, MANIFEST))) {
      if (!job.force) throw new UsageError(`${dir} already holds a finished corpus (manifest.json); use another --out, or --force to overwrite it`);
      rmSync(join(dir, MANIFEST), { force: true });
    }
    rmSync(join(dir, CHECKPOINT), { force: true });
    // The files of the whole corpus, in manifest order: every shard's, val only in shard 0.
    const names = first.files.filter((f) => f.kind !== 'stats').map((f) => f.name);
    for (const sh of shards.slice(1)) {
      for (const f of sh.manifest.files) if (f.kind !== 'stats' && !names.includes(f.name)) names.push(f.name);
    }
    const progress = new Progress(job.quiet);
    const files: ManifestFile[] = [];
    for (const name of names) {
      const path = join(dir, name);
      const hash = createHash('sha256');
      let out;
      try {
        out = await open(path + PARTIAL, 'w');
      } catch (err) {
        throw systemError(err, `cannot write ${path}`);
      }
      let bytes = 0;
      let records = 0;
      let kind: ManifestFile['kind'] = 'records';
      const bar = progress.stage(name, shards.length, 0);
      try {
        for (const [k, sh] of shards.entries()) {
          const want = sh.manifest.files.find((f) => f.name === name);
          if (!want) continue;
          kind = want.kind;
          try {
            bytes += await append(out, bytes, join(sh.dir, name), want, hash);
          } catch (err) {
            throw systemError(err, `cannot write ${path}`);
          }
          records += want.records;
          bar.update(k + 1);
        }
        await out.datasync();
        await out.close();
        await rename(path + PARTIAL, path);
      } catch (err) {
        await out.close().catch(() => undefined);
        rmSync(path + PARTIAL, { force: true });
        throw systemError(err, `cannot write ${path}`);
      }
      bar.finish();
      files.push({ name, kind, records, bytes, sha256: hash.digest('hex') });
    }
    await syncDir(dir);

    const solvers = (first.options.solvers ?? []) as SolverName[];
    const window = Number((first.options.records as { window?: number } | undefined)?.window ?? 4096);
    const tallies: CorpusTallies = { train: new ProblemTally(), val: undefined, solvers: new Map() };
    for (const sh of shards) {
      const text = readFileSync(join(sh.dir, STATS), 'utf8');
      const want = sh.manifest.files.find((f) => f.name === STATS);
      if (!want || createHash('sha256').update(text).digest('hex') !== want.sha256) {
        throw new UsageError(`${join(sh.dir, STATS)} does not match its shard's manifest; make that shard again`);
      }
      const t = talliesFromStats(text, solvers, join(sh.dir, STATS));
      tallies.train.merge(t.train);
      if (t.val) (tallies.val ??= new ProblemTally()).merge(t.val);
      for (const [s, st] of t.solvers) {
        const into = tallies.solvers.get(s);
        if (into) into.merge(st);
        else tallies.solvers.set(s, st);
      }
    }
    const stats = await writeAtomic(join(dir, STATS), renderStats(tallies, solvers, window));
    files.push({ name: STATS, kind: 'stats', records: 0, bytes: stats.bytes, sha256: stats.sha256 });
    await writeAtomic(join(dir, MANIFEST), buildManifest({ tool: first.tool, runtime: first.runtime, dependencies: first.dependencies }, first.options, files));
    await syncDir(dir);
    const seconds = (performance.now() - t0) / 1000;
    if (!job.quiet) {
      const total = files.reduce((n, f) => n + f.bytes, 0);
      progress.note(`merge: joined ${shards.length} shards into ${dir} (${files.length + 1} files, ${(total / 1e6).toFixed(1)} MB) in ${fmtDuration(seconds)}`);
    }
    return { files, seconds };
  } finally {
    release();
  }
}
