/** The reference's two node heuristics (lower is better), with identical IEEE results. */

export type HeuristicName = 'sum_heuristic' | 'mult_heuristic';
export type Heuristic = (nums: readonly number[], target: number) => number;

/** Mean distance to the target; for a single number its plain distance. */
export function sumHeuristic(nums: readonly number[], target: number): number {
  if (nums.length === 1) return Math.abs(nums[0]! - target);
  let s = 0;
  for (const n of nums) s += Math.abs(n - target);
  return s / nums.length;
}

const factorCache = new Map<number, Int32Array>();

/** Factors of t in 2..t, as the reference lists them. */
function factorsOf(t: number): Int32Array {
  let f = factorCache.get(t);
  if (f === undefined) {
    const list: number[] = [];
    for (let i = 2; i <= t; i++) if (t % i === 0) list.push(i);
    f = Int32Array.from(list);
    factorCache.set(t, f);
  }
  return f;
}

/** Sum over numbers of the distance to the nearest factor (>= 2) of the target. */
export function multHeuristic(nums: readonly number[], target: number): number {
  const factors = factorsOf(target);
  if (factors.length === 0) throw new RangeError(`mult_heuristic needs a target of at least 2, got ${target}`);
  let s = 0;
  for (const n of nums) {
    let best = Infinity;
    for (let k = 0; k < factors.length; k++) {
      const d = Math.abs(n - factors[k]!);
      if (d < best) best = d;
    }
    s += best;
  }
  return s;
}

export const HEURISTICS: Readonly<Record<HeuristicName, Heuristic>> = {
  sum_heuristic: sumHeuristic,
  mult_heuristic: multHeuristic,
};
