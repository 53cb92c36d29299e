import { isUtf8 } from 'node:buffer';
import { InputError } from '../io/errors.js';

/**
 * Cuts text into lines as chunks arrive, as JSON Lines defines them: a line ends at `\n` (one
 * `\r` before it is part of the ending); a lone `\r` is part of its line, whitespace to JSON,
 * as Python's json and the Hugging Face loaders read it. Lines are cut at the byte 0x0a, which is never part of a multi-byte UTF-8
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
      this.line(last, 0, last.length, out);
    }
    this.rest = [];
    return out;
  }

  /** The line buf[start, nl), nl a newline (one `\r` before it is part of the ending). */
  private emit(buf: Buffer, start: number, nl: number, out: string[]): void {
    this.line(buf, start, nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl, out);
  }

  private line(buf: Buffer, start: number, end: number, out: string[]): void {
    if (!isUtf8(buf.subarray(start, end))) {
      this.invalid(++this.count);
      out.push('');
      return;
    }
    this.count++;
    out.push(buf.toString('utf8', start, end));
  }
}
