/**
 * Node's Buffer has `latin1Write`, the native call behind `write(s, at, 'latin1')` without its
 * argument handling (for long strings; short ones are cheaper copied a character at a time).
 */
type LatinBuffer = Buffer & { latin1Write(s: string, offset: number): number };

/** Room every buffer keeps past what `reserve` asked for: word stores write up to 8 bytes past the text they append. */
const SLACK = 8;

/**
 * Constant ASCII text made once at load, as 8-byte words: appending it is a few word
 * stores, where a native copy call costs more than a short piece is long. A word of ASCII
 * bytes (and zero padding) read as a little-endian double has its sign bit clear and an
 * exponent below all ones, so it is a finite number and its bits survive loads and stores.
 */
export class Piece {
  readonly length: number;
  readonly words: Float64Array;

  constructor(text: string) {
    this.length = text.length;
    const padded = new Uint8Array(Math.ceil(text.length / 8) * 8);
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c > 0x7f) throw new RangeError(`not ASCII: ${JSON.stringify(text)}`);
      padded[k] = c;
    }
    const view = new DataView(padded.buffer);
    this.words = new Float64Array(padded.length / 8);
    for (let k = 0; k < this.words.length; k++) this.words[k] = view.getFloat64(8 * k, true);
  }
}

/**
 * A growable buffer of ASCII text. Trace lines are rendered straight into bytes: no
 * intermediate strings, no ropes to flatten, no UTF-8 encoding on the way to disk.
 *
 * Two ways to append. The safe appends (`text`, `bytes`, `append`, `piece`, `int`, `byte`)
 * grow the buffer as needed. The fast path is named as such: `reserve(n)` makes room for
 * `n` bytes, then the `unsafe` appends write without checking, up to `n` bytes in all (the
 * `...At` ones at a cursor the caller keeps in a local, ended by `unsafeEnd`). Bytes past
 * the length are scratch: word stores may write up to 8 bytes there, and the next append
 * overwrites them.
 */
export class ByteText {
  private buf: Buffer;
  /** The same memory, for word stores. */
  private dv: DataView;
  private len = 0;

  constructor(capacity = 4096) {
    this.buf = Buffer.allocUnsafe(capacity + SLACK);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  get length(): number {
    return this.len;
  }

  /** Empties the text, keeping its memory. */
  clear(): void {
    this.len = 0;
  }

  /** Drops the bytes from `length` on. */
  truncate(length: number): void {
    if (length < this.len) this.len = Math.max(0, length);
  }

  byteAt(i: number): number {
    return this.buf[i]!;
  }

  /** Where `text` (ASCII) first occurs at or after `from`; -1 if nowhere. */
  indexOf(text: string, from = 0): number {
    const at = this.buf.indexOf(text, from, 'latin1');
    return at < 0 || at + text.length > this.len ? -1 : at;
  }

  toString(start = 0, end = this.len): string {
    return this.buf.toString('latin1', start, end);
  }

  /** A view of the content (valid until the next append). */
  view(start = 0, end = this.len): Uint8Array {
    return this.buf.subarray(start, end);
  }

  /* Safe appends: each makes its own room. */

  /** Appends an ASCII string (for long ones, Node's native copy). */
  text(s: string): void {
    this.reserve(s.length);
    if (s.length > 64) this.len += (this.buf as LatinBuffer).latin1Write(s, this.len);
    else this.unsafeStr(s);
  }

  /** Appends bytes (ASCII, for the text to stay text). */
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Appends src[start, end) of another buffer. */
  append(src: ByteText, start = 0, end = src.len): void {
    this.reserve(end - start);
    src.buf.copy(this.buf, this.len, start, end);
    this.len += end - start;
  }

  piece(p: Piece): void {
    this.reserve(p.length);
    this.unsafePiece(p);
  }

  /** Appends a non-negative integer in decimal. */
  int(n: number): void {
    this.reserve(INT_ROOM);
    this.unsafeInt(n);
  }

  byte(c: number): void {
    this.reserve(1);
    this.unsafeByte(c);
  }

  /* The fast path: reserve, then append unchecked. */

  /** Makes room for `extra` more bytes: the unchecked appends after it may add that many. */
  reserve(extra: number): void {
    const need = this.len + extra + SLACK;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
    this.dv = new DataView(next.buffer, next.byteOffset, next.length);
  }

  /** A constant piece, a word at a time (room reserved). */
  unsafePiece(p: Piece): void {
    this.len = this.unsafePieceAt(this.len, p);
  }

  /** A non-negative integer in decimal (room reserved: `INT_ROOM` covers any). */
  unsafeInt(n: number): void {
    this.len = this.unsafeIntAt(this.len, n);
  }

  unsafeByte(c: number): void {
    this.buf[this.len++] = c;
  }

  /** An ASCII string a character at a time (short ones: node ids, small pieces; room reserved). */
  unsafeStr(s: string): void {
    const n = s.length;
    const buf = this.buf;
    let at = this.len;
    for (let k = 0; k < n; k++) buf[at++] = s.charCodeAt(k);
    this.len = at;
  }

  /** Bytes [from, to) of another buffer, four at a time (room reserved). */
  unsafeCopy(src: ByteText, from: number, to: number): void {
    const s = src.dv;
    const d = this.dv;
    const shift = this.len - from;
    for (let k = from; k < to; k += 4) d.setInt32(k + shift, s.getInt32(k, true), true);
    this.len = to + shift;
  }

  /*
   * At a cursor, for the most frequent lines: the writer keeps the end in a local (starting
   * from `length`, room reserved), each call returns the new end, and `unsafeEnd` sets it once.
   */

  unsafePieceAt(at: number, p: Piece): number {
    const words = p.words;
    const dv = this.dv;
    for (let k = 0; k < words.length; k++) dv.setFloat64(at + 8 * k, words[k]!, true);
    return at + p.length;
  }

  /** Small integers as one word store from a table. */
  unsafeIntAt(at: number, n: number): number {
    if (n >= 0 && n < SMALL && Number.isInteger(n)) {
      this.dv.setUint32(at, DIGIT_WORDS[n]!, true);
      return at + DIGIT_LEN[n]!;
    }
    const s = String(n);
    const buf = this.buf;
    for (let k = 0; k < s.length; k++) buf[at++] = s.charCodeAt(k);
    return at;
  }

  unsafeByteAt(at: number, c: number): number {
    this.buf[at] = c;
    return at + 1;
  }

  /** Ends the text at a cursor's end. */
  unsafeEnd(at: number): void {
    this.len = at;
  }
}

/** Room for any number `int` prints (`String` of a double is at most 24 characters). */
export const INT_ROOM = 32;

/**
 * Buffers handed out for one record's rendering and all taken back at once before the
 * next record: no allocation (or zero-filling) per thread in the hot path.
 */
export class BytePool {
  private readonly free: ByteText[] = [];
  private readonly used: ByteText[] = [];

  take(): ByteText {
    const b = this.free.pop() ?? new ByteText(4096);
    b.clear();
    this.used.push(b);
    return b;
  }

  /** Everything taken since the last call becomes free again. */
  recycle(): void {
    for (const b of this.used) this.free.push(b);
    this.used.length = 0;
  }
}

const SMALL = 10_000;
/** The decimal digits of n < SMALL as a little-endian word, zero padded. */
const DIGIT_WORDS = new Uint32Array(SMALL);
const DIGIT_LEN = new Uint8Array(SMALL);
for (let n = 0; n < SMALL; n++) {
  const s = String(n);
  DIGIT_LEN[n] = s.length;
  let word = 0;
  for (let k = s.length - 1; k >= 0; k--) word = (word << 8) | s.charCodeAt(k);
  DIGIT_WORDS[n] = word >>> 0;
}
