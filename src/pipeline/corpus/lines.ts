import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { gunzipMembers } from '../../records/gunzip.js';
import { LineCutter } from '../../records/lines.js';
import { systemError } from './files.js';

/** Where a run of lines taken together comes from: its file, the first one's 1-based line, and its first index among the lines taken. */
export interface LineSource {
  readonly path: string;
  readonly line: number;
  readonly from: number;
}

/**
 * Reads the files of a JSON Lines stream (gzip allowed, members concatenated), one after the
 * other, line by line and on demand: only what the caller takes is decoded, so reading keeps
 * pace with the workers instead of filling memory. Lines are cut by LineCutter, as every
 * reader here cuts them; every file ends its last line.
 */
export class LineReader {
  private it: AsyncIterator<Buffer> | undefined;
  private stream: Readable | undefined;
  /** Cuts the open file's lines (one per file: it names the file of a line that is not UTF-8). */
  private cutter: LineCutter | undefined;
  private lines: string[] = [];
  private at = 0;
  /** The file `lines` come from, the next one to open, and the 1-based line of `lines[at]`. */
  private file = -1;
  private next = 0;
  private lineNo = 1;

  constructor(
    readonly paths: readonly string[],
    private readonly gzip: boolean,
  ) {}

  private open(): void {
    const path = this.paths[this.next]!;
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    const stream = this.gzip ? Readable.from(gunzipMembers(file), { objectMode: false }) : file;
    this.stream = stream;
    this.cutter = new LineCutter(path);
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.file = this.next++;
    this.lineNo = 1;
  }

  private async fill(): Promise<boolean> {
    while (this.at >= this.lines.length) {
      if (!this.it) {
        if (this.next >= this.paths.length) return false;
        this.open();
      }
      let r: IteratorResult<Buffer>;
      try {
        r = await this.it!.next();
      } catch (err) {
        throw systemError(err, `cannot read ${this.paths[this.file]}`);
      }
      if (r.done) {
        this.lines = this.cutter!.end();
        this.it = undefined;
        this.stream = undefined;
      } else {
        this.lines = this.cutter!.push(r.value);
      }
      this.at = 0;
    }
    return true;
  }

  /** Up to `n` next lines (fewer at the end of the last file), with the files they come from. */
  async takeFrom(n: number): Promise<{ lines: string[]; sources: LineSource[] }> {
    const out: string[] = [];
    const sources: LineSource[] = [];
    while (out.length < n && (await this.fill())) {
      const path = this.paths[this.file]!;
      if (sources.at(-1)?.path !== path) sources.push({ path, line: this.lineNo, from: out.length });
      const k = Math.min(n - out.length, this.lines.length - this.at);
      for (let i = 0; i < k; i++) out.push(this.lines[this.at + i]!);
      this.at += k;
      this.lineNo += k;
    }
    return { lines: out, sources };
  }

  /** Up to `n` next lines (fewer at the end of the last file). */
  async take(n: number): Promise<string[]> {
    return (await this.takeFrom(n)).lines;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const got = await this.take(Math.min(left, 10_000));
      if (got.length === 0) break;
      left -= got.length;
    }
  }

  close(): void {
    this.stream?.destroy();
  }
}
