import { createHash, type Hash } from 'node:crypto';
import { constants, existsSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { mkdirp } from '../mkdirp.js';
import { openNew, syncDir, systemError } from './files.js';
import { checkConfigFolder } from './folder.js';
import { covered, digestSoFar, openChecked, readCovered, resumeRefused } from './integrity.js';
import { NOT_REGULAR } from './files.js';
import { parsePartName, partName, streamKey, type FilePlan } from './plan.js';
import type { Faults } from './faults.js';

const gzipAsync = promisify(gzip);
/** Blocks compressed or written ahead of the disk before `endBlock` waits. */
const MAX_PENDING = 4;
const GZIP_LEVEL = 6;

/**
 * One file of a stream: its bytes, lines and their SHA-256 (of the file's bytes so far, for the
 * open one); a finished stream's files also have their name.
 */
export interface PartState {
  readonly bytes: number;
  readonly records: number;
  readonly sha256: string;
  readonly name?: string;
}

/** A block as written: its bytes (compressed, with gzip) and its lines. */
export type Block = readonly [bytes: number, records: number];

/**
 * How far a stream is written (in the checkpoint): its files in order, the last one open,
 * and, for a shard, every block's size (so that `merge` splits the joined stream where an
 * unsharded run splits it).
 */
export interface StreamState {
  readonly parts: readonly PartState[];
  readonly blocks?: readonly Block[];
}

export interface PartSummary {
  readonly name: string;
  readonly bytes: number;
  readonly records: number;
  readonly sha256: string;
}

/** A stream with every byte written and durable, its files closed and not yet renamed. */
export interface SealedStream {
  /** Its files as a checkpoint lists them (every one closed). */
  readonly state: StreamState;
  /** Gives every file its final name, in index order. */
  rename(): Promise<FinishedStream>;
}

/** A stream's files under their final names, as a checkpoint lists a done stage's. */
export interface FinishedStream extends StreamState {
  readonly parts: readonly PartSummary[];
}

/** A stream read back and checked against its checkpoint, nothing on disk changed yet. */
export interface CheckedStream {
  /** Cuts the stream back to the checkpoint and opens it for writing. */
  apply(): Promise<PartedFile>;
  /** Drops it unchanged (another stream of the stage was refused). */
  close(): Promise<void>;
}

export interface PartedOptions {
  /** Compress each block into one gzip member (false: the blocks are written as given). */
  readonly gzip: boolean;
  /** Largest file in bytes; 0: one file. */
  readonly maxBytes: number;
  /** Keep every block's size (shards). */
  readonly keepBlocks: boolean;
  /** Tests only: told when a new file of the stream is opened. */
  readonly faults?: Faults | undefined;
}

/** Whether a block of `block` bytes starts a new file after `written` bytes: the split rule, in one place. */
function startsNewFile(written: number, block: number, maxBytes: number): boolean {
  return maxBytes > 0 && written > 0 && written + block > maxBytes;
}

/**
 * One stream of records (a split of a config) written in blocks of whole records, as
 * numbered files of at most `maxBytes`: a block goes into the current file unless it would
 * take that file over the bound, then it starts the next one (a file holds whole blocks, so
 * it is larger than the bound only when one block alone is). Where files split therefore
 * depends only on the blocks' bytes, never on workers or timing. Files are written under
 * `<split>-NNNNN<ext>.partial` and renamed to `<split>-NNNNN-of-MMMMM<ext>` once their count
 * is known: `seal()`, then its `rename()`. Blocks are written in order, each at its own offset; with gzip
 * each is compressed (on libuv's thread pool, several at a time) into one gzip member. At
 * most `MAX_PENDING` blocks wait for the disk, so a slow disk slows the caller rather than
 * growing memory. SHA-256s are kept up to date as bytes go out, so nothing is read twice.
 */
export class PartedFile {
  private chunks: Uint8Array[] = [];
  private chunkLines = 0;
  private queue: Promise<void>[] = [];
  private last: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  /** Closed files of the stream, in order. */
  private readonly closed: PartSummary[] = [];
  /** Milliseconds spent hashing on the main thread. */
  hashMs = 0;

  private constructor(
    private readonly dir: string,
    readonly plan: FilePlan,
    private readonly o: PartedOptions,
    private fh: FileHandle,
    private hash: Hash,
    private written: number,
    private lines: number,
    private readonly blocks: Block[] | undefined,
  ) {}

  private path(index: number): string {
    return join(this.dir, partName(this.plan, index));
  }

  /**
   * Opens the stream in `dir` empty, or (resuming) as the checkpoint left it: `check`, then
   * `apply` at once. A stage with several streams checks them all before it applies any.
   */
  static async open(dir: string, plan: FilePlan, o: PartedOptions, resumed?: StreamState): Promise<PartedFile> {
    return (await PartedFile.check(dir, plan, o, resumed)).apply();
  }

  /**
   * Reads the stream back as the checkpoint left it, changing nothing on disk: every byte the
   * checkpoint covers (its closed files, and the open one up to its last durable block) is
   * read and checked against the SHA-256s there, a changed one refused naming its file.
   * `apply` then makes the changes: files of the stream the checkpoint does not know (written
   * after it) are deleted, files a finishing run had already renamed are taken back, the open
   * file is cut back to that block's end, and its running hash goes on.
   */
  static async check(dir: string, plan: FilePlan, o: PartedOptions, resumed?: StreamState): Promise<CheckedStream> {
    const parts = resumed?.parts ?? [];
    const at = (index: number) => join(dir, partName(plan, index));
    const folder = join(dir, plan.config);
    checkConfigFolder(folder); // checked before the run too (checkConfigFolders); here again, as it may have changed
    // What the folder holds of the stream, by index: its .partial file, else its finished one.
    const strays: string[] = [];
    const partial = new Map<number, string>();
    const finished = new Map<number, string>();
    let names: string[];
    try {
      names = existsSync(folder) ? readdirSync(folder).sort() : [];
    } catch (err) {
      throw systemError(err, `cannot read ${folder}`);
    }
    for (const name of names) {
      const p = parsePartName(plan, name);
      if (!p) continue;
      const path = join(folder, name);
      // Of unfinished names only the stream's own (`train-00000.jsonl.partial`); another
      // (`train-0.jsonl.partial`, no name the run gives and no file the card loads) is left alone, at any index.
      if (!p.finished && path !== at(p.index)) continue;
      // Of finished names only those of the listed count, as a stopped finish leaves them (it lists
      // every file before it renames any; runFiles takes the same, and the run refused any other first).
      if (p.finished && path !== join(dir, partName(plan, p.index, parts.length))) continue;
      // Past the checkpoint: deleted.
      if (p.index >= parts.length) strays.push(path);
      else if (p.finished) finished.set(p.index, path);
      else partial.set(p.index, path);
    }
    // Taken back (a finishing run renamed them) or, beside a .partial of the same index, deleted.
    const renames = [...finished].map(([i, path]) => ({ path, to: partial.has(i) ? undefined : at(i) }));
    const apply = async (fh: FileHandle | undefined, last?: { bytes: number; records: number; hash: Hash; closed: PartSummary[] }): Promise<PartedFile> => {
      let current = folder;
      try {
        mkdirp(folder);
        for (const path of strays) await rm((current = path), { force: true });
        for (const r of renames) {
          current = r.path;
          if (r.to === undefined) await rm(r.path, { force: true });
          else await rename(r.path, r.to);
        }
        if (!last) {
          current = at(0);
          fh = await openNew(current);
          return new PartedFile(dir, plan, o, fh, createHash('sha256'), 0, 0, o.keepBlocks ? [] : undefined);
        }
        current = at(parts.length - 1);
        await fh!.truncate(last.bytes);
        const f = new PartedFile(dir, plan, o, fh!, last.hash, last.bytes, last.records, o.keepBlocks ? [...(resumed?.blocks ?? [])] : undefined);
        f.closed.push(...last.closed);
        return f;
      } catch (err) {
        await fh?.close().catch(() => undefined);
        throw systemError(err, `cannot write ${current}`);
      }
    };
    if (parts.length === 0) return { apply: () => apply(undefined), close: async () => undefined };
    let fh: FileHandle | undefined;
    let current = folder;
    // The open file is opened for writing: a failure to open it is a failure to write.
    let verb: 'read' | 'write' = 'read';
    try {
      const closed: PartSummary[] = [];
      let hash: Hash | undefined;
      for (let i = 0; i < parts.length; i++) {
        const want = parts[i]!;
        const last = i === parts.length - 1;
        const path = partial.get(i) ?? finished.get(i);
        if (path === undefined) throw resumeRefused(at(i), 'is missing');
        current = path;
        // Asked before it is opened: a folder in its place cannot be opened for writing.
        if (!statSync(path).isFile()) throw resumeRefused(path, NOT_REGULAR);
        verb = last ? 'write' : 'read';
        fh = await openChecked(path, last ? constants.O_RDWR : constants.O_RDONLY);
        verb = 'read';
        const got = await readCovered(fh, covered(want), !last, 'the checkpoint', plan.ext.endsWith('.gz'));
        if (got.problem) throw resumeRefused(path, got.problem);
        hash = got.hash;
        if (last) break;
        closed.push({ name: partName(plan, i), bytes: want.bytes, records: want.records, sha256: want.sha256 });
        await fh.close();
        fh = undefined;
      }
      const open_ = parts[parts.length - 1]!;
      const held = fh!;
      return { apply: () => apply(held, { bytes: open_.bytes, records: open_.records, hash: hash!, closed }), close: () => held.close() };
    } catch (err) {
      await fh?.close().catch(() => undefined);
      throw systemError(err, `cannot ${verb} ${current}`);
    }
  }

  /** The files written so far (their names while the stream is written), in order. */
  paths(): string[] {
    return Array.from({ length: this.closed.length + 1 }, (_, i) => this.path(i));
  }

  /**
   * Adds bytes of the current block (whole records, `lines` of them; the view is kept until
   * written). Views that continue the previous one in the same buffer (consecutive records of
   * one task) are merged, so a block goes out in a few large writes, not one per record.
   */
  append(bytes: Uint8Array, lines: number): void {
    this.chunkLines += lines;
    if (bytes.length === 0) return;
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.buffer === bytes.buffer && last.byteOffset + last.length === bytes.byteOffset) {
      this.chunks[this.chunks.length - 1] = new Uint8Array(last.buffer, last.byteOffset, last.length + bytes.length);
    } else {
      this.chunks.push(bytes);
    }
  }

  /** Closes the current block: it is compressed (gzip) and written after the blocks before it. */
  async endBlock(): Promise<void> {
    if (this.failure) throw this.failure;
    const chunks = this.chunks;
    const lines = this.chunkLines;
    this.chunks = [];
    this.chunkLines = 0;
    const prepared: Promise<readonly Uint8Array[]> = this.o.gzip
      ? gzipAsync(Buffer.concat(chunks), { level: GZIP_LEVEL }).then((b) => [b])
      : Promise.resolve(chunks);
    prepared.catch(() => undefined);
    const before = this.last;
    const done = (async () => {
      await before;
      if (this.failure) throw this.failure;
      await this.writeOut(await prepared, lines);
    })();
    this.last = done.catch((err: unknown) => {
      this.failure ??= systemError(err, `cannot write ${this.path(this.closed.length)}`);
    });
    this.queue.push(this.last);
    while (this.queue.length > MAX_PENDING) await this.queue.shift();
    if (this.failure) throw this.failure;
  }

  private async writeOut(bufs: readonly Uint8Array[], lines: number): Promise<void> {
    let size = 0;
    for (const b of bufs) size += b.length;
    if (startsNewFile(this.written, size, this.o.maxBytes)) await this.nextFile();
    const t0 = performance.now();
    for (const b of bufs) this.hash.update(b);
    this.hashMs += performance.now() - t0;
    // One vectored write for the block; should the system write less, the rest piece by piece.
    let done = bufs.length === 0 ? 0 : (await this.fh.writev(bufs as Uint8Array[], this.written)).bytesWritten;
    this.written += done;
    for (const b of bufs) {
      if (done >= b.length) {
        done -= b.length;
        continue;
      }
      for (let at = done; at < b.length; ) {
        const { bytesWritten } = await this.fh.write(b, at, b.length - at, this.written);
        at += bytesWritten;
        this.written += bytesWritten;
      }
      done = 0;
    }
    this.lines += lines;
    this.blocks?.push([size, lines]);
  }

  /** The current file is full: it is made durable and closed, and the next one opened. */
  private async nextFile(): Promise<void> {
    await this.fh.datasync();
    await this.fh.close();
    const index = this.closed.length;
    this.closed.push({ name: partName(this.plan, index), bytes: this.written, records: this.lines, sha256: this.hash.digest('hex') });
    this.fh = await openNew(this.path(index + 1));
    await syncDir(join(this.dir, this.plan.config));
    this.hash = createHash('sha256');
    this.written = 0;
    this.lines = 0;
    this.o.faults?.at(`file:${streamKey(this.plan)}:${index + 1}`);
  }

  /** Waits until every closed block is written. Bytes of an open block are not written. */
  async flush(): Promise<void> {
    while (this.queue.length > 0) await this.queue.shift();
    if (this.failure) throw this.failure;
  }

  /**
   * Makes the written bytes durable (they survive a machine crash, not only a process kill).
   * It waits its turn after the blocks already closed, so it never meets the current file
   * being closed for the next one (a full file is synced before it is closed).
   */
  async sync(): Promise<void> {
    const synced = this.last.then(() => this.fh.datasync());
    this.last = synced.catch(() => undefined);
    try {
      await synced;
    } catch (err) {
      throw systemError(err, `cannot write ${this.path(this.closed.length)}`);
    }
  }

  /** What is written (after `flush()`): every file's bytes, lines and SHA-256, the last one open. */
  state(): StreamState {
    const parts: PartState[] = this.closed.map((p) => ({ bytes: p.bytes, records: p.records, sha256: p.sha256 }));
    parts.push({ bytes: this.written, records: this.lines, sha256: digestSoFar(this.hash) });
    return this.blocks ? { parts, blocks: [...this.blocks] } : { parts };
  }

  /**
   * Writes the last blocks, makes them durable and closes the last file: the stream's files are
   * then known, still under their `.partial` names, and `rename` gives them their final ones.
   */
  async seal(): Promise<SealedStream> {
    if (this.chunks.length > 0) await this.endBlock();
    await this.flush();
    await this.sync();
    await this.fh.close();
    const all = [...this.closed, { name: '', bytes: this.written, records: this.lines, sha256: this.hash.digest('hex') }];
    const state: StreamState = { parts: all.map(({ bytes, records, sha256 }) => ({ bytes, records, sha256 })), ...(this.blocks ? { blocks: [...this.blocks] } : {}) };
    return { state, rename: () => this.renameAll(all) };
  }

  /** Gives every file its final name (`-of-N`, N the count of `all`), in index order. */
  private async renameAll(all: readonly PartSummary[]): Promise<FinishedStream> {
    const parts: PartSummary[] = [];
    try {
      for (const [i, p] of all.entries()) {
        const name = partName(this.plan, i, all.length);
        await rename(this.path(i), join(this.dir, name));
        parts.push({ ...p, name });
        this.o.faults?.at(`renamed:${streamKey(this.plan)}:${i}`);
      }
    } catch (err) {
      throw systemError(err, `cannot write ${join(this.dir, this.plan.config)}`);
    }
    await syncDir(join(this.dir, this.plan.config));
    return this.blocks ? { parts, blocks: [...this.blocks] } : { parts };
  }

  /** Drops the open block and closes the file, leaving the `.partial` files for a resume. */
  async close(): Promise<void> {
    this.chunks = [];
    this.chunkLines = 0;
    await Promise.allSettled(this.queue);
    await this.fh.close().catch(() => undefined);
  }
}
