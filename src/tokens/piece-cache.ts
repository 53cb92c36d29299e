/**
 * Open-addressing cache from a text slice to a number, looked up WITHOUT taking a substring:
 * the caller hashes the slice while scanning it (`hashStep`) and the table compares characters.
 * Bounded: it empties itself when half full, so memory stays flat over any run.
 */
export const HASH_SEED = 0x811c9dc5 | 0;

/** FNV-1a step over one UTF-16 unit. */
export const hashStep = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193);

export class PieceCache {
  private readonly keys: string[];
  private readonly hashes: Int32Array;
  private readonly values: Int32Array; // 0 = empty slot (every cached piece has >= 1 token)
  private readonly mask: number;
  private readonly maxEntries: number;
  private size = 0;

  constructor(slotsLog2 = 17) {
    const slots = 1 << slotsLog2;
    this.keys = new Array<string>(slots).fill('');
    this.hashes = new Int32Array(slots);
    this.values = new Int32Array(slots);
    this.mask = slots - 1;
    this.maxEntries = slots >>> 1;
  }

  /** Value cached for text[start, end) whose hash is h, or 0 when absent. */
  get(text: string, start: number, end: number, h: number): number {
    const len = end - start;
    for (let slot = (h ^ (h >>> 15)) & this.mask; ; slot = (slot + 1) & this.mask) {
      const v = this.values[slot]!;
      if (v === 0) return 0;
      if (this.hashes[slot] !== h) continue;
      const key = this.keys[slot]!;
      if (key.length !== len) continue;
      let j = 0;
      while (j < len && key.charCodeAt(j) === text.charCodeAt(start + j)) j++;
      if (j === len) return v;
    }
  }

  /** Store value (>= 1) for key, whose hash is h; key must not be present. */
  set(key: string, h: number, value: number): void {
    if (this.size >= this.maxEntries) this.clear();
    let slot = (h ^ (h >>> 15)) & this.mask;
    while (this.values[slot] !== 0) slot = (slot + 1) & this.mask;
    // A flat copy, so the cached key never pins the (possibly large) text it was sliced from.
    this.keys[slot] = key.split('').join('');
    this.hashes[slot] = h;
    this.values[slot] = value;
    this.size++;
  }

  clear(): void {
    this.keys.fill('');
    this.values.fill(0);
    this.size = 0;
  }

  get entries(): number {
    return this.size;
  }
}
