import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindHeuristic, multHeuristic, sumHeuristic } from '../src/core/heuristics.js';

/** The reference's mult_heuristic term, literally: every factor of t in 2..t, then the nearest. */
function referenceTerm(x: number, t: number): number {
  let best = Infinity;
  for (let i = 2; i <= t; i++) if (t % i === 0) best = Math.min(best, Math.abs(x - i));
  return best;
}

describe('heuristics', () => {
  it('mult_heuristic equals the reference\'s factor scan, tabled targets and large ones alike', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 2, max: 1000 }), fc.integer({ min: 60_000, max: 300_000 })), fc.array(fc.nat({ max: 400_000 }), { minLength: 1, maxLength: 6 }), (t, nums) => {
        const bound = bindHeuristic('mult_heuristic', t);
        const want = nums.reduce((s, x) => s + referenceTerm(x, t), 0);
        expect(bound.value(nums.reduce((s, x) => s + bound.term(x), 0), nums.length)).toBe(want);
        expect(multHeuristic(nums, t)).toBe(want);
      }),
      { numRuns: 200 },
    );
  });

  it('a large target costs its square root, not itself (10^12 - 11 is prime)', () => {
    const bound = bindHeuristic('mult_heuristic', 999_999_999_989);
    expect(bound.term(7)).toBe(999_999_999_989 - 7);
    expect(bound.term(999_999_999_990)).toBe(1);
    expect(multHeuristic([1_000_000], 1_000_000_000_000)).toBe(0);
  });

  it('sum_heuristic is the mean distance to the target', () => {
    const bound = bindHeuristic('sum_heuristic', 24);
    expect(bound.value(bound.term(20) + bound.term(30), 2)).toBe(sumHeuristic([20, 30], 24));
    expect(sumHeuristic([20, 30], 24)).toBe(5);
  });
});
