import seedrandom from 'seedrandom';
import type { Rng, RngState } from './rng.js';

/**
 * Default mode's randomness: an independent seedrandom (Alea) stream per
 * (seed, purpose, record index), so a record never depends on which worker made it or on
 * what was drawn before it.
 */
export function streamFor(seed: number, purpose: string, index: number): Rng {
  let prng = seedrandom.alea(`${purpose}:${seed}:${index}`, { state: true });
  return {
    random: () => prng.double(),
    below(n: number): number {
      if (n <= 1) return 0;
      // Rejection keeps the draw unbiased for any n up to 2^32.
      const limit = Math.floor(4294967296 / n) * n;
      let r = prng.int32() >>> 0;
      while (r >= limit) r = prng.int32() >>> 0;
      return r % n;
    },
    save: () => prng.state() as unknown as RngState,
    restore(state: RngState): void {
      prng = seedrandom.alea('', { state: state as unknown as seedrandom.State.Alea });
    },
  };
}
