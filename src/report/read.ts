import { isUtf8 } from 'node:buffer';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { describeSystemError } from '../pipeline/errors.js';
import { formatOf, STDIO } from '../pipeline/formats.js';
import { LineCutter } from '../pipeline/source.js';

/**
 * Tolerant reading for reports: unlike pipeline/source.ts, a corrupt line is reported and
 * skipped instead of stopping the run, so one bad line never hides a corpus.
 */

/** Something wrong with one line (or a whole file, when line is undefined). */
export interface ReadIssue {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
  /** Whole-file findings: no records at all, or a JSON file that is not a list of records. */
  readonly code?: 'empty' | 'not-records';
}

export interface ReadItem {
  readonly value: unknown;
  /** 1-based line the record starts on. */
  readonly line: number;
}

export type IssueSink = (issue: ReadIssue) => void;

/** Largest single record accepted from a JSON array before the file is judged corrupt. */
const MAX_ELEMENT_CHARS = 256 << 20;

const RECORD_FILE = /\.(jsonl|json)(\.gz)?$/;

export const isRecordFileName = (name: string): boolean => RECORD_FILE.test(name);

/** The record files of a folder (any depth, sorted), skipping hidden entries. */
export function recordFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name.includes('.tmp-')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && isRecordFileName(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function isFolder(path: string): boolean {
  if (path === STDIO) return false;
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    throw describeSystemError(err, `cannot read ${path}`) ?? err;
  }
}

async function open(file: string, gzip: boolean): Promise<Readable> {
  if (file === STDIO) return process.stdin;
  const raw = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    raw.once('open', () => resolve());
    raw.once('error', (err) => reject(describeSystemError(err, `cannot read ${file}`) ?? err));
  });
  if (!gzip) return raw;
  const gz = raw.pipe(createGunzip());
  raw.on('error', (err) => gz.destroy(err));
  gz.on('close', () => raw.destroy());
  return gz;
}

/**
 * Parsed records of one file (`-`: standard input, JSON Lines), in order. Throws only when the file cannot be opened; every
 * other problem (empty file, corrupt line, truncated gzip) goes to `issue` and reading
 * goes on where it can.
 */
export async function* readTolerant(file: string, issue: IssueSink): AsyncGenerator<ReadItem> {
  const fmt = file === STDIO ? { array: false, gzip: false } : formatOf(file);
  const input = await open(file, fmt.gzip);
  try {
    yield* fmt.array ? jsonArray(input, file, issue) : jsonLines(input, file, issue);
  } finally {
    if (input !== process.stdin) input.destroy(); // also when the caller stops early
  }
}

async function* jsonLines(input: Readable, file: string, issue: IssueSink): AsyncGenerator<ReadItem> {
  let n = 0;
  let any = false;
  // Lines cut as every reader cuts them; one that is not UTF-8 is named and read as blank.
  const cutter = new LineCutter(file, (line) => issue({ file, line, message: 'not valid UTF-8; line skipped' }));
  const parsed = function* (lines: readonly string[]): Generator<ReadItem> {
    for (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      any = true;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        issue({ file, line: n, message: `not valid JSON (${(err as Error).message}); line skipped` });
        continue;
      }
      yield { value, line: n };
    }
  };
  try {
    for await (const chunk of input) yield* parsed(cutter.push(chunk as Buffer));
  } catch (err) {
    issue({ file, line: n + 1, message: `cannot read further (${(err as Error).message}); kept the ${n} lines before` });
    return;
  }
  yield* parsed(cutter.end());
  if (!any) issue({ file, message: 'empty: no records', code: 'empty' });
}

/**
 * Text of JSON chunks, checked as UTF-8 (decoding alone would replace bad bytes silently). A
 * character cut by a chunk's end waits for the next chunk; text stops before the first line
 * that is not UTF-8, and `bad` names that line.
 */
class Utf8Chunks {
  private carry: Buffer | undefined;
  bad: number | undefined;

  /** The text of `raw` (after what the chunk before left), `line` being the line it starts on. */
  text(raw: Buffer, line: number): string {
    let bytes = this.carry ? Buffer.concat([this.carry, raw]) : raw;
    const end = completeChars(bytes);
    this.carry = end < bytes.length ? Buffer.from(bytes.subarray(end)) : undefined;
    bytes = bytes.subarray(0, end);
    if (isUtf8(bytes)) return bytes.toString('utf8');
    for (let at = 0; ; line++) {
      const nl = bytes.indexOf(0x0a, at);
      if (nl < 0 || !isUtf8(bytes.subarray(at, nl))) {
        this.bad = line;
        return bytes.toString('utf8', 0, at);
      }
      at = nl + 1;
    }
  }

  /** At the end of the input: a character left unfinished is not UTF-8 either. */
  end(line: number): void {
    if (this.carry) this.bad ??= line;
  }
}

/** Length of the longest prefix of `bytes` that does not end inside a UTF-8 character. */
function completeChars(bytes: Buffer): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** Splits a JSON array into its elements as the text streams in, so any size reads in bounded memory. */
async function* jsonArray(input: Readable, file: string, issue: IssueSink): AsyncGenerator<ReadItem> {
  const utf8 = new Utf8Chunks();
  const notUtf8 = (at: number) => issue({ file, line: at, message: `not valid UTF-8; kept the ${element} elements before` });
  let state: 'start' | 'between' | 'element' | 'end' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let elementLine = 0;
  let element = 0;
  let pending = '';
  const parse = (text: string): ReadItem | undefined => {
    element++;
    try {
      return { value: JSON.parse(text), line: elementLine };
    } catch (err) {
      issue({ file, line: elementLine, message: `element ${element} is not valid JSON (${(err as Error).message}); skipped` });
      return undefined;
    }
  };
  try {
    for await (const raw of input as AsyncIterable<Buffer>) {
      const chunk = utf8.text(raw, line);
      let from = state === 'element' ? 0 : -1;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i]!;
        if (c === '\n') line++;
        if (state === 'element') {
          if (inString) {
            if (escaped) escaped = false;
            else if (c === '\\') escaped = true;
            else if (c === '"') inString = false;
            continue;
          }
          if (c === '"') inString = true;
          else if (c === '{' || c === '[') depth++;
          else if ((c === '}' || c === ']') && depth > 0) {
            if (--depth === 0) {
              const item = parse(pending + chunk.slice(from, i + 1));
              pending = '';
              state = 'between';
              if (item) yield item;
            }
          } else if (depth === 0 && (c === ',' || c === ']')) {
            // A bare value (never a record, but still one element) ends here.
            const item = parse(pending + chunk.slice(from, i));
            pending = '';
            state = c === ']' ? 'end' : 'between';
            if (item) yield item;
          }
          continue;
        }
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
        if (state === 'start') {
          if (c !== '[') {
            const what = c === '{' ? 'a single JSON object' : 'not JSON';
            issue({ file, message: `${what}, not a list of records; file skipped`, code: 'not-records' });
            return;
          }
          state = 'between';
        } else if (state === 'between') {
          if (c === ',') continue;
          if (c === ']') {
            state = 'end';
            continue;
          }
          state = 'element';
          from = i;
          elementLine = line;
          depth = c === '{' || c === '[' ? 1 : 0;
          inString = c === '"';
          escaped = false; // a bare number or literal is scanned until the next ',' or ']'
        } else {
          issue({ file, line, message: 'text after the closing "]" ignored' });
          return;
        }
      }
      if (state === 'element') {
        pending += chunk.slice(Math.max(from, 0));
        if (pending.length > MAX_ELEMENT_CHARS) {
          issue({ file, line: elementLine, message: `element ${element + 1} never ends (corrupt array?); stopped reading` });
          return;
        }
      }
      if (utf8.bad !== undefined) return notUtf8(utf8.bad);
    }
    utf8.end(line);
    if (utf8.bad !== undefined) return notUtf8(utf8.bad);
  } catch (err) {
    issue({ file, line, message: `cannot read further (${(err as Error).message}); kept the ${element} elements before` });
    return;
  }
  const ended = state as string; // widened: the checker loses the loop's assignments here
  if (ended === 'start') issue({ file, message: 'empty: no records', code: 'empty' });
  else if (ended !== 'end') issue({ file, line, message: `ends inside the array (truncated?); kept the ${element} elements before` });
  else if (element === 0) issue({ file, message: 'empty: no records', code: 'empty' });
}
