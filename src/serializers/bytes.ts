/**
 * Node's Buffer has `latin1Write`, the native call behind `write(s, at, 'latin1')` without its
 * argument handling (for long strings; short ones are cheaper copied a character at a time).
 */
type LatinBuffer = Buffer & { latin1Write(s: string, offset: number): number };

/** Room every buffer keeps past what `ensure` asked for: word stores write up to 8 bytes past the text they append. */
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
 * The append methods do not check capacity, for speed: a writer calls `ensure(n)` once for
 * the most it will append, then appends. Bytes past `len` are scratch: word stores
 * (`piece`, `int`, `copy`) may write there, and the next append overwrites them.
 */
export class ByteText {
  buf: Buffer;
  /** The same memory, for word stores. */
  dv: DataView;
  len = 0;
  /** Trace lines appended (each ends with an escaped newline); kept by the trace writer. */
  lines = 0;

  constructor(capacity = 4096) {
    this.buf = Buffer.allocUnsafe(capacity + SLACK);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  ensure(extra: number): void {
    const need = this.len + extra + SLACK;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
    this.dv = new DataView(next.buffer, next.byteOffset, next.length);
  }

  /** Appends a constant piece, a word at a time. */
  piece(p: Piece): void {
    this.len = putPiece(this, this.len, p);
  }

  /** Appends bytes [from, to) of another buffer (room already ensured), four at a time. */
  copy(src: ByteText, from: number, to: number): void {
    const s = src.dv;
    const d = this.dv;
    const shift = this.len - from;
    for (let k = from; k < to; k += 4) d.setInt32(k + shift, s.getInt32(k, true), true);
    this.len = to + shift;
  }

  byte(c: number): void {
    this.buf[this.len++] = c;
  }

  /** Appends an ASCII string (node ids, small pieces). */
  str(s: string): void {
    const n = s.length;
    const buf = this.buf;
    let at = this.len;
    for (let k = 0; k < n; k++) buf[at++] = s.charCodeAt(k);
    this.len = at;
  }

  /** Appends a non-negative integer in decimal. */
  int(n: number): void {
    this.len = putInt(this, this.len, n);
  }

  /** Appends src[start, end) of another buffer (grows as needed). */
  slice(src: ByteText, start: number, end: number): void {
    this.ensure(end - start);
    src.buf.copy(this.buf, this.len, start, end);
    this.len += end - start;
  }

  /** Appends a whole ASCII string, growing as needed (for text of unknown length). */
  text(s: string): void {
    this.ensure(s.length);
    if (s.length > 64) this.len += (this.buf as LatinBuffer).latin1Write(s, this.len);
    else this.str(s);
  }

  toString(start = 0, end = this.len): string {
    return this.buf.toString('latin1', start, end);
  }

  /** A view of the content (valid until the next append). */
  view(start = 0, end = this.len): Uint8Array {
    return this.buf.subarray(start, end);
  }
}

/*
 * Appends at a cursor, for the most frequent lines: the writer keeps the end in a local and
 * sets `len` once (room ensured as for the methods). Each returns the new end.
 */

/** A constant piece at `at`, a word at a time. */
export function putPiece(out: ByteText, at: number, p: Piece): number {
  const words = p.words;
  const dv = out.dv;
  for (let k = 0; k < words.length; k++) dv.setFloat64(at + 8 * k, words[k]!, true);
  return at + p.length;
}

/** A non-negative integer in decimal at `at` (small ones as one word store from a table). */
export function putInt(out: ByteText, at: number, n: number): number {
  if (n >= 0 && n < SMALL && Number.isInteger(n)) {
    out.dv.setUint32(at, DIGIT_WORDS[n]!, true);
    return at + DIGIT_LEN[n]!;
  }
  const s = String(n);
  const buf = out.buf;
  for (let k = 0; k < s.length; k++) buf[at++] = s.charCodeAt(k);
  return at;
}

/**
 * Buffers handed out for one record's rendering and all taken back at once before the
 * next record: no allocation (or zero-filling) per thread in the hot path.
 */
export class BytePool {
  private readonly free: ByteText[] = [];
  private readonly used: ByteText[] = [];

  take(): ByteText {
    const b = this.free.pop() ?? new ByteText(4096);
    b.len = 0;
    b.lines = 0;
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
