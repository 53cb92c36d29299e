import { isUtf8 } from 'node:buffer';
import { closeSync, constants, createReadStream, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { describeSystemError, InputError } from '../io/errors.js';
import { plural } from '../io/numbers.js';
import { statOf } from '../io/stat.js';
import { formatOf, STDIO } from '../io/formats.js';
import { gunzipMembers, gunzipWhole, TrailingBytes } from './gunzip.js';
import { duplicateKey, duplicateKeyFault } from './duplicate-key.js';
import { arrayElements, BYTE_ORDER_MARK } from './json-array.js';
import { LineCutter } from './lines.js';

/**
 * The one reader of record files: `.jsonl`, `.json` (one array) or either with `.gz`; `-` is
 * standard input as JSON Lines. Both forms stream: lines as chunks arrive, an array split
 * into its elements as its text arrives. Two modes:
 * - strict (`readRecords`, `readRecordBatches`: verify, inspect, search, problems): the
 *   first fault stops the read with an InputError naming the file and line;
 * - tolerant (`readRecordsTolerant`: stats, report): every fault goes to a sink, the line
 *   is skipped and reading goes on where it can, so one bad line never hides a corpus.
 */

/** One record read from a file, with where it came from. */
export interface RecordAt {
  readonly value: unknown;
  /**
   * 1-based line for JSON Lines; for a JSON array, the line its element starts on (its element
   * number only where the streaming read found a fault that JSON.parse of the whole text did not).
   */
  readonly line: number;
  /**
   * Its JSON as the file holds it (a line, or an array's element), where the reader was asked
   * to keep it (`keepText`: `inspect --json` prints it); kept for every read, a search of
   * 20,000 problems peaked 11 MB higher.
   */
  readonly text?: string;
}

/** Something wrong with one line (or a whole file, when line is undefined), as a tolerant read reports it. */
export interface ReadIssue {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
  /**
   * Whole-file findings: no records at all, or a JSON file that is not a list of records; and
   * `comma`: a JSON array's comma missing or out of place, read past with no record lost.
   */
  readonly code?: 'empty' | 'not-records' | 'comma';
}

export type IssueSink = (issue: ReadIssue) => void;

/**
 * Bytes read at a time. A strict read hands over a chunk's records as one batch, all alive
 * until the batch is done: with 1 MB chunks (1,600 problems) the garbage collector moved
 * them to the old generation, and `search sosp --compat reference` on 20,000 problems took
 * 1.35 s instead of 1.07 s. (Tolerant reads always used this size, the stream's default.)
 */
const CHUNK = 1 << 16;

/** The records of a file, strictly (see readRecordBatches); with `keepText`, each with its text. */
export async function* readRecords(path: string, keepText = false): AsyncGenerator<RecordAt> {
  for await (const batch of readRecordBatches(path, keepText)) yield* batch;
}

/**
 * The records of a file, strictly, a batch per chunk read: a reader that handles a batch in
 * one go waits once per chunk, not once per record. A chunk with a fault throws before any of
 * its records is handed over, and a JSON array is checked whole before its first record.
 */
export async function* readRecordBatches(path: string, keepText = false): AsyncGenerator<RecordAt[]> {
  const fmt = path === STDIO ? { array: false, gzip: false } : formatOf(path);
  if (fmt.array) {
    yield* strictArray(path, fmt.gzip, keepText);
    return;
  }
  const input = (path !== STDIO && !fmt.gzip && openedInput(path)) || (await open(path, fmt.gzip));
  const lines = new LineCutter(path);
  let count = 0;
  let first = true; // no record line yet
  const parse = (texts: readonly string[]): RecordAt[] => {
    const out: RecordAt[] = [];
    for (const text of texts) {
      const n = ++count;
      if (isBlank(text)) continue;
      if (first && opensArray(text)) throw new InputError(path, n, ARRAY_AS_LINES);
      first = false;
      const r = parseLine(text);
      if ('bad' in r) throw new InputError(path, n, r.bad);
      out.push(keepText ? { value: r.value, line: n, text } : { value: r.value, line: n });
    }
    return out;
  };
  try {
    try {
      for await (const chunk of input) {
        const batch = parse(lines.push(chunk as Buffer));
        if (batch.length > 0) yield batch;
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      if (err instanceof TrailingBytes) throw new InputError(path, undefined, err.message); // a fault of the file, not of a line
      throw describeSystemError(err, `cannot read ${path}`) ?? new InputError(path, count + 1, (err as Error).message);
    }
    const last = parse(lines.end());
    if (last.length > 0) yield last;
  } finally {
    close(input);
  }
}

/**
 * A line passed over: JSON's whitespace alone (space, tab, CR), as a JSON array's reader skips
 * it. trim() took other Unicode spaces too (a byte-order mark, U+00A0, U+2028), which JSON refuses.
 */
const isBlank = (text: string): boolean => /^[ \t\r]*$/.test(text);

/**
 * What JSON Lines whose first record line opens an array are called: a record is an object, so
 * this is a JSON array under a name (or on standard input) that is read line by line. Named
 * once, not as a fault of each line the array spans.
 */
export const ARRAY_AS_LINES = 'a JSON array, where JSON Lines (one record a line) are read: a file is read as one array when its name ends in .json (standard input is always JSON Lines)';
const opensArray = (text: string): boolean => /^[ \t\r]*\[/.test(text);

/** One line of a file parsed strictly: JSON, or an InputError naming the file and line. */
export function parseRecordLine(text: string, path: string, line: number | undefined): unknown {
  const r = parseLine(text);
  if ('bad' in r) throw new InputError(path, line, r.bad);
  return r.value;
}

/** A line's value, or what is wrong with it (both modes word it so; strict stops, tolerant skips). */
function parseLine(text: string): { readonly value: unknown } | { readonly bad: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { bad: notJson(text, err) };
  }
  const twice = duplicateKey(text);
  return twice === undefined ? { value } : { bad: duplicateKeyFault(twice) };
}

/** Why a text is no JSON, as one line. */
function notJson(text: string, err: unknown): string {
  if (text.charCodeAt(0) === 0xfeff) return BYTE_ORDER_MARK;
  return `not valid JSON (${(err as Error).message})`;
}

/**
 * Parsed records of one file, in order, tolerantly. Throws only when the file cannot be
 * opened; every other problem (empty file, corrupt line, truncated gzip) goes to `issue`
 * and reading goes on where it can. Records come one by one, each line parsed when its
 * record is asked for, so issues and what the caller makes of the records keep line order.
 */
export async function* readRecordsTolerant(file: string, issue: IssueSink): AsyncGenerator<RecordAt> {
  const fmt = file === STDIO ? { array: false, gzip: false } : formatOf(file);
  // Bytes after the gzip data are named once; every record before them is kept.
  const input = await open(file, fmt.gzip, (err) => issue({ file, message: `${err.message}; ignored` }));
  try {
    yield* fmt.array ? arrayElements(input as AsyncIterable<Buffer>, file, issue) : tolerantLines(input, file, issue);
  } finally {
    close(input); // also when the caller stops early
  }
}

async function* tolerantLines(input: Readable, file: string, issue: IssueSink): AsyncGenerator<RecordAt> {
  let n = 0;
  let any = false;
  // Lines cut as every reader cuts them; one that is not UTF-8, or too long, is named and read as blank.
  let skipped = 0; // lines the cutter read as blank (not UTF-8, too long): the file was not empty
  const cutter = new LineCutter(file, (line, fault) => {
    skipped++;
    issue({ file, line, message: `${fault}; line skipped` });
  });
  let array = false; // the text is a JSON array over many lines: named once, and not read further
  const parsed = function* (lines: readonly string[]): Generator<RecordAt> {
    for (const text of lines) {
      n++;
      if (isBlank(text)) continue;
      const r = parseLine(text);
      const first = !any;
      any = true;
      if (first && opensArray(text)) {
        // An array over many lines is skipped whole (its lines would each be a fault); one on its line alone is that line.
        array = 'bad' in r;
        issue({ file, line: n, message: `${ARRAY_AS_LINES}; ${array ? 'file' : 'line'} skipped` });
        if (array) return;
        continue;
      }
      if ('bad' in r) issue({ file, line: n, message: `${r.bad}; line skipped` });
      else yield { value: r.value, line: n };
    }
  };
  try {
    for await (const chunk of input) {
      yield* parsed(cutter.push(chunk as Buffer));
      if (array) return;
    }
  } catch (err) {
    issue({ file, line: n + 1, message: `cannot read further (${(err as Error).message}); kept the ${plural(n, 'line')} before` });
    return;
  }
  yield* parsed(cutter.end());
  if (!any) issue({ file, message: skipped > 0 ? `no records: ${skipped === 1 ? 'one line' : `${skipped} lines`} skipped, and no other` : 'empty: no records', code: 'empty' });
}

/** The largest faulty JSON array (bytes on disk, and unzipped) whose fault JSON.parse words. */
export const WHOLE_PARSE_BYTES = 64 << 20;

/** What a tolerant read then did (json-array.ts); a strict one refuses the file instead. */
const TOLERANT_OUTCOME = /;? (kept the [\d,]+ elements? before|skipped|file skipped|ignored|stopped reading)$/;

/** Records handed over per batch from a JSON array. */
const ARRAY_BATCH = 256;

/**
 * A JSON array, strictly: streamed once to check it (every element parsed, commas in place),
 * then again to hand its records over, so a faulty array fails before its first record as
 * it did when it was parsed whole. A fault is worded by that whole parse, as it always was.
 */
async function* strictArray(path: string, gzip: boolean, keepText: boolean): AsyncGenerator<RecordAt[]> {
  // Its second read would wait for a writer that has come and gone.
  if (isPipe(path)) throw new InputError(path, undefined, 'a pipe, which gives its text once, and a .json array is read twice (checked whole before its first record); name a file, or send JSON Lines (a name without .json)');
  let first: ReadIssue | undefined;
  let trailing: TrailingBytes | undefined;
  const check = await open(path, gzip, (err) => (trailing ??= err));
  try {
    const note = (i: ReadIssue) => {
      first ??= i;
    };
    for await (const _ of arrayElements(check as AsyncIterable<Buffer>, path, note)) if (first) break;
  } finally {
    close(check);
  }
  // A fault of the file, not of an element (the array before it may be whole).
  if (trailing) throw new InputError(path, undefined, (trailing as TrailingBytes).message);
  if (first) {
    // Parsed whole only where that is cheap: a truncated array of gigabytes would run out of
    // memory (or past V8's longest string) before its fault could be named.
    if (statSync(path).size > WHOLE_PARSE_BYTES) throw streamedFault(path, first);
    yield wholeArray(path, gzip, first);
    return;
  }
  const input = await open(path, gzip);
  const refuse = (i: ReadIssue) => {
    throw new InputError(path, i.line, `${i.message} (the file changed while it was read)`);
  };
  try {
    let batch: RecordAt[] = [];
    // Each record keeps the line its element starts on: file:line names it in an editor.
    for await (const at of arrayElements(input as AsyncIterable<Buffer>, path, refuse, keepText)) {
      batch.push(at);
      if (batch.length === ARRAY_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    close(input);
  }
}

/** The streaming read's fault as a strict read's refusal, at its line, without what a tolerant read then does. */
function streamedFault(path: string, first: ReadIssue): InputError {
  return new InputError(path, first.line, first.message.replace(TOLERANT_OUTCOME, ''));
}

/**
 * A JSON array parsed whole: only for a faulty one of at most WHOLE_PARSE_BYTES (unzipped too),
 * to word its fault as JSON.parse does over the whole text, at the line where the streaming
 * read met it first; a larger one gets the streaming read's words.
 */
function wholeArray(path: string, gzip: boolean, first: ReadIssue): RecordAt[] {
  const line = first.line;
  let bytes: Buffer;
  try {
    const raw = readFileSync(path);
    bytes = gzip ? gunzipWhole(raw, WHOLE_PARSE_BYTES) : raw;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw streamedFault(path, first);
    throw describeSystemError(err, `cannot read ${path}`) ?? new InputError(path, undefined, (err as Error).message);
  }
  if (!isUtf8(bytes)) {
    // Cut into lines only to name the first that is not UTF-8 (the cutter refuses it).
    const lines = new LineCutter(path);
    lines.push(bytes);
    lines.end();
  }
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(path, line, notJson(text, err));
  }
  if (!Array.isArray(value)) throw new InputError(path, undefined, 'expected a JSON array of records');
  // A fault JSON.parse takes (a key given twice), in the streaming read's words.
  if (duplicateKey(text) !== undefined) throw streamedFault(path, first);
  return value.map((v, i) => ({ value: v, line: i + 1 }));
}

/**
 * The file's bytes as they stream (unzipped for `.gz`); `-` is standard input. A tolerant
 * reader passes `trailing`: bytes after the gzip data then go there and the stream ends
 * cleanly; otherwise they are its error.
 */
async function open(file: string, gzip: boolean, trailing?: (err: TrailingBytes) => void): Promise<Readable> {
  if (file === STDIO) {
    // Node's stream of a folder (`< folder`) ends at once, unread: it read as an empty file.
    if (fstatSync(0).isDirectory()) throw describeSystemError({ code: 'EISDIR' }, `cannot read ${file}`)!;
    return process.stdin;
  }
  const raw = isPipe(file) ? pipeReader(file) : createReadStream(file, { highWaterMark: CHUNK });
  if (!(raw instanceof Socket)) {
    await new Promise<void>((resolve, reject) => {
      raw.once('open', () => resolve());
      raw.once('error', (err) => reject(describeSystemError(err, `cannot read ${file}`) ?? err));
    });
  }
  if (!gzip) return raw;
  const unzipped = async function* () {
    try {
      yield* gunzipMembers(raw);
    } catch (err) {
      if (!(trailing && err instanceof TrailingBytes)) throw err;
      trailing(err);
    }
  };
  return Readable.from(unzipped(), { objectMode: false });
}

/** Whether a name is a named pipe (links followed); false where it cannot be read, which opening it then names. */
function isPipe(path: string): boolean {
  return statOf(path)?.isFIFO() === true;
}

/**
 * A named pipe, opened without waiting for a writer: the event loop waits for its data. A
 * thread blocked in open() until a writer came held the process past SIGINT and SIGTERM (an
 * exit waits for every thread of the pool): it said it stopped, and hung until killed outright.
 */
function pipeReader(file: string): Socket {
  try {
    return pipeStream(openSync(file, constants.O_RDONLY | constants.O_NONBLOCK));
  } catch (err) {
    throw describeSystemError(err, `cannot read ${file}`) ?? err;
  }
}

/** A named pipe opened without waiting (pipeReader), as a stream. */
const pipeStream = (fd: number): Socket => new Socket({ fd, readable: true, writable: false });

function close(input: Readable | SyncChunks): void {
  if (input instanceof SyncChunks) input.close();
  else if (input !== process.stdin) input.destroy();
}


/**
 * A regular file's bytes, CHUNK at a time, each read synchronously on the main thread. A
 * ReadStream asks the thread pool for every chunk: a round trip between threads per 64 KB,
 * which a run pinned to one core pays in context switches. The event loop still gets a turn
 * after each chunk, as it did while a stream's read was under way: stop signals and the
 * sink's timers are heard there however long a run writes nothing.
 */
class SyncChunks implements AsyncIterable<Buffer> {
  private fd: number | undefined;

  constructor(fd: number) {
    this.fd = fd;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.fd === undefined) return;
      // A fresh buffer per chunk: the line cutter keeps the end of one as the start of a line.
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = readSync(this.fd, chunk, 0, CHUNK, null);
      if (n === 0) return;
      yield n < CHUNK ? chunk.subarray(0, n) : chunk;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * A regular file's SyncChunks, or a named pipe's stream; undefined for anything else (a
 * device, a name that cannot be opened: the stream reads it, or names what is wrong). Opened
 * without waiting and judged by what was opened, not by the name, so a pipe put in a file's
 * place between the two never blocks the main thread in open(). A pipe is read from this one
 * open: closing it to open the pipe again let a writer that came meanwhile write to no reader
 * (its text lost, and the read waited for a writer for ever).
 */
function openedInput(file: string): SyncChunks | Socket | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const stat = fstatSync(fd);
  if (stat.isFile()) return new SyncChunks(fd);
  if (stat.isFIFO()) return pipeStream(fd);
  closeSync(fd);
  return undefined;
}
