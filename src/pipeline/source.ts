import { isUtf8 } from 'node:buffer';
import { createReadStream, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { gunzipSync, createGunzip } from 'node:zlib';
import { describeSystemError, InputError } from './errors.js';
import { formatOf, STDIO } from './formats.js';

/** One record read from a file, with the line (JSON Lines) or position (array) it came from. */
export interface SourceRecord {
  readonly value: unknown;
  /** 1-based line for JSON Lines, 1-based element number for a JSON array. */
  readonly line: number;
}

/**
 * Reads records from `.jsonl`, `.json` (one array) or either with `.gz`; `-` is standard
 * input as JSON Lines. JSON Lines stream; a JSON array is parsed whole.
 */
export async function* readRecords(path: string): AsyncGenerator<SourceRecord> {
  for await (const batch of readRecordBatches(path)) yield* batch;
}

/**
 * The records of readRecords, a batch per chunk read: a reader that handles a batch in one
 * go waits once per chunk, not once per record.
 */
export async function* readRecordBatches(path: string): AsyncGenerator<SourceRecord[]> {
  const fmt = path === STDIO ? { array: false, gzip: false } : formatOf(path);
  if (fmt.array) {
    yield readArray(path, fmt.gzip);
    return;
  }
  let input: Readable;
  if (path === STDIO) {
    input = process.stdin;
  } else {
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    await openedOrThrow(file, path);
    input = fmt.gzip ? file.pipe(createGunzip()) : file;
    input.on('error', () => undefined); // surfaced by the iterator below
  }
  const lines = new LineSplitter(path);
  try {
    for await (const chunk of input) {
      const batch = lines.push(chunk as Buffer);
      if (batch.length > 0) yield batch;
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw describeSystemError(err, `cannot read ${path}`) ?? new InputError(path, lines.count + 1, (err as Error).message);
  }
  const last = lines.end();
  if (last.length > 0) yield last;
}

/**
 * Cuts text into lines as chunks arrive, as readline does: a line ends at `\n`, `\r\n` or a
 * lone `\r`. Lines are cut at the byte 0x0a, which is never part of a multi-byte UTF-8
 * character, and decoded whole. A line that is not valid UTF-8 is refused with the file and
 * line (decoding would replace its bytes silently); a tolerant reader passes `invalid`
 * instead, and the line then reads as a blank one.
 */
export class LineCutter {
  /** The unfinished line: the pieces of it the last chunks ended with. */
  private rest: Buffer[] = [];
  /** Lines cut so far. */
  private count = 0;

  /** `path`: the file, for the refusal of a line that is not UTF-8; `invalid`: what a tolerant reader does instead. */
  constructor(
    path: string,
    private readonly invalid: (line: number) => void = (line) => {
      throw new InputError(path, line, 'not valid UTF-8');
    },
  ) {}

  /** The lines `chunk` completes. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let start = 0;
    let nl = chunk.indexOf(0x0a);
    if (this.rest.length > 0) {
      // Only the unfinished line is joined, once it ends: not the whole chunk, and not
      // again for every chunk a long line spans.
      if (nl < 0) {
        this.rest.push(chunk);
        return out;
      }
      this.rest.push(chunk.subarray(0, nl + 1));
      const line = Buffer.concat(this.rest);
      this.rest = [];
      this.emit(line, 0, line.length - 1, out);
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    for (; nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      this.emit(chunk, start, nl, out);
      start = nl + 1;
    }
    if (start < chunk.length) this.rest.push(chunk.subarray(start));
    return out;
  }

  /** The last line, when the text does not end with a newline. */
  end(): string[] {
    const out: string[] = [];
    if (this.rest.length > 0) {
      const last = Buffer.concat(this.rest);
      this.line(last, 0, last.length, out, true);
    }
    this.rest = [];
    return out;
  }

  /** The line buf[start, nl), nl a newline (one `\r` before it is part of the ending). */
  private emit(buf: Buffer, start: number, nl: number, out: string[]): void {
    this.line(buf, start, nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl, out, false);
  }

  private line(buf: Buffer, start: number, end: number, out: string[], atEnd: boolean): void {
    if (!isUtf8(buf.subarray(start, end))) {
      this.invalid(++this.count);
      out.push('');
      return;
    }
    const text = buf.toString('utf8', start, end);
    if (!text.includes('\r')) {
      this.count++;
      out.push(text);
      return;
    }
    // Lone carriage returns end lines too; one that ends the text opens no line.
    const parts = text.split('\r');
    if (atEnd && parts[parts.length - 1] === '') parts.pop();
    this.count += parts.length;
    out.push(...parts);
  }
}

/** JSON Lines records from chunks: blank lines are skipped but counted, a malformed one named. */
export class LineSplitter {
  /** Lines seen so far. */
  count = 0;
  private readonly lines: LineCutter;

  constructor(private readonly path: string) {
    this.lines = new LineCutter(path);
  }

  push(chunk: Buffer): SourceRecord[] {
    return this.parse(this.lines.push(chunk));
  }

  /** The last record, when the text does not end with a newline. */
  end(): SourceRecord[] {
    return this.parse(this.lines.end());
  }

  private parse(lines: readonly string[]): SourceRecord[] {
    const out: SourceRecord[] = [];
    for (const text of lines) {
      const n = ++this.count;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new InputError(this.path, n, `not valid JSON (${(err as Error).message})`);
      }
      out.push({ value, line: n });
    }
    return out;
  }
}

function readArray(path: string, gzip: boolean): SourceRecord[] {
  let bytes: Buffer;
  try {
    const raw = readFileSync(path);
    bytes = gzip ? gunzipSync(raw) : raw;
  } catch (err) {
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
    throw new InputError(path, undefined, `not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value)) throw new InputError(path, undefined, 'expected a JSON array of records');
  return value.map((v, i) => ({ value: v, line: i + 1 }));
}

async function openedOrThrow(stream: ReturnType<typeof createReadStream>, path: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(describeSystemError(err, `cannot read ${path}`) ?? err));
  });
}
