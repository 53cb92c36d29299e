import { newThread, type Thread } from './events.js';
import { expandBeam, type SearchContext } from './expand.js';
import { PyHeap } from './heap.js';
import { rootNode, type SearchNode } from './node.js';

export interface AprParams {
  /** Beam of the root thread. */
  readonly beam: number;
  /** Beam of child threads. */
  readonly subBeam: number;
  /** Probability that an expansion with more than one kept child spawns child threads. */
  readonly promising: number;
  /** Deepest level that may still spawn (the reference: 0, only the root thread spawns). */
  readonly maxSpawnLevel: number;
  /**
   * Keep the reference's loop-variable quirk: after a spawn whose children all failed, its
   * `Moving to Node` line uses the last child's index in place of the batch position, so it
   * names the wrong node or is missing.
   */
  readonly referenceQuirks: boolean;
}

/**
 * APR (the reference's `apr`): a beam search whose threads, at a promising expansion, spawn
 * one child thread per kept child, wait for all of them, and join their outcomes; the
 * first child (in spawn order) that reached the goal ends the parent with the clean path.
 */
export function aprSearch(ctx: SearchContext, nums: readonly number[], params: AprParams): Thread {
  const root = newThread(rootNode(nums, ctx.heuristic), 0);
  runThread(ctx, params, root, params.beam);
  return root;
}

function runThread(ctx: SearchContext, params: AprParams, thread: Thread, beam: number): void {
  const { events, start, level } = thread;
  events.push({ type: 'move', node: start });
  const open = new PyHeap<SearchNode>();
  open.push(start);
  while (open.size > 0) {
    const batch: SearchNode[] = [];
    for (let k = Math.min(beam, open.size); k > 0; k--) batch.push(open.pop()!);
    for (let idx = 0; idx < batch.length; idx++) {
      let at = idx;
      const { kept, goal } = expandBeam(ctx, batch[idx]!, beam, events);
      if (goal) {
        events.push({ type: 'path', from: start, to: goal });
        thread.goal = goal;
        return;
      }
      // The draw happens only when a spawn is possible, as in the reference.
      const spawn = level <= params.maxSpawnLevel && kept.length > 1 && ctx.rng.random() < params.promising;
      if (spawn) {
        const kids = kept.map((child) => newThread(child, level + 1));
        for (const kid of kids) runThread(ctx, params, kid, params.subBeam);
        events.push({ type: 'spawn', level: level + 1, children: kids });
        events.push({ type: 'join', level: level + 1, children: kids });
        const solved = kids.find((kid) => kid.goal !== undefined);
        if (solved) {
          events.push({ type: 'goal', node: solved.goal! });
          events.push({ type: 'path', from: start, to: solved.goal! });
          thread.goal = solved.goal;
          return;
        }
        if (params.referenceQuirks) at = kids.length - 1;
      } else {
        for (const child of kept) open.push(child);
      }
      if (at < batch.length - 1) events.push({ type: 'move', node: batch[at + 1]! });
    }
    const next = open.peek();
    if (next) events.push({ type: 'move', node: next });
  }
  events.push({ type: 'exhausted', newline: true });
}
