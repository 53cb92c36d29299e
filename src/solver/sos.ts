import { PyHeap } from './heap.js';
import { newThread, type Thread, type TraceEvent } from './events.js';
import type { SearchContext } from './expand.js';
import { shuffle } from '../random/rng.js';
import { children, rootNode, sortByHeuristic, type SearchNode } from './node.js';

/**
 * The original Stream-of-Search strategies (kanishkg/stream-of-search), kept for comparison
 * and ablations. Their traces use the same lines as SoS+ but no sub searches and no clean
 * path after the goal.
 */

/**
 * Depth-first search that keeps children whose heuristic is at most `threshold` (the
 * original uses the target), best first, and returns to the parent after each child.
 */
export function dfsSearch(ctx: SearchContext, nums: readonly number[], threshold: number): Thread {
  const root = rootNode(nums, ctx.heuristic);
  const thread = newThread(root, 0);
  const events = thread.events;
  const visit = (node: SearchNode): SearchNode | undefined => {
    events.push({ type: 'state', node });
    const kept = children(node, ctx.heuristic).filter((c) => c.h <= threshold);
    sortByHeuristic(kept);
    // Every kept child takes an index here, terminal ones included (unlike SoS+).
    for (let k = 0; k < kept.length; k++) {
      const child = kept[k]!;
      child.id = `${node.id},${k}`;
      events.push({ type: 'explore', node: child });
      if (child.nums.length === 1) {
        if (child.nums[0] === ctx.target) {
          events.push({ type: 'goal', node: child });
          return child;
        }
        events.push({ type: 'dead-end', node: child });
      } else {
        events.push({ type: 'generated', node: child }, { type: 'move', node: child });
        const found = visit(child);
        if (found) return found;
      }
      if (k < kept.length - 1) events.push({ type: 'move', node }, { type: 'state', node });
    }
    return undefined;
  };
  thread.goal = visit(root);
  return thread;
}

/**
 * Beam search: expand up to `beam` best open nodes, keep the `beam` best children of each,
 * shuffled for printing. `reference` keeps the original's quirks: terminal children are
 * queued too (and later expanded to nothing), and the last line has no newline.
 */
export function bfsSearch(ctx: SearchContext, nums: readonly number[], beam: number, reference: boolean): Thread {
  const root = rootNode(nums, ctx.heuristic);
  const thread = newThread(root, 0);
  const events: TraceEvent[] = thread.events;
  const open = new PyHeap<SearchNode>();
  open.push(root);
  while (open.size > 0) {
    const batch: SearchNode[] = [];
    for (let k = Math.min(beam, open.size); k > 0; k--) batch.push(open.pop()!);
    for (let idx = 0; idx < batch.length; idx++) {
      const node = batch[idx]!;
      events.push({ type: 'state', node });
      const generated = children(node, ctx.heuristic);
      sortByHeuristic(generated);
      if (generated.length > beam) generated.length = beam;
      shuffle(ctx.rng, generated);
      let k = 0;
      for (const child of generated) {
        child.id = `${node.id},${k}`;
        events.push({ type: 'explore', node: child });
        if (child.nums.length === 1) {
          if (child.nums[0] === ctx.target) {
            events.push({ type: 'goal', node: child });
            thread.goal = child;
            return thread;
          }
          events.push({ type: 'dead-end', node: child });
        } else {
          events.push({ type: 'generated', node: child });
          k++;
        }
      }
      sortByHeuristic(generated);
      for (const child of generated) if (reference || child.nums.length > 1) open.push(child);
      if (idx < batch.length - 1) events.push({ type: 'move', node: batch[idx + 1]! });
    }
    const next = open.peek();
    if (next) events.push({ type: 'move', node: next });
  }
  events.push({ type: 'exhausted', newline: !reference });
  return thread;
}
