import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { systemError } from './files.js';
import { fmtInt } from './progress.js';

/**
 * What a run knows of its files' bytes, and how it checks them. Every file is hashed as its
 * bytes go out (a running SHA-256, of the bytes on disk: compressed ones with gzip), so a
 * checkpoint can say, at no cost, the SHA-256 of every finished file and of the prefix of
 * each open one that it covers; resuming reads those bytes back once and refuses, naming the
 * file, any that changed since, before it cuts a file back or writes a byte.
 */

/** The bytes of a file a checkpoint or manifest vouches for (all of it, or its first `bytes`), and their SHA-256. */
export interface Covered {
  readonly bytes: number;
  readonly sha256: string;
}

/** The digest of what a running hash has taken so far; the hash goes on taking bytes. */
export function digestSoFar(hash: Hash): string {
  return hash.copy().digest('hex');
}

/**
 * Reads the bytes `want` covers of an open file once (in large pieces, so memory stays flat)
 * and checks them: the file must be exactly that long (`whole`) or at least that long, and
 * those bytes must have `want.sha256`. Returns the running hash over them (an open file goes on
 * from it) and, when they do not match, what is wrong, as words to follow the file's name;
 * `by` names what vouched for them ("the checkpoint").
 */
export async function readCovered(fh: FileHandle, want: Covered, whole: boolean, by: string): Promise<{ hash: Hash; problem: string | undefined }> {
  const hash = createHash('sha256');
  const size = (await fh.stat()).size;
  if (whole ? size !== want.bytes : size < want.bytes) return { hash, problem: `holds ${fmtInt(size)} bytes, ${by} ${fmtInt(want.bytes)}` };
  const buf = Buffer.allocUnsafe(Math.min(1 << 22, Math.max(want.bytes, 1)));
  for (let at = 0; at < want.bytes; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, want.bytes - at), at);
    if (bytesRead === 0) return { hash, problem: `ends at ${fmtInt(at)} bytes, ${by} says ${fmtInt(want.bytes)}` };
    hash.update(buf.subarray(0, bytesRead));
    at += bytesRead;
  }
  if (digestSoFar(hash) === want.sha256) return { hash, problem: undefined };
  const what = size === want.bytes ? 'its bytes' : `its first ${fmtInt(want.bytes)} bytes, which ${by} covers,`;
  return { hash, problem: `changed since ${by} was written: ${what} no longer have the SHA-256 recorded there` };
}

/** Checks a whole file against what vouches for it (see readCovered): what is wrong with it, or undefined. */
export async function checkFile(path: string, want: Covered, by: string): Promise<string | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'is missing';
    throw systemError(err, `cannot read ${path}`);
  }
  try {
    return (await readCovered(fh, want, true, by)).problem;
  } catch (err) {
    throw systemError(err, `cannot read ${path}`);
  } finally {
    await fh.close();
  }
}

/** Resuming meets a file that is not as the checkpoint left it: one line naming it. */
export function resumeRefused(path: string, problem: string): UsageError {
  return new UsageError(`cannot resume: ${path} ${problem}; start over with --force`);
}

/** Checks every file in a list (a finished stage's, a manifest's), in order: the first that differs is refused, naming it. */
export async function checkFiles(dir: string, files: ReadonlyArray<Covered & { readonly name: string }>, by: string, refuse: (path: string, problem: string) => Error): Promise<void> {
  for (const f of files) {
    const path = join(dir, f.name);
    const problem = await checkFile(path, f, by);
    if (problem) throw refuse(path, problem);
  }
}
