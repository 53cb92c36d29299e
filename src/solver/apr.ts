import { newThread, type Thread, type TraceEvent } from './events.js';
import { expandBeam, type SearchContext } from './expand.js';
import { PyHeap } from './heap.js';
import { rootNode, type SearchNode } from './node.js';
import { SequenceBudget, WindowTooSmall, type WindowRules } from './window.js';

export interface AprParams {
  /** Beam of the root thread. */
  readonly beam: number;
  /** Beam of child threads. */
  readonly subBeam: number;
  /** Probability that an expansion with more than one kept child spawns child threads. */
  readonly promising: number;
  /**
   * Deepest level that may still spawn (the reference: 0, only the root thread spawns).
   * Promising spawns are drawn at level 0 only; below it threads spawn only to hand on
   * the frontier when their window is full.
   */
  readonly maxSpawnLevel: number;
  /**
   * Keep the reference's loop-variable quirk: after a spawn whose children all failed, its
   * `Moving to Node` line uses the last child's index in place of the batch position, so it
   * names the wrong node or is missing.
   */
  readonly referenceQuirks: boolean;
  /** Keep every sequence inside a token window (default mode); none: no limit (reference). */
  readonly window?: WindowRules | undefined;
}

/** Most children one spawn hands work to: more would not fit their join block anyway. */
const MAX_CHILDREN = 32;

/**
 * APR (the reference's `apr`): a beam search whose threads, at a promising expansion, spawn
 * one child thread per kept child, wait for all of them, and join their outcomes; the
 * first child (in spawn order) that reached the goal ends the parent with the clean path.
 *
 * With a window, a thread checks every expansion against its sequence's token budget
 * before keeping it. One that would overflow hands its frontier (the rest of the batch,
 * then the open set) to child threads when its level may spawn, or else ends cleanly with
 * `No solution found.`; a spawn keeps only as many children as its spawn and join blocks
 * (and the ending after them) leave room for.
 */
export function aprSearch(ctx: SearchContext, nums: readonly number[], params: AprParams): Thread {
  const root = newThread(rootNode(nums, ctx.heuristic), 0);
  if (!runThread(ctx, params, root, params.beam)) {
    throw new WindowTooSmall('the window cannot hold the first expansion of the root thread');
  }
  return root;
}

/** Runs a thread; false when its window could not hold even its start node's expansion. */
function runThread(ctx: SearchContext, params: AprParams, thread: Thread, beam: number): boolean {
  const { events, start, level } = thread;
  const budget = new SequenceBudget(thread, params.window, level);
  const canSpawn = level <= params.maxSpawnLevel;
  const exhausted: TraceEvent = { type: 'exhausted', newline: true };
  budget.add({ type: 'move', node: start });
  // Room every sequence keeps for its cheapest clean ending, and a move line; a thread that
  // may spawn also keeps room to hand its frontier to a beam's worth of children.
  const basicReserve = budget.limited ? budget.cost(exhausted) + budget.cost({ type: 'move', node: start }) + 16 : 0;
  const endReserve = budget.limited && canSpawn ? basicReserve + handoffReserve(budget, thread, Math.min(MAX_CHILDREN, beam + 2)) : basicReserve;
  // A thread always expands its start node when that alone fits: with nothing expanded
  // there is nothing to hand on, so the handoff room is not needed yet.
  let expandedAny = false;
  const open = new PyHeap<SearchNode>();
  open.push(start);
  while (open.size > 0) {
    const batch: SearchNode[] = [];
    for (let k = Math.min(beam, open.size); k > 0; k--) batch.push(open.pop()!);
    for (let idx = 0; idx < batch.length; idx++) {
      let at = idx;
      const mark = budget.mark();
      const { kept, goal } = expandBeam(ctx, batch[idx]!, beam, events);
      budget.countSince(mark);
      if (goal) {
        budget.add({ type: 'path', from: start, to: goal });
        if (budget.fits(0)) {
          thread.goal = goal;
          return true;
        }
      } else if (budget.fits(expandedAny ? endReserve : basicReserve)) {
        expandedAny = true;
        // Promising spawns happen in the root thread only, as in the reference (deeper
        // threads spawn only to hand work on when their window is full); the draw happens
        // only when a spawn is possible, as in the reference.
        const spawn = canSpawn && level === 0 && kept.length > 1 && ctx.rng.random() < params.promising;
        if (spawn) {
          const left = spawnChildren(ctx, params, thread, budget, kept, endReserve);
          if (thread.goal) return true;
          for (const node of left) open.push(node);
          if (params.referenceQuirks) at = kept.length - 1;
        } else {
          for (const child of kept) open.push(child);
        }
        if (at < batch.length - 1) budget.add({ type: 'move', node: batch[at + 1]! });
        continue;
      }
      // This expansion does not fit: take it back and hand the frontier on, or stop.
      budget.reset(mark);
      if (!expandedAny) return false;
      budget.dropTrailingMove();
      const frontier = [...batch.slice(idx)];
      while (open.size > 0) frontier.push(open.pop()!);
      if (canSpawn) {
        spawnChildren(ctx, params, thread, budget, frontier.slice(0, MAX_CHILDREN), budget.cost(exhausted));
        if (thread.goal) return true;
      }
      budget.add(exhausted);
      return true;
    }
    const next = open.peek();
    if (next) budget.add({ type: 'move', node: next });
  }
  budget.add(exhausted);
  return true;
}

/**
 * Tokens a handoff to `children` children needs: their spawn and join lines (ids a few
 * digits longer than the start's) and a goal with its clean path (about 60 tokens a step).
 */
function handoffReserve(budget: SequenceBudget, thread: Thread, children: number): number {
  const kids = Array.from({ length: children }, () => newThread(thread.start, thread.level + 1));
  const blocks =
    budget.cost({ type: 'spawn', level: thread.level + 1, children: kids }) +
    budget.cost({ type: 'join', level: thread.level + 1, children: kids });
  return blocks + 8 * children + 60 * thread.start.nums.length + 20;
}

/**
 * Runs one child thread per node, then spawns and joins as many of them (in order) as fit:
 * the spawn block must fit the current sequence, and the next sequence (the same text, the
 * join block, then the goal and clean path or `reserve` more tokens) must fit too. Returns
 * the nodes whose children did not fit; sets `thread.goal` when a joined child solved.
 */
function spawnChildren(
  ctx: SearchContext,
  params: AprParams,
  thread: Thread,
  budget: SequenceBudget,
  nodes: readonly SearchNode[],
  reserve: number,
): SearchNode[] {
  // A child whose window cannot hold its first expansion is not spawned; its node stays.
  const started = nodes.map((node) => {
    const kid = newThread(node, thread.level + 1);
    return runThread(ctx, params, kid, params.subBeam) ? kid : undefined;
  });
  const firstUnstarted = started.indexOf(undefined);
  const kids = (firstUnstarted < 0 ? started : started.slice(0, firstUnstarted)) as Thread[];
  let k = kids.length;
  for (; k > 0; k--) {
    const chosen = kids.slice(0, k);
    if (!budget.limited) break;
    const spawnCost = budget.cost({ type: 'spawn', level: thread.level + 1, children: chosen });
    const joinCost = budget.cost({ type: 'join', level: thread.level + 1, children: chosen });
    const solved = chosen.find((kid) => kid.goal !== undefined);
    const after = solved
      ? budget.cost({ type: 'goal', node: solved.goal! }) + budget.cost({ type: 'path', from: thread.start, to: solved.goal! })
      : reserve;
    if (budget.fits(spawnCost) && budget.fits(joinCost + after)) break;
  }
  if (k === 0) return [...nodes];
  const chosen = kids.slice(0, k);
  budget.addEnding({ type: 'spawn', level: thread.level + 1, children: chosen });
  budget.add({ type: 'join', level: thread.level + 1, children: chosen });
  const solved = chosen.find((kid) => kid.goal !== undefined);
  if (solved) {
    budget.add({ type: 'goal', node: solved.goal! });
    budget.add({ type: 'path', from: thread.start, to: solved.goal! });
    thread.goal = solved.goal;
  }
  return nodes.slice(k);
}
