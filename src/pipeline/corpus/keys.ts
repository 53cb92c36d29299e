import { problemKey } from '../../core/countdown.js';
import type { ProblemSpec } from '../../solver/problems.js';

/**
 * The de-duplication set of one split: the only corpus state that grows with `--count`.
 *
 * A problem's identity is its sorted numbers and target (`problemKey`). When the options'
 * number and target ranges allow it, the key is packed exactly into one double (a mixed-radix
 * number: length, sorted numbers, target), and the set is an open-addressing table of doubles:
 * 8 bytes a slot, at most 3/4 full, so about 8 MiB for 500,000 problems and 64 MiB for
 * 5 million, instead of about 100 bytes a problem for a `Set` of strings. Ranges too wide
 * for 2^53 fall back to the string keys.
 */
export interface KeySet {
  /** Adds the key; false when it was already there. */
  add(key: ProblemCode): boolean;
  has(key: ProblemCode): boolean;
  readonly size: number;
}

/** A packed problem key (a positive integer) or, for very wide ranges, `problemKey`'s text. */
export type ProblemCode = number | string;

export interface KeyCodec {
  code(nums: readonly number[], target: number): ProblemCode;
  newSet(): KeySet;
}

export function keyCodec(spec: ProblemSpec): KeyCodec {
  const base = spec.maxNumber + 1;
  const targets = spec.maxTarget + 1;
  const largest = (spec.maxNumbers + 1) * base ** spec.maxNumbers * targets;
  if (!(largest < Number.MAX_SAFE_INTEGER)) {
    return { code: (nums, target) => problemKey(nums, target), newSet: () => new StringKeys() };
  }
  return {
    code(nums, target) {
      const sorted = nums.length <= 8 ? sortSmall(nums) : [...nums].sort((x, y) => x - y);
      // Codes of k numbers lie in [k * base^k * targets, (k+1) * base^k * targets): the ranges
      // of different lengths never overlap, so the packing is one-to-one.
      let c = sorted.length;
      for (const n of sorted) c = c * base + n;
      return c * targets + target;
    },
    newSet: () => new PackedKeys(),
  };
}

function sortSmall(nums: readonly number[]): number[] {
  const a = nums.slice();
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
  return a;
}

class StringKeys implements KeySet {
  private readonly set = new Set<string>();
  add(key: ProblemCode): boolean {
    const k = String(key);
    if (this.set.has(k)) return false;
    this.set.add(k);
    return true;
  }
  has(key: ProblemCode): boolean {
    return this.set.has(String(key));
  }
  get size(): number {
    return this.set.size;
  }
}

/** Open addressing with linear probing over a Float64Array; 0 marks an empty slot. */
class PackedKeys implements KeySet {
  private table = new Float64Array(1 << 12);
  private mask = (1 << 12) - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  private slot(key: number): number {
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h & this.mask;
  }

  has(key: ProblemCode): boolean {
    const k = key as number;
    const t = this.table;
    for (let i = this.slot(k); ; i = (i + 1) & this.mask) {
      const v = t[i]!;
      if (v === k) return true;
      if (v === 0) return false;
    }
  }

  add(key: ProblemCode): boolean {
    const k = key as number;
    if ((this.count + 1) * 4 > this.table.length * 3) this.grow();
    const t = this.table;
    for (let i = this.slot(k); ; i = (i + 1) & this.mask) {
      const v = t[i]!;
      if (v === k) return false;
      if (v === 0) {
        t[i] = k;
        this.count++;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.mask = this.table.length - 1;
    for (const v of old) {
      if (v === 0) continue;
      let i = this.slot(v);
      while (this.table[i] !== 0) i = (i + 1) & this.mask;
      this.table[i] = v;
    }
  }
}
