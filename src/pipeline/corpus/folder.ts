import { lstatSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../io/errors.js';
import { NOT_REGULAR, syncDir, systemError } from './files.js';
import { notOwn, notTheRuns } from './own.js';
import { everyConfig, isGivenPartName, isPartName, LOCK, MANIFEST, PARTIAL, TOP_FILES } from './plan.js';

/**
 * What an output folder holds, kept apart by whether this tool wrote it. A run writes the top
 * files (`manifest.json`, `.corpus-checkpoint.json`, `stats.json`, `README.md`,
 * `blocks.json`, each also as `NAME.partial`) and, in a folder named after a config of any
 * solver (`problems`, `dfs`, `apr_sequences`, ...), data files named as a run names them
 * (`train-00003.jsonl.partial`, `train-00000-of-00002.jsonl.gz`). A file at such a name is the
 * tool's only when its content says so (notOwn): the name alone is anyone's.
 */
export interface FolderContents {
  /** The tool's files, relative to the folder, sorted. */
  readonly ours: readonly string[];
  /** Config folders (relative), to be removed once emptied. */
  readonly configs: readonly string[];
  /** Everything else: other files, folders and links, and a file at a run's name that is not the tool's. */
  readonly unknown: readonly string[];
  /** Entries at a path a run writes, whoever wrote them, but for the tool's own top `.partial` files (a new run overwrites those). */
  readonly taken: readonly string[];
}

function list(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    throw systemError(err, `cannot read ${dir}`);
  }
}

const TOP = new Set<string>(TOP_FILES.flatMap((n) => [n, n + PARTIAL]));

export function scanFolder(dir: string): FolderContents {
  const configs = new Set(everyConfig());
  const ours: string[] = [];
  const unknown: string[] = [];
  const taken: string[] = [];
  const dirs: string[] = [];
  for (const e of list(dir)) {
    // Held by this run; or a lock's own name for a moment while it is taken (see acquireLock).
    if (e.name === LOCK || e.name.startsWith(`${LOCK}.`)) continue;
    if (TOP.has(e.name) && e.isFile()) {
      const foreign = notOwn(dir, e.name) !== undefined;
      if (foreign || !e.name.endsWith(PARTIAL)) taken.push(e.name);
      (foreign ? unknown : ours).push(e.name);
    } else if (TOP.has(e.name)) {
      // A link or a folder at a top file's name is the user's: a run would replace it.
      taken.push(e.name);
      unknown.push(e.name);
    } else if (configs.has(e.name) && e.isDirectory()) {
      dirs.push(e.name);
      for (const f of list(join(dir, e.name))) {
        const rel = `${e.name}/${f.name}`;
        if (f.isFile() && isPartName(f.name) && notOwn(dir, rel) === undefined) {
          ours.push(rel);
          taken.push(rel);
        } else {
          // A file of the user's at a name a run gives a file is in its way; so is a folder,
          // link or pipe there, which the run could neither write nor rename its file onto.
          if (isGivenPartName(f.name)) taken.push(rel);
          unknown.push(rel);
        }
      }
    } else {
      unknown.push(e.name);
    }
  }
  return { ours, configs: dirs, unknown, taken };
}

/**
 * A user's entry at a path a run writes (FolderContents.taken and .unknown), if the folder
 * holds one: refused naming it, never replaced, `--force` or not. A folder or pipe in place of
 * a file a resume's checkpoint lists (`listed`) is left to the resume, which names it as a
 * file it cannot resume from.
 */
export function refuseUsersAtRunPaths(dir: string, c: FolderContents, listed: ReadonlySet<string> = new Set()): void {
  for (const name of c.taken) {
    if (!c.unknown.includes(name)) continue;
    let link = false;
    try {
      const st = lstatSync(join(dir, name));
      link = st.isSymbolicLink();
      if (!link && !st.isFile()) {
        if (listed.has(name)) continue;
        // As every reader of a corpus folder words it.
        throw new UsageError(`${join(dir, name)} ${NOT_REGULAR}`);
      }
    } catch (err) {
      if (err instanceof UsageError) throw err;
      // Gone since the scan: named all the same.
    }
    throw notTheRuns(dir, name, 'at a path a run writes', link ? 'a link' : undefined);
  }
}

/**
 * `--force`: the folder is made empty of every file an earlier run (or merge) left in it, of
 * any solvers, options or version: old config folders, stale files of a split, `.partial`
 * files, the card, stats, checkpoint and manifest (first, so an interrupted clearing never
 * leaves a folder that looks finished). Anything else in it is refused, naming it, before
 * a file is touched: the folder is not the tool's to empty.
 */
export async function clearFolder(dir: string): Promise<void> {
  const c = scanFolder(dir);
  if (c.unknown.length > 0) {
    const more = c.unknown.length > 1 ? ` (and ${c.unknown.length - 1} more)` : '';
    throw new UsageError(
      `--force: ${join(dir, c.unknown[0]!)}${more} is not a file of a countdown-traces corpus, and --force replaces only those; move it away, or use another --out`,
    );
  }
  await removeOurs(dir, c, '--force: cannot empty');
}

/**
 * Removes the tool's files from a folder (the manifest first), and its config folders once
 * empty, leaving anything else: what a failed merge wrote, beside files of the user's.
 */
export async function removeOurs(dir: string, c: FolderContents = scanFolder(dir), what = 'cannot clean up'): Promise<void> {
  // The manifest first, and on disk before the rest goes: an interrupted removal never leaves a folder that looks finished.
  if (c.ours.includes(MANIFEST)) {
    removeOursNow(dir, { ...c, ours: [MANIFEST], configs: [] }, what);
    await syncDir(dir);
  }
  removeOursNow(dir, c, what);
  await syncDir(dir);
}

/** The same without waiting for the disk: what a stop signal's handler can still do before the process ends. */
export function removeOursNow(dir: string, c: FolderContents = scanFolder(dir), what = 'cannot clean up'): void {
  const order = [...c.ours.filter((n) => n === MANIFEST), ...c.ours.filter((n) => n !== MANIFEST)];
  try {
    for (const name of order) rmSync(join(dir, name), { force: true });
    for (const name of c.configs) if (readdirSync(join(dir, name)).length === 0) rmdirSync(join(dir, name));
  } catch (err) {
    throw systemError(err, `${what} ${dir}`);
  }
}

/** How long a signal handler waits for file operations already under way before it removes again. */
const IN_FLIGHT_MS = 50;

/**
 * removeOursNow from a signal handler, which ends the process at once: a file being opened
 * (created) on libuv's threads when the signal came can appear after a first pass (a merge
 * left a config folder holding one). This thread waits a moment, during which no callback of
 * its own can start more work, and removes again.
 */
export function removeOursAtSignal(dir: string): void {
  removeOursNow(dir);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, IN_FLIGHT_MS);
  removeOursNow(dir);
}

/** Refuses a config folder's name held by a link or a file: the data would go elsewhere, into another corpus even. */
export function checkConfigFolder(folder: string): void {
  let real: boolean;
  try {
    real = lstatSync(folder).isDirectory();
  } catch {
    return; // nothing there yet
  }
  if (!real) throw new UsageError(`${folder} is not a folder of this run (a link or a file); move it away, or use another --out`);
}

/** Every config folder's name in `dir` checked before any data is written, not when its stage starts (hours later). */
export function checkConfigFolders(dir: string): void {
  for (const name of everyConfig()) checkConfigFolder(join(dir, name));
}
