import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { describeSystemError, UsageError } from '../../io/errors.js';
import { mkdirp } from '../mkdirp.js';
import { checkNamed } from '../paths.js';
import { PARTIAL } from './plan.js';

/** A failed system call on an output or input file (full disk, permissions, ...): one line. */
export class DiskError extends UsageError {}

/** What a corpus's file is when something else has its name. */
export const NOT_REGULAR = 'is not a regular file but a folder, pipe or device (move it away)';

/**
 * Whether a corpus's file name holds a regular file, or nothing (reading it then says it is
 * missing): a pipe in its place would block a read for ever, a link to /dev/zero never end.
 */
export function regularOrAbsent(path: string): boolean {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st === undefined || st.isFile();
  } catch (err) {
    // A file where a folder should be (`merge sh/*` catching a log file): nothing there.
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return true;
    throw describeSystemError(err, `cannot read ${path}`) ?? err;
  }
}

/**
 * A corpus's file read whole (manifest.json, stats.json, a checkpoint, a lock's marker);
 * undefined when there is none; refused when it is not a regular file. Opened without waiting
 * and checked by what was opened, so a pipe put there meanwhile cannot block the read.
 */
export function readRegularFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    // Nothing there, or a file where a folder should be (`merge sh/*` catching a log file).
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw describeSystemError(err, `cannot read ${path}`) ?? err;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`${path} ${NOT_REGULAR}`);
    return readFileSync(fd);
  } catch (err) {
    throw describeSystemError(err, `cannot read ${path}`) ?? err;
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bytes of a regular file (refused when it is not one); undefined when it is gone. */
export function headOf(path: string, n: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) throw new UsageError(`${path} ${NOT_REGULAR}`);
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw systemError(err, `cannot read ${path}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Whether `bytes` begin with `lead`, or are cut short within it: how a file the tool writes
 * in pieces (a lock, a `.partial` file, a data file) is told to be its own by its first bytes.
 */
export function leads(bytes: Buffer, lead: string | Buffer): boolean {
  const want = Buffer.from(lead);
  const n = Math.min(bytes.length, want.length);
  return bytes.subarray(0, n).equals(want.subarray(0, n));
}

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

/**
 * Opens a file to be written from nothing: whatever stands at its name (a symbolic or hard
 * link a user left there, a killed run's file) is removed first, never written through.
 */
export async function openNew(path: string): Promise<FileHandle> {
  await rm(path, { force: true });
  return open(path, 'wx');
}

/** Writes a small file atomically: under `.partial`, synced, then renamed. */
export async function writeAtomic(path: string, text: string): Promise<FileSummary> {
  const tmp = path + PARTIAL;
  try {
    const fh = await openNew(tmp);
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

/** Creates the output folder (and its parents) or fails with one line. */
export function prepareFolder(dir: string): void {
  checkNamed({ option: '--out', path: dir }, 'a folder');
  try {
    mkdirp(dir);
    if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir}: not a folder`);
  } catch (err) {
    throw systemError(err, `cannot write ${dir}`);
  }
}
