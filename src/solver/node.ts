import { combine, type Step } from '../core/countdown.js';
import type { Heuristic } from '../core/heuristics.js';

/**
 * A node of a search tree. `id` is the reference's node id (`0`, `0,2`, `0,2,1`); the
 * operations leading here are found through `parent`. Terminal nodes (one number left)
 * are never printed with their id.
 */
export interface SearchNode {
  id: string;
  readonly nums: readonly number[];
  readonly step: Step | undefined;
  readonly parent: SearchNode | undefined;
  readonly h: number;
}

export function rootNode(nums: readonly number[], target: number, heuristic: Heuristic): SearchNode {
  return { id: '0', nums, step: undefined, parent: undefined, h: heuristic(nums, target) };
}

/** Every child of a node in the reference's generation order; ids are assigned later. */
export function children(node: SearchNode, target: number, heuristic: Heuristic): SearchNode[] {
  const out: SearchNode[] = [];
  const nums = node.nums;
  const n = nums.length;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      for (const step of combine(nums[i]!, nums[j]!)) {
        const next: number[] = [];
        for (let k = 0; k < n; k++) if (k !== i && k !== j) next.push(nums[k]!);
        next.push(step.result);
        out.push({ id: '', nums: next, step, parent: node, h: heuristic(next, target) });
      }
    }
  }
  return out;
}

/** Python's stable `list.sort()` on (heuristic, node) tuples: by heuristic, ties keep order. */
export function sortByHeuristic(nodes: SearchNode[]): void {
  nodes.sort((a, b) => (a.h < b.h ? -1 : b.h < a.h ? 1 : 0));
}

/** The nodes from `from` (inclusive) down to `to` (inclusive), `to` a descendant of `from`. */
export function pathBetween(from: SearchNode, to: SearchNode): SearchNode[] {
  const path: SearchNode[] = [];
  for (let n: SearchNode | undefined = to; n !== undefined; n = n.parent) {
    path.push(n);
    if (n === from) return path.reverse();
  }
  throw new Error(`node #${to.id} does not descend from node #${from.id}`);
}
