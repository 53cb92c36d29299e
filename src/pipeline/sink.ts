import { once } from 'node:events';
import { close, closeSync, constants, createWriteStream, existsSync, linkSync, openSync, renameSync, rmSync, utimesSync, write, writev } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { ByteText } from '../serializers/bytes.js';
import { describeSystemError, say, UsageError } from '../io/errors.js';
import { inFolder, removeEmptyMadeFolders } from './mkdirp.js';
import { formatOf, STDIO } from '../io/formats.js';
import { besideName, fileKey, specialFile } from './paths.js';
import { removeLeftovers } from './leftovers.js';
import { alive } from './processes.js';
import { onStopSignals, signalExitCode } from './signals.js';

/** A temporary file this long untouched, of a process not running here, is an earlier run's. */
const STALE_TEMP_MS = 60_000;

/**
 * Removes `PATH.tmp-PID` and `PATH.old-PID` files that runs killed before they could clean up
 * (SIGKILL, out of memory) left beside this output: over days of restarts they would fill the disk. One is
 * removed only when no process with its pid runs here and it has not been touched for a
 * minute: a run keeps its own touched every 10 s (TEMP_HEARTBEAT_MS) while it is open, even
 * while it waits for input, which a run on another host or in another container shows too.
 * A file the command reads (`inputs`) is never removed, whatever its name.
 */
function removeStaleTemps(path: string, inputs: readonly string[]): void {
  const base = basename(path);
  // NAME.tmp-PID, or NAME.old-PID (an earlier file closeAll kept while it renamed outputs), of a process gone.
  const pick = (name: string): boolean => {
    const m = name.startsWith(base) ? /^\.(?:tmp|old)-([1-9]\d{0,8})$/.exec(name.slice(base.length)) : null;
    if (m === null) return false;
    const pid = Number(m[1]);
    return pid !== process.pid && !alive(pid);
  };
  let spared: Set<string | undefined> | undefined;
  const spare = (file: string): boolean => (spared ??= new Set(inputs.map(fileKey))).has(fileKey(file));
  removeLeftovers(dirname(path), pick, STALE_TEMP_MS, spare);
}

/** Bytes gathered before one write to the stream. */
const CHUNK = 1 << 20;

/**
 * Writes records (each one JSON text) to a file in the format its name asks for. The file is
 * written under a temporary name and renamed only by `close()`, so a crash or an error never
 * leaves a partial file looking complete; `abort()` removes the temporary file, and so does
 * a stop signal while it is open (the command then ends with 130, 143 or 129). Writes wait
 * for the disk when its buffer is full (backpressure), so a slow disk slows the producer
 * instead of growing memory.
 */
export class RecordSink {
  private readonly out: Writable;
  private readonly file: Writable | undefined;
  private readonly tmp: string | undefined;
  private readonly array: boolean;
  private pending = new ByteText(CHUNK + (1 << 16));
  private readonly spare: ByteText[] = [];
  private count = 0;
  private failure: Error | undefined;
  private done = false;
  /** Aborted: a pipe still waiting for its reader waits no more (its poll kept the command alive after a fault). */
  private abandoned = false;
  /** Settles when the output stream errors; raced against waits so they never hang. */
  private readonly erroredOut: Promise<void>;

  private constructor(readonly path: string, inputs: readonly string[]) {
    const fmt = formatOf(path);
    this.array = fmt.array;
    if (path === STDIO) {
      this.out = process.stdout;
      this.out.on('error', (err) => this.fail(err));
      this.erroredOut = once(this.out, 'error').then(() => undefined, () => undefined);
      return;
    }
    // Devices and pipes (/dev/null, a FIFO) are written in place: renaming over them would
    // replace the device with a regular file.
    const special = specialFile(path);
    this.tmp = special !== undefined ? undefined : besideName(path, 'tmp');
    let fd: number | undefined;
    try {
      // A pipe without a reader is waited for in the event loop (openWhenRead): a blocking
      // open would leave the stop signals unheard. A fault opening it is the stream's error.
      if (special !== undefined) fd = special === 'pipe' ? undefined : openSync(path, 'w');
      else {
        const tmp = this.tmp!;
        fd = inFolder(dirname(path), () => {
          removeStaleTemps(path, inputs);
          return openSync(tmp, 'w');
        });
      }
    } catch (err) {
      removeEmptyMadeFolders();
      throw describeSystemError(err, `cannot write ${path}`) ?? err;
    }
    if (this.tmp !== undefined) unfinished.add(this);
    this.file =
      fd === undefined
        ? createWriteStream(path, { highWaterMark: 1 << 20, fs: { open: openWhenRead(() => this.abandoned), write, writev, close } })
        : createWriteStream('', { fd, highWaterMark: 1 << 20 });
    this.file.on('error', (err) => this.fail(err));
    if (fmt.gzip) {
      const gz = createGzip({ level: 6 });
      gz.on('error', (err) => this.fail(err));
      gz.pipe(this.file);
      this.out = gz;
    } else {
      this.out = this.file;
    }
    this.erroredOut = once(this.out, 'error').then(() => undefined, () => undefined);
  }

  /** Opens an output; `inputs` are the files the command reads (never taken for a killed run's leftovers). */
  static open(path: string, inputs: readonly string[]): RecordSink {
    return new RecordSink(path, inputs);
  }

  get records(): number {
    return this.count;
  }

  private fail(err: Error): void {
    this.failure ??= describeSystemError(err, this.path === STDIO ? 'cannot write to standard output' : `cannot write ${this.path}`) ?? err;
  }

  /**
   * Adds one record (its JSON, no newline: text, or ASCII bytes that are copied at once).
   * Returns a promise when a full chunk went to the stream: await it, it resolves when there
   * is room (a writer that awaits every record would wait once per record for nothing).
   */
  write(json: string | Uint8Array): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const p = this.pending;
    const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
    if (this.array) p.text(this.count === 0 ? '[\n' : ',\n');
    p.bytes(bytes);
    if (!this.array) p.byte(0x0a);
    this.count++;
    return p.length >= CHUNK ? this.flush() : undefined;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const full = this.pending;
    // A chunk is reused once the stream is done with it: a fresh megabyte per flush costs
    // a page fault per page.
    this.pending = this.spare.pop() ?? new ByteText(CHUNK + (1 << 16));
    this.pending.clear();
    let room: boolean;
    try {
      room = this.out.write(full.view(), () => {
        if (this.spare.length < 4) this.spare.push(full);
      });
    } catch (err) {
      // Standard output to a file writes synchronously, and throws (ENOSPC, ...).
      this.fail(err as Error);
      throw this.failure!;
    }
    if (!room) await settled(once(this.out, 'drain'), this.erroredOut);
    if (this.failure) throw this.failure;
  }

  /** Finishes the file and gives it its real name. */
  async close(): Promise<void> {
    await RecordSink.closeAll([this]);
  }

  /**
   * Closes several outputs of one command as one: every file is finished before any gets its
   * real name, so a failure in one (a full disk) leaves none of them looking complete.
   */
  static async closeAll(sinks: ReadonlyArray<RecordSink | undefined>): Promise<void> {
    const all = sinks.filter((s): s is RecordSink => s !== undefined);
    try {
      for (const s of all) await s.finish();
    } catch (err) {
      for (const s of all) await s.abort();
      throw err;
    }
    // Renamed one after another: when one cannot be, those renamed before it are put back as
    // they were (the earlier file, kept by a hard link until all are renamed, or none), so a
    // new file never stands beside an earlier run's file of the same command.
    const renamed: { readonly sink: RecordSink; readonly earlier: string | undefined; readonly lost: boolean }[] = [];
    for (const s of all) {
      const existed = s.tmp !== undefined && existsSync(s.path);
      const earlier = s.keepEarlier();
      try {
        await s.commit();
        // An earlier file that could not be kept (no hard links here) is gone once replaced.
        renamed.push({ sink: s, earlier, lost: existed && earlier === undefined });
      } catch (err) {
        if (earlier !== undefined) rmSync(earlier, { force: true }); // not replaced: still in place
        for (const r of all) if (!renamed.some((x) => x.sink === r)) await r.abort();
        // Only files this run renamed into place are undone: a pipe, a device or standard
        // output was written in place, and its name is never removed.
        const back: string[] = [];
        const lost: string[] = [];
        const stuck: string[] = [];
        for (const r of renamed) {
          if (r.sink.tmp === undefined) continue;
          try {
            if (r.earlier !== undefined) renameSync(r.earlier, r.sink.path);
            else rmSync(r.sink.path, { force: true });
            (r.lost ? lost : back).push(r.sink.path);
          } catch {
            stuck.push(r.sink.path); // its earlier file's second name went meanwhile
          }
        }
        removeEmptyMadeFolders(); // a folder made for an output put back is empty only now
        if (back.length + lost.length + stuck.length === 0 || !(err instanceof UsageError)) throw err;
        const said = [
          ...(back.length > 0 ? [`${back.join(' and ')} left as before this run`] : []),
          ...(lost.length > 0 ? [`${lost.join(' and ')} removed (its earlier file could not be kept: no hard links here)`] : []),
          ...(stuck.length > 0 ? [`${stuck.join(' and ')} left as this run wrote it (its earlier file could not be put back)`] : []),
        ];
        throw new UsageError(`${err.message}; ${said.join('; ')}, as the outputs of one command go together`);
      }
    }
    for (const r of renamed) if (r.earlier !== undefined) rmSync(r.earlier, { force: true });
  }

  /** Writes the rest and closes the temporary file. */
  private async finish(): Promise<void> {
    if (this.done) return;
    if (this.array) this.pending.text(this.count === 0 ? '[]\n' : '\n]\n');
    await this.flush();
    this.done = true;
    if (this.file === undefined) return;
    this.out.end();
    await settled(once(this.file, 'close'), this.erroredOut);
    if (this.failure) throw this.failure;
  }

  /**
   * A second name (a hard link) for the file this output replaces, so that closeAll can put it
   * back; undefined when there is none (or links do not work here: then it cannot be put back).
   */
  private keepEarlier(): string | undefined {
    if (this.tmp === undefined) return undefined;
    const earlier = besideName(this.path, 'old');
    try {
      rmSync(earlier, { force: true });
      linkSync(this.path, earlier);
      return earlier;
    } catch {
      return undefined;
    }
  }

  /** Gives the finished file its real name. */
  private async commit(): Promise<void> {
    if (this.tmp === undefined || !unfinished.has(this)) return; // no temporary file, or already renamed
    try {
      renameSync(this.tmp, this.path);
    } catch (err) {
      await this.abort();
      throw describeSystemError(err, `cannot write ${this.path}`) ?? err;
    }
    unfinished.delete(this);
  }

  /** Marks the temporary file as in use (a run that waits for input writes nothing for a while). */
  touchTemporary(): void {
    if (this.tmp === undefined) return;
    const now = new Date();
    try {
      utimesSync(this.tmp, now, now);
    } catch {
      // Gone: the write or the rename that follows says what is wrong.
    }
  }

  /** Drops what was written: the temporary file goes, the real name is never created. */
  async abort(): Promise<void> {
    this.done = true;
    this.abandoned = true;
    if (this.file === undefined || this.tmp === undefined) return;
    this.out.destroy();
    this.file.destroy();
    this.removeTemporary();
  }

  /** Removes the temporary file (synchronously: a signal handler calls it before exiting). */
  removeTemporary(): void {
    unfinished.delete(this);
    if (this.tmp === undefined) return;
    try {
      rmSync(this.tmp, { force: true });
    } catch {
      // Nothing more can be done; the temporary name already says it is incomplete.
    }
    removeEmptyMadeFolders(); // the last output of the run to go takes its new folders with it
  }
}

/** How often a pipe without a reader is tried again. */
const PIPE_POLL_MS = 50;

type OpenDone = (err: NodeJS.ErrnoException | null, fd?: number) => void;

/**
 * The `open` of a named pipe's write stream: opens it for writing once it has a reader, asking
 * again every PIPE_POLL_MS without blocking (a non-blocking open fails with ENXIO until then),
 * until `abandoned` says the output was dropped. The blocking open that follows returns at once;
 * the probe is closed only after it, so the reader never sees its writer leave.
 */
const openWhenRead =
  (abandoned: () => boolean) =>
  (path: string, _flags: unknown, _mode: unknown, done: OpenDone): void => {
    const attempt = (): void => {
      if (!abandoned()) openPipeIfRead(path, done, () => setTimeout(attempt, PIPE_POLL_MS));
    };
    attempt();
  };

/** One try of openWhenRead: `done` with the descriptor or a fault, or `again` while there is no reader. */
function openPipeIfRead(path: string, done: OpenDone, again: () => void): void {
  let probe: number;
  try {
    probe = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') again();
    else done(err as NodeJS.ErrnoException);
    return;
  }
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (err) {
    closeSync(probe);
    return done(err as NodeJS.ErrnoException);
  }
  closeSync(probe);
  done(null, fd);
}

/**
 * Sinks whose temporary file is on disk. While there is one, SIGINT, SIGTERM and SIGHUP (a
 * closed terminal) remove them all and end the command (130, 143 or 129, as a shell reports
 * those signals) instead of leaving `NAME.tmp-PID` files behind.
 */
const open = new Set<RecordSink>();

/** How often an open temporary file is touched, so that removeStaleTemps never takes it for a killed run's. */
const TEMP_HEARTBEAT_MS = 10_000;
let heartbeat: NodeJS.Timeout | undefined;
let stopListening: (() => void) | undefined;

const unfinished = {
  add(sink: RecordSink): void {
    if (open.size === 0) {
      stopListening = onStopSignals(onSignal);
      heartbeat = setInterval(() => {
        for (const s of open) s.touchTemporary();
      }, TEMP_HEARTBEAT_MS);
      heartbeat.unref();
    }
    open.add(sink);
  },
  delete(sink: RecordSink): void {
    if (open.delete(sink) && open.size === 0) {
      stopListening?.();
      clearInterval(heartbeat);
    }
  },
  has: (sink: RecordSink): boolean => open.has(sink),
};

function onSignal(signal: NodeJS.Signals): void {
  const names = removeUnfinished();
  say(`stopped by ${signal}; ${names.join(' and ')} not written`);
  process.exit(signalExitCode(signal));
}

/** Removes every temporary file still on disk (a command ending early); returns the names they were for. */
export function removeUnfinished(): string[] {
  const names = [...open].map((s) => s.path);
  for (const s of [...open]) s.removeTemporary();
  return names;
}

/**
 * Waits for an event or for the stream's error, whichever comes first; an error settles it
 * without throwing (`once` rejects on 'error'): the failure recorded by `fail` is what the
 * caller throws, as one line.
 */
async function settled(event: Promise<unknown>, errored: Promise<void>): Promise<void> {
  await Promise.race([event.then(() => undefined, () => undefined), errored]);
}
