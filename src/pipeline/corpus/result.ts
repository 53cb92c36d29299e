import type { ThreadFigures } from '../../serializers/sequences.js';

/**
 * What a task sends back: the bytes of each output file for its records (in a buffer the
 * worker owns and transfers, so they are moved, not copied) and what the statistics need.
 */
/** One output file's bytes for the batch, and where each record's bytes end. */
export interface Packed {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

export interface TaskResult {
  readonly start: number;
  readonly count: number;
  /** Records file, then (search) sequences file. */
  readonly files: readonly Packed[];
  /** Problems: the key of each record's first candidate (the main thread de-duplicates). */
  readonly codes: Float64Array | readonly string[] | undefined;
  readonly startSize: Uint8Array;
  /** Search: solved flag and child threads spawned by the root, per record. */
  readonly solved: Uint8Array;
  /** Search: the window stopped the search; the record was dropped (`--fit drop`: no bytes). */
  readonly outOfBudget: Uint8Array;
  readonly dropped: Uint8Array;
  readonly children: Uint32Array;
  /** Search: sequences per record (cumulative end), and per sequence its tokens and thread kind. */
  readonly seqEnds: Uint32Array;
  readonly seqTokens: Uint32Array;
  /** 0: a sequence of the root thread, 1: of a child thread. */
  readonly seqKind: Uint8Array;
  /** Search: each record's thread-tree figures, FIGURE_SLOTS numbers a record (packFigures). */
  readonly figures: Float64Array;
  /** Milliseconds spent making records (search, render, tokens) and packing bytes. */
  readonly makeMs: number;
  readonly packMs: number;
}

/** Every ArrayBuffer of a result, to transfer it instead of copying. */
export function transferList(r: TaskResult): ArrayBuffer[] {
  const views: ArrayBufferView[] = [r.startSize, r.solved, r.outOfBudget, r.dropped, r.children, r.seqEnds, r.seqTokens, r.seqKind, r.figures];
  for (const f of r.files) views.push(f.bytes, f.ends);
  if (r.codes instanceof Float64Array) views.push(r.codes);
  const seen = new Set<ArrayBuffer>();
  for (const v of views) if (v.buffer instanceof ArrayBuffer && v.buffer.byteLength > 0) seen.add(v.buffer);
  return [...seen];
}

export const FIGURE_SLOTS = 5;

/** Writes a record's figures into slot `k` of `into`. */
export function packFigures(into: Float64Array, k: number, f: ThreadFigures): void {
  into.set([f.threads, f.sequences, f.depth, f.totalTokens, f.sequentialTokens], k * FIGURE_SLOTS);
}

/** The figures of record `k`, as packFigures wrote them. */
export function figuresAt(from: Float64Array, k: number): ThreadFigures {
  const [threads, sequences, depth, totalTokens, sequentialTokens] = from.subarray(k * FIGURE_SLOTS, (k + 1) * FIGURE_SLOTS);
  return { threads: threads!, sequences: sequences!, depth: depth!, totalTokens: totalTokens!, sequentialTokens: sequentialTokens! };
}

/** A growing byte buffer that owns its ArrayBuffer (so it can be transferred). */
export class Packer {
  private buf: Buffer;
  private len = 0;
  readonly ends: number[] = [];

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(capacity, 1024));
  }

  private room(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = Buffer.allocUnsafeSlow(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length + 1);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Text known to be ASCII (JSON from pyJson): one byte a character. */
  ascii(s: string): void {
    this.room(s.length);
    this.len += this.buf.write(s, this.len, 'latin1');
  }

  newline(): void {
    this.room(1);
    this.buf[this.len++] = 0x0a;
  }

  endRecord(): void {
    this.ends.push(this.len);
  }

  get size(): number {
    return this.len;
  }

  done(): Packed {
    return { bytes: new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.len), ends: Uint32Array.from(this.ends) };
  }
}

/** Capacity hints from the previous task, so buffers rarely grow. */
export const hints = { records: 1 << 16, sequences: 1 << 16 };

/** A task's failure as it crosses the thread boundary (class identity does not survive it). */
export interface TaskFailure {
  readonly failure: { readonly usage: boolean; readonly message: string; readonly stack: string | undefined };
}

