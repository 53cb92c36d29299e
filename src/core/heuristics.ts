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

/** Distance from each x in 0..t to the nearest factor (>= 2) of t; above t it is x - t. */
function factorDistances(t: number): Int32Array {
  let table = distanceTables.get(t);
  if (table === undefined) {
    const factors = factorsOf(t);
    if (factors.length === 0) throw new RangeError(`mult_heuristic needs a target of at least 2, got ${t}`);
    table = new Int32Array(t + 1);
    for (let x = 0; x <= t; x++) {
      let best = Infinity;
      for (let k = 0; k < factors.length; k++) best = Math.min(best, Math.abs(x - factors[k]!));
      table[x] = best;
    }
    distanceTables.set(t, table);
  }
  return table;
}

export function bindHeuristic(name: HeuristicName, target: number): BoundHeuristic {
  if (name === 'mult_heuristic') {
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
