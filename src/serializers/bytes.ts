/**
 * Node's Buffer has `latin1Write`, the native call behind `write(s, at, 'latin1')` without its
 * argument handling (for long strings; short ones are cheaper copied a character at a time).
 */
type LatinBuffer = Buffer & { latin1Write(s: string, offset: number): number };

/**
 * A growable buffer of ASCII text. Trace lines are rendered straight into bytes: no
 * intermediate strings, no ropes to flatten, no UTF-8 encoding on the way to disk.
 *
 * The append methods do not check capacity, for speed: a writer calls `ensure(n)` once for
 * the most it will append, then appends.
 */
export class ByteText {
  buf: Buffer;
  len = 0;
  /** Trace lines appended (each ends with an escaped newline); kept by the trace writer. */
  lines = 0;

  constructor(capacity = 4096) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(c: number): void {
    this.buf[this.len++] = c;
  }

  /** Appends bytes (constant text encoded once with `ascii()`). */
  bytes(src: Uint8Array): void {
    const n = src.length;
    const buf = this.buf;
    let at = this.len;
    if (n > 12) {
      // A native copy costs about as much as a dozen bytes copied in a loop.
      buf.set(src, at);
      this.len = at + n;
      return;
    }
    for (let k = 0; k < n; k++) buf[at++] = src[k]!;
    this.len = at;
  }

  /** Appends an ASCII string (node ids, small pieces). */
  str(s: string): void {
    const n = s.length;
    const buf = this.buf;
    let at = this.len;
    for (let k = 0; k < n; k++) buf[at++] = s.charCodeAt(k);
    this.len = at;
  }

  /** Appends a non-negative integer in decimal (small ones from a table). */
  int(n: number): void {
    if (n >= 0 && n < SMALL && Number.isInteger(n)) {
      const buf = this.buf;
      let at = this.len;
      for (let k = n * 4, end = n * 4 + DIGIT_LEN[n]!; k < end; k++) buf[at++] = DIGITS[k]!;
      this.len = at;
    } else {
      this.str(String(n));
    }
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

/** Constant ASCII text as bytes, made once at load. */
export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

const SMALL = 10_000;
const DIGITS = new Uint8Array(SMALL * 4);
const DIGIT_LEN = new Uint8Array(SMALL);
for (let n = 0; n < SMALL; n++) {
  const s = String(n);
  DIGIT_LEN[n] = s.length;
  for (let k = 0; k < s.length; k++) DIGITS[n * 4 + k] = s.charCodeAt(k);
}
