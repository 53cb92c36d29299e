import { stepString, type Step } from '../core/countdown.js';
import { renderLine } from '../records/trace-lines.js';
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
  // Each line as the one grammar renders it (records/trace-lines.ts), which the verifier reads back.
  let out = renderLine({ kind: 'state', target, nums: [...start], ops: [] }) + '\n';
  let nums = [...start];
  let node = 1;
  for (const step of solution) {
    nums = numbersAfter(nums, step, compat);
    out += renderLine({ kind: 'explore', step, nums }) + '\n';
    if (nums.length === 1) {
      out += renderLine({ kind: 'goal', value: nums[0]!, target }) + '\n';
    } else {
      node += 1;
      out += renderLine({ kind: 'pathNode', k: node, nums, step }) + '\n';
      done.push(stepString(step));
      out += renderLine({ kind: 'state', target, nums, ops: done }) + '\n';
    }
  }
  return out;
}

/** The numbers an optimal_path lists after a step: the reference's rule (by value) or one occurrence of each operand. */
export function numbersAfter(nums: readonly number[], step: Step, compat: Compat): number[] {
  return compat === 'reference' ? removeByValue(nums, step) : removeOnce(nums, step);
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

/** The fields of a problem record (the reference's `generate_problems.py`), in its order. */
const PROBLEM_FIELDS = ['nums', 'target', 'solution', 'optimal_path', 'start_size'] as const;

/**
 * The problem's fields of any record, in the record's order: what a search record carries
 * over from its input. Fields of an earlier search (`trace_dict`, `beam_size`, token figures,
 * ...) are left behind, so searching a search record never keeps stale ones.
 */
export function problemFieldsOf(rec: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in rec) if ((PROBLEM_FIELDS as readonly string[]).includes(k)) out[k] = rec[k];
  return out;
}

/** The problem record in the reference's field order (PROBLEM_FIELDS). */
export function problemRecord(p: Problem, compat: Compat): { [key: string]: PyJson } {
  return {
    nums: p.nums,
    target: p.target,
    solution: p.solution.map(stepString),
    optimal_path: optimalPath(p.target, p.nums, p.solution, compat),
    start_size: p.startSize,
  };
}
