/**
 * A trie over ASCII bytes that maps a piece to a positive number (its token count). The caller
 * walks it while scanning the text, one table load per byte: no substring, no hashing and no
 * second pass to compare keys. Bytes must be < 128.
 * Bounded: it grows by doubling up to `maxNodes`, then empties itself, so memory stays flat.
 */
export const ROOT = 0;
/** Absorbing state for paths not in the trie; its value is always 0 ("unknown"). */
const DEAD = 1;
/** Longer pieces are not cached (trace pieces are at most a dozen bytes). */
export const MAX_KEY_BYTES = 64;

export class PieceTrie {
  /** next[(state << 7) | byte] is the state after `byte`; DEAD when that path is unknown. */
  next: Int32Array;
  /** values[state] for the piece ending at state; 0 = unknown. */
  values: Int32Array;
  private nodes = 2; // ROOT and DEAD
  private capacity: number;

  constructor(
    initialNodes = 1 << 10,
    private readonly maxNodes = 1 << 14, // 8 MB of transitions at most
  ) {
    this.capacity = initialNodes;
    this.next = new Int32Array(initialNodes << 7).fill(DEAD);
    this.values = new Int32Array(initialNodes);
  }

  /** Store value (>= 1) for bytes[start, end). */
  insert(bytes: Uint8Array, start: number, end: number, value: number): void {
    const need = end - start;
    if (need > MAX_KEY_BYTES || need + 2 > this.maxNodes) return;
    while (this.nodes + need > this.capacity) {
      if (this.capacity >= this.maxNodes) {
        this.clear();
        break;
      }
      this.grow();
    }
    let s = ROOT;
    for (let i = start; i < end; i++) {
      const k = (s << 7) | bytes[i]!;
      let t = this.next[k]!;
      if (t === DEAD) this.next[k] = t = this.nodes++;
      s = t;
    }
    this.values[s] = value;
  }

  clear(): void {
    this.next.fill(DEAD);
    this.values.fill(0);
    this.nodes = 2;
  }

  get size(): number {
    return this.nodes;
  }

  private grow(): void {
    this.capacity *= 2;
    const next = new Int32Array(this.capacity << 7).fill(DEAD);
    next.set(this.next);
    const values = new Int32Array(this.capacity);
    values.set(this.values);
    this.next = next;
    this.values = values;
  }
}
