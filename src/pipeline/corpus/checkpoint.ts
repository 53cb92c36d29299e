import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { isJsonObject } from '../../core/values.js';
import { UsageError } from '../../io/errors.js';
import { removeLeftovers } from '../leftovers.js';
import { alive, pidSpace, startTime } from '../processes.js';
import { headOf, leads, readRegularFile, systemError, writeAtomic } from './files.js';
import type { RunOptionsJson, Shard } from './options.js';
import type { StreamState } from './parts.js';
import { CHECKPOINT, LOCK, type StageName } from './plan.js';
import { sealed, unsealed } from './seal.js';

/**
 * The durable progress of a run, `.corpus-checkpoint.json` in the output folder, replaced
 * atomically (written, synced, renamed) after the data it describes has been synced:
 *
 *   { "format": 6, "options": {...}, "versions": {...}, "shard": {"index": 0, "count": 1},
 *     "stages": { "train": { "records": 12000, "done": false,
 *                            "files": { "problems/train": { "parts": [{ "bytes": 3456789, "records": 12000, "sha256": "..." }] } },
 *                            "tally": {...} }, ... },
 *     "seal": "<SHA-256 of the JSON before it>" }
 *
 * `records` counts the stage's records (from its first) that are in the files; each stream
 * (`files`, by config and split) lists its files in order, the last one open, with where its
 * last durable block ends (`bytes`) and the SHA-256 of every file, of the open one's first
 * `bytes` (its running hash at the checkpoint). A finished stage (`done`) also has each file's
 * final name. Resuming reads back and checks every byte the checkpoint covers, then cuts the
 * open file back to `bytes` (see PartedFile.check).
 */
export interface StageState {
  readonly records: number;
  readonly done: boolean;
  readonly files: Readonly<Record<string, StreamState>>;
  readonly tally: unknown;
}

/**
 * 6: a finishing stage lists every file before it renames any (so a stop's finished names are
 * all of the listed count); 5: sealed (`seal`, the SHA-256 of the rest); 4: each solver's search options list only the
 * options it reads (3 listed every option for every solver); 3: every file's SHA-256, and the
 * open files' of the bytes covered.
 */
export const CHECKPOINT_FORMAT = 6;

export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly options: RunOptionsJson;
  /** Tool, Node and dependency versions of the run: a resume must use the same. */
  readonly versions?: unknown;
  readonly shard: Shard;
  readonly stages: Partial<Record<StageName, StageState>>;
}

/**
 * Whether parsed JSON is a checkpoint of this tool's, of any format: every format had an
 * integer `format`, `options` and `stages`. One that is not is no file of the tool's to replace.
 */
export function isOwnCheckpoint(value: unknown): boolean {
  return isJsonObject(value) && Number.isSafeInteger(value.format) && isJsonObject(value.options) && isJsonObject(value.stages);
}

export function readCheckpoint(dir: string): Checkpoint | undefined {
  const path = join(dir, CHECKPOINT);
  const bytes = readRegularFile(path);
  if (bytes === undefined) return undefined;
  let cp: unknown;
  try {
    cp = JSON.parse(bytes.toString('utf8'));
  } catch {
    cp = undefined;
  }
  // A run refuses such a file before it reads the checkpoint (scanFolder); said here all the same.
  if (!isOwnCheckpoint(cp)) throw new UsageError(`${path} is not a countdown-traces checkpoint; move it away, or use another --out`);
  if ((cp as Checkpoint).format !== CHECKPOINT_FORMAT) throw new UsageError(`${path} is from another version of countdown-traces; start over with --force`);
  const open = unsealed(cp as Checkpoint);
  if (open === undefined) {
    throw new UsageError(`cannot resume: ${join(dir, CHECKPOINT)} changed since it was written (its seal does not match its text); start over with --force`);
  }
  return open;
}

/**
 * The checkpoint as written: its JSON with `seal`, the SHA-256 of that JSON without it. Every
 * count, hash and tally a resume goes on from is sealed, so an edit by hand is refused rather
 * than resumed from (the files are checked against the hashes besides).
 */
export function sealedCheckpoint(cp: Checkpoint): string {
  return JSON.stringify(sealed(cp)) + '\n';
}

export async function writeCheckpoint(dir: string, cp: Checkpoint): Promise<void> {
  await writeAtomic(join(dir, CHECKPOINT), sealedCheckpoint(cp));
}

/** The lock is touched this often while a run holds it ... */
const HEARTBEAT_MS = 10_000;
/** ... and a lock from another host untouched for this long is taken over. */
const STALE_MS = 60_000;

interface Holder {
  pid?: number;
  host?: string;
  start?: string;
  /** Its pid namespace (pidSpace); absent in locks of older versions. */
  pids?: string;
}

/**
 * Takes the folder's lock (`.corpus.lock`: pid, host and process start time, touched every
 * 10 s), so two runs never write one folder. A lock is taken over when its process is gone:
 * on this host, when no process with that pid and start time runs (a crash, a `kill -9`, a
 * restarted container); from another host (a replaced pod or node on shared storage), when it
 * has not been touched for a minute. Returns the release function.
 *
 * Races between runs started together are closed by three rules: a lock appears whole (its
 * text is written under a name of this run alone, then linked into place, which fails if one
 * is there), so no run ever judges a lock being written; a stale lock is removed by one run at
 * a time, and only while it is still the lock judged stale (takeOver); and a run removes the
 * lock only while its text names this run.
 */
export function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK);
  const me: Holder = { pid: process.pid, host: hostname(), start: startTime(process.pid), pids: pidSpace() };
  for (let attempt = 0; attempt < 20; attempt++) {
    const mine = JSON.stringify(me) + '\n';
    if (createWhole(path, mine, dir)) {
      sweepLeftovers(dir);
      const beat = setInterval(() => {
        const now = new Date();
        try {
          utimesSync(path, now, now);
        } catch {
          // The folder went away; the run itself will report it.
        }
      }, HEARTBEAT_MS);
      beat.unref();
      return () => {
        clearInterval(beat);
        // Only our own lock (its text names this process): one another run took over stays its.
        if (textOf(path) === mine) rmSync(path, { force: true });
      };
    }
    let holder: Holder = {};
    let age = 0;
    let judged: string | undefined;
    try {
      const st = lstatSync(path);
      if (!st.isFile()) throw new UsageError(`${path} is not a lock file (a link, folder or other); remove it if no run is writing ${dir}`);
      age = Date.now() - st.mtimeMs;
      judged = readFileSync(path, 'utf8');
      if (!isLockText(judged)) throw new UsageError(`${path} is not a countdown-traces lock; move it away, or use another --out`);
      holder = JSON.parse(judged) as Holder;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      if (judged === undefined) continue; // gone meanwhile: try again
      // A torn lock file of an older version (written in place): its writer died while writing it.
    }
    // Its pid means a process here only on this host and in this pid namespace; elsewhere
    // (another node, or a container sharing the hostname) only the heartbeat tells.
    const sameHost = (holder.host === undefined || holder.host === me.host) && (holder.pids === undefined || holder.pids === me.pids);
    const gone = sameHost
      ? holder.pid === undefined ||
        holder.pid === process.pid ||
        !alive(holder.pid) ||
        (holder.start !== undefined && startTime(holder.pid) !== undefined && startTime(holder.pid) !== holder.start)
      : age > STALE_MS;
    if (!gone) {
      const space = holder.host === me.host ? ' in another pid namespace' : '';
      const where = sameHost ? `pid ${holder.pid}` : `pid ${holder.pid ?? '?'} on ${holder.host}${space}, seen ${Math.round(age / 1000)} s ago`;
      throw new UsageError(`${dir} is being written by another run (${where}); if none is running, delete ${path}`);
    }
    // Another run taking over: wait a moment, then look again.
    if (!takeOver(path, judged, dir)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  const age = markerAge(path);
  throw new UsageError(
    age !== undefined
      ? `cannot take the lock ${path}: another run is taking it over (${path}.takeover, ${Math.round(age / 1000)} s old); if none is running, delete that file`
      : `cannot take the lock ${path}: other runs keep taking it; is more than one run starting on ${dir}?`,
  );
}

/** How every version's lock text begins (`JSON.stringify` of a Holder, pid first). */
export const LOCK_LEAD = '{"pid":';

/**
 * Whether a lock file's text is the tool's: it begins with LOCK_LEAD, or is cut short within it
 * (a torn lock of an older version, which wrote it in place). A file of the user's of that
 * name is not taken over (removed) as a dead run's.
 */
function isLockText(text: string): boolean {
  return leads(Buffer.from(text), LOCK_LEAD);
}

/** A name of this run alone beside `path` (host, pid and chance: pids repeat across containers and hosts). */
function ownName(path: string, what: string): string {
  return `${path}.${what}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Creates `path` holding `text` whole; false (and nothing made) when it exists. */
function createWhole(path: string, text: string, dir: string): boolean {
  const own = ownName(path, 'new');
  try {
    writeFileSync(own, text, { flag: 'wx' });
    try {
      linkSync(own, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    return true;
  } catch (err) {
    throw systemError(err, `cannot write ${dir}`);
  } finally {
    rmSync(own, { force: true });
  }
}

/**
 * A takeover marker untouched this long was left by a run that died (or stalled) taking over:
 * a takeover takes milliseconds, and a minute covers a paused process or a slow share.
 */
const TAKEOVER_STALE_MS = 60_000;

/**
 * Removes the stale lock judged, if it is still the one judged (by its text: a holder's pid
 * and start time). One run at a time does this, holding `.corpus.lock.takeover` (made
 * exclusively, its text naming this run alone): while the stale lock is there no run can
 * make a new one, so the check and the removal are not split by another run's lock. A marker
 * is removed only by its own run, or, once stale, by a run that renamed it away and found
 * the very marker it judged stale. Returns false when another run is taking over.
 */
function takeOver(path: string, judged: string, dir: string): boolean {
  const marker = `${path}.takeover`;
  const mine = ownName(marker, 'by');
  try {
    writeFileSync(marker, mine, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw systemError(err, `cannot take over the lock of ${dir}`);
    removeStaleMarker(marker);
    return false;
  }
  try {
    if (textOf(path) === judged) rmSync(path, { force: true });
  } catch (err) {
    throw systemError(err, `cannot take over the lock of ${dir}`);
  } finally {
    if (textOf(marker) === mine) rmSync(marker, { force: true });
  }
  return true;
}

/**
 * A marker left by a run that died taking over, removed only if what is renamed away is that
 * very marker. One that is not the tool's by its content (a file, folder or link of the user's
 * at its name) is refused, never removed.
 */
function removeStaleMarker(marker: string): void {
  let st;
  try {
    st = lstatSync(marker);
  } catch {
    return; // gone meanwhile: look again
  }
  const text = textOf(marker);
  if (!st.isFile() || (text !== undefined && !isMarkerText(text))) {
    throw new UsageError(`${marker} is not a countdown-traces takeover marker; move it away, or use another --out`);
  }
  if (Date.now() - st.mtimeMs <= TAKEOVER_STALE_MS) return;
  const away = ownName(marker, 'stale');
  try {
    renameSync(marker, away);
  } catch {
    return; // another run took it first
  }
  try {
    if (textOf(away) !== text) linkSync(away, marker); // a fresh marker of another run: put back
  } catch {
    // Yet another marker is there: that run takes over; this one looks again.
  } finally {
    rmSync(away, { force: true });
  }
}

/** How a takeover marker's text ends (ownName): `<folder>/.corpus.lock.takeover.by-<host>-<pid>-<hex>`. */
const MARKER_NAME = `${LOCK}.takeover.by-`;

/**
 * Whether a takeover marker's text is the tool's: a path whose last part is a marker's name;
 * or empty, as a run that died between making it and writing it left it (one small write,
 * never torn), holding nothing to lose.
 */
function isMarkerText(text: string): boolean {
  return text === '' || basename(text).startsWith(MARKER_NAME);
}

/** Bytes of a leftover read to judge it: more than any lock's text or marker's (a folder's path and a name). */
const LEFTOVER_HEAD = 8192;

/** What a killed run can leave beside the lock, by name, and the judge of its content. */
function leftoverJudge(name: string): ((text: string) => boolean) | undefined {
  if (name.startsWith(`${LOCK}.new-`)) return isLockText; // a lock being written (createWhole)
  if (name.startsWith(`${LOCK}.takeover.stale-`)) return isMarkerText; // a stale marker renamed away (removeStaleMarker)
  return undefined;
}

/**
 * Removes what runs killed between two steps of taking the lock left beside it: a lock being
 * written under its own name (`.corpus.lock.new-*`, see createWhole) or a stale marker renamed
 * away (`.corpus.lock.takeover.stale-*`, see removeStaleMarker). Each lives milliseconds in a
 * live run, so one untouched for a minute is a dead run's. The name picks it, its content
 * tells it is the tool's (as own.ts tells a run's files): a file of the user's at such a name
 * is left. Called holding the lock.
 */
function sweepLeftovers(dir: string): void {
  const notTools = (file: string): boolean => {
    const head = headOf(file, LEFTOVER_HEAD);
    return head === undefined || head.length === LEFTOVER_HEAD || !leftoverJudge(basename(file))!(head.toString('utf8'));
  };
  removeLeftovers(dir, (name) => leftoverJudge(name) !== undefined, TAKEOVER_STALE_MS, notTools);
}

/** When a takeover marker holds the lock back, since when (for the message). */
function markerAge(path: string): number | undefined {
  try {
    return Date.now() - statSync(`${path}.takeover`).mtimeMs;
  } catch {
    return undefined;
  }
}

/** A marker's text; undefined when it is gone or not a regular file. */
function textOf(path: string): string | undefined {
  try {
    return readRegularFile(path)?.toString('utf8');
  } catch {
    return undefined;
  }
}
