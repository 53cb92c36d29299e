import { choiceInRange } from '../random/rng.js';
import { beamOf, contextFor, drawHeuristic, promisingOf, type SearchContext, type SequenceSolver, type ThreadResult } from './contract.js';
import { newThread, type TraceEvent } from './events.js';
import { expandBeam } from './expand.js';
import { PyHeap } from './heap.js';
import { rootNode, type SearchNode } from './node.js';
import { MOVE_RESERVE, SequenceBudget, WindowTooSmall, type WindowRules } from './window.js';

/**
 * SoS+ as a solver: the beam drawn per record, `promising` the chance of a sub search.
 * Reference mode draws a heuristic name it does not use and searches with mult_heuristic;
 * default mode uses the heuristic it names.
 */
export const sosp: SequenceSolver<'sosp'> = {
  name: 'sosp',
  label: 'SoS+',
  shape: 'sequence',
  defaults: { maxBeam: 5, promising: 0.5, heuristic: 'mult' },
  // generate_sosp.py draws the beam from 1 to --max_beam_size and fixes the threshold.
  referenceFixes: ['minBeam', 'promising'],
  search(problem, rng, o, window) {
    const named = drawHeuristic(rng, o.reference ? 'random' : o.heuristic);
    const range = beamOf(o);
    const beam = choiceInRange(rng, range.min, range.max);
    const ctx = contextFor(problem, rng, o.reference ? 'mult_heuristic' : named);
    const { thread, outOfBudget } = sospSearch(ctx, problem.nums, { beam, promising: promisingOf(o), window });
    return { thread, outOfBudget, heuristicName: named, beam, subBeam: beam };
  },
  searchType: (beam) => `sosp_${beam}`,
};

export interface SospParams {
  readonly beam: number;
  /** Probability of diving depth-first into the children of an expanded node. */
  readonly promising: number;
  /** Keep the trace inside a token window (default mode); none: no limit (reference). */
  readonly window?: WindowRules | undefined;
}

/**
 * What a (sub) search ended with. `unstarted`: out of room before expanding its first node,
 * having written nothing; its caller takes back the line that opened it.
 */
type Ending = { readonly goal: SearchNode } | 'exhausted' | 'out-of-budget' | 'unstarted';

/**
 * SoS+ (the reference's `sosp`): a beam search that, after each expansion and with
 * probability `promising`, runs a nested sub search on each kept child in turn instead of
 * queueing them. One thread; a goal ends the whole search with the clean path from the root.
 *
 * With a window, an expansion that would leave no room to finish cleanly is taken back and
 * the search stops: each open sub search closes as a failed one and the trace ends with
 * `No solution found.`, so it stays grammatical and inside the window.
 */
function sospSearch(ctx: SearchContext, nums: readonly number[], params: SospParams): ThreadResult {
  const root = rootNode(nums, ctx.heuristic);
  const thread = newThread(root, 0);
  const budget = new SequenceBudget(thread, params.window, 0);
  const end = search(ctx, params, budget, root, root, 0);
  if (end === 'unstarted') throw new WindowTooSmall('the window cannot hold the first expansion of the search');
  if (typeof end === 'object') thread.goal = end.goal;
  return { thread, outOfBudget: end === 'out-of-budget' };
}

const EXHAUSTED: TraceEvent = { type: 'exhausted', newline: true };

/** Tokens needed to close `level` open sub searches and end the trace. */
function unwindCost(budget: SequenceBudget, level: number): number {
  if (!budget.limited) return 0;
  let cost = budget.cost(EXHAUSTED);
  for (let l = level; l >= 1; l--) {
    cost += budget.cost({ type: 'sub-exit', level: l }) + budget.cost({ type: 'sub-failed' }) + budget.cost(EXHAUSTED);
  }
  return cost + MOVE_RESERVE;
}

function search(
  ctx: SearchContext,
  params: SospParams,
  budget: SequenceBudget,
  root: SearchNode,
  start: SearchNode,
  level: number,
): Ending {
  const reserve = unwindCost(budget, level);
  // After a goal, every open level still writes its `Exit Sub Search` line.
  let exits = 0;
  for (let l = level; l >= 1; l--) exits += budget.cost({ type: 'sub-exit', level: l });
  const open = new PyHeap<SearchNode>();
  open.push(start);
  const opened = budget.mark().events;
  while (open.size > 0) {
    const batch = open.popBatch(params.beam);
    for (let idx = 0; idx < batch.length; idx++) {
      const mark = budget.mark();
      const { kept, goal } = expandBeam(ctx, batch[idx]!, params.beam, budget.eventsRef());
      budget.countSince(mark);
      const first = mark.events === opened;
      if (goal) {
        budget.add({ type: 'path', from: root, to: goal });
        if (budget.fits(exits)) return { goal };
        budget.reset(mark);
        return first ? 'unstarted' : stop(budget);
      }
      if (!budget.fits(reserve)) {
        budget.reset(mark);
        return first ? 'unstarted' : stop(budget);
      }
      const dive = ctx.rng.random() < params.promising;
      for (const child of kept) {
        if (!dive) {
          open.push(child);
          continue;
        }
        const enter: TraceEvent = { type: 'sub-start', level: level + 1, node: child };
        if (!budget.fits(budget.cost(enter) + unwindCost(budget, level + 1))) return stop(budget);
        const before = budget.mark();
        budget.add(enter);
        const end = search(ctx, params, budget, root, child, level + 1);
        if (end === 'unstarted') {
          budget.reset(before);
          return stop(budget);
        }
        budget.add({ type: 'sub-exit', level: level + 1 });
        if (typeof end === 'object') return end;
        budget.add({ type: 'sub-failed' });
        if (end === 'out-of-budget') return stop(budget);
      }
      if (idx < batch.length - 1) budget.add({ type: 'move', node: batch[idx + 1]! });
    }
    const next = open.peek();
    if (next) budget.add({ type: 'move', node: next });
  }
  budget.add(EXHAUSTED);
  return 'exhausted';
}

/** Ends this (sub) search for want of room; callers close their levels the same way. */
function stop(budget: SequenceBudget): Ending {
  budget.dropTrailingMove();
  budget.add(EXHAUSTED);
  return 'out-of-budget';
}
