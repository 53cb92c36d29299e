import { fmtBytes, fmtInt, plural } from '../../io/numbers.js';
import { createHash } from 'node:crypto';
import { constants, statSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { isCount } from '../../core/values.js';
import { say, UsageError, warn } from '../../io/errors.js';
import { checkOutputs } from '../paths.js';
import { acquireLock } from './checkpoint.js';
import { openChecked } from './integrity.js';
import { exists, NOT_REGULAR, prepareFolder, readRegularFile, syncDir, systemError } from './files.js';
import { checkConfigFolders, clearFolder, refuseUsersAtRunPaths, removeOurs, removeOursAtSignal, scanFolder } from './folder.js';
import { refuseLeftovers } from './resume.js';
import { dataFileEntry, isCurrent, MANIFEST_FORMAT, ownWindow, parseManifest, writeCorpusEnd, type Manifest, type ManifestFile } from './manifest.js';
import { firstDifference, optionDifference } from './options.js';
import { PartedFile, type Block } from './parts.js';
import { BLOCKS, CARD, CHECKPOINT, dataExt, MANIFEST, STATS, streamKey, type FilePlan } from './plan.js';
import { fmtDuration, Progress } from './progress.js';
import { ProblemTally, renderStats, talliesFromStats, unsolvedWarnings, type CorpusTallies } from './stats.js';
import { onStopSignals, signalExitCode } from '../signals.js';

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
  // A file (`merge sh/*` catching a log) is named as one, not asked about its manifest.
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) throw new UsageError(`${dir} is not a folder; merge joins the shard folders of a corpus`);
  const bytes = readRegularFile(join(dir, MANIFEST));
  if (bytes === undefined) throw new UsageError(`${dir}: no ${MANIFEST}; is this a finished shard folder? (an unfinished one continues with corpus ... --resume)`);
  const m = parseManifest(bytes.toString('utf8'), join(dir, MANIFEST));
  if (m === undefined) throw new UsageError(`${join(dir, MANIFEST)} is not a countdown-traces manifest; is this a shard folder?`);
  // Another format records its options in another shape: merged, its manifest would misstate them.
  if (!isCurrent(m)) throw new UsageError(`${dir}: manifest format "${m.format}", from another version of countdown-traces, not "${MANIFEST_FORMAT}"; make the shard again`);
  if (!m.shard) throw new UsageError(`${dir}: not a shard (its manifest has no "shard"); it is a whole corpus already`);
  return { dir, manifest: { ...m, shard: m.shard } };
}

/** A shard's files of one stream, read block by block in order, each file checked against the shard's manifest. */
class ShardStream {
  private k = -1;
  private fh: FileHandle | undefined;
  private at = 0;
  private hash = createHash('sha256');

  constructor(
    private readonly dir: string,
    private readonly files: readonly ManifestFile[],
  ) {}

  private get path(): string {
    return join(this.dir, this.files[this.k]!.name);
  }

  /** Checks the file read to its end, and opens the next one. */
  private async next(): Promise<void> {
    if (this.fh) {
      const want = this.files[this.k]!;
      // Bytes after the blocks (appended since the manifest) are never read as blocks: the file's size says so.
      const size = (await this.fh.stat()).size;
      await this.fh.close();
      this.fh = undefined;
      if (size !== want.bytes || this.at !== want.bytes || this.hash.digest('hex') !== want.sha256) {
        throw new UsageError(`${this.path} does not match its shard's manifest (size or SHA-256); make that shard again`);
      }
    }
    this.k++;
    this.at = 0;
    this.hash = createHash('sha256');
    if (this.k < this.files.length) {
      let fh: FileHandle;
      try {
        fh = await openChecked(this.path, constants.O_RDONLY);
      } catch (err) {
        throw systemError(err, `cannot read ${this.path}`);
      }
      this.fh = fh;
      // A pipe in a shard file's place would block the read for ever (the open does not wait).
      if (!(await fh.stat()).isFile()) throw new UsageError(`${this.path} ${NOT_REGULAR}`);
    }
  }

  /** The next `bytes` bytes (one block: blocks never span files). */
  async block(bytes: number): Promise<Buffer> {
    if (this.k < 0) await this.next();
    if (bytes === 0) return Buffer.alloc(0);
    while (this.k < this.files.length && this.at === this.files[this.k]!.bytes) await this.next();
    const want = this.files[this.k];
    if (!want || this.at + bytes > want.bytes) throw new UsageError(`${join(this.dir, BLOCKS)} does not match the shard's files; make that shard again`);
    const buf = Buffer.allocUnsafe(bytes);
    try {
      for (let got = 0; got < bytes; ) {
        const { bytesRead } = await this.fh!.read(buf, got, bytes - got, this.at + got);
        if (bytesRead === 0) throw new UsageError(`${this.path} is shorter than its shard's manifest says; make that shard again`);
        got += bytesRead;
      }
    } catch (err) {
      throw systemError(err, `cannot read ${this.path}`);
    }
    this.hash.update(buf);
    this.at += bytes;
    return buf;
  }

  /** Every file must have been read to its end. */
  async end(): Promise<void> {
    if (this.k < 0) await this.next();
    while (this.k < this.files.length) await this.next();
  }

  async close(): Promise<void> {
    await this.fh?.close().catch(() => undefined);
  }
}

/** A JSON file of a shard, refused as a usage error when it is not JSON (a shard cut short). */
function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON (${(err as Error).message}); make that shard again`);
  }
}

/** The text of a shard's file `name`, which its manifest lists with its SHA-256; `missing` says what an absent one means. */
function checkedText(sh: ShardDir, name: string, missing: string): string {
  const path = join(sh.dir, name);
  const bytes = readRegularFile(path);
  if (bytes === undefined) throw new UsageError(missing);
  // The bytes on disk are what the manifest hashed, not their decoding.
  const want = sh.manifest.files.find((f) => f.name === name);
  if (!want || bytes.length !== want.bytes || createHash('sha256').update(bytes).digest('hex') !== want.sha256) {
    throw new UsageError(`${path} does not match its shard's manifest; make that shard again`);
  }
  return bytes.toString('utf8');
}

function readBlocks(sh: ShardDir): Record<string, Block[]> {
  const text = checkedText(sh, BLOCKS, `${sh.dir}: no ${BLOCKS}; make that shard again with this version`);
  const doc = parseJson(text, join(sh.dir, BLOCKS)) as { streams?: unknown } | null;
  const streams = doc?.streams;
  const isBlock = (b: unknown) => Array.isArray(b) && b.length === 2 && b.every(isCount);
  if (typeof streams !== 'object' || streams === null || !Object.values(streams).every((list) => Array.isArray(list) && list.every(isBlock))) {
    throw new UsageError(`${join(sh.dir, BLOCKS)} is not {"streams": {stream: [block, ...]}}; make that shard again`);
  }
  return streams as Record<string, Block[]>;
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
  checkOutputs(job.shards.map((path) => ({ option: 'the shard folder', path })), [{ option: '--out', path: job.out }], 'a folder');
  const shards = job.shards.map(readShard).sort((a, b) => a.manifest.shard.index - b.manifest.shard.index);
  const first = shards[0]!.manifest;
  const count = first.shard.count;
  for (const sh of shards) {
    const m = sh.manifest;
    const diff = optionDifference(m.options, first.options, `${shards[0]!.dir}:`);
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
  if (shards.length !== count) throw new UsageError(`merge: expected ${plural(count, 'shard')}, got ${fmtInt(shards.length)}`);
  let next = 0;
  for (const sh of shards) {
    if (sh.manifest.shard.first_record !== next) throw new UsageError(`${sh.dir}: starts at record ${sh.manifest.shard.first_record}, expected ${next}`);
    next += sh.manifest.shard.records;
  }
  if (next !== first.options.count) throw new UsageError(`merge: the shards hold ${plural(next, 'record')}, the options say ${fmtInt(first.options.count)}`);

  // Every shard's blocks and stats are read (and checked) before the output is touched.
  const blocks = shards.map(readBlocks);
  const solvers = first.options.solvers;
  const window = ownWindow(first);
  const tallies: CorpusTallies = { train: new ProblemTally(), val: undefined, solvers: new Map() };
  for (const sh of shards) {
    // The shard's card is not carried over (the merged corpus gets its own), but a changed one says the folder was edited.
    checkedText(sh, CARD, `${sh.dir}: no ${CARD}; make that shard again`);
    const text = checkedText(sh, STATS, `${sh.dir}: no ${STATS}; make that shard again`);
    const t = talliesFromStats(text, solvers, join(sh.dir, STATS));
    tallies.train.merge(t.train);
    if (t.val) (tallies.val ??= new ProblemTally()).merge(t.val);
    for (const [s, st] of t.solvers) {
      const into = tallies.solvers.get(s);
      if (into) into.merge(st);
      else tallies.solvers.set(s, st);
    }
  }
  const dir = job.out;
  prepareFolder(dir);
  checkConfigFolders(dir);
  let release: (() => void) | undefined;
  // Once merge writes, a failure removes what it wrote (a finished split looks like a corpus),
  // and only that (a non-forced merge may share --out with files of the user's); where that
  // fails too, the lock stays, so stats and report refuse the folder.
  let stage: 'checking' | 'clearing' | 'writing' | 'complete' = 'checking';
  let keepLock = false;
  // A merge is quick to repeat: a signal ends it at once, and what it wrote goes with its lock,
  // as on a failure (a left part file made the next merge say the folder held another run's).
  // A folder --force was clearing keeps the lock (stats and report refuse it); a corpus
  // complete when the signal came stays.
  const onSignal = (signal: NodeJS.Signals) => {
    let left: string;
    if (stage === 'clearing') {
      left = `${dir} was being cleared by --force: merge again with --force`;
    } else if (stage === 'complete') {
      release?.();
      left = `${dir} was complete`;
    } else {
      try {
        if (stage === 'writing') removeOursAtSignal(dir);
        release?.();
        left = `nothing of it is left in ${dir}: merge again`;
      } catch {
        left = `what it wrote in ${dir} could not be removed: merge again with --force`;
      }
    }
    say(`merge stopped by ${signal}; ${left}`);
    process.exit(signalExitCode(signal));
  };
  // Listening before the lock is taken: a signal between the two ended the process with the lock left.
  const stopListening = onStopSignals(onSignal);
  try {
    release = acquireLock(dir);
  } catch (err) {
    stopListening();
    throw err;
  }
  try {
    // The streams of the whole corpus, in manifest order: every shard's, val only in shard 0.
    // Each is laid out again block by block, so its files split where one run splits them.
    const streams: FilePlan[] = [];
    for (const sh of shards) {
      for (const f of sh.manifest.files) {
        if (f.config === undefined || f.split === undefined || streams.some((x) => x.config === f.config && x.split === f.split)) continue;
        streams.push({ config: f.config, split: f.split, kind: f.kind as FilePlan['kind'], ext: dataExt({ compress: first.options.compress }) });
      }
    }
    const contents = job.force ? undefined : scanFolder(dir); // none with --force: it clears the folder
    if (contents) refuseUsersAtRunPaths(dir, contents);
    if (!contents) {
      stage = 'clearing';
      await clearFolder(dir);
    } else if (await exists(join(dir, MANIFEST))) {
      throw new UsageError(`${dir} already holds a finished corpus (manifest.json); use another --out, or --force to overwrite it`);
    } else if (await exists(join(dir, CHECKPOINT))) {
      throw new UsageError(`${dir} holds an unfinished corpus run (${CHECKPOINT}); use another --out, or --force to replace it`);
    } else {
      refuseLeftovers(dir, streams, contents);
    }
    stage = 'writing';
    const maxBytes = first.options.max_file_size;
    const progress = new Progress(job.quiet, process.stderr, 'merge');
    const data: ManifestFile[] = [];
    for (const f of streams) {
      const key = streamKey(f);
      const out = await PartedFile.open(dir, f, { gzip: false, maxBytes, keepBlocks: false });
      const holding = (sh: ShardDir) => sh.manifest.files.filter((x) => x.config === f.config && x.split === f.split);
      // Counted in shards that hold the stream: val is in shard 0 alone.
      const bar = progress.stage(key, shards.filter((sh) => holding(sh).length > 0).length, 0, 'shards');
      let joined = 0;
      try {
        for (const [k, sh] of shards.entries()) {
          const files = holding(sh);
          if (files.length === 0) continue;
          const list = blocks[k]![key];
          if (!list) throw new UsageError(`${join(sh.dir, BLOCKS)} has no blocks of ${key}; make that shard again`);
          const src = new ShardStream(sh.dir, files);
          try {
            for (const [bytes, lines] of list) {
              out.append(await src.block(bytes), lines);
              await out.endBlock();
            }
            await src.end();
          } finally {
            await src.close();
          }
          bar.update(++joined);
        }
        const { parts } = await (await out.seal()).rename();
        for (const p of parts) data.push(dataFileEntry(f, p));
      } catch (err) {
        await out.close();
        throw err;
      }
      bar.finish();
    }
    await syncDir(dir);

    const v = { tool: first.tool, runtime: first.runtime, dependencies: first.dependencies };
    const files = await writeCorpusEnd(dir, v, first.options, data, renderStats(tallies, solvers, window));
    stage = 'complete';
    await syncDir(dir);
    // The whole corpus's, which no shard could say of itself.
    for (const w of unsolvedWarnings(tallies, first.options)) warn(w, (line) => progress.always(line));
    const seconds = (performance.now() - t0) / 1000;
    if (!job.quiet) {
      const total = files.reduce((n, f) => n + f.bytes, 0);
      progress.note(`merge: joined ${plural(shards.length, 'shard')} into ${dir} (${plural(files.length + 1, 'file')}, ${fmtBytes(total)}) in ${fmtDuration(seconds)}`);
    }
    return { files, seconds };
  } catch (err) {
    if (stage === 'writing' || stage === 'complete') {
      try {
        await removeOurs(dir);
      } catch {
        keepLock = true;
      }
    }
    throw err;
  } finally {
    stopListening();
    if (!keepLock) release();
  }
}
