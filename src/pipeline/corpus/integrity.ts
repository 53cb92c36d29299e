import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipMembers } from '../../records/gunzip.js';
import { UsageError } from '../../io/errors.js';
import { NOT_REGULAR, systemError } from './files.js';
import { fmtInt, plural } from '../../io/numbers.js';
import { formatOf } from '../../io/formats.js';
import { isDataFile, type ManifestFile } from './manifest.js';
import type { PartSummary } from './parts.js';

/**
 * What a run knows of its files' bytes, and how it checks them. Every file is hashed as its
 * bytes go out (a running SHA-256, of the bytes on disk: compressed ones with gzip), so a
 * checkpoint can say, at no cost, the SHA-256 of every finished file and of the prefix of
 * each open one that it covers; resuming reads those bytes back once and refuses, naming the
 * file, any that changed since, before it cuts a file back or writes a byte.
 */

/**
 * The bytes of a file a checkpoint or manifest vouches for (all of it, or its first `bytes`),
 * their SHA-256, and for a data file the records (lines) those bytes hold.
 */
export interface Covered {
  readonly bytes: number;
  readonly sha256: string;
  /** Lines in the covered bytes (after gunzip for a `.gz` file); undefined: not a data file, not counted. */
  readonly lines?: number;
}

/**
 * What vouches for a file of a corpus, as Covered: a checkpoint's part (always data) or a
 * manifest entry (its records are lines only for a data file: isDataFile).
 */
export function covered(f: Pick<PartSummary, 'bytes' | 'sha256' | 'records'> | ManifestFile): Covered {
  const data = !('kind' in f) || isDataFile(f);
  return data ? { bytes: f.bytes, sha256: f.sha256, lines: f.records } : { bytes: f.bytes, sha256: f.sha256 };
}

/** The digest of what a running hash has taken so far; the hash goes on taking bytes. */
export function digestSoFar(hash: Hash): string {
  return hash.copy().digest('hex');
}

/** A file's size against the one `by` (the manifest, the checkpoint) records, in words to follow its name. */
export const sizeProblem = (size: number, want: number, by: string): string => `holds ${fmtInt(size)} bytes, ${by} ${fmtInt(want)}`;

/**
 * Reads the bytes `want` covers of an open file once (in large pieces, so memory stays flat)
 * and checks them: the file must be exactly that long (`whole`) or at least that long, and
 * those bytes must have `want.sha256`. Returns the running hash over them (an open file goes on
 * from it) and, when they do not match, what is wrong, as words to follow the file's name;
 * `by` names what vouched for them ("the checkpoint").
 */
export async function readCovered(fh: FileHandle, want: Covered, whole: boolean, by: string, gzip: boolean): Promise<{ hash: Hash; problem: string | undefined }> {
  const hash = createHash('sha256');
  const size = (await fh.stat()).size;
  if (whole ? size !== want.bytes : size < want.bytes) return { hash, problem: sizeProblem(size, want.bytes, by) };
  const buf = Buffer.allocUnsafe(Math.min(1 << 22, Math.max(want.bytes, 1)));
  let lines = 0;
  for (let at = 0; at < want.bytes; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, want.bytes - at), at);
    if (bytesRead === 0) return { hash, problem: `ends at ${fmtInt(at)} bytes, ${by} says ${fmtInt(want.bytes)}` };
    hash.update(buf.subarray(0, bytesRead));
    if (want.lines !== undefined && !gzip) lines += countNewlines(buf, bytesRead);
    at += bytesRead;
  }
  const what = size === want.bytes ? 'its bytes' : `its first ${fmtInt(want.bytes)} bytes, which ${by} covers,`;
  if (digestSoFar(hash) !== want.sha256) return { hash, problem: `changed since ${by} was written: ${what} no longer have the SHA-256 recorded there` };
  // The bytes are the ones written; the count beside them is checked too (a hand-edited count would resume at the wrong record).
  if (want.lines !== undefined && gzip) lines = await gunzippedLines(fh, want.bytes);
  if (want.lines !== undefined && lines !== want.lines) return { hash, problem: `holds ${plural(lines, 'record')} in ${what.replace(/,$/, '')}; ${by} says ${fmtInt(want.lines)}` };
  return { hash, problem: undefined };
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let at = buf.indexOf(0x0a, 0); at >= 0 && at < end; at = buf.indexOf(0x0a, at + 1)) n++;
  return n;
}

/** Lines in the first `bytes` of a gzip file (whole members), read through gunzip in pieces. */
async function gunzippedLines(fh: FileHandle, bytes: number): Promise<number> {
  if (bytes === 0) return 0;
  let n = 0;
  for await (const chunk of gunzipMembers(fh.createReadStream({ start: 0, end: bytes - 1, autoClose: false }))) n += countNewlines(chunk, chunk.length);
  return n;
}

/**
 * Opens a run's file without waiting: a pipe put in its place would block the open (or a
 * read) for ever, so its callers check `isFile()` first. O_NONBLOCK changes nothing for a
 * regular file.
 */
export function openChecked(path: string, flags: number): Promise<FileHandle> {
  return open(path, flags | constants.O_NONBLOCK);
}

/** Checks a whole file against what vouches for it (see readCovered): what is wrong with it, or undefined. */
export async function checkFile(path: string, want: Covered, by: string): Promise<string | undefined> {
  let fh: FileHandle;
  try {
    fh = await openChecked(path, constants.O_RDONLY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'is missing';
    throw systemError(err, `cannot read ${path}`);
  }
  try {
    if (!(await fh.stat()).isFile()) return NOT_REGULAR;
    return (await readCovered(fh, want, true, by, formatOf(path).gzip)).problem;
  } catch (err) {
    throw systemError(err, `cannot read ${path}`);
  } finally {
    await fh.close();
  }
}

/** Whether a file checkFile found fault with cannot be read at all: missing, or a pipe or device in its place (it would block). */
export function unreadable(problem: string | undefined): boolean {
  return problem === 'is missing' || problem === NOT_REGULAR;
}

/** Resuming meets a file that is not as the checkpoint left it: one line naming it. */
export function resumeRefused(path: string, problem: string): UsageError {
  return new UsageError(`cannot resume: ${path} ${problem}; start over with --force`);
}

/** Checks every file in a list (a finished stage's, a manifest's), in order: the first that differs is refused, naming it. */
export async function checkFiles(dir: string, files: ReadonlyArray<PartSummary | ManifestFile>, by: string, refuse: (path: string, problem: string) => Error): Promise<void> {
  for (const f of files) {
    const path = join(dir, f.name);
    const problem = await checkFile(path, covered(f), by);
    if (problem) throw refuse(path, problem);
  }
}
