import seedrandom from 'seedrandom';
import { PythonRandom } from './python.js';
import type { Rng, RngState } from './rng.js';

/**
 * The randomness of each record of a run, the one rule `search`, `inspect` and the corpus
 * follow: reference mode shares one Python generator across the file in order (as the
 * reference with one worker), so records must be made in order, each once; default mode
 * gives every record its own stream (`streamFor(seed, solver, index)`), so any record can be
 * made alone, by any worker.
 */
export function recordStreams(seed: number, solver: string, reference: boolean): (index: number) => Rng {
  if (reference) {
    const shared = new PythonRandom(seed);
    return () => shared;
  }
  return (index) => streamFor(seed, solver, index);
}

/**
 * Default mode's randomness: an independent seedrandom (Alea) stream per
 * (seed, purpose, record index), so a record never depends on which worker made it or on
 * what was drawn before it.
 */
export function streamFor(seed: number, purpose: string, index: number): Rng {
  return new AleaStream(seedrandom.alea(`${purpose}:${seed}:${index}`, { state: true }).state());
}

/**
 * seedrandom's Alea generator, stepped here from the state seedrandom seeded: the same
 * numbers as its `int32()` and `double()`, as one class whose position is four numbers, so
 * the planner's trials can save and restore it without building a new generator each time.
 */
class AleaStream implements Rng {
  private c: number;
  private s0: number;
  private s1: number;
  private s2: number;

  constructor(state: seedrandom.State.Alea) {
    this.c = state.c;
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
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
    // Rejection keeps the draw unbiased for any n up to 2^32 (seedrandom's `int32()`, unsigned).
    const limit = Math.floor(4294967296 / n) * n;
    let r = ((this.next() * 0x100000000) | 0) >>> 0;
    while (r >= limit) r = ((this.next() * 0x100000000) | 0) >>> 0;
    return r % n;
  }

  save(): RngState {
    return { c: this.c, s0: this.s0, s1: this.s1, s2: this.s2 } as unknown as RngState;
  }

  restore(state: RngState): void {
    const s = state as unknown as seedrandom.State.Alea;
    this.c = s.c;
    this.s0 = s.s0;
    this.s1 = s.s1;
    this.s2 = s.s2;
  }
}
