import { pyIntList, pyStrList, stepString, type Step } from '../core/countdown.js';
import type { Problem } from '../solver/problems.js';
import type { PyJson } from './pyjson.js';

/** Which variant of a text the reference wrote: its own, quirks included, or the fixed one. */
export type Compat = 'default' | 'reference';

/**
 * The `optimal_path` text: the solution as a search that never backtracks.
 * Reference mode keeps the reference's bug of removing used operands by value (every copy
 * of an equal number goes, so repeated numbers print wrong states); default mode removes one
 * occurrence of each operand.
 */
export function optimalPath(target: number, start: readonly number[], solution: readonly Step[], compat: Compat): string {
  const done: string[] = [];
  let out = `Current State: ${target}:${pyIntList(start)}, Operations: []\n`;
  let nums = [...start];
  let node = 1;
  for (const step of solution) {
    const op = stepString(step);
    nums = compat === 'reference' ? removeByValue(nums, step) : removeOnce(nums, step);
    out += `Exploring Operation: ${op}, Resulting Numbers: ${pyIntList(nums)}\n`;
    if (nums.length === 1) {
      out += `${nums[0]},${target} equal: Goal Reached\n`;
    } else {
      node += 1;
      out += `Generated Node #${node}: ${pyIntList(nums)} from Operation: ${op}\n`;
      done.push(op);
      out += `Current State: ${target}:${pyIntList(nums)}, Operations: ${pyStrList(done)}\n`;
    }
  }
  return out;
}

function removeByValue(nums: readonly number[], s: Step): number[] {
  return [...nums.filter((n) => n !== s.left && n !== s.right), s.result];
}

function removeOnce(nums: readonly number[], s: Step): number[] {
  const rest = [...nums];
  rest.splice(rest.indexOf(s.left), 1);
  rest.splice(rest.indexOf(s.right), 1);
  return [...rest, s.result];
}

/** The problem record in the reference's field order. */
export function problemRecord(p: Problem, compat: Compat): { [key: string]: PyJson } {
  return {
    nums: p.nums,
    target: p.target,
    solution: p.solution.map(stepString),
    optimal_path: optimalPath(p.target, p.nums, p.solution, compat),
    start_size: p.startSize,
  };
}
