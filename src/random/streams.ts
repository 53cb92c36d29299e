import { PythonRandom } from './python.js';
import type { Rng, RngState } from './rng.js';

/**
 * The randomness of each record of a run, the one rule `problems`, `search`, `inspect` and the
 * corpus follow: reference mode shares one Python generator across the file in order (as the
 * reference with one worker), so records must be made in order, each once; default mode
 * gives every record its own stream (`streamFor(seed, purpose, index)`), so any record can be
 * made alone, by any worker. A search's purpose is its solver's name; problems' is
 * `problemPurpose(split)`.
 */
export function recordStreams(seed: number, purpose: string, reference: boolean): (index: number) => Rng {
  if (reference) {
    const shared = new PythonRandom(seed);
    return () => shared;
  }
  return (index) => streamFor(seed, purpose, index);
}

/** The purpose a split's problems draw their default-mode streams for: a change would change every corpus's problems. */
export function problemPurpose(split: 'train' | 'val'): string {
  return `problems/${split}`;
}

/** The purpose of a record's second stream, drawn only when its candidates ran out on a nearly used-up space (leftoverCandidates). */
export function problemLeftoverPurpose(split: 'train' | 'val'): string {
  return `problems/${split}/leftover`;
}

/**
 * Default mode's randomness: an independent seedrandom (Alea) stream per
 * (seed, purpose, record index), so a record never depends on which worker made it or on
 * what was drawn before it.
 */
export function streamFor(seed: number, purpose: string, index: number): Rng {
  return AleaStream.seeded(`${purpose}:${seed}:${index}`);
}

/**
 * seedrandom's Alea generator, seeded and stepped here: the same numbers as its `int32()`
 * and `double()`, as one class whose position is four numbers, so the planner's trials can
 * save and restore it without building a new generator each time.
 */
class AleaStream implements Rng {
  private c: number;
  private s0: number;
  private s1: number;
  private s2: number;

  private constructor(c: number, s0: number, s1: number, s2: number) {
    this.c = c;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
  }

  /**
   * The stream `seedrandom.alea(text)` starts (Baagøe's seeding, with his Mash hash), made
   * here: seedrandom builds a generator of closures per call, which cost a cold process more
   * than the record it seeds (test/streams.test.ts checks the states are the same).
   */
  static seeded(text: string): AleaStream {
    const mash = new Mash();
    const s0 = mash.hash(' ');
    const s1 = mash.hash(' ');
    const s2 = mash.hash(' ');
    const a = s0 - mash.hash(text);
    const b = s1 - mash.hash(text);
    const c = s2 - mash.hash(text);
    return new AleaStream(1, a < 0 ? a + 1 : a, b < 0 ? b + 1 : b, c < 0 ? c + 1 : c);
  }

  /** seedrandom's `next()`: a double in [0, 1) with 32 random bits. */
  private next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    return (this.s2 = t - (this.c = t | 0));
  }

  /** seedrandom's `double()`: 53 random bits. */
  random(): number {
    return this.next() + ((this.next() * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }

  below(n: number): number {
    if (n <= 1) return 0;
    if (n > 4294967296) return this.belowWide(n);
    // Rejection keeps the draw unbiased for any n up to 2^32 (seedrandom's `int32()`, unsigned).
    const limit = Math.floor(4294967296 / n) * n;
    let r = ((this.next() * 0x100000000) | 0) >>> 0;
    while (r >= limit) r = ((this.next() * 0x100000000) | 0) >>> 0;
    return r % n;
  }

  /** below() past 2^32 (a limit there would be 0 and never met): rejection over 53-bit draws, for n up to 2^53. */
  private belowWide(n: number): number {
    if (!Number.isSafeInteger(n)) throw new RangeError(`below(${n}): not an integer up to 2^53`);
    const TWO53 = 9007199254740992;
    const limit = Math.floor(TWO53 / n) * n;
    let r = Math.floor(this.random() * TWO53);
    while (r >= limit) r = Math.floor(this.random() * TWO53);
    return r % n;
  }

  save(): RngState {
    return { c: this.c, s0: this.s0, s1: this.s1, s2: this.s2 } as unknown as RngState;
  }

  restore(state: RngState): void {
    const s = state as unknown as { c: number; s0: number; s1: number; s2: number };
    this.c = s.c;
    this.s0 = s.s0;
    this.s1 = s.s1;
    this.s2 = s.s2;
  }
}

/** Baagøe's Mash: a hash of strings to [0, 1) whose state carries from one call to the next. */
class Mash {
  private n = 0xefc8249d;

  hash(data: string): number {
    let n = this.n;
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000; // 2^32
    }
    this.n = n;
    return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  }
}
