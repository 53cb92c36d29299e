import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { streamFor } from '../src/random/streams.js';

/** Default mode's record streams are seedrandom's Alea, seeded and stepped in src/random/streams.ts. */
describe('record streams', () => {
  it("draw exactly seedrandom's Alea numbers: random() is its double(), below(n) is built on its int32()", () => {
    for (const [seed, purpose, index] of [[0, 'apr', 0], [42, 'sosp', 12345], [7, 'problems/train', 99]] as const) {
      const ours = streamFor(seed, purpose, index);
      const theirs = seedrandom.alea(`${purpose}:${seed}:${index}`);
      for (let k = 0; k < 2000; k++) {
        if (k % 3 === 0) {
          expect(ours.random()).toBe(theirs.double());
        } else {
          const n = 2 + (k % 97); // below(1) is 0 without a draw
          const limit = Math.floor(4294967296 / n) * n;
          let r = theirs.int32() >>> 0;
          while (r >= limit) r = theirs.int32() >>> 0;
          expect(ours.below(n)).toBe(r % n);
        }
      }
    }
  });

  it("start where seedrandom's Alea starts: the same state for any seed, purpose and index (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.string({ unit: 'grapheme', maxLength: 24 }), fc.nat(), (seed, purpose, index) => {
        const theirs = seedrandom.alea(`${purpose}:${seed}:${index}`, { state: true }).state();
        expect(streamFor(seed, purpose, index).save()).toEqual({ c: theirs.c, s0: theirs.s0, s1: theirs.s1, s2: theirs.s2 });
      }),
      { numRuns: 2000 },
    );
  });

  it('below(n) past 2^32 (up to 2^53) returns, in range, from 53-bit draws (a 32-bit limit there would be 0 and loop forever)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 4294967297, max: Number.MAX_SAFE_INTEGER }), (index, n) => {
        const s = streamFor(1, 'wide', index);
        const r = s.below(n);
        expect(Number.isSafeInteger(r) && r >= 0 && r < n).toBe(true);
      }),
    );
    const s = streamFor(1, 'wide', 0);
    const seen = new Set(Array.from({ length: 64 }, () => s.below(2 ** 40)));
    expect(seen.size).toBeGreaterThan(60); // not stuck on a few values
  });

  it('restore returns a stream to a saved position: the same draws follow', () => {
    const s = streamFor(3, 'apr', 5);
    for (let k = 0; k < 10; k++) s.random();
    const at = s.save();
    const first = Array.from({ length: 50 }, (_, k) => (k % 2 ? s.random() : s.below(1000)));
    s.restore(at);
    const again = Array.from({ length: 50 }, (_, k) => (k % 2 ? s.random() : s.below(1000)));
    expect(again).toEqual(first);
  });
});
