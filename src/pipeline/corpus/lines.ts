import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LineCutter } from '../source.js';
import { systemError } from './files.js';

/**
 * Reads a JSON Lines file (gzip allowed, members concatenated) line by line, on demand:
 * only what the caller takes is decoded, so reading keeps pace with the workers instead of
 * filling memory. Lines are cut by LineCutter, as every reader here cuts them.
 */
export class LineReader {
  private readonly it: AsyncIterator<Buffer>;
  private readonly cutter: LineCutter;
  private readonly stream: Readable;
  private lines: string[] = [];
  private at = 0;
  private ended = false;
  /** 1-based number of the next line taken. */
  line = 1;

  constructor(readonly path: string, gzip: boolean) {
    this.cutter = new LineCutter(path);
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    this.stream = gzip ? file.pipe(createGunzip()) : file;
    if (gzip) file.on('error', (err) => this.stream.destroy(err));
    this.it = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async fill(): Promise<boolean> {
    while (this.at >= this.lines.length) {
      if (this.ended) return false;
      let r: IteratorResult<Buffer>;
      try {
        r = await this.it.next();
      } catch (err) {
        throw systemError(err, `cannot read ${this.path}`);
      }
      if (r.done) {
        this.ended = true;
        this.lines = this.cutter.end();
      } else {
        this.lines = this.cutter.push(r.value);
      }
      this.at = 0;
    }
    return true;
  }

  /** Up to `n` next lines (fewer at the end of the file). */
  async take(n: number): Promise<string[]> {
    const out: string[] = [];
    while (out.length < n && (await this.fill())) {
      const k = Math.min(n - out.length, this.lines.length - this.at);
      for (let i = 0; i < k; i++) out.push(this.lines[this.at + i]!);
      this.at += k;
    }
    this.line += out.length;
    return out;
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
    this.stream.destroy();
  }
}
