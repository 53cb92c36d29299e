import { OPERATORS, type Step } from '../core/countdown.js';

/**
 * Exact Countdown solver. Depth-first in the reference's order (pairs i<j, then + * - /),
 * so the first solution it returns is the reference's `CountDown.search` result. States of
 * four or more numbers proven unsolvable are remembered by their sorted multiset; that
 * prunes only subtrees holding no solution, so neither the answer nor the first-found
 * solution changes. (Smaller states are cheaper to re-solve than to look up.) The search
 * works in preallocated per-depth buffers and builds `Step` objects only for the answer.
 */
export function solve(nums: readonly number[], target: number): Step[] | null {
  const n = nums.length;
  if (n === 0) return null;
  // Most random 4-number draws are unsolvable; a set-based check rules them out ~5x faster
  // than the ordered search, which then runs only to find the first solution.
  if (n === 4 && !solvable4(nums[0]!, nums[1]!, nums[2]!, nums[3]!, target)) return null;
  const s = scratchFor(n);
  for (let k = 0; k < n; k++) s.states[0]![k] = nums[k]!;
  s.target = target;
  s.dead = n >= 5 ? new Set<string>() : undefined;
  if (!search(s, 0, n)) return null;
  const steps: Step[] = [];
  for (let d = 0; d < n - 1; d++) {
    steps.push({ left: s.left[d]!, op: OPERATORS[s.op[d]!]!, right: s.right[d]!, result: s.result[d]! });
  }
  return steps;
}


interface Scratch {
  /** states[d] holds the n - d numbers at depth d. */
  readonly states: Float64Array[];
  readonly left: Float64Array;
  readonly op: Uint8Array;
  readonly right: Float64Array;
  readonly result: Float64Array;
  target: number;
  /** Multisets (sorted, joined) proven unable to reach the target. */
  dead: Set<string> | undefined;
}

const scratches: Scratch[] = [];

function scratchFor(n: number): Scratch {
  let s = scratches[n];
  if (s === undefined) {
    s = {
      states: Array.from({ length: n }, (_, d) => new Float64Array(n - d)),
      left: new Float64Array(n),
      op: new Uint8Array(n),
      right: new Float64Array(n),
      result: new Float64Array(n),
      target: 0,
      dead: undefined,
    };
    scratches[n] = s;
  }
  return s;
}

function search(s: Scratch, d: number, m: number): boolean {
  const cur = s.states[d]!;
  if (m === 1) return cur[0] === s.target;
  if (m === 2) return lastStep(s, d, cur[0]!, cur[1]!);
  let key: string | undefined;
  if (s.dead !== undefined && m >= 4) {
    key = Array.from(cur).sort((x, y) => x - y).join(',');
    if (s.dead.has(key)) return false;
  }
  const next = s.states[d + 1]!;
  for (let i = 0; i < m - 1; i++) {
    for (let j = i + 1; j < m; j++) {
      let w = 0;
      for (let k = 0; k < m; k++) if (k !== i && k !== j) next[w++] = cur[k]!;
      const a = cur[i]!;
      const b = cur[j]!;
      const hi = a <= b ? b : a;
      const lo = a <= b ? a : b;
      if (step(s, d, m, w, a, 0, b, a + b)) return true;
      if (step(s, d, m, w, a, 1, b, a * b)) return true;
      if (step(s, d, m, w, hi, 2, lo, hi - lo)) return true;
      if (lo !== 0 && hi % lo === 0 && step(s, d, m, w, hi, 3, lo, hi / lo)) return true;
    }
  }
  if (key !== undefined) s.dead!.add(key);
  return false;
}

function step(s: Scratch, d: number, m: number, w: number, left: number, op: number, right: number, result: number): boolean {
  s.states[d + 1]![w] = result;
  s.left[d] = left;
  s.op[d] = op;
  s.right[d] = right;
  s.result[d] = result;
  return search(s, d + 1, m - 1);
}

/** Two numbers left: the reference tries + * - / and the result must be the target. */
function lastStep(s: Scratch, d: number, a: number, b: number): boolean {
  const t = s.target;
  const hi = a <= b ? b : a;
  const lo = a <= b ? a : b;
  let op: number;
  if (a + b === t) op = 0;
  else if (a * b === t) op = 1;
  else if (hi - lo === t) op = 2;
  else if (lo !== 0 && hi % lo === 0 && hi / lo === t) op = 3;
  else return false;
  s.left[d] = op < 2 ? a : hi;
  s.op[d] = op;
  s.right[d] = op < 2 ? b : lo;
  s.result[d] = t;
  return true;
}

/** True when one operation on u and v (either order) gives t. */
function hits(u: number, v: number, t: number): boolean {
  const hi = u <= v ? v : u;
  const lo = u <= v ? u : v;
  return u + v === t || u * v === t || hi - lo === t || (lo !== 0 && hi === lo * t);
}

/** Writes the (up to four) values one operation on a and b yields; returns how many. */
function pairValues(a: number, b: number, out: Float64Array, at: number): number {
  const hi = a <= b ? b : a;
  const lo = a <= b ? a : b;
  out[at] = a + b;
  out[at + 1] = a * b;
  out[at + 2] = hi - lo;
  if (lo !== 0 && hi % lo === 0) {
    out[at + 3] = hi / lo;
    return 4;
  }
  return 3;
}

// Shared scratch, each filled and read within one call below (none of them calls another that fills it).
const sharedPairValues = new Float64Array(4);
const sharedTripleValues = new Float64Array(48);
const sharedOtherPair = new Float64Array(4);

/** Every value reachable from x, y, z using all three; returns how many were written. */
function tripleValues(x: number, y: number, z: number, out: Float64Array): number {
  let w = 0;
  for (let split = 0; split < 3; split++) {
    const single = split === 0 ? x : split === 1 ? y : z;
    const a = split === 0 ? y : x;
    const b = split === 2 ? y : z;
    const k = pairValues(a, b, sharedPairValues, 0);
    for (let q = 0; q < k; q++) w += pairValues(single, sharedPairValues[q]!, out, w);
  }
  return w;
}

/**
 * Whether four numbers reach t: every expression tree over four numbers is either
 * (three numbers) op (one number) or (two) op (two), so it suffices to test those shapes
 * over the value sets of the parts.
 */
function solvable4(a: number, b: number, c: number, d: number, t: number): boolean {
  return (
    chainHits(b, c, d, a, t) ||
    chainHits(a, c, d, b, t) ||
    chainHits(a, b, d, c, t) ||
    chainHits(a, b, c, d, t) ||
    pairsHit(a, b, c, d, t) ||
    pairsHit(a, c, b, d, t) ||
    pairsHit(a, d, b, c, t)
  );
}

/** (x, y, z combined) op v = t for some way of combining x, y, z. */
function chainHits(x: number, y: number, z: number, v: number, t: number): boolean {
  const k = tripleValues(x, y, z, sharedTripleValues);
  for (let q = 0; q < k; q++) if (hits(sharedTripleValues[q]!, v, t)) return true;
  return false;
}

/** (p op q) op (r op s) = t for some operations. */
function pairsHit(p: number, q: number, r: number, s: number, t: number): boolean {
  const k1 = pairValues(p, q, sharedPairValues, 0);
  const k2 = pairValues(r, s, sharedOtherPair, 0);
  for (let i = 0; i < k1; i++) for (let j = 0; j < k2; j++) if (hits(sharedPairValues[i]!, sharedOtherPair[j]!, t)) return true;
  return false;
}

/**
 * The largest value reachable from `count` numbers no larger than `maxNumber` (all equal to
 * it, since + and * are monotone). Used to reject option sets whose targets are out of reach.
 */
export function maxReachable(maxNumber: number, count: number): number {
  const memo = new Map<string, number>();
  const best = (nums: number[]): number => {
    if (nums.length === 1) return nums[0]!;
    const key = [...nums].sort((x, y) => x - y).join(',');
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let m = 0;
    for (let i = 0; i < nums.length; i++) {
      for (let j = i + 1; j < nums.length; j++) {
        const rest = nums.filter((_, k) => k !== i && k !== j);
        const a = nums[i]!;
        const b = nums[j]!;
        m = Math.max(m, best([...rest, a + b]), best([...rest, a * b]));
      }
    }
    memo.set(key, m);
    return m;
  };
  return best(new Array<number>(count).fill(maxNumber));
}
