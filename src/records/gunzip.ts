import { createInflateRaw, crc32 } from 'node:zlib';

/**
 * Bytes after the last whole gzip member that neither start another member nor are zero
 * padding. Every member before them was handed over whole and checked (CRC and size).
 */
export class TrailingBytes extends Error {
  constructor(readonly offset: number) {
    super(`bytes after the gzip data at byte ${offset} are not gzip (trailing garbage)`);
  }
}

/** A fault as zlib words and codes it, so a file reads as it did through zlib's Gunzip. */
const zlibFault = (message: string, code: string) => Object.assign(new Error(message), { code });
const cutShort = () => zlibFault('unexpected end of file', 'Z_BUF_ERROR');

/**
 * A gzip file's bytes, unzipped, member after member (a corpus file is one member per block),
 * each checked by its trailer. Why not zlib's Gunzip: it takes any non-zero byte after a
 * member for the start of another one, and the output of the read that meets trailing
 * garbage is lost with its error (about 16 KB of records a tolerant reader then never saw).
 * Here every member's output is handed over before TrailingBytes is thrown, and zero bytes
 * after the last member are padding, as gzip(1) reads them. Other faults are zlib's errors
 * (a corrupt block), `incorrect header check` (not gzip at all), `incorrect data check` (a
 * member whose CRC or size is wrong) and `unexpected end of file`.
 */
export async function* gunzipMembers(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const bytes = new ByteQueue(source);
  try {
    yield* unzipEach(bytes);
  } finally {
    await bytes.close(); // also when the reader stops early: the source is closed with it
  }
}

async function* unzipEach(bytes: ByteQueue): AsyncGenerator<Buffer> {
  let whole = 0; // members read
  for (;;) {
    if (whole > 0 && (await bytes.skipZeros())) return;
    const header = await headerLength(bytes);
    if (header === 'short') throw cutShort();
    if (header === 'none') {
      if (whole > 0) throw new TrailingBytes(bytes.offset);
      throw zlibFault('incorrect header check', 'Z_DATA_ERROR');
    }
    bytes.drop(header);
    let crc = 0;
    let size = 0;
    for await (const out of inflateMember(bytes)) {
      crc = crc32(out, crc);
      size += out.length;
      yield out;
    }
    await bytes.need(8);
    if (bytes.length < 8) throw cutShort();
    const trailer = bytes.peek(8);
    // ISIZE is the size modulo 2^32.
    if (trailer.readUInt32LE(0) !== crc || trailer.readUInt32LE(4) !== size % 2 ** 32) throw zlibFault('incorrect data check', 'Z_DATA_ERROR');
    bytes.drop(8);
    whole++;
  }
}

/**
 * The bytes of a gzip member's header (RFC 1952); `none` where no member starts, `short` where
 * one starts (its magic) and the input ends inside its header.
 */
async function headerLength(bytes: ByteQueue): Promise<number | 'none' | 'short'> {
  await bytes.need(10);
  const h = bytes.peek(10);
  if (h.length === 0) return 'short';
  if (h[0] !== 0x1f || (h.length > 1 && h[1] !== 0x8b)) return 'none';
  if (h.length < 10) return 'short';
  const flags = h[3]!;
  // Deflate, no reserved flag.
  if (h[2] !== 8 || (flags & 0xe0) !== 0) return 'none';
  let at = 10;
  const need = async (n: number) => {
    await bytes.need(at + n);
    if (bytes.length < at + n) throw cutShort();
  };
  if (flags & 4) {
    await need(2); // FEXTRA: its length, then its bytes
    at += 2 + bytes.peek(at + 2).readUInt16LE(at);
  }
  for (const bit of [8, 16]) {
    // FNAME, FCOMMENT: zero-terminated
    if (!(flags & bit)) continue;
    for (;;) {
      await need(1);
      if (bytes.peek(at + 1)[at++] === 0) break;
    }
  }
  if (flags & 2) at += 2; // FHCRC
  await need(0);
  return at;
}

/**
 * The unzipped bytes of one member's deflate data, read from `bytes`; what follows the data
 * (the trailer) is left in `bytes`. zlib's raw inflate stops at the end of the data and
 * counts the input it took (`bytesWritten`), which says where the trailer starts.
 */
async function* inflateMember(bytes: ByteQueue): AsyncGenerator<Buffer> {
  const inflate = createInflateRaw({ chunkSize: 1 << 16 });
  const out: Buffer[] = [];
  let failure: Error | undefined;
  let wake = () => {};
  inflate.on('data', (b: Buffer) => out.push(b));
  inflate.on('error', (err) => {
    failure = err;
    wake();
  });
  inflate.on('end', () => wake());
  /** Starts `step`; waits for its callback, the inflate's end or its failure (thrown). */
  const settle = async (step: (done: () => void) => void) => {
    await new Promise<void>((resolve) => {
      wake = resolve;
      step(resolve);
    });
    if (failure) throw failure;
  };
  const ended = async () => {
    while (!inflate.readableEnded) await settle(() => undefined);
  };
  try {
    let fed = 0;
    for (;;) {
      const chunk = await bytes.takeChunk();
      if (chunk === undefined) {
        // The input ended inside the data (zlib's end fails), or just after it.
        await settle((done) => inflate.end(done));
        await ended();
        yield* out.splice(0);
        return;
      }
      fed += chunk.length;
      await settle((done) => inflate.write(chunk, () => done()));
      yield* out.splice(0);
      const unused = fed - inflate.bytesWritten;
      if (unused > 0) {
        // The data ended inside this chunk: the rest is the trailer and what follows.
        bytes.putBack(chunk.subarray(chunk.length - unused));
        await ended();
        yield* out.splice(0);
        return;
      }
    }
  } finally {
    inflate.destroy();
  }
}

/** Bytes read from a stream, with a look-ahead; `offset` is where the first unread byte sits in the file. */
class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  private readonly source: AsyncIterator<Buffer>;
  offset = 0;
  eof = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.source = source[Symbol.asyncIterator]();
  }

  get length(): number {
    return this.buf.length;
  }

  /** Reads until `n` bytes are at hand or the input ends. */
  async need(n: number): Promise<void> {
    while (this.buf.length < n && !this.eof) {
      const next = await this.source.next();
      if (next.done) this.eof = true;
      else this.buf = this.buf.length === 0 ? next.value : Buffer.concat([this.buf, next.value]);
    }
  }

  /** The first `n` bytes at hand (`need` them first). */
  peek(n: number): Buffer {
    return this.buf.subarray(0, n);
  }

  drop(n: number): void {
    this.buf = this.buf.subarray(n);
    this.offset += n;
  }

  /** The bytes at hand, or the next chunk read; undefined at the end. */
  async takeChunk(): Promise<Buffer | undefined> {
    await this.need(1);
    if (this.buf.length === 0) return undefined;
    const chunk = this.buf;
    this.drop(chunk.length);
    return chunk;
  }

  async close(): Promise<void> {
    await this.source.return?.();
  }

  /** Gives back the unused end of the chunk last taken. */
  putBack(rest: Buffer): void {
    this.buf = rest;
    this.offset -= rest.length;
  }

  /**
   * Skips zero bytes after a member: whether the input ends with them (padding). Zeros, then
   * anything else, even another member, are trailing bytes: padding ends a gzip file.
   */
  async skipZeros(): Promise<boolean> {
    const start = this.offset;
    for (;;) {
      await this.need(1);
      if (this.buf.length === 0) return true;
      let i = 0;
      while (i < this.buf.length && this.buf[i] === 0) i++;
      this.drop(i);
      if (this.buf.length > 0) {
        if (this.offset > start) throw new TrailingBytes(start);
        return false;
      }
    }
  }
}
