import type { RngState } from '../random/rng.js';
import { newThread, type Thread, type TraceEvent } from './events.js';
import { expandBeam, type SearchContext } from './expand.js';
import { PyHeap } from './heap.js';
import { rootNode, type SearchNode } from './node.js';
import { SequenceBudget, WindowTooSmall, type BudgetMark, type WindowRules } from './window.js';

export interface AprParams {
  /** Beam of the root thread. */
  readonly beam: number;
  /** Beam of child threads. */
  readonly subBeam: number;
  /** Probability that an expansion with more than one kept child spawns child threads. */
  readonly promising: number;
  /**
   * Deepest level that may still spawn (the reference: 0, only the root thread spawns).
   * Promising spawns are drawn at level 0 only; below it threads spawn only when their
   * search does not fit their window.
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
  /**
   * With a window: a spawn closes once its children have written this many tokens between
   * them, and the next children wait for its join (a wave). Infinity: one spawn for all.
   */
  readonly waveTokens: number;
}

/** Most children one spawn hands work to: more would not fit their join block anyway. */
const MAX_CHILDREN = 32;

/**
 * Least work (tokens) the first child of a planned spawn must do: a quarter of the window.
 * A smaller thread (a two-number node's search is one expansion, about 180 tokens) is not
 * worth its own sequence and its spawn and join lines, so its parent narrows its beam
 * instead of splintering into many of them.
 */
function minChildWork(window: WindowRules): number {
  return window.window / 4;
}

/**
 * APR (the reference's `apr`): a beam search whose threads, at a promising expansion, spawn
 * one child thread per kept child, wait for all of them, and join their outcomes; the
 * first child (in spawn order) that reached the goal ends the parent with the clean path.
 *
 * With a window every thread is planned (docs/decomposition.md): it first tries its whole
 * search; when that would overflow its window before it spawned anything, it goes back to
 * its first expansion and hands the kept children to child threads instead (each planned
 * the same way), so work is split where a subtree is too big for one sequence and nowhere
 * else. Children go out in waves of about `waveTokens` of work, best first, and a wave
 * that reaches the goal ends the thread. A thread that may not spawn (at `--max-depth`)
 * searches with the widest beam, up to its own, whose whole search fits.
 */
export function aprSearch(ctx: SearchContext, nums: readonly number[], params: AprParams): Thread {
  const root = newThread(rootNode(nums, ctx.heuristic), 0);
  if (new AprRun(ctx, params).runThread(root, params.beam) === undefined) {
    throw new WindowTooSmall('the window cannot hold the first expansion of the root thread');
  }
  return root;
}

/** How one attempt at a thread's search went. */
type Attempt =
  /** The thread ended: goal reached, search exhausted, or cut cleanly at its window. */
  | { readonly kind: 'ended' }
  /** The window cannot hold even the expansion of its start node. */
  | { readonly kind: 'unstarted' }
  /** A trial outgrew the window before the thread spawned anything; where to go back to. */
  | { readonly kind: 'overflowed'; readonly first: FirstExpansion };

/** A thread right after expanding its start node: what it kept, its budget and stream there. */
interface FirstExpansion {
  readonly kept: readonly SearchNode[];
  readonly mark: BudgetMark;
  readonly rng: RngState;
}

const ENDED: Attempt = { kind: 'ended' };
const UNSTARTED: Attempt = { kind: 'unstarted' };
const EXHAUSTED: TraceEvent = { type: 'exhausted', newline: true };

/** One running thread: its events' budget and the tokens its joined children wrote. */
interface Running {
  readonly thread: Thread;
  readonly budget: SequenceBudget;
  childWork: number;
}

/** One record's APR search: the context and parameters every thread shares. */
class AprRun {
  constructor(
    private readonly ctx: SearchContext,
    private readonly params: AprParams,
  ) {}

  /**
   * Runs a thread. Returns the tokens it and its descendants wrote (0 without a window),
   * or undefined when its window could not hold even its start node's expansion.
   */
  runThread(thread: Thread, beam: number): number | undefined {
    const { ctx, params } = this;
    const t: Running = { thread, budget: new SequenceBudget(thread, params.window, thread.level), childWork: 0 };
    const done = (a: Attempt): number | undefined => (a.kind === 'ended' ? t.budget.spent + t.childWork : undefined);
    if (!t.budget.limited) return done(this.search(t, beam, false));
    const empty = t.budget.mark();
    const start = ctx.rng.save();
    const trial = this.search(t, beam, true);
    if (trial.kind !== 'overflowed') return done(trial);
    if (thread.level <= params.maxSpawnLevel) {
      // Too big for one sequence: its first expansion's children become threads of their
      // own, unless the first of them turns out too small to be worth a thread.
      t.budget.reset(trial.first.mark);
      ctx.rng.restore(trial.first.rng);
      const floor = minChildWork(params.window!);
      if (this.spawnAll(t, trial.first.kept.slice(0, MAX_CHILDREN), t.budget.cost(EXHAUSTED), floor) >= 0) {
        if (!thread.goal) t.budget.add(EXHAUSTED);
        return done(ENDED);
      }
      t.childWork = 0;
    }
    // At the deepest level, or with children too small to be threads: the widest narrower
    // beam whose whole search fits.
    for (let w = beam - 1; w >= 1; w--) {
      t.budget.reset(empty);
      ctx.rng.restore(start);
      const narrower = this.search(t, w, true);
      if (narrower.kind === 'ended') return done(narrower);
    }
    // Not even a beam of 1: search as far as the window allows and stop cleanly.
    t.budget.reset(empty);
    ctx.rng.restore(start);
    return done(this.search(t, beam, false));
  }

  /**
   * One attempt at a thread's beam search (the reference's `_parallel_search` loop). In a
   * `trial`, an expansion that does not fit before the thread spawned anything ends the
   * attempt as `overflowed`, its events left to be reset; otherwise the thread hands its
   * frontier to child threads when its level may spawn, or ends cleanly with
   * `No solution found.`.
   */
  private search(t: Running, beam: number, trial: boolean): Attempt {
    const { ctx, params } = this;
    const { thread, budget } = t;
    const { events, start, level } = thread;
    const canSpawn = level <= params.maxSpawnLevel;
    budget.add({ type: 'move', node: start });
    // Room every sequence keeps for its cheapest clean ending, and a move line; a thread that
    // may hand its frontier on (once it has expanded something, and outside a trial that has
    // not spawned yet) keeps room to hand it to a beam's worth of children.
    const basicReserve = budget.limited ? budget.cost(EXHAUSTED) + budget.cost({ type: 'move', node: start }) + 16 : 0;
    const endReserve = budget.limited && canSpawn ? basicReserve + handoffReserve(budget, thread, Math.min(MAX_CHILDREN, beam + 2)) : basicReserve;
    let expandedAny = false;
    /** Where a trial goes back to when it overflows before spawning. */
    let first: FirstExpansion | undefined;
    let spawned = false;
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
        const reserve = !expandedAny || (trial && !spawned) ? basicReserve : endReserve;
        if (goal) {
          budget.add({ type: 'path', from: start, to: goal });
          if (budget.fits(0)) {
            thread.goal = goal;
            return ENDED;
          }
        } else if (budget.fits(reserve)) {
          if (trial && !expandedAny) first = { kept, mark: budget.mark(), rng: ctx.rng.save() };
          expandedAny = true;
          // Promising spawns happen in the root thread only, as in the reference (deeper
          // threads spawn only when their search does not fit); the draw happens only when a
          // spawn is possible, as in the reference.
          const spawn = canSpawn && level === 0 && kept.length > 1 && ctx.rng.random() < params.promising;
          // With a window, a spawn whose first child is too small to be worth a thread is
          // taken back: the thread searches those children itself, with the children's beam.
          const before = spawn && params.window ? { mark: budget.mark(), rng: ctx.rng.save() } : undefined;
          const handed = spawn ? this.spawnAll(t, kept, endReserve, before && minChildWork(params.window!)) : -1;
          if (handed >= 0) {
            spawned = true;
            if (thread.goal) return ENDED;
            for (let k = handed; k < kept.length; k++) open.push(kept[k]!);
            if (params.referenceQuirks) at = kept.length - 1;
          } else {
            if (before) {
              budget.reset(before.mark);
              ctx.rng.restore(before.rng);
              t.childWork = 0;
              beam = Math.max(beam, params.subBeam);
            }
            for (const child of kept) open.push(child);
          }
          if (at < batch.length - 1) budget.add({ type: 'move', node: batch[at + 1]! });
          continue;
        }
        // This expansion does not fit: take it back, then go back to the first expansion
        // (a trial), hand the frontier on, or stop.
        budget.reset(mark);
        if (!expandedAny) return UNSTARTED;
        if (first && !spawned) return { kind: 'overflowed', first };
        budget.dropTrailingMove();
        const frontier = [...batch.slice(idx)];
        while (open.size > 0) frontier.push(open.pop()!);
        if (canSpawn) {
          this.spawnAll(t, frontier.slice(0, MAX_CHILDREN), budget.cost(EXHAUSTED));
          if (thread.goal) return ENDED;
        }
        budget.add(EXHAUSTED);
        return ENDED;
      }
      const next = open.peek();
      if (next) budget.add({ type: 'move', node: next });
    }
    budget.add(EXHAUSTED);
    return ENDED;
  }

  /**
   * Hands `nodes` to child threads, wave after wave, until a joined child reaches the goal
   * or a wave fits no more. Returns how many nodes were handed out (or passed over).
   * `planned`: a planned decomposition, whose first child must do at least this much work;
   * -1 when it does less (the thread's state is then the caller's to reset).
   */
  private spawnAll(t: Running, nodes: readonly SearchNode[], reserve: number, planned?: number): number {
    let handed = 0;
    while (handed < nodes.length) {
      const taken = this.spawnWave(t, nodes.slice(handed), reserve, handed === 0 ? planned : undefined, planned !== undefined);
      if (taken < 0) return taken;
      handed += taken;
      if (t.thread.goal || taken === 0) break;
    }
    return handed;
  }

  /**
   * Spawns and joins one child thread for each of the first nodes: as many (in order) as
   * make a wave (`waveTokens` of their work) and fit: the spawn block must fit the current
   * sequence, and the next sequence (the same text, the join block, then the goal and clean
   * path, or `reserve` more tokens) must fit too. Children run before the join is written.
   * Returns how many nodes were handed out (those after them are the caller's again), or
   * -1 when the first child did less than `floor` work; sets the thread's goal when a joined
   * child solved. `skipUnstarted`: a node whose thread cannot even start is passed over (and
   * counted as handed) instead of ending the wave.
   */
  private spawnWave(t: Running, nodes: readonly SearchNode[], reserve: number, floor: number | undefined, skipUnstarted: boolean): number {
    const { budget, thread } = t;
    const level = thread.level + 1;
    // The spawn block names only node ids: how many fit is known before any child runs.
    let most = nodes.length;
    if (budget.limited) {
      const probe = nodes.map((node) => newThread(node, level));
      while (most > 0 && !budget.fits(budget.cost({ type: 'spawn', level, children: probe.slice(0, most) }))) most--;
    }
    const kids: Thread[] = [];
    const works: number[] = [];
    let waveWork = 0;
    for (let k = 0; k < most && waveWork < this.params.waveTokens; k++) {
      const kid = newThread(nodes[k]!, level);
      const work = this.runThread(kid, this.params.subBeam);
      if (floor !== undefined && kids.length === 0 && work !== undefined && work < floor) return -1;
      if (work !== undefined) {
        kids.push(kid);
        works.push(work);
        waveWork += work;
      } else if (!skipUnstarted) break;
    }
    let k = kids.length;
    for (; k > 0 && budget.limited; k--) {
      const chosen = kids.slice(0, k);
      const spawnCost = budget.cost({ type: 'spawn', level, children: chosen });
      const joinCost = budget.cost({ type: 'join', level, children: chosen });
      const solved = chosen.find((kid) => kid.goal !== undefined);
      const after = solved
        ? budget.cost({ type: 'goal', node: solved.goal! }) + budget.cost({ type: 'path', from: thread.start, to: solved.goal! })
        : reserve;
      if (budget.fits(spawnCost) && budget.fits(joinCost + after)) break;
    }
    if (k === 0) return 0;
    const chosen = kids.slice(0, k);
    budget.addEnding({ type: 'spawn', level, children: chosen });
    budget.add({ type: 'join', level, children: chosen });
    for (let j = 0; j < k; j++) t.childWork += works[j]!;
    const solved = chosen.find((kid) => kid.goal !== undefined);
    if (solved) {
      budget.add({ type: 'goal', node: solved.goal! });
      budget.add({ type: 'path', from: thread.start, to: solved.goal! });
      thread.goal = solved.goal;
    }
    // The nodes handed out: up to the last chosen kid's (unstarted ones before it included).
    return nodes.indexOf(chosen[k - 1]!.start) + 1;
  }
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
