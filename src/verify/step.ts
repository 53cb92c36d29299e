/**
 * Whether an operation may be applied to a state, by the reference's successor rules
 * (core `combine` / `pairs` / `applyAt`).
 */
import { applyAt, arithmeticFault, combine, pairs, pyIntList, replay, stepString, type Step } from '../core/countdown.js';

/** Every state the reference could reach from `nums` by printing exactly this step. */
function outcomes(nums: readonly number[], step: Step): number[][] {
  const want = stepString(step);
  const out: number[][] = [];
  for (const [i, j] of pairs(nums.length)) {
    for (const s of combine(nums[i]!, nums[j]!)) {
      if (stepString(s) === want) out.push(applyAt(nums, i, j, s.result));
    }
  }
  return out;
}

/** How many of a node's children `step` makes (more than one where the node repeats a number: [3, 3, 5] makes 3+5=8 twice). */
export function timesAvailable(nums: readonly number[], step: Step): number {
  return outcomes(nums, step).length;
}

/**
 * What is wrong with exploring `step` from `nums` when the trace says it leaves `shown`,
 * as the end of a message that starts with the operation; undefined when nothing is.
 */
export function exploreFault(nums: readonly number[], step: Step, shown: readonly number[]): string | undefined {
  const fault = arithmeticFault(step); // first: a rounded product is also what combine computes
  if (fault) return fault;
  const reachable = outcomes(nums, step);
  if (reachable.length === 0) {
    // replay removes operands by value: it succeeds exactly when both numbers are there
    if (!replay(nums, [step]).ok) return `uses a number not available in ${pyIntList(nums)}`;
    return `does not follow the reference's operand order for ${pyIntList(nums)}`;
  }
  const key = pyIntList(shown);
  if (reachable.some((r) => pyIntList(r) === key)) return undefined;
  return `gives ${pyIntList(reachable[0]!)} but Resulting Numbers are ${key}`;
}
