import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combine, replay, stepString } from '../src/core/countdown.js';
import { maxReachable, solve } from '../src/solver/exact.js';

/** A deliberately plain brute force: every pair, every operation, no pruning. */
function bruteForce(nums: number[], target: number): boolean {
  if (nums.length === 1) return nums[0] === target;
  for (let i = 0; i < nums.length; i++) {
    for (let j = i + 1; j < nums.length; j++) {
      const rest = nums.filter((_, k) => k !== i && k !== j);
      for (const s of combine(nums[i]!, nums[j]!)) if (bruteForce([...rest, s.result], target)) return true;
    }
  }
  return false;
}

const problem = (maxLen: number, maxNum: number) =>
  fc.record({
    nums: fc.array(fc.integer({ min: 1, max: maxNum }), { minLength: 2, maxLength: maxLen }),
    target: fc.integer({ min: 1, max: 120 }),
  });

describe('exact solver', () => {
  it('finds the reference first-found solution on a known problem', () => {
    expect(solve([95, 36, 32, 29], 13)!.map(stepString)).toEqual(['32-29=3', '36*3=108', '108-95=13']);
    expect(solve([92, 40, 52, 86], 54)!.map(stepString)).toEqual(['86-40=46', '92/46=2', '52+2=54']);
  });

  it('reports unsolvable problems', () => {
    expect(solve([1, 1], 10)).toBeNull();
    expect(solve([1, 1, 1, 1], 97)).toBeNull();
  });

  it('agrees with a plain brute force on thousands of random small problems', () => {
    fc.assert(
      fc.property(problem(4, 30), ({ nums, target }) => {
        expect(solve(nums, target) !== null).toBe(bruteForce(nums, target));
      }),
      { numRuns: 4000, seed: 1 },
    );
  });

  it('agrees with brute force on 5-number problems (memo active)', () => {
    fc.assert(
      fc.property(problem(5, 12), ({ nums, target }) => {
        expect(solve(nums, target) !== null).toBe(bruteForce(nums, target));
      }),
      { numRuns: 300, seed: 2 },
    );
  });

  it('every returned solution replays to the target using each number once', () => {
    fc.assert(
      fc.property(problem(6, 50), ({ nums, target }) => {
        const sol = solve(nums, target);
        if (sol === null) return;
        expect(sol).toHaveLength(nums.length - 1);
        const r = replay(nums, sol);
        expect(r).toEqual({ ok: true, nums: [target] });
      }),
      { numRuns: 1500, seed: 3 },
    );
  });

  it('knows the largest reachable value', () => {
    expect(maxReachable(1, 2)).toBe(2);
    expect(maxReachable(1, 6)).toBe(9);
    expect(maxReachable(99, 2)).toBe(9801);
  });
});
