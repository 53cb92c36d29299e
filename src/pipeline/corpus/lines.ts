import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { systemError } from './files.js';

/**
 * Reads a JSON Lines file (gzip allowed, members concatenated) line by line, on demand:
 * only what the caller takes is decoded, so reading keeps pace with the workers instead of
 * filling memory.
 */
export class LineReader {
  private readonly it: AsyncIterator<Buffer>;
  private readonly decoder = new StringDecoder('utf8');
  private readonly stream: Readable;
  private lines: string[] = [];
  private at = 0;
  private rest = '';
  private ended = false;
  /** 1-based number of the next line taken. */
  line = 1;

  constructor(readonly path: string, gzip: boolean) {
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
      let text: string;
      if (r.done) {
        this.ended = true;
        text = this.rest + this.decoder.end();
        this.rest = '';
        this.lines = text.length > 0 ? [text] : [];
      } else {
        text = this.rest + this.decoder.write(r.value);
        const parts = text.split('\n');
        this.rest = parts.pop() ?? '';
        this.lines = parts;
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
