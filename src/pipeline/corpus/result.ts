import type { ThreadFigures } from '../../serializers/sequences.js';

/** One output file's bytes for the batch, and where each record's bytes end. */
export interface Packed {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/**
 * What a task sends back: the bytes of each output file for its records (in buffers the
 * worker owns and transfers, so they are moved, not copied) and what the statistics need.
 */
interface Batch {
  readonly start: number;
  readonly count: number;
  /** Each record's number of starting numbers. */
  readonly startSize: Uint8Array;
  /** Milliseconds spent making records (search, render, tokens) and packing bytes. */
  readonly makeMs: number;
  readonly packMs: number;
}

/** Problem records of a batch: each record's first candidate (the main thread de-duplicates). */
export interface ProblemResult extends Batch {
  readonly kind: 'problems';
  /** The key of each record's first candidate. */
  readonly codes: Float64Array | readonly string[];
  /** The candidates' lines; none for a shard's prefix, which needs only the keys. */
  readonly records: Packed | undefined;
}

/** Search records and training sequences of a batch. */
export interface SearchResult extends Batch {
  readonly kind: 'search';
  readonly records: Packed;
  readonly sequences: Packed;
  /** Solved flag and child threads spawned by the root, per record. */
  readonly solved: Uint8Array;
  /** The window stopped the search; the record was dropped (`--fit drop`: no bytes). */
  readonly outOfBudget: Uint8Array;
  readonly dropped: Uint8Array;
  readonly children: Uint32Array;
  /** Sequences per record (cumulative end), and per sequence its tokens and thread kind. */
  readonly seqEnds: Uint32Array;
  readonly seqTokens: Uint32Array;
  /** 0: a sequence of the root thread, 1: of a child thread. */
  readonly seqKind: Uint8Array;
  /** Each record's thread-tree figures, FIGURE_SLOTS numbers a record (packFigures). */
  readonly figures: Float64Array;
}

export type TaskResult = ProblemResult | SearchResult;

/** The bytes of record `k` of a batch. */
export function recordBytes(p: Packed, k: number): Uint8Array {
  return p.bytes.subarray(k === 0 ? 0 : p.ends[k - 1]!, p.ends[k]!);
}

/** Every ArrayBuffer of a result, to transfer it instead of copying. */
export function transferList(r: TaskResult): ArrayBuffer[] {
  const views: ArrayBufferView[] = [r.startSize];
  const packed: Array<Packed | undefined> = [r.records];
  if (r.kind === 'problems') {
    if (r.codes instanceof Float64Array) views.push(r.codes);
  } else {
    views.push(r.solved, r.outOfBudget, r.dropped, r.children, r.seqEnds, r.seqTokens, r.seqKind, r.figures);
    packed.push(r.sequences);
  }
  for (const f of packed) if (f) views.push(f.bytes, f.ends);
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

