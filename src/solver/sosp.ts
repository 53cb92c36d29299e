import { newThread, type Thread, type TraceEvent } from './events.js';
import { expandBeam, type SearchContext } from './expand.js';
import { PyHeap } from './heap.js';
import { rootNode, type SearchNode } from './node.js';

export interface SospParams {
  readonly beam: number;
  /** Probability of diving depth-first into the children of an expanded node. */
  readonly promising: number;
}

/**
 * SoS+ (the reference's `sosp`): a beam search that, after each expansion and with
 * probability `promising`, runs a nested sub search on each kept child in turn instead of
 * queueing them. One thread; a goal ends the whole search with the clean path from the root.
 */
export function sospSearch(ctx: SearchContext, nums: readonly number[], params: SospParams): Thread {
  const root = rootNode(nums, ctx.heuristic);
  const thread = newThread(root, 0);
  thread.goal = search(ctx, params, root, root, 0, thread.events);
  return thread;
}

function search(
  ctx: SearchContext,
  params: SospParams,
  root: SearchNode,
  start: SearchNode,
  level: number,
  events: TraceEvent[],
): SearchNode | undefined {
  const open = new PyHeap<SearchNode>();
  open.push(start);
  while (open.size > 0) {
    const batch: SearchNode[] = [];
    for (let k = Math.min(params.beam, open.size); k > 0; k--) batch.push(open.pop()!);
    for (let idx = 0; idx < batch.length; idx++) {
      const { kept, goal } = expandBeam(ctx, batch[idx]!, params.beam, events);
      if (goal) {
        events.push({ type: 'path', from: root, to: goal });
        return goal;
      }
      const dive = ctx.rng.random() < params.promising;
      for (const child of kept) {
        if (!dive) {
          open.push(child);
          continue;
        }
        events.push({ type: 'sub-start', level: level + 1, node: child });
        const found = search(ctx, params, root, child, level + 1, events);
        events.push({ type: 'sub-exit', level: level + 1 });
        if (found) return found;
        events.push({ type: 'sub-failed' });
      }
      if (idx < batch.length - 1) events.push({ type: 'move', node: batch[idx + 1]! });
    }
    const next = open.peek();
    if (next) events.push({ type: 'move', node: next });
  }
  events.push({ type: 'exhausted', newline: true });
  return undefined;
}
