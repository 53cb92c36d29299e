import { fstatSync, lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../io/errors.js';
import { statOf } from '../io/stat.js';
import { STDIO } from '../io/formats.js';

/** A file or folder named on the command line, with the option (or argument) that named it. */
export interface NamedPath {
  readonly option: string;
  readonly path: string;
}

/**
 * What makes two names one file: the resolved path, and device and inode when it exists. A
 * stream (a pipe, FIFO or socket) has no path worth comparing: only device and inode.
 */
type Identity =
  | { readonly kind: 'file'; readonly real: string; readonly dev?: number; readonly ino?: number }
  | { readonly kind: 'stream'; readonly dev: number; readonly ino: number };

/**
 * Refuses, before any work, an output that would overwrite one of the inputs or another
 * output of the same command. Names are compared as the files they resolve to: `./a` and
 * `a`, a symbolic link and its target, and two hard links of one file (same device and
 * inode) are the same file. `-` is the standard stream: when it is a regular file it is
 * compared like any other. Devices and pipes (`/dev/null`, a FIFO) are never refused as
 * inputs' names: writing to them destroys nothing. Two outputs into one pipe (`-` and
 * `/dev/stdout` on a pipe, a FIFO named twice) are refused: their lines would interleave.
 */
export function checkOutputs(inputs: readonly NamedPath[], outputs: readonly NamedPath[], outputsAre: 'files' | 'a folder' = 'files'): void {
  for (const p of inputs) checkNamed(p, outputsAre === 'files' ? 'a file' : 'a folder');
  const ins = inputs.map((p) => ({ p, id: identity(p.path, 'input') }));
  const seen: Array<{ p: NamedPath; id: Identity }> = [];
  for (const [k, p] of outputs.entries()) {
    checkNamed(p, outputsAre === 'files' ? 'a file' : 'a folder');
    if (outputsAre === 'files') checkFileTarget(p);
    else checkNotNested(inputs, p);
    // Two outputs on standard output would interleave, whatever it is (a pipe has no identity to compare).
    const twice = p.path === STDIO ? outputs.slice(0, k).find((o) => o.path === STDIO) : undefined;
    if (twice) throw new UsageError(`${p.option} - and ${twice.option} - are both standard output; give each output its own name`);
    const id = identity(p.path, 'output');
    if (id === undefined) continue;
    const input = id.kind === 'file' ? ins.find((i) => i.id !== undefined && same(i.id, id)) : undefined;
    if (input) {
      throw new UsageError(`${p.option} ${p.path} is ${input.p.option} ${input.p.path} (the same file): writing it would destroy that input; choose another ${p.option}`);
    }
    const other = seen.find((o) => same(o.id, id));
    if (other) {
      const what = id.kind === 'stream' ? 'the same pipe (their lines would interleave)' : 'the same file';
      throw new UsageError(`${p.option} ${p.path} and ${other.p.option} ${other.p.path} are ${what}; give each output its own name`);
    }
    seen.push({ p, id });
  }
}

/** Whether two input names are one file (the same name, a link, `./`, a hard link). */
export function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  const x = identity(a, 'input');
  const y = identity(b, 'input');
  return x !== undefined && y !== undefined && same(x, y);
}

/**
 * A key for what an input names on disk, as sameFile compares names (device and inode, else
 * the resolved path): two names of one file have one key. Undefined for standard input.
 */
export function fileKey(path: string): string | undefined {
  if (path === STDIO) return undefined;
  const id = identity(path, 'input');
  if (id === undefined) return undefined;
  return id.dev !== undefined ? `${id.dev}:${id.ino}` : id.kind === 'file' ? id.real : undefined;
}

/** A name that is an empty string (`--out ''`, `--exclude ''`) is refused: it would be the current folder, or nothing. */
export function checkNamed(p: NamedPath, what: 'a file' | 'a folder' | 'a file or folder'): void {
  if (p.path === '') throw new UsageError(`${p.option} is empty: name ${what}`);
}

/**
 * The name a file output is written under until it is complete (`NAME.tmp-PID`), or kept under
 * while another replaces it (`NAME.old-PID`): beside the output, so the rename is atomic.
 */
export const besideName = (path: string, what: 'tmp' | 'old'): string => `${path}.${what}-${process.pid}`;

/** The longest file name a folder holds on Linux, in bytes. */
const NAME_MAX = 255;
/** What besideName adds to a name in this process (`.tmp-` and its pid). */
const BESIDE_SUFFIX_BYTES = besideName('', 'tmp').length;

/**
 * A file output may not name a folder, nor be so long a name that the temporary one beside it
 * cannot be made: found now, not when the finished file is renamed or the first byte written.
 */
function checkFileTarget(p: NamedPath): void {
  if (p.path === STDIO) return;
  if (p.path.endsWith('/')) throw new UsageError(`${p.option} ${p.path} names a folder (it ends with /); name a file`);
  if (isFolderPath(p.path)) throw new UsageError(`${p.option} ${p.path} is a folder; name a file`);
  const bytes = Buffer.byteLength(basename(p.path));
  if (bytes > NAME_MAX - BESIDE_SUFFIX_BYTES && !isSpecialFile(p.path)) {
    throw new UsageError(`${p.option}: a file name of ${bytes} bytes; at most ${NAME_MAX - BESIDE_SUFFIX_BYTES} (it is written as NAME.tmp-PID first, and a name holds ${NAME_MAX})`);
  }
}

/** A folder output may not lie inside an input folder, nor hold one: one run's files would mix with another's. */
function checkNotNested(ins: readonly NamedPath[], out: NamedPath): void {
  checkNotInside(ins, out);
  const o = resolvedPath(out.path);
  for (const p of ins) {
    const i = resolvedPath(p.path);
    if (i.startsWith(`${o}/`)) throw new UsageError(`${p.option} ${p.path} is inside ${out.option} ${out.path}; choose a folder outside it`);
  }
}

/** Refuses an output inside one of these folders (resolved, links followed). */
export function checkNotInside(folders: readonly NamedPath[], out: NamedPath): void {
  // Standard output is where it was sent: the file behind it (`stats c > c/sosp/x.jsonl`), if it is one.
  const o = out.path === STDIO ? standardOutputFile() : resolvedPath(out.path);
  if (o === undefined) return;
  const named = out.path === STDIO ? `${out.option} ${out.path} (${o})` : `${out.option} ${out.path}`;
  for (const p of folders) {
    const i = resolvedPath(p.path);
    if (o.startsWith(`${i}/`)) throw new UsageError(`${named} is inside ${p.option} ${p.path}; ${out.path === STDIO ? 'send it to a file' : 'choose a path'} outside it`);
  }
}

/** The file standard output writes to, links resolved; undefined when it is a pipe, a terminal or a device. */
function standardOutputFile(): string | undefined {
  try {
    return fstatSync(1).isFile() ? realpathSync('/proc/self/fd/1') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a name is a device, a pipe or a stream's name (`/dev/null`, a FIFO, `/dev/stdout`):
 * written in place, never renamed over (that would replace the device with a regular file).
 * A pipe (links followed) is told apart: it is opened only once a reader is there.
 */
export function specialFile(path: string): 'pipe' | 'in place' | undefined {
  const st = statOf(path);
  if (st?.isFIFO()) return 'pipe';
  // /dev/stdout and /proc/self/fd/N name an open stream even when it is a regular file
  // (`> x.html`): renaming over them would replace the link, and the shell's file stays empty.
  if (viaProc(path)) return 'in place';
  return st !== undefined && !st.isFile() && !st.isDirectory() ? 'in place' : undefined;
}

export function isSpecialFile(path: string): boolean {
  return specialFile(path) !== undefined;
}

/** Whether a name is, or links straight to, an open file's name under /proc (`/dev/stdout` -> `/proc/self/fd/1`). */
function viaProc(path: string): boolean {
  const abs = resolve(path);
  if (abs.startsWith('/proc/')) return true;
  try {
    return lstatSync(abs).isSymbolicLink() && resolve(dirname(abs), readlinkSync(abs)).startsWith('/proc/');
  } catch {
    return false;
  }
}

function isFolderPath(path: string): boolean {
  return statOf(path)?.isDirectory() === true;
}

function same(a: Identity, b: Identity): boolean {
  if (a.dev !== undefined && a.dev === b.dev && a.ino === b.ino) return true;
  return a.kind === 'file' && b.kind === 'file' && a.real === b.real;
}

/** A stream's identity (pipe, FIFO, socket); undefined for a device such as `/dev/null` or a terminal. */
function streamIdentity(st: Stats): Identity | undefined {
  return st.isFIFO() || st.isSocket() ? { kind: 'stream', dev: st.dev, ino: st.ino } : undefined;
}

/** The identity of a name; undefined for a device (`/dev/null`, a terminal), which neither holds nor mixes data. */
function identity(path: string, role: 'input' | 'output'): Identity | undefined {
  if (path === STDIO) {
    let st: Stats;
    try {
      st = fstatSync(role === 'input' ? 0 : 1);
    } catch {
      return undefined;
    }
    return st.isFile() ? { kind: 'file', real: `<${role === 'input' ? 'stdin' : 'stdout'}>`, dev: st.dev, ino: st.ino } : streamIdentity(st);
  }
  const st = statOf(path);
  if (st !== undefined && !st.isFile() && !st.isDirectory()) return streamIdentity(st);
  const real = resolvedPath(path);
  return st === undefined ? { kind: 'file', real } : { kind: 'file', real, dev: st.dev, ino: st.ino };
}

/** The absolute path with every symbolic link of its existing part resolved. */
function resolvedPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(resolvedPath(parent), basename(abs));
  }
}

/** Whether writing `path` writes where standard output goes (`-`, `/dev/stdout`, or the file or pipe it is). */
export function isStandardOutput(path: string): boolean {
  if (path === STDIO) return true;
  try {
    const out = fstatSync(1);
    const st = statSync(path);
    return st.dev === out.dev && st.ino === out.ino;
  } catch {
    return false;
  }
}
