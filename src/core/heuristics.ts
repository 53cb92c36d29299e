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

const factorCache = new Map<number, Float64Array>();

/**
 * Factors of t in 2..t, ascending, as the reference lists them (it tries every i up to t;
 * pairs up to the square root give the same list, so a target of 10^12 takes 10^6 steps).
 */
function factorsOf(t: number): Float64Array {
  let f = factorCache.get(t);
  if (f === undefined) {
    const low: number[] = [];
    // The cofactors, largest first: t itself, then t / i for each factor i found below the root.
    const high: number[] = t >= 2 ? [t] : [];
    for (let i = 2; i * i <= t; i++) {
      if (t % i !== 0) continue;
      low.push(i);
      if (i * i !== t) high.push(t / i);
    }
    f = Float64Array.from([...low, ...high.reverse()]);
    factorCache.set(t, f);
  }
  return f;
}

/** Distance from x to the nearest of the ascending factors (binary search). */
function nearestFactorDistance(factors: Float64Array, x: number): number {
  let lo = 0;
  let hi = factors.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (factors[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  const above = Math.abs(factors[lo]! - x);
  return lo > 0 ? Math.min(above, Math.abs(x - factors[lo - 1]!)) : above;
}

/** Sum over numbers of the distance to the nearest factor (>= 2) of the target. */
export function multHeuristic(nums: readonly number[], target: number): number {
  const factors = factorsOf(target);
  if (factors.length === 0) throw new RangeError(`mult_heuristic needs a target of at least 2, got ${target}`);
  let s = 0;
  for (const n of nums) s += nearestFactorDistance(factors, n);
  return s;
}

export const HEURISTICS: Readonly<Record<HeuristicName, Heuristic>> = {
  sum_heuristic: sumHeuristic,
  mult_heuristic: multHeuristic,
};

/**
 * A heuristic bound to one target, in the additive form the searches use: a state's value
 * is `value(sum of term(x) over its numbers, how many numbers)`. A child's term sum is its
 * parent's minus the two operands' terms plus the result's, so children are scored without
 * building their number lists. The results equal `sumHeuristic` and `multHeuristic` exactly:
 * the term sums are exact integers and the one division is the same IEEE division.
 */
export interface BoundHeuristic {
  readonly name: HeuristicName;
  term(x: number): number;
  value(termSum: number, count: number): number;
}

const distanceTables = new Map<number, Int32Array>();

/** Targets up to this get a table of distances (the usual ones, up to 100 or 1,000); larger ones a binary search. */
const TABLED_TARGET = 1 << 16;

/** Distance from each x in 0..t to the nearest factor (>= 2) of t; above t it is x - t. */
function factorDistances(t: number): Int32Array {
  let table = distanceTables.get(t);
  if (table === undefined) {
    const factors = factorsOf(t);
    table = new Int32Array(t + 1);
    for (let x = 0; x <= t; x++) table[x] = nearestFactorDistance(factors, x);
    distanceTables.set(t, table);
  }
  return table;
}

export function bindHeuristic(name: HeuristicName, target: number): BoundHeuristic {
  if (name === 'mult_heuristic') {
    if (factorsOf(target).length === 0) throw new RangeError(`mult_heuristic needs a target of at least 2, got ${target}`);
    if (target > TABLED_TARGET) {
      const factors = factorsOf(target);
      return { name, term: (x) => (x <= target ? nearestFactorDistance(factors, x) : x - target), value: (termSum) => termSum };
    }
    const table = factorDistances(target);
    return {
      name,
      term: (x) => (x <= target ? table[x]! : x - target),
      value: (termSum) => termSum,
    };
  }
  return {
    name,
    term: (x) => Math.abs(x - target),
    value: (termSum, count) => (count === 1 ? termSum : termSum / count),
  };
}

/** The bound heuristic of a whole state. */
export function scoreState(h: BoundHeuristic, nums: readonly number[]): { termSum: number; value: number } {
  let termSum = 0;
  for (const x of nums) termSum += h.term(x);
  return { termSum, value: h.value(termSum, nums.length) };
}
