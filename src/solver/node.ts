import { combine, type Step } from '../core/countdown.js';
import { scoreState, type BoundHeuristic } from '../core/heuristics.js';

/**
 * Where a renderer keeps a node's printed text, filled by the trace writer
 * (src/serializers/trace.ts) the first time a line shows the node: `textBy`, the serial of the
 * writer that filled the slots (0: none yet); `textIn`, which of that writer's buffers holds
 * the text; the printed numbers at [numsAt, numsEnd) and operation at [opAt, opEnd) there;
 * and `opsLen`, the printed length of the node's whole operation list. Numbers only, so the
 * solver needs no renderer type. Fields of the node, not an object of their own: a record
 * renders hundreds of nodes.
 */
export interface RenderSlots {
  textBy: number;
  textIn: number;
  numsAt: number;
  numsEnd: number;
  opAt: number;
  opEnd: number;
  opsLen: number;
}

/**
 * A node of a search tree. `id` is the reference's node id (`0`, `0,2`, `0,2,1`); the
 * operations leading here are found through `parent`. Terminal nodes (one number left)
 * are never printed with their id. The solver makes the render slots empty and never reads them.
 */
export interface SearchNode extends RenderSlots {
  id: string;
  readonly nums: readonly number[];
  readonly step: Step | undefined;
  readonly parent: SearchNode | undefined;
  /** The heuristic value (lower is better). */
  readonly h: number;
  /** Sum of the heuristic's per-number terms, from which children are scored. */
  readonly termSum: number;
}

export function rootNode(nums: readonly number[], heuristic: BoundHeuristic): SearchNode {
  const { termSum, value } = scoreState(heuristic, nums);
  return { id: '0', nums, step: undefined, parent: undefined, h: value, termSum, textBy: 0, textIn: 0, numsAt: 0, numsEnd: 0, opAt: 0, opEnd: 0, opsLen: 0 };
}

/**
 * The id of a parent's k-th kept child: the parent's, a comma and k (`0,2` then `0,2,11`), as
 * the reference numbers nodes. The window's token costs count an id's parts by its commas.
 */
export function childId(parentId: string, k: number): string {
  return `${parentId},${k}`;
}

/** The child reached by `step` applied to positions i and j of the node's numbers. */
export function childOf(node: SearchNode, i: number, j: number, step: Step, termSum: number, h: number): SearchNode {
  // An exact-length copy shifted in place (i < j): a pushed-to `[]` reserves 16 slots.
  const nums = node.nums;
  const n = nums.length;
  const next = nums.slice(0, n - 1);
  for (let k = i; k < j - 1; k++) next[k] = nums[k + 1]!;
  for (let k = j - 1; k < n - 2; k++) next[k] = nums[k + 2]!;
  next[n - 2] = step.result;
  return { id: '', nums: next, step, parent: node, h, termSum, textBy: 0, textIn: 0, numsAt: 0, numsEnd: 0, opAt: 0, opEnd: 0, opsLen: 0 };
}

/** Every child of a node in the reference's generation order; ids are assigned later. */
export function children(node: SearchNode, heuristic: BoundHeuristic): SearchNode[] {
  const out: SearchNode[] = [];
  const nums = node.nums;
  const n = nums.length;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const base = node.termSum - heuristic.term(nums[i]!) - heuristic.term(nums[j]!);
      for (const step of combine(nums[i]!, nums[j]!)) {
        const termSum = base + heuristic.term(step.result);
        out.push(childOf(node, i, j, step, termSum, heuristic.value(termSum, n - 1)));
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
