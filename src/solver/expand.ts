import type { Heuristic } from '../core/heuristics.js';
import { shuffle, type Rng } from '../random/rng.js';
import type { TraceEvent } from './events.js';
import { children, sortByHeuristic, type SearchNode } from './node.js';

/** What every search needs besides its own parameters. */
export interface SearchContext {
  readonly target: number;
  readonly heuristic: Heuristic;
  readonly rng: Rng;
}

export interface Expansion {
  /** Kept non-terminal children, best heuristic first (the reference's `nodes_to_explore`). */
  readonly kept: SearchNode[];
  /** The goal child, when one was found; the expansion stopped there. */
  readonly goal: SearchNode | undefined;
}

/**
 * The beam expansion SoS+ and APR share: print the state, keep the `beam` best children,
 * shuffle them, print each (a goal ends the expansion), then sort the kept ones.
 */
export function expandBeam(ctx: SearchContext, node: SearchNode, beam: number, events: TraceEvent[]): Expansion {
  events.push({ type: 'state', node });
  const generated = children(node, ctx.target, ctx.heuristic);
  sortByHeuristic(generated);
  if (generated.length > beam) generated.length = beam;
  shuffle(ctx.rng, generated);
  const kept: SearchNode[] = [];
  for (const child of generated) {
    child.id = `${node.id},${kept.length}`;
    events.push({ type: 'explore', node: child });
    if (child.nums.length === 1) {
      if (child.nums[0] === ctx.target) {
        events.push({ type: 'goal', node: child });
        return { kept, goal: child };
      }
      events.push({ type: 'dead-end', node: child });
    } else {
      events.push({ type: 'generated', node: child });
      kept.push(child);
    }
  }
  sortByHeuristic(kept);
  return { kept, goal: undefined };
}
