import { PyHeap } from './heap.js';
import { beamOf, contextFor, drawHeuristic, type SearchContext, type SequenceSolver, type ThreadResult } from './contract.js';
import { newThread, type TraceEvent } from './events.js';
import { choiceInRange, shuffle } from '../random/rng.js';
import { childId, children, rootNode, sortByHeuristic, type SearchNode } from './node.js';
import { MOVE_RESERVE, SequenceBudget, WindowTooSmall, type WindowRules } from './window.js';

/*
 * The original Stream-of-Search strategies (kanishkg/stream-of-search), kept for comparison
 * and ablations. Their traces use the same lines as SoS+ but no sub searches and no clean
 * path after the goal. With a window, a search that would overflow takes back its last
 * step and ends with `No solution found.`.
 */

/** DFS as a solver: no beam; it keeps the children within the target (the original's threshold). */
export const dfs: SequenceSolver<'dfs'> = {
  name: 'dfs',
  label: 'DFS',
  shape: 'sequence',
  defaults: { heuristic: 'sum' },
  search(problem, rng, o, window) {
    const named = drawHeuristic(rng, o.heuristic);
    const { thread, outOfBudget } = dfsSearch(contextFor(problem, rng, named), problem.nums, problem.target, window);
    return { thread, outOfBudget, heuristicName: named, beam: 0, subBeam: 0 };
  },
  searchType: () => 'dfs',
};

/** BFS as a solver: the beam drawn per record. */
export const bfs: SequenceSolver<'bfs'> = {
  name: 'bfs',
  label: 'BFS',
  shape: 'sequence',
  defaults: { maxBeam: 5, heuristic: 'mult' },
  search(problem, rng, o, window) {
    const named = drawHeuristic(rng, o.heuristic);
    const range = beamOf(o);
    const beam = choiceInRange(rng, range.min, range.max);
    const { thread, outOfBudget } = bfsSearch(contextFor(problem, rng, named), problem.nums, beam, o.reference, window);
    return { thread, outOfBudget, heuristicName: named, beam, subBeam: beam };
  },
  searchType: (beam) => `bfs_${beam}`,
};

const EXHAUSTED: TraceEvent = { type: 'exhausted', newline: true };

/**
 * Depth-first search that keeps children whose heuristic is at most `threshold` (the
 * original uses the target), best first, and returns to the parent after each child.
 */
function dfsSearch(ctx: SearchContext, nums: readonly number[], threshold: number, window?: WindowRules): ThreadResult {
  const root = rootNode(nums, ctx.heuristic);
  const thread = newThread(root, 0);
  const budget = new SequenceBudget(thread, window, 0);
  const reserve = budget.cost(EXHAUSTED);
  let outOfBudget = false;
  /** Adds the events if they fit with room to end; otherwise marks the search stopped. */
  const tryAdd = (...es: TraceEvent[]): boolean => {
    const m = budget.mark();
    for (const e of es) budget.add(e);
    if (budget.fits(reserve)) return true;
    budget.reset(m);
    outOfBudget = true;
    return false;
  };
  const visit = (node: SearchNode): SearchNode | undefined => {
    if (!tryAdd({ type: 'state', node })) return undefined;
    const kept = children(node, ctx.heuristic).filter((c) => c.h <= threshold);
    sortByHeuristic(kept);
    // Every kept child takes an index here, terminal ones included (unlike SoS+).
    for (let k = 0; k < kept.length; k++) {
      const child = kept[k]!;
      child.id = childId(node.id, k);
      if (child.nums.length === 1) {
        const solved = child.nums[0] === ctx.target;
        const line: TraceEvent = solved ? { type: 'goal', node: child } : { type: 'dead-end', node: child };
        if (!tryAdd({ type: 'explore', node: child }, line)) return undefined;
        if (solved) return child;
      } else {
        if (!tryAdd({ type: 'explore', node: child }, { type: 'generated', node: child }, { type: 'move', node: child })) return undefined;
        const found = visit(child);
        if (found || outOfBudget) return found;
      }
      if (k < kept.length - 1 && !tryAdd({ type: 'move', node }, { type: 'state', node })) return undefined;
    }
    return undefined;
  };
  thread.goal = visit(root);
  if (outOfBudget && !thread.events.some((e) => e.type === 'explore')) {
    throw new WindowTooSmall('the window cannot hold the first expansion of the search');
  }
  if (outOfBudget) {
    budget.dropTrailingMove();
    budget.add(EXHAUSTED);
  }
  return { thread, outOfBudget };
}

/**
 * Beam search: expand up to `beam` best open nodes, keep the `beam` best children of each,
 * shuffled for printing. `reference` keeps the original's quirks: terminal children are
 * queued too (and later expanded to nothing), and the last line has no newline.
 */
function bfsSearch(
  ctx: SearchContext,
  nums: readonly number[],
  beam: number,
  reference: boolean,
  window?: WindowRules,
): ThreadResult {
  const root = rootNode(nums, ctx.heuristic);
  const thread = newThread(root, 0);
  const budget = new SequenceBudget(thread, window, 0);
  const reserve = budget.limited ? budget.cost(EXHAUSTED) + MOVE_RESERVE : 0;
  const open = new PyHeap<SearchNode>();
  open.push(root);
  while (open.size > 0) {
    const batch = open.popBatch(beam);
    for (let idx = 0; idx < batch.length; idx++) {
      const node = batch[idx]!;
      const mark = budget.mark();
      budget.add({ type: 'state', node });
      const generated = children(node, ctx.heuristic);
      sortByHeuristic(generated);
      if (generated.length > beam) generated.length = beam;
      shuffle(ctx.rng, generated);
      let k = 0;
      let goal: SearchNode | undefined;
      for (const child of generated) {
        child.id = childId(node.id, k);
        budget.add({ type: 'explore', node: child });
        if (child.nums.length === 1) {
          if (child.nums[0] === ctx.target) {
            budget.add({ type: 'goal', node: child });
            goal = child;
            break;
          }
          budget.add({ type: 'dead-end', node: child });
        } else {
          budget.add({ type: 'generated', node: child });
          k++;
        }
      }
      if (!budget.fits(goal ? 0 : reserve)) {
        if (mark.events === 0) throw new WindowTooSmall('the window cannot hold the first expansion of the search');
        budget.reset(mark);
        budget.dropTrailingMove();
        budget.add(EXHAUSTED);
        return { thread, outOfBudget: true };
      }
      if (goal) {
        thread.goal = goal;
        return { thread, outOfBudget: false };
      }
      sortByHeuristic(generated);
      for (const child of generated) if (reference || child.nums.length > 1) open.push(child);
      if (idx < batch.length - 1) budget.add({ type: 'move', node: batch[idx + 1]! });
    }
    const next = open.peek();
    if (next) budget.add({ type: 'move', node: next });
  }
  budget.add({ type: 'exhausted', newline: !reference });
  return { thread, outOfBudget: false };
}
