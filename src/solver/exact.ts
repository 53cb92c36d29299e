import { type Step } from '../core/countdown.js';

/**
 * Exact Countdown solver. Depth-first in the reference's order (pairs i<j, then + * - /),
 * so the first solution it returns is the reference's `CountDown.search` result. Sub-states
 * proven unsolvable are remembered by their sorted multiset; that prunes only subtrees
 * holding no solution, so neither the answer nor the first-found solution changes.
 */
export function solve(nums: readonly number[], target: number): Step[] | null {
  if (nums.length === 0) return null;
  const path: Step[] = [];
  const ctx: Ctx = { target, path, dead: nums.length >= 4 ? new Set<string>() : undefined };
  return search(ctx, nums) ? path : null;
}

/** True when the target can be reached from these numbers. */
export function isSolvable(nums: readonly number[], target: number): boolean {
  return solve(nums, target) !== null;
}

interface Ctx {
  readonly target: number;
  readonly path: Step[];
  /** Multisets (sorted, joined) proven unable to reach the target. */
  readonly dead: Set<string> | undefined;
}

function search(ctx: Ctx, nums: readonly number[]): boolean {
  const n = nums.length;
  if (n === 1) return nums[0] === ctx.target;
  if (n === 2) return lastStep(ctx, nums[0]!, nums[1]!);
  let key: string | undefined;
  if (ctx.dead !== undefined) {
    key = sortedKey(nums);
    if (ctx.dead.has(key)) return false;
  }
  const next = new Array<number>(n - 1);
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      let w = 0;
      for (let k = 0; k < n; k++) if (k !== i && k !== j) next[w++] = nums[k]!;
      const a = nums[i]!;
      const b = nums[j]!;
      if (tryStep(ctx, next, w, a, '+', b, a + b)) return true;
      if (tryStep(ctx, next, w, a, '*', b, a * b)) return true;
      const hi = a <= b ? b : a;
      const lo = a <= b ? a : b;
      if (tryStep(ctx, next, w, hi, '-', lo, hi - lo)) return true;
      if (lo !== 0 && hi % lo === 0 && tryStep(ctx, next, w, hi, '/', lo, hi / lo)) return true;
    }
  }
  if (key !== undefined) ctx.dead!.add(key);
  return false;
}

function tryStep(ctx: Ctx, next: number[], w: number, left: number, op: Step['op'], right: number, result: number): boolean {
  next[w] = result;
  ctx.path.push({ left, op, right, result });
  if (search(ctx, next.slice(0, w + 1))) return true;
  ctx.path.pop();
  return false;
}

/** Two numbers left: the reference tries + * - / and the result must be the target. */
function lastStep(ctx: Ctx, a: number, b: number): boolean {
  const t = ctx.target;
  const hi = a <= b ? b : a;
  const lo = a <= b ? a : b;
  let step: Step | undefined;
  if (a + b === t) step = { left: a, op: '+', right: b, result: t };
  else if (a * b === t) step = { left: a, op: '*', right: b, result: t };
  else if (hi - lo === t) step = { left: hi, op: '-', right: lo, result: t };
  else if (lo !== 0 && hi % lo === 0 && hi / lo === t) step = { left: hi, op: '/', right: lo, result: t };
  if (step === undefined) return false;
  ctx.path.push(step);
  return true;
}

function sortedKey(nums: readonly number[]): string {
  return nums.length === 3 ? sorted3(nums[0]!, nums[1]!, nums[2]!) : [...nums].sort((x, y) => x - y).join(',');
}

function sorted3(a: number, b: number, c: number): string {
  if (a > b) [a, b] = [b, a];
  if (b > c) [b, c] = [c, b];
  if (a > b) [a, b] = [b, a];
  return `${a},${b},${c}`;
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
