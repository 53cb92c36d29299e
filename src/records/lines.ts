import { isUtf8 } from 'node:buffer';
import { InputError } from '../io/errors.js';

/**
 * The longest line read, in bytes: far past any record this tool writes (a six-number APR
 * record with its trace_dict is a few tens of MB), and below what one JavaScript string may
 * hold (about 512 MB; a longer line was a RangeError's stack). A longer one is refused, or
 * skipped by a tolerant reader without being held (a line that never ends, as /dev/zero's,
 * grew without bound).
 */
export const LINE_LIMIT = 1 << 28;

/** What a line over LINE_LIMIT is called (before "; line skipped", or alone in a refusal). */
export const OVERLONG = `longer than ${LINE_LIMIT / (1 << 20)} MiB: not a record this tool reads`;

/** What text that begins with gzip's magic bytes is called: formats are chosen by name, never sniffed. */
export const GZIP_DATA = 'gzip data, not text: a file is read as gzip when its name ends in .gz (name it so, or pipe it through gunzip)';

/**
 * Cuts text into lines as chunks arrive, as JSON Lines defines them: a line ends at `\n` (one
 * `\r` before it is part of the ending); a lone `\r` is part of its line, whitespace to JSON,
 * as Python's json and the Hugging Face loaders read it. Lines are cut at the byte 0x0a, which is never part of a multi-byte UTF-8
 * character, and decoded whole. A line that is not valid UTF-8, or longer than LINE_LIMIT, is
 * refused with the file and line (decoding would replace its bytes silently); a tolerant
 * reader passes `unread` instead, and the line then reads as a blank one.
 */
export class LineCutter {
  /** The unfinished line: the pieces of it the last chunks ended with. */
  private rest: Buffer[] = [];
  /** Bytes in `rest`. */
  private restBytes = 0;
  /** The unfinished line is over the limit: its bytes are dropped until it ends. */
  private skipping = false;
  /** Lines cut so far. */
  private count = 0;
  /** The text began as gzip data does: its first line is named so, and the rest is not cut into a flood of faults. */
  private gzipped = false;

  /** `path`: the file, for the refusal of a line it cannot read; `unread`: what a tolerant reader does instead. */
  constructor(
    path: string,
    private readonly unread: (line: number, fault: string) => void = (line, fault) => {
      throw new InputError(path, line, fault);
    },
  ) {}

  /** The lines `chunk` completes. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    if (this.gzipped) return out;
    let start = 0;
    let nl = chunk.indexOf(0x0a);
    // `skipping` first: both fields are then read for every chunk, and the optimizing
    // compiler does not meet an unread one (a deopt) the first time a chunk ends a line.
    if (this.skipping || this.rest.length > 0) {
      // Only the unfinished line is joined, once it ends: not the whole chunk, and not
      // again for every chunk a long line spans.
      if (nl < 0) {
        this.keep(chunk);
        return out;
      }
      this.keep(chunk.subarray(0, nl + 1));
      if (this.skipping) {
        this.skipping = false;
        this.count++;
        out.push('');
      } else {
        const line = Buffer.concat(this.rest);
        this.emit(line, 0, line.length - 1, out);
      }
      this.rest = [];
      this.restBytes = 0;
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    for (; nl >= 0 && !this.gzipped; nl = chunk.indexOf(0x0a, start)) {
      this.emit(chunk, start, nl, out);
      start = nl + 1;
    }
    if (start < chunk.length && !this.gzipped) this.keep(chunk.subarray(start));
    return out;
  }

  /** The last line, when the text does not end with a newline. */
  end(): string[] {
    const out: string[] = [];
    if (this.gzipped) return out;
    if (this.skipping) {
      this.count++;
      out.push('');
    } else if (this.rest.length > 0) {
      const last = Buffer.concat(this.rest);
      this.line(last, 0, last.length, out);
    }
    this.rest = [];
    this.restBytes = 0;
    this.skipping = false;
    return out;
  }

  /** Adds bytes to the unfinished line, or drops them once it is over the limit (refused, or skipped: then told once). */
  private keep(piece: Buffer): void {
    if (this.skipping) return;
    this.restBytes += piece.length;
    if (this.restBytes <= LINE_LIMIT + 2) {
      this.rest.push(piece);
      return;
    }
    this.rest = [];
    this.restBytes = 0;
    this.unread(this.count + 1, OVERLONG); // a strict reader throws here
    this.skipping = true;
  }

  /** The line buf[start, nl), nl a newline (one `\r` before it is part of the ending). */
  private emit(buf: Buffer, start: number, nl: number, out: string[]): void {
    this.line(buf, start, nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl, out);
  }

  private line(buf: Buffer, start: number, end: number, out: string[]): void {
    if (end - start > LINE_LIMIT) {
      // A whole line over the limit within one chunk (its ending not counted).
      this.unread(++this.count, OVERLONG);
      out.push('');
      return;
    }
    if (!isUtf8(buf.subarray(start, end))) {
      if (this.count === 0 && buf[start] === 0x1f && buf[start + 1] === 0x8b) {
        this.gzipped = true;
        this.unread(++this.count, GZIP_DATA);
        out.push('');
        return;
      }
      this.unread(++this.count, 'not valid UTF-8');
      out.push('');
      return;
    }
    this.count++;
    out.push(buf.toString('utf8', start, end));
  }
}
