import { createHash, type Hash } from 'node:crypto';
import { constants, statSync } from 'node:fs';
import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { describeSystemError, UsageError } from '../errors.js';
import { mkdirp } from '../mkdirp.js';
import { PARTIAL } from './plan.js';

const gzipAsync = promisify(gzip);
/** Blocks compressed or written ahead of the disk before `endBlock` waits. */
const MAX_PENDING = 4;
const GZIP_LEVEL = 6;

/** A failed system call on an output or input file (full disk, permissions, ...): one line. */
export class DiskError extends UsageError {}

/** A system error as one line naming the file, or the error itself. */
export function systemError(err: unknown, what: string): Error {
  if (err instanceof UsageError) return err;
  const described = describeSystemError(err, what);
  if (described) return new DiskError(described.message);
  return err instanceof Error ? err : new Error(String(err));
}

export interface FileSummary {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * One output file, written in blocks of whole records under `<name>.partial` and renamed to
 * its name by `finish()`. Every block is written at its own offset, in order; with gzip each
 * block is compressed (on libuv's thread pool, several at a time) into one gzip member. At
 * most `MAX_PENDING` blocks wait for the disk, so a slow disk slows the caller rather than
 * growing memory. The SHA-256 is kept up to date as bytes go out, so nothing is read twice.
 */
export class BlockFile {
  private chunks: Uint8Array[] = [];
  private queue: Promise<void>[] = [];
  private last: Promise<void> = Promise.resolve();
  private written: number;
  private failure: Error | undefined;
  /** Milliseconds spent hashing on the main thread. */
  hashMs = 0;

  private constructor(
    readonly path: string,
    readonly partial: string,
    private readonly gzip: boolean,
    private readonly fh: FileHandle,
    private readonly hash: Hash,
    bytes: number,
  ) {
    this.written = bytes;
  }

  /**
   * Opens `<dir>/<name>.partial`: empty, or (resuming) cut back to `keep` bytes, the end of
   * the last durable block, and hashed up to there.
   */
  static async open(dir: string, name: string, gzip: boolean, keep = 0): Promise<BlockFile> {
    const path = join(dir, name);
    const partial = path + PARTIAL;
    const hash = createHash('sha256');
    let fh: FileHandle;
    try {
      if (keep === 0) {
        fh = await open(partial, 'w');
      } else {
        fh = await open(partial, constants.O_RDWR);
        const size = (await fh.stat()).size;
        if (size < keep) {
          await fh.close();
          throw new UsageError(`cannot resume: ${partial} holds ${size} bytes, the checkpoint ${keep}; start over with --force`);
        }
        await fh.truncate(keep);
        const buf = Buffer.allocUnsafe(1 << 22);
        for (let at = 0; at < keep; ) {
          const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, keep - at), at);
          if (bytesRead === 0) throw new UsageError(`cannot resume: ${partial} ended early`);
          hash.update(buf.subarray(0, bytesRead));
          at += bytesRead;
        }
      }
    } catch (err) {
      throw systemError(err, `cannot write ${path}`);
    }
    return new BlockFile(path, partial, gzip, fh, hash, keep);
  }

  /** Bytes of complete blocks already written to the file. */
  get bytes(): number {
    return this.written;
  }

  /**
   * Adds bytes of the current block (whole records; the view is kept until written). Views
   * that continue the previous one in the same buffer (consecutive records of one task) are
   * merged, so a block goes out in a few large writes, not one per record.
   */
  append(bytes: Uint8Array): void {
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
    this.chunks = [];
    const prepared: Promise<readonly Uint8Array[]> = this.gzip
      ? gzipAsync(Buffer.concat(chunks), { level: GZIP_LEVEL }).then((b) => [b])
      : Promise.resolve(chunks);
    prepared.catch(() => undefined);
    const before = this.last;
    const done = (async () => {
      await before;
      if (this.failure) throw this.failure;
      await this.writeOut(await prepared);
    })();
    this.last = done.catch((err: unknown) => {
      this.failure ??= systemError(err, `cannot write ${this.path}`);
    });
    this.queue.push(this.last);
    while (this.queue.length > MAX_PENDING) await this.queue.shift();
    if (this.failure) throw this.failure;
  }

  private async writeOut(bufs: readonly Uint8Array[]): Promise<void> {
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
  }

  /** Waits until every closed block is written. Bytes of an open block are not written. */
  async flush(): Promise<void> {
    while (this.queue.length > 0) await this.queue.shift();
    if (this.failure) throw this.failure;
  }

  /** Makes the written bytes durable (they survive a machine crash, not only a process kill). */
  async sync(): Promise<void> {
    try {
      await this.fh.datasync();
    } catch (err) {
      throw systemError(err, `cannot write ${this.path}`);
    }
  }

  /** Writes the last blocks, makes them durable and gives the file its real name. */
  async finish(): Promise<FileSummary> {
    if (this.chunks.length > 0) await this.endBlock();
    await this.flush();
    await this.sync();
    await this.fh.close();
    try {
      await rename(this.partial, this.path);
    } catch (err) {
      throw systemError(err, `cannot write ${this.path}`);
    }
    return { bytes: this.written, sha256: this.hash.digest('hex') };
  }

  /** Drops the open block and closes the file, leaving `.partial` for a resume. */
  async close(): Promise<void> {
    this.chunks = [];
    await Promise.allSettled(this.queue);
    await this.fh.close().catch(() => undefined);
  }
}

/** Fsyncs a folder, so renames in it are durable. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some file systems refuse to fsync a folder; the rename is still atomic.
  }
}

/** Writes a small file atomically: under `.partial`, synced, then renamed. */
export async function writeAtomic(path: string, text: string): Promise<FileSummary> {
  const tmp = path + PARTIAL;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    throw systemError(err, `cannot write ${path}`);
  }
  return { bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Calls `each` with every chunk of a file, in order, read in large pieces; returns the size. */
export async function forEachChunk(path: string, each: (chunk: Buffer, at: number) => Promise<void> | void): Promise<number> {
  const fh = await open(path, 'r');
  let bytes = 0;
  try {
    const buf = Buffer.allocUnsafe(1 << 22);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      await each(buf.subarray(0, bytesRead), bytes);
      bytes += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return bytes;
}

/** Creates the output folder (and its parents) or fails with one line. */
export function prepareFolder(dir: string): void {
  try {
    mkdirp(dir);
    if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir}: not a folder`);
  } catch (err) {
    throw systemError(err, `cannot write ${dir}`);
  }
}
