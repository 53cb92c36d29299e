/**
 * Open-addressing cache from a byte slice to a positive number, looked up without allocating:
 * the caller hashes the slice while scanning it (`hashStep`) and the table compares bytes.
 * Bounded: it empties itself when its slots are half full or its key pool is full, so memory
 * stays flat over any run.
 */
export const HASH_SEED = 0x811c9dc5 | 0;

/** FNV-1a step over one byte. */
export const hashStep = (h: number, byte: number): number => Math.imul(h ^ byte, 0x01000193);

/** Longer slices are not cached (real trace pieces are a few bytes long). */
export const MAX_KEY_BYTES = 64;

export class PieceCache {
  private readonly pool: Uint8Array; // key bytes, back to back
  private poolUsed = 0;
  private readonly keyStart: Int32Array;
  private readonly keyLen: Int32Array;
  private readonly hashes: Int32Array;
  private readonly values: Int32Array; // 0 = empty slot
  private readonly mask: number;
  private readonly maxEntries: number;
  private size = 0;

  constructor(slotsLog2 = 17) {
    const slots = 1 << slotsLog2;
    this.keyStart = new Int32Array(slots);
    this.keyLen = new Int32Array(slots);
    this.hashes = new Int32Array(slots);
    this.values = new Int32Array(slots);
    this.mask = slots - 1;
    this.maxEntries = slots >>> 1;
    this.pool = new Uint8Array(this.maxEntries * 16);
  }

  /** Value cached for bytes[start, end) whose hash is h, or 0 when absent. */
  get(bytes: Uint8Array, start: number, end: number, h: number): number {
    const len = end - start;
    const pool = this.pool;
    for (let slot = (h ^ (h >>> 15)) & this.mask; ; slot = (slot + 1) & this.mask) {
      const v = this.values[slot]!;
      if (v === 0) return 0;
      if (this.hashes[slot] !== h || this.keyLen[slot] !== len) continue;
      const k = this.keyStart[slot]!;
      let j = 0;
      while (j < len && pool[k + j] === bytes[start + j]) j++;
      if (j === len) return v;
    }
  }

  /** Store value (>= 1) for bytes[start, end) (hash h), which must be absent; long keys are skipped. */
  set(bytes: Uint8Array, start: number, end: number, h: number, value: number): void {
    const len = end - start;
    if (len > MAX_KEY_BYTES) return;
    if (this.size >= this.maxEntries || this.poolUsed + len > this.pool.length) this.clear();
    let slot = (h ^ (h >>> 15)) & this.mask;
    while (this.values[slot] !== 0) slot = (slot + 1) & this.mask;
    this.pool.set(bytes.subarray(start, end), this.poolUsed);
    this.keyStart[slot] = this.poolUsed;
    this.keyLen[slot] = len;
    this.hashes[slot] = h;
    this.values[slot] = value;
    this.poolUsed += len;
    this.size++;
  }

  clear(): void {
    this.values.fill(0);
    this.poolUsed = 0;
    this.size = 0;
  }

  get entries(): number {
    return this.size;
  }
}
