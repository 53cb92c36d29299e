/**
 * One small interface over the two sources of randomness. Everything the generators draw
 * goes through `random()` and `below(n)`; `randint`, `choice` and `shuffle` are written
 * once, on top of them, following CPython's algorithms so that a Python-compatible source
 * yields exactly Python's draws.
 */
export interface Rng {
  /** A uniform double in [0, 1). */
  random(): number;
  /** A uniform integer in [0, n), for an integer n >= 1. */
  below(n: number): number;
  /** The stream's position, to come back to with `restore` (a planner's trial searches). */
  save(): RngState;
  /** Returns the stream to a position `save` gave; the draws after it repeat exactly. */
  restore(state: RngState): void;
}

/** An opaque saved position of one `Rng`; only the stream that made it can restore it. */
export type RngState = { readonly __rngState: unique symbol };

/** Python's `randint(a, b)`: a + randbelow(b - a + 1). */
export function randint(rng: Rng, a: number, b: number): number {
  return a + rng.below(b - a + 1);
}

/** Python's `choice(seq)`. */
export function choice<T>(rng: Rng, seq: readonly T[]): T {
  if (seq.length === 0) throw new RangeError('choice from an empty sequence');
  return seq[rng.below(seq.length)]!;
}

/** Python's `choice(range(lo, hi + 1))` without building the range. */
export function choiceInRange(rng: Rng, lo: number, hi: number): number {
  return lo + rng.below(hi - lo + 1);
}

/** Python's in-place `shuffle(x)` of x[0, length): Fisher-Yates from the end. */
export function shuffle<T>(rng: Rng, x: { [i: number]: T; readonly length: number }, length = x.length): void {
  for (let i = length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = x[i]!;
    x[i] = x[j]!;
    x[j] = t;
  }
}
