/** Search nodes as a trace shows them: an id, the numbers left and the operations from the root. */
import { pyIntList, pyStrList } from '../core/countdown.js';

export interface NodeState {
  readonly id: string;
  readonly nums: readonly number[];
  /** Operation strings from the root (not from a thread's start), as `Current State` lists them. */
  readonly ops: readonly string[];
}

export function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function sameState(a: { nums: readonly number[]; ops: readonly string[] }, b: NodeState): boolean {
  return sameList(a.nums, b.nums) && sameList(a.ops, b.ops);
}

/** `[14, 4] with ['20/5=4']`, for messages. */
export function showState(s: { nums: readonly number[]; ops: readonly string[] }): string {
  return `${pyIntList(s.nums)} with ${pyStrList(s.ops)}`;
}

/** Splits `0,1,3` into its parent `0,1` and child index 3; undefined for a root id. */
export function splitId(id: string): { parent: string; k: number } | undefined {
  const cut = id.lastIndexOf(',');
  return cut < 0 ? undefined : { parent: id.slice(0, cut), k: Number(id.slice(cut + 1)) };
}
