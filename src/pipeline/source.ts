import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
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
  const fmt = path === STDIO ? { array: false, gzip: false } : formatOf(path);
  if (fmt.array) {
    yield* readArray(path, fmt.gzip);
    return;
  }
  let input: Readable;
  if (path === STDIO) {
    input = process.stdin;
  } else {
    const file = createReadStream(path);
    await openedOrThrow(file, path);
    input = fmt.gzip ? file.pipe(createGunzip()) : file;
    input.on('error', () => undefined); // surfaced by the iterator below
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new InputError(path, n, `not valid JSON (${(err as Error).message})`);
      }
      yield { value, line: n };
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw describeSystemError(err, `cannot read ${path}`) ?? new InputError(path, n + 1, (err as Error).message);
  }
}

function readArray(path: string, gzip: boolean): SourceRecord[] {
  let text: string;
  try {
    const raw = readFileSync(path);
    text = (gzip ? gunzipSync(raw) : raw).toString('utf8');
  } catch (err) {
    throw describeSystemError(err, `cannot read ${path}`) ?? new InputError(path, undefined, (err as Error).message);
  }
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
