import * as zlib from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';

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
/** A `.gz` file that is no gzip at all: zlib says `incorrect header check`, which names neither the cause nor the cure. */
export const NOT_GZIP = 'not gzip data: a file is read as gzip when its name ends in .gz (name it without .gz, or compress it with gzip)';
const notGzip = () => zlibFault(NOT_GZIP, 'Z_DATA_ERROR');

/**
 * A gzip file's bytes, unzipped, member after member (a corpus file is one member per block),
 * each checked by its trailer. Why not zlib's Gunzip: it takes any non-zero byte after a
 * member for the start of another one, and the output of the read that meets trailing
 * garbage is lost with its error (about 16 KB of records a tolerant reader then never saw).
 * Here every member's output is handed over before TrailingBytes is thrown, and zero bytes
 * after the last member are padding, as gzip(1) reads them. Other faults are zlib's errors
 * (a corrupt block), NOT_GZIP (not gzip at all), `header crc mismatch`,
 * `incorrect data check` (a member whose CRC or size is wrong) and `unexpected end of file`.
 * Output comes in pieces of bounded size, whatever the compression ratio.
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
    const header = await headerOf(bytes);
    if (header === 'short') throw cutShort();
    if (header === 'none') {
      if (whole > 0) throw new TrailingBytes(bytes.offset);
      throw notGzip();
    }
    bytes.drop(header);
    let crc = 0;
    let size = 0;
    // A small member whose end is already read is inflated at once (a file of many small
    // members would otherwise start a stream for each); any other goes through the stream.
    const small = inflateWhole(bytes.peek(Math.min(bytes.length, SMALL)), SMALL_OUTPUT);
    if (small) {
      bytes.drop(small.used);
      crc = crc32(small.out);
      size = small.out.length;
      yield small.out;
    } else {
      for await (const out of inflateMember(bytes)) {
        crc = crc32(out, crc);
        size += out.length;
        yield out;
      }
    }
    await bytes.need(8);
    if (bytes.length < 8) throw cutShort();
    checkTrailer(bytes.peek(8), crc, size);
    bytes.drop(8);
    whole++;
  }
}

/** The bytes at hand a member may be inflated at once from, and the most output that may give. */
const SMALL = 1 << 18;
const SMALL_OUTPUT = 1 << 21;
/** Input handed to the inflate stream at a time: its output for one write stays bounded (deflate's ratio is at most about 1,000). */
const SLICE = 1 << 14;

/** A member's trailer (RFC 1952): the CRC and the size (modulo 2^32) of its data. */
function checkTrailer(trailer: Buffer, crc: number, size: number): void {
  if (trailer.readUInt32LE(0) !== crc || trailer.readUInt32LE(4) !== size % 2 ** 32) throw zlibFault('incorrect data check', 'Z_DATA_ERROR');
}

/** The header at the start of the bytes at hand, reading more while they end inside it. */
async function headerOf(bytes: ByteQueue): Promise<number | 'none' | 'short'> {
  for (let want = 10; ; want = Math.max(2 * want, bytes.length + 1)) {
    await bytes.need(want);
    const h = headerLength(bytes.peek(bytes.length));
    if (h !== 'short' || bytes.length < want) return h; // fewer than wanted: the input ended
  }
}

/**
 * The length of the gzip member header (RFC 1952) `b` starts with; `none` where no member
 * starts, `short` where `b` ends inside one. A header CRC (FHCRC) is checked.
 */
function headerLength(b: Buffer): number | 'none' | 'short' {
  if (b.length === 0) return 'short';
  if (b[0] !== 0x1f || (b.length > 1 && b[1] !== 0x8b)) return 'none';
  if (b.length < 10) return 'short';
  const flags = b[3]!;
  // Deflate, no reserved flag.
  if (b[2] !== 8 || (flags & 0xe0) !== 0) return 'none';
  let at = 10;
  if (flags & 4) {
    if (b.length < at + 2) return 'short';
    at += 2 + b.readUInt16LE(at); // FEXTRA: its length, then its bytes
  }
  for (const bit of [8, 16]) {
    // FNAME, FCOMMENT: zero-terminated
    if (!(flags & bit)) continue;
    const end = at < b.length ? b.indexOf(0, at) : -1;
    if (end < 0) return 'short';
    at = end + 1;
  }
  if (flags & 2) {
    if (b.length < at + 2) return 'short';
    if ((crc32(b.subarray(0, at)) & 0xffff) !== b.readUInt16LE(at)) throw zlibFault('header crc mismatch', 'Z_DATA_ERROR');
    at += 2;
  }
  return b.length < at ? 'short' : at;
}

/**
 * A member's deflate data at the start of `b` inflated at once: its output and the bytes it
 * took, when the data ends inside `b` and gives at most `most` bytes; otherwise undefined
 * (the stream then reads it, and hands over what zlib gives before a fault).
 */
function inflateWhole(b: Buffer, most: number): { out: Buffer; used: number } | undefined {
  try {
    const { buffer, engine } = zlib.inflateRawSync(b, { info: true, finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: most }) as unknown as {
      buffer: Buffer;
      engine: zlib.InflateRaw;
    };
    // All of `b` taken: the data may go on past it.
    return engine.bytesWritten < b.length ? { out: buffer, used: engine.bytesWritten } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The unzipped bytes of one member's deflate data, read from `bytes`; what follows the data
 * (the trailer) is left in `bytes`. zlib's raw inflate stops at the end of the data and
 * counts the input it took (`bytesWritten`), which says where the trailer starts.
 */
async function* inflateMember(bytes: ByteQueue): AsyncGenerator<Buffer> {
  // zlib's chunk: the output of a call that meets corrupt data is lost with its error, as in its Gunzip.
  const inflate = zlib.createInflateRaw({ chunkSize: 1 << 14 });
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
    yield* feed();
  } catch (err) {
    yield* out.splice(0); // what zlib gave before the fault, then the fault
    throw err;
  } finally {
    inflate.destroy();
  }

  async function* feed(): AsyncGenerator<Buffer> {
    let fed = 0;
    for (;;) {
      const chunk = await bytes.take(SLICE);
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
        // The data ended inside this slice: the rest is the trailer and what follows.
        bytes.unread(unused);
        await ended();
        yield* out.splice(0);
        return;
      }
    }
  }
}

/**
 * The gzip bytes of a whole file, unzipped at once, as gunzipMembers reads them (the same
 * members, padding, trailing bytes and faults): for a reader that holds the file already.
 * Unzipped bytes past `limit` throw a RangeError (code ERR_BUFFER_TOO_LARGE): a few MB can
 * unzip to gigabytes.
 */
export function gunzipWhole(b: Buffer, limit = Number.MAX_SAFE_INTEGER): Buffer {
  const outs: Buffer[] = [];
  let at = 0;
  let total = 0;
  for (let whole = 0; ; whole++) {
    if (whole > 0) {
      let z = at;
      while (z < b.length && b[z] === 0) z++;
      if (z === b.length) return Buffer.concat(outs);
      if (z > at) throw new TrailingBytes(at);
    }
    const header = headerLength(b.subarray(at));
    if (header === 'short') throw cutShort();
    if (header === 'none') {
      if (whole > 0) throw new TrailingBytes(at);
      throw notGzip();
    }
    at += header;
    const maxOutputLength = Math.max(1, Math.min(limit - total, bufferConstants.MAX_LENGTH));
    const { buffer, engine } = zlib.inflateRawSync(b.subarray(at), { info: true, maxOutputLength }) as unknown as { buffer: Buffer; engine: zlib.InflateRaw };
    total += buffer.length;
    // A member begun at the limit could still give its first byte (maxOutputLength is at least 1).
    if (total > limit) throw Object.assign(new RangeError(`unzipped data over ${limit} bytes`), { code: 'ERR_BUFFER_TOO_LARGE' });
    at += engine.bytesWritten;
    if (b.length < at + 8) throw cutShort();
    checkTrailer(b.subarray(at, at + 8), crc32(buffer), buffer.length);
    at += 8;
    outs.push(buffer);
  }
}

/** Bytes read from a stream, with a look-ahead; `offset` is where the first unread byte sits in the file. */
class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  /** The bytes at hand before the last take (for unread). */
  private beforeTake: Buffer | undefined;
  private readonly source: AsyncIterator<Buffer>;
  offset = 0;
  private eof = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.source = source[Symbol.asyncIterator]();
  }

  get length(): number {
    return this.buf.length;
  }

  /** Reads until `n` bytes are at hand or the input ends. */
  async need(n: number): Promise<void> {
    const parts = [this.buf];
    let have = this.buf.length;
    while (have < n && !this.eof) {
      const next = await this.source.next();
      if (next.done) this.eof = true;
      else {
        parts.push(next.value);
        have += next.value.length;
      }
    }
    if (parts.length > 1) this.buf = Buffer.concat(parts); // once, however many chunks it took
  }

  /** The first `n` bytes at hand (`need` them first). */
  peek(n: number): Buffer {
    return this.buf.subarray(0, n);
  }

  drop(n: number): void {
    this.buf = this.buf.subarray(n);
    this.offset += n;
  }

  /** Up to `most` of the bytes at hand, or of the next chunk read; undefined at the end. */
  async take(most: number): Promise<Buffer | undefined> {
    await this.need(1);
    if (this.buf.length === 0) return undefined;
    this.beforeTake = this.buf;
    const piece = this.buf.subarray(0, most);
    this.drop(piece.length);
    return piece;
  }

  /** Gives back the last `n` bytes of the piece last taken (no read in between): no copy. */
  unread(n: number): void {
    const before = this.beforeTake!;
    this.buf = before.subarray(before.length - this.buf.length - n);
    this.offset -= n;
  }

  async close(): Promise<void> {
    await this.source.return?.();
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

/** zlib's CRC-32 (Node 20.15 and later), or the same sum computed here (earlier Node 20). */
const crc32: (data: Uint8Array, value?: number) => number = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32 ?? crc32Portable;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO-HDLC, as gzip sums it) computed in JavaScript, continuing from `value`. */
export function crc32Portable(data: Uint8Array, value = 0): number {
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
