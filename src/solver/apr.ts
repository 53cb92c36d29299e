import { randint, type RngState } from '../random/rng.js';
import { beamOf, contextFor, drawHeuristic, promisingOf, type SearchContext, type ThreadsSolver } from './contract.js';
import { newThread, type Thread, type TraceEvent } from './events.js';
import { expandBeam } from './expand.js';
import { PyHeap } from './heap.js';
import { rootNode, type SearchNode } from './node.js';
import {
  CHILD_ID_RESERVE,
  cleanPathReserve,
  MOVE_RESERVE,
  SequenceBudget,
  WindowTooSmall,
  type BudgetMark,
  type WindowRules,
} from './window.js';

/** Thread levels below the root an APR search may use by default: enough for six numbers. */
export const DEFAULT_MAX_DEPTH = 3;

/** Work per APR spawn wave by default, in windows (docs/decomposition.md). */
const DEFAULT_WAVE_WINDOWS = 8;

/**
 * APR as a solver: the root's beam and the children's beam drawn per record (the reference's
 * `randint`s), `promising` the chance of a spawn. Reference mode names and uses
 * mult_heuristic without a draw.
 */
export const apr: ThreadsSolver<'apr'> = {
  name: 'apr',
  label: 'APR',
  shape: 'threads',
  defaults: { maxBeam: 10, promising: 0.9, heuristic: 'mult' },
  threadDefaults: { maxSubBeam: 15, maxDepth: DEFAULT_MAX_DEPTH, waveWindows: DEFAULT_WAVE_WINDOWS },
  search(problem, rng, o, window) {
    const range = beamOf(o);
    const beam = randint(rng, range.min, range.max);
    const subBeam = o.maxSubBeam > beam ? randint(rng, beam, o.maxSubBeam) : o.maxSubBeam;
    const named = o.reference ? 'mult_heuristic' : drawHeuristic(rng, o.heuristic);
    const thread = aprSearch(contextFor(problem, rng, named), problem.nums, {
      beam,
      subBeam,
      promising: promisingOf(o),
      maxSpawnLevel: o.maxSpawnLevel,
      referenceQuirks: o.reference,
      window,
      waveTokens: window && o.waveWindows > 0 ? o.waveWindows * window.window : Infinity,
    });
    return { thread, outOfBudget: window !== undefined && stoppedByWindow(thread), heuristicName: named, beam, subBeam };
  },
  searchType: (beam) => `apr_${beam}`,
};

/**
 * Whether the window stopped an unsolved search: some thread left a node it kept neither
 * searched itself nor handed to a child. A search without a window searches every node it
 * keeps, so only the window leaves one (a thread cut at its window, children a parent could
 * not hand out, a child passed over because its window cannot hold its first expansion).
 */
function stoppedByWindow(root: Thread): boolean {
  if (root.goal) return false;
  // By id: a node expanded again (a widened or restored site) is a new object with the same id.
  const cut = (t: Thread): boolean => {
    const kept: string[] = [];
    const covered = new Set<string>();
    for (const e of t.events) {
      if (e.type === 'expand') {
        covered.add(e.node.id);
        for (const child of e.children) kept.push(child.id);
      } else if (e.type === 'leaves') covered.add(e.node.id);
      else if (e.type === 'spawn') for (const kid of e.children) covered.add(kid.start.id);
    }
    if (kept.some((id) => !covered.has(id))) return true;
    return t.events.some((e) => e.type === 'spawn' && e.children.some(cut));
  };
  return cut(root);
}

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
  /** Keep every sequence inside a token window (default mode, planned); none: no limit (reference). */
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
 * APR (the reference's `apr`): a beam search whose threads, at a promising expansion, spawn
 * one child thread per kept child, wait for all of them, and join their outcomes; the
 * first child (in spawn order) that reached the goal ends the parent with the clean path.
 *
 * With a window every thread is planned (docs/decomposition.md):
 * - a thread first tries its whole search; when that would overflow its window before it
 *   spawned anything, it goes back to its first expansion and hands the kept children to
 *   child threads (each planned the same way): work is split where a subtree is too big for
 *   one sequence, and nowhere else;
 * - children go out in waves of about `waveTokens` of work, best first, and a wave that
 *   reaches the goal ends the thread;
 * - a spawn is judged by its first child: one that had to narrow its beam to fit (at
 *   `--max-depth`) makes the thread hand out more children instead (width moved up, not
 *   down), as many more as its search shrank, however little it wrote (it is small because
 *   it narrowed); any other doing less than a quarter of the window is not worth a thread,
 *   so the spawn is taken back (a promising spawn's children are searched by the thread
 *   itself, with the children's beam; a planned one narrows the thread's beam);
 * - a child that reached the goal but whose join does not fit makes the thread expand its
 *   node again, narrower, so that its join fits (`replanning`), rather than lose the goal; in
 *   a trial's hand-off, whose nodes come from several expansions, it makes the trial not fit;
 * - a hand-off runs no child that no solved join could take (it could only fail): it passes
 *   it over, or, in a trial, the trial does not fit; a split searches such a child only to
 *   learn whether it reaches the goal (then its node is expanded again, as above), and
 *   otherwise passes it over unwritten;
 * - a thread whose window could hold no child's goal joined, even at the fewest tokens its
 *   lines and clean paths can take (`joinFloor`), spawns no child: each could only fail;
 * - a thread that may not spawn searches with the widest beam, up to its own, that fits.
 */
function aprSearch(ctx: SearchContext, nums: readonly number[], params: AprParams): Thread {
  const root = newThread(rootNode(nums, ctx.heuristic), 0);
  if (new AprRun(ctx, params).runThread(root, params.beam) === undefined) {
    throw new WindowTooSmall('the window cannot hold the first expansion of the root thread');
  }
  return root;
}

/** What a finished thread did: the tokens it and its descendants wrote, and its own beam. */
interface ThreadDone {
  readonly work: number;
  /** The beam its own search used: less than it was given when it narrowed to fit. */
  readonly beam: number;
}

/** A point in a thread to come back to: its budget and its random stream there. */
interface Snapshot {
  readonly mark: BudgetMark;
  readonly rng: RngState;
}

/** An expansion children may be spawned from: the node, and the thread before and after it. */
interface Site {
  readonly node: SearchNode;
  readonly kept: readonly SearchNode[];
  readonly before: Snapshot;
  readonly after: Snapshot;
}

/** How one attempt at a thread's search went. */
type Attempt =
  /** The thread ended: goal reached, search exhausted, or cut cleanly at its window. */
  | { readonly kind: 'ended' }
  /** The window cannot hold even the expansion of its start node. */
  | { readonly kind: 'unstarted' }
  /** A trial outgrew the window before the thread spawned anything; its first expansion. */
  | { readonly kind: 'overflowed'; readonly first: Site };

/**
 * Children were handed out: how many of `kept` (the site's, or its narrowed or widened
 * expansion's); `beam` when the site's node was expanded again narrower to report them all.
 */
type HandedOut = { readonly kind: 'spawned'; readonly handed: number; readonly kept: readonly SearchNode[]; readonly beam?: number };
/** A spawn stopped by its first child's verdict before anything was written. */
type Judged = { readonly kind: 'judged'; readonly verdict: Exclude<Verdict, 'go'> };
/** What a spawn at a site did: handed out, or too small (the thread is back after the site). */
type Spawned = HandedOut | { readonly kind: 'too-small' };

const ENDED: Attempt = { kind: 'ended' };
const UNSTARTED: Attempt = { kind: 'unstarted' };
const EXHAUSTED: TraceEvent = { type: 'exhausted', newline: true };

/** One running thread: its events' budget and the tokens its joined children wrote. */
interface Running {
  readonly thread: Thread;
  readonly budget: SequenceBudget;
  childWork: number;
  /**
   * Children of at most this many numbers were judged too small to be threads: the thread
   * searches such nodes itself from then on (a subtree shrinks with its node's numbers).
   */
  searchesItselfUpTo: number;
  /**
   * While a spawn can still be planned again (`replanning`), or a trial's hand-off can still
   * be given up for a split: a wave that cannot join a child that reached the goal stops the
   * spawn and sets `goalLost`, instead of dropping it.
   */
  replanLost: boolean;
  goalLost: LostGoal | undefined;
  /** While it hands its frontier on: a child no solved join could take is not run. */
  handingOff: boolean;
  /**
   * Whether it may spawn: above `--max-depth`, and with a window that could hold a child's
   * goal joined (its join floor); else every child could only fail.
   */
  readonly maySpawn: boolean;
}

/**
 * A child that reached the goal but whose join did not fit: its node, and what the spawn
 * must give back for it, as the most tokens the thread may hold when the spawn begins
 * (`bound`), with `width` children to hand out.
 */
interface LostGoal {
  readonly node: SearchNode;
  readonly bound: number;
  readonly width: number;
}

/** A wave's solved child that its join could not take, and by how many tokens. */
interface Unjoined {
  readonly unjoined: SearchNode;
  readonly excess: number;
}

/**
 * Whether two children of one node are the same child: the same step. (Not by id: an id is the
 * child's place in its expansion's shuffled list, which an expansion made again redraws.)
 */
function sameChild(a: SearchNode, b: SearchNode): boolean {
  return a.step !== undefined && b.step !== undefined && a.step.left === b.step.left && a.step.op === b.step.op && a.step.right === b.step.right;
}

/** A first child's verdict on its spawn (see `spawnAt`). */
type Verdict = 'go' | 'too-small' | { readonly widen: number };

/** One record's APR search: the context and parameters every thread shares. */
class AprRun {
  constructor(
    private readonly ctx: SearchContext,
    private readonly params: AprParams,
  ) {}

  /** Runs a thread; undefined when its window could not hold its start node's expansion even with a beam of 1. */
  runThread(thread: Thread, beam: number): ThreadDone | undefined {
    const { params } = this;
    const budget = new SequenceBudget(thread, params.window, thread.level);
    // A thread whose sequence could not hold a child's goal joined, even at the fewest tokens
    // its lines and clean paths can take, spawns no child (each could only fail): it searches
    // as a thread at --max-depth does. At six numbers and 1,024 tokens, every root.
    const maySpawn = thread.level <= params.maxSpawnLevel && budget.mayJoin(thread.start, thread.level + 1);
    const t: Running = { thread, budget, childWork: 0, searchesItselfUpTo: 0, replanLost: false, goalLost: undefined, handingOff: false, maySpawn };
    const done = (a: Attempt, used: number): ThreadDone | undefined =>
      a.kind === 'ended' ? { work: t.budget.spent + t.childWork, beam: used } : undefined;
    if (!t.budget.limited) return done(this.search(t, beam, false), beam);
    const empty = this.snapshot(t);
    const trial = this.search(t, beam, true);
    if (trial.kind === 'ended') return done(trial, beam);
    if (trial.kind === 'overflowed' && t.maySpawn) {
      // Too big for one sequence: its first expansion's children become threads of their own.
      this.restore(t, trial.first.after);
      // Every wave leaves room for a later child's goal (or the closing line); a root's, at
      // least the fewest tokens a joined goal's clean paths can take (its own and a child's,
      // every number one digit), which at five numbers and 1,024 tokens exceed the guess.
      // Below the root that room cost more children than it saved (docs/decomposition.md, rule 6).
      const floor = thread.level === 0 ? goalFloor(t.budget, thread, trial.first.kept) : 0;
      const reserve = Math.max(t.budget.cost(EXHAUSTED), goalReserve(thread), floor);
      const spawned = this.spawnAt(t, trial.first, reserve);
      if (spawned.kind === 'spawned' && spawned.handed > 0) {
        if (!thread.goal) t.budget.add(EXHAUSTED);
        return done(ENDED, spawned.beam ?? beam);
      }
      // None fit their blocks beside an expansion that wide: the same node expanded narrower,
      // its fewer children handed out (before, the whole search narrowed, often to a beam of 1).
      const narrower = spawned.kind === 'spawned' ? this.narrowed(t, trial.first, reserve) : undefined;
      let kept = narrower?.kept ?? [];
      const handOut = () => this.spawnAll(t, kept, reserve);
      // A goal this spawn cannot join is planned again, as in `spawnAt` (it was lost).
      const reset = () => {
        kept = this.narrowed(t, trial.first, reserve)!.kept;
      };
      if (narrower && this.replanning(t, trial.first, reserve, handOut, reset).handed > 0) {
        if (!thread.goal) t.budget.add(EXHAUSTED);
        return done(ENDED, narrower.beam);
      }
    }
    // At the deepest level, with children too small to be threads or none that fit, or with a
    // first expansion too wide for the window: the widest narrower beam whose whole search
    // fits, found by bisection (a wider beam searches a larger tree).
    const fits = (w: number): Attempt => {
      this.restore(t, empty);
      return this.search(t, w, true);
    };
    let lo = 0;
    let hi = beam - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (fits(mid).kind === 'ended') lo = mid;
      else hi = mid - 1;
    }
    // The thread keeps what later trials learnt, so the beam found may no longer fit when it
    // runs again: narrower ones then (a root was refused as "window too small", a child
    // passed over).
    for (; lo > 0; lo--) {
      const whole = fits(lo);
      if (whole.kind === 'ended') return done(whole, lo);
    }
    // Not even a beam of 1 fits whole: search as far as the window allows and stop cleanly,
    // with the widest beam whose first expansion fits (the thread's own, unless that did not).
    for (let w = beam; w >= 1; w--) {
      this.restore(t, empty);
      const cut = this.search(t, w, false);
      if (cut.kind !== 'unstarted') return done(cut, w);
    }
    return undefined;
  }

  private snapshot(t: Running): Snapshot {
    return { mark: t.budget.mark(), rng: this.ctx.rng.save() };
  }

  /**
   * Takes the thread back to a snapshot: its events, its budget, its stream, and its goal
   * (a thread has none at any point it can go back to: it ends at its goal). What it learnt
   * of children too small to be threads it keeps.
   */
  private restore(t: Running, s: Snapshot): void {
    t.budget.reset(s.mark);
    this.ctx.rng.restore(s.rng);
    t.childWork = 0;
    t.thread.goal = undefined;
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
    const canSpawn = t.maySpawn;
    const planned = budget.limited;
    budget.add({ type: 'move', node: start });
    // Room every sequence keeps for its cheapest clean ending, and a move line; a thread that
    // may hand its frontier on (once it has expanded something, and outside a trial that has
    // not spawned yet) keeps room to hand it to a beam's worth of children.
    const basicReserve = planned ? budget.cost(EXHAUSTED) + budget.cost({ type: 'move', node: start }) + MOVE_RESERVE : 0;
    let handoff: number | undefined;
    const endReserve = (): number =>
      planned && canSpawn ? (handoff ??= basicReserve + handoffReserve(budget, thread, Math.min(MAX_CHILDREN, beam + 2))) : basicReserve;
    // Where spawns may happen, each expansion keeps the way back to before it (a site).
    const promisingHere = canSpawn && level === 0;
    let expandedAny = false;
    /** Where a trial goes back to when it overflows before spawning. */
    let first: Site | undefined;
    let spawned = false;
    const open = new PyHeap<SearchNode>();
    open.push(start);
    while (open.size > 0) {
      const batch = open.popBatch(beam);
      for (let idx = 0; idx < batch.length; idx++) {
        let at = idx;
        const node = batch[idx]!;
        const before = planned && (promisingHere || (trial && !expandedAny)) ? this.snapshot(t) : undefined;
        const mark = budget.mark();
        const { kept, goal } = expandBeam(ctx, node, beam, events);
        budget.countSince(mark);
        const reserve = !expandedAny || (trial && !spawned) ? basicReserve : endReserve();
        if (goal) {
          budget.add({ type: 'path', from: start, to: goal });
          if (budget.fits(0)) {
            thread.goal = goal;
            return ENDED;
          }
        } else if (budget.fits(reserve)) {
          const site = before ? { node, kept, before, after: this.snapshot(t) } : undefined;
          if (trial && !expandedAny) first = site;
          expandedAny = true;
          // Promising spawns happen in the root thread only, as in the reference (deeper
          // threads spawn only when their search does not fit); the draw happens only when a
          // spawn is possible, as in the reference, and with a window not for children of a
          // size already found too small to be threads.
          if (promisingHere && kept.length > 1 && kept[0]!.nums.length > t.searchesItselfUpTo && ctx.rng.random() < params.promising) {
            const s = site ? this.spawnAt(t, { ...site, after: this.snapshot(t) }, endReserve()) : this.spawnAll(t, kept, endReserve());
            if (s.kind === 'spawned') {
              // None handed out (no child's blocks fit): nothing was written, and the thread
              // searches them itself, as if it had not spawned.
              spawned ||= s.handed > 0;
              if (thread.goal) return ENDED;
              for (let k = s.handed; k < s.kept.length; k++) open.push(s.kept[k]!);
              if (params.referenceQuirks) at = s.kept.length - 1;
            } else {
              // Too small to be threads: searched here, with the children's beam.
              beam = Math.max(beam, params.subBeam);
              for (const child of kept) open.push(child);
            }
          } else {
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
          // A trial's hand-off that cannot join a goal a child reached would lose it (its nodes
          // come from several expansions: none to expand again narrower), and one that meets a
          // child no solved join could take could only search it to fail. The trial then did
          // not fit: the thread splits at its first expansion instead, where a lost goal can be
          // planned again (rule 7). (Only a trial has a first expansion to go back to.)
          t.replanLost = first !== undefined;
          t.handingOff = true;
          this.spawnAll(t, frontier.slice(0, MAX_CHILDREN), budget.cost(EXHAUSTED));
          t.replanLost = false;
          t.handingOff = false;
          if (t.goalLost) {
            t.goalLost = undefined;
            return { kind: 'overflowed', first: first! };
          }
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
   * A planned spawn of a site's kept children (the thread is at `site.after`). Below the root,
   * when their spawn and join lines do not all fit beside the expansion with room for a joined
   * goal, the node is first expanded again with the widest narrower beam whose children's
   * lines do: a wide expansion would hand out its first children, wave after wave, and end
   * with the rest unsearched, or with a goal it could not join. (Not at the root: a root of
   * four numbers hands its cheap children out in one spawn, whose lines are not carried into
   * the join's sequence, and narrowed there it solved fewer; docs/decomposition.md, rule 5.)
   * Judged by its first child: too small, and the thread is put back at `site.after`;
   * narrowed to fit, and the site's node is expanded again with a wider beam (as wide as the
   * child was narrowed, within the window) and all of those children go out instead.
   *
   * A child that reaches the goal but whose join does not fit (its clean path in the join
   * block, then the goal and the thread's own clean path, are longer than any reserve
   * planned for them) would be lost, and with it the children after it. The thread then goes
   * back to before the site's expansion and expands its node again, with the widest narrower
   * beam that still keeps that child and gives back the tokens its join lacked (the lines of
   * the children after it), and hands those out; only when none does is the spawn made as
   * before, the goal left out.
   */
  private spawnAt(t: Running, given: Site, reserve: number): Spawned {
    if (!t.budget.limited) return this.spawnOnce(t, given, reserve);
    return this.replanning(
      t,
      given,
      reserve,
      () => this.spawnOnce(t, given, reserve),
      () => {
        // The thread holds the last narrower expansion tried, which `given.after` (a count of
        // events and tokens, and the stream) does not describe: the site's expansion is made
        // again as it was, then the thread is put back where it stood after it.
        this.expandAgain(t, given);
        this.restore(t, given.after);
      },
    );
  }

  /**
   * A spawn of children of the site's node (`spawn`, the thread after their expansion) whose
   * lost goal is planned again (rule 7): the node expanded again narrower, those children
   * handed out. When no narrower expansion joins it, `reset` puts the thread back after the
   * expansion `spawn` hands out from, and `spawn` runs again, the goal left out.
   */
  private replanning<S extends Spawned>(t: Running, site: Site, reserve: number, spawn: () => S, reset: () => void): S | HandedOut {
    const work = t.childWork;
    t.replanLost = true;
    let spawned: S | HandedOut | undefined = spawn();
    while (spawned && t.goalLost) {
      const again = this.narrowedFor(t, site, t.goalLost);
      t.goalLost = undefined;
      t.childWork = work;
      spawned = again && this.spawnAll(t, again, reserve);
    }
    t.replanLost = false;
    t.goalLost = undefined;
    if (spawned) return spawned;
    reset();
    t.childWork = work;
    return spawn();
  }

  /**
   * Expands the site's node again with the widest beam below `lost.width` that keeps the lost
   * child and leaves the thread within `lost.bound` tokens; returns its kept children (the
   * thread is then after that expansion), or undefined when none does.
   */
  private narrowedFor(t: Running, site: Site, lost: LostGoal): readonly SearchNode[] | undefined {
    const { budget, thread } = t;
    for (let w = lost.width - 1; w >= 1; w--) {
      this.restore(t, site.before);
      const mark = budget.mark();
      const { kept, goal } = expandBeam(this.ctx, site.node, w, thread.events);
      budget.countSince(mark);
      if (goal || !kept.some((node) => sameChild(node, lost.node))) return undefined;
      if (budget.tokens <= lost.bound) return kept.slice(0, MAX_CHILDREN);
    }
    return undefined;
  }

  /** `spawnAt` without its second plan. */
  private spawnOnce(t: Running, given: Site, reserve: number): Spawned {
    let site = given;
    let beam: number | undefined;
    if (t.thread.level > 0 && !this.linesFit(t, given.kept, reserve)) {
      const narrower = this.narrowed(t, given, reserve);
      if (narrower) {
        site = { ...given, kept: narrower.kept, after: this.snapshot(t) };
        beam = narrower.beam;
      } else this.expandAgain(t, given);
    }
    const spawned = this.judgedSpawn(t, site, reserve);
    if (spawned.kind === 'too-small' && site !== given) this.expandAgain(t, given);
    return spawned.kind === 'spawned' && beam !== undefined ? { ...spawned, beam } : spawned;
  }

  /** `spawnAt` after any narrowing: the spawn of the site's children, judged by its first child. */
  private judgedSpawn(t: Running, site: Site, reserve: number): Spawned {
    const floor = minChildWork(this.params.window!);
    const kept = site.kept.slice(0, MAX_CHILDREN);
    const judge = (done: ThreadDone): Verdict => {
      // A child that narrowed is small because it narrowed: its size says nothing of its node
      // (six numbers at 2,048 tokens and --max-depth 1: taken back, the root searched alone,
      // narrower, and solved 12% instead of 27%).
      if (done.beam >= this.params.subBeam) return done.work < floor ? 'too-small' : 'go';
      // A beam-w search below a node of n numbers reaches about w^(n-2) two-number nodes.
      const shrunk = Math.pow(this.params.subBeam / done.beam, kept[0]!.nums.length - 2);
      return { widen: Math.min(MAX_CHILDREN, Math.ceil(kept.length * shrunk)) };
    };
    const first = this.spawnAll(t, kept, reserve, judge);
    if (first.kind === 'spawned') return first;
    if (first.verdict === 'too-small') {
      this.restore(t, site.after);
      t.searchesItselfUpTo = Math.max(t.searchesItselfUpTo, kept[0]!.nums.length);
      return { kind: 'too-small' };
    }
    const wider = this.widen(t, site, first.verdict.widen, reserve);
    return this.spawnAll(t, wider, reserve);
  }

  /**
   * Whether the spawn and join lines of all of `kept` (as many as a spawn takes) fit the
   * thread's sequence with room for a joined goal after them: a child's clean path in the
   * join, then the goal and the thread's own.
   */
  private linesFit(t: Running, kept: readonly SearchNode[], reserve: number): boolean {
    const { budget, thread } = t;
    const level = thread.level + 1;
    const kids = kept.slice(0, MAX_CHILDREN).map((node) => newThread(node, level));
    const blocks = budget.cost({ type: 'spawn', level, children: kids }) + budget.cost({ type: 'join', level, children: kids });
    return budget.fits(blocks + Math.max(reserve, goalReserve(thread)));
  }

  /** Takes the thread back to before the site's expansion and makes it again as it was (the same draws). */
  private expandAgain(t: Running, site: Site): void {
    this.restore(t, site.before);
    const mark = t.budget.mark();
    expandBeam(this.ctx, site.node, site.kept.length, t.thread.events);
    t.budget.countSince(mark);
  }

  /**
   * Expands the site's node again with the widest beam up to `beam` whose children's spawn
   * and join lines still fit; returns its kept children (at least the site's own).
   */
  private widen(t: Running, site: Site, beam: number, reserve: number): readonly SearchNode[] {
    const { budget, thread } = t;
    for (let w = beam; w > site.kept.length; w--) {
      this.restore(t, site.before);
      const mark = budget.mark();
      const { kept, goal } = expandBeam(this.ctx, site.node, w, thread.events);
      budget.countSince(mark);
      if (goal || kept.length <= site.kept.length) break;
      if (this.linesFit(t, kept, reserve)) return kept.slice(0, MAX_CHILDREN);
    }
    // No wider expansion fits: the site as it was.
    this.expandAgain(t, site);
    return site.kept.slice(0, MAX_CHILDREN);
  }

  /**
   * Expands the site's node again with the widest beam below its own whose children's spawn
   * and join lines fit (the thread is then after that expansion); undefined when none does.
   */
  private narrowed(t: Running, site: Site, reserve: number): { readonly kept: readonly SearchNode[]; readonly beam: number } | undefined {
    const { budget, thread } = t;
    for (let w = Math.min(site.kept.length, MAX_CHILDREN) - 1; w >= 1; w--) {
      this.restore(t, site.before);
      const mark = budget.mark();
      const { kept, goal } = expandBeam(this.ctx, site.node, w, thread.events);
      budget.countSince(mark);
      if (goal || kept.length === 0) return undefined;
      if (this.linesFit(t, kept, reserve)) return { kept, beam: w };
    }
    return undefined;
  }

  /**
   * Hands `nodes` to child threads, wave after wave, until a joined child reaches the goal
   * or a wave fits no more. With `judge`, the first child's verdict may stop it before
   * anything is written (the thread's state is then the caller's to reset).
   */
  private spawnAll(t: Running, nodes: readonly SearchNode[], reserve: number): HandedOut;
  private spawnAll(t: Running, nodes: readonly SearchNode[], reserve: number, judge: (d: ThreadDone) => Verdict): HandedOut | Judged;
  private spawnAll(t: Running, nodes: readonly SearchNode[], reserve: number, judge?: (d: ThreadDone) => Verdict): HandedOut | Judged {
    let handed = 0;
    const start = t.budget.tokens;
    while (handed < nodes.length) {
      const taken = this.spawnWave(t, nodes.slice(handed), reserve, handed === 0 ? judge : undefined);
      if (typeof taken === 'object' && 'unjoined' in taken) {
        t.goalLost = { node: taken.unjoined, bound: start - taken.excess, width: nodes.length };
        break;
      }
      if (typeof taken !== 'number') return { kind: 'judged', verdict: taken };
      handed += taken;
      if (t.thread.goal || taken === 0) break;
    }
    return { kind: 'spawned', handed, kept: nodes };
  }

  /**
   * Spawns and joins one child thread for each of the first nodes: as many (in order) as
   * make a wave (`waveTokens` of their work) and fit: the spawn block must fit the current
   * sequence, and the next sequence (the same text, the join block, then the goal and clean
   * path, or `reserve` more tokens) must fit too. Children run before the join is written,
   * and only those it could take (`JoinRoom`; the root's first child is still judged).
   * Returns how many nodes were handed out (those after them are the caller's again), or the
   * first child's verdict when it is not 'go'; sets the thread's goal when a joined child
   * solved. While the spawn may be planned again (`replanLost`), a solved child the join
   * cannot take stops the wave before anything is written: the child, and the tokens
   * lacking; so does, unsearched, a trial's hand-off child that no solved join could take.
   * A node whose thread cannot even start in its window is passed over (and counted as
   * handed), as is, outside a trial, a hand-off's child no solved join could take. A split's
   * child that no solved join could take is searched only while the spawn may be planned
   * again: reaching the goal, it stops the wave as above; else it is passed over, its stream
   * put back.
   */
  private spawnWave(
    t: Running,
    nodes: readonly SearchNode[],
    reserve: number,
    judge: ((d: ThreadDone) => Verdict) | undefined,
  ): number | Exclude<Verdict, 'go'> | Unjoined {
    const { budget, thread } = t;
    const level = thread.level + 1;
    const room = new JoinRoom(budget, thread, nodes, reserve);
    const most = room.most;
    const kids: Thread[] = [];
    const works: number[] = [];
    let waveWork = 0;
    let judging = judge;
    /** The last node searched only to learn whether it reaches the goal, and passed over. */
    let probed = -1;
    for (let k = 0; k < most && waveWork < this.params.waveTokens; k++) {
      const kid = newThread(nodes[k]!, level);
      // A child the join could not take, whatever it finds, would be searched for nothing:
      // the wave closes before it. The root's first child is still judged: a verdict of too
      // small changes how the root searches on (the children's beam, no more spawns of that
      // size); any other verdict leaves nothing behind, its stream put back.
      if (!room.couldTake(kids, k, kid)) {
        if (judging && kids.length === 0 && thread.level === 0) {
          const stream = this.ctx.rng.save();
          const done = this.runThread(kid, this.params.subBeam);
          if (done !== undefined && judging(done) === 'too-small') return 'too-small';
          this.ctx.rng.restore(stream);
        }
        break;
      }
      // A hand-off's child that no solved join could take (however short its clean path) can
      // only fail: at five numbers and 1,024 tokens such children were once 7% of all threads. In
      // a trial, the trial gives up (its split plans every join); else (a thread cut short, just
      // above its join floor: six numbers at 1,100 to 1,200 tokens) it is passed over.
      if (t.handingOff) {
        const excess = room.solvedExcess(kids, kid);
        if (excess > 0) {
          if (t.replanLost) return { unjoined: kid.start, excess };
          continue;
        }
      }
      // A split's child that no solved join could take can only fail as written. Should it reach
      // the goal, though, its node is worth a narrower expansion that can join it (rule 7): it
      // is searched for that alone, and passed over (its stream put back) unless it does.
      const probe = !t.handingOff && room.solvedExcess(kids, kid) > 0;
      if (probe && !t.replanLost) continue;
      const stream = probe ? this.ctx.rng.save() : undefined;
      const done = this.runThread(kid, this.params.subBeam);
      if (done === undefined) {
        // Passed over unstarted; a probe's stream is put back on this path too.
        if (stream) this.ctx.rng.restore(stream);
        continue;
      }
      if (judging) {
        const verdict = judging(done);
        if (verdict !== 'go') return verdict;
        judging = undefined;
      }
      if (probe) {
        if (kid.goal) {
          const join = budget.cost({ type: 'join', level, children: [...kids, kid] });
          return { unjoined: kid.start, excess: budget.tokens + join + goalRoom(budget, thread, kid.goal) - budget.limit };
        }
        this.ctx.rng.restore(stream!);
        probed = k;
        continue;
      }
      kids.push(kid);
      works.push(done.work);
      waveWork += done.work;
      if (kid.goal) room.solved(kids, k);
    }
    let k = kids.length;
    for (; k > 0 && budget.limited; k--) {
      const chosen = kids.slice(0, k);
      const spawnCost = budget.cost({ type: 'spawn', level, children: chosen });
      const joinCost = budget.cost({ type: 'join', level, children: chosen });
      const solved = chosen.find((kid) => kid.goal !== undefined);
      const after = solved
        ? goalRoom(budget, thread, solved.goal!)
        : reserve;
      if (budget.fits(spawnCost) && budget.fits(joinCost + after)) break;
    }
    const first = kids.findIndex((kid) => kid.goal !== undefined);
    if (t.replanLost && first >= k) {
      const join = budget.cost({ type: 'join', level, children: kids.slice(0, first + 1) });
      return { unjoined: kids[first]!.start, excess: budget.tokens + join + goalRoom(budget, thread, kids[first]!.goal!) - budget.limit };
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
    // The nodes handed out: up to the last chosen kid's (unstarted ones before it included),
    // and the nodes passed over after it when every kid searched was chosen.
    const last = nodes.indexOf(chosen[k - 1]!.start) + 1;
    return k === kids.length ? Math.max(last, probed + 1) : last;
  }
}

/** What a joined goal adds after the join: the goal line and the thread's clean path to it. */
function goalRoom(budget: SequenceBudget, thread: Thread, goal: SearchNode): number {
  return budget.cost({ type: 'goal', node: goal }) + budget.cost({ type: 'path', from: thread.start, to: goal });
}

/**
 * The room a wave's join leaves, judged before each child runs: a child the join could not
 * take, whatever it finds, would be searched for nothing. The join of `kids` and then `kid`
 * must fit the thread's next sequence with the room after it: the goal's, once a child
 * solved; else the reserve (every child unsolved, `kid` on the shorter of its two join
 * lines), or, should a child solve, its clean path in the join and the thread's after it: at
 * least the two path floors (the child's the least of `kid`'s and any later child's).
 */
class JoinRoom {
  /** How many of the nodes the spawn block can name (it names only ids: known before any child runs). */
  readonly most: number;
  /** The nodes as children, unsolved: the longest join lines their places can take. */
  private readonly probe: readonly Thread[];
  /**
   * Whether the join of every child up to `most`, as it stands (unsolved, or the children so
   * far once one solved), fits with its room: then any join of fewer fits (shorter ids and
   * places), and no child needs a check of its own.
   */
  private roomForAll = true;
  /** Once a child solved: its goal line and the thread's clean path. */
  private afterGoal: number | undefined;
  private startFloor: number | undefined;
  /** Per node, the least path floor of it and the nodes after it. */
  private fromFloors: number[] | undefined;

  constructor(
    private readonly budget: SequenceBudget,
    private readonly thread: Thread,
    private readonly nodes: readonly SearchNode[],
    private readonly reserve: number,
  ) {
    let most = nodes.length;
    this.probe = budget.limited ? nodes.map((node) => newThread(node, thread.level + 1)) : [];
    if (budget.limited) {
      while (most > 0 && !budget.fits(budget.cost({ type: 'spawn', level: thread.level + 1, children: this.probe.slice(0, most) }))) most--;
      this.roomForAll = budget.fits(budget.cost({ type: 'join', level: thread.level + 1, children: this.probe.slice(0, most) }) + reserve);
    }
    this.most = most;
  }

  /** Whether `kid`, the wave's node `k`, could join after `kids`. */
  couldTake(kids: readonly Thread[], k: number, kid: Thread): boolean {
    if (this.roomForAll) return true;
    const { budget } = this;
    const join = budget.cost({ type: 'join', level: kid.level, children: [...kids, kid] });
    if (this.afterGoal !== undefined) return budget.fits(join + this.afterGoal);
    // The floors only when the reserve does not fit (most children at wide windows need none).
    return budget.fits(join + this.reserve) || budget.fits(join + this.solvedFloor(k));
  }

  /**
   * Tokens the fewest a solved `kid` could add after `kids` (its join line, its clean path's
   * floor and the thread's) overflow the window by; 0 or less when it could fit. Once a child
   * solved, `kid` cannot be the one joined as solved: 0.
   */
  solvedExcess(kids: readonly Thread[], kid: Thread): number {
    const { budget } = this;
    if (this.afterGoal !== undefined || !budget.limited) return 0;
    this.startFloor ??= budget.pathFloor(this.thread.start);
    const join = budget.cost({ type: 'join', level: kid.level, children: [...kids, kid] });
    return budget.tokens + join + this.startFloor + budget.pathFloor(kid.start) - budget.limit;
  }

  /** The last of `kids`, node `k`, solved: the room after the join is the goal's from now on. */
  solved(kids: readonly Thread[], k: number): void {
    const { budget, thread } = this;
    if (!budget.limited) return;
    const goal = kids[kids.length - 1]!.goal!;
    this.afterGoal ??= goalRoom(budget, thread, goal);
    const rest = this.probe.slice(k + 1, this.most);
    this.roomForAll = budget.fits(budget.cost({ type: 'join', level: thread.level + 1, children: [...kids, ...rest] }) + this.afterGoal);
  }

  /** Fewest tokens a solved child from node `k` on adds to the join and after it. */
  private solvedFloor(k: number): number {
    const { budget, nodes } = this;
    this.startFloor ??= budget.pathFloor(this.thread.start);
    if (!this.fromFloors) {
      const floors = new Array<number>(this.most);
      for (let j = this.most - 1, least = Infinity; j >= 0; j--) floors[j] = least = Math.min(least, budget.pathFloor(nodes[j]!));
      this.fromFloors = floors;
    }
    return this.startFloor + this.fromFloors[k]!;
  }
}

/**
 * Least work (tokens) the first child of a planned spawn must do: a quarter of the window.
 * A smaller thread (a two-number node's search is one expansion, about 180 tokens) is not
 * worth its own sequence and its spawn and join lines.
 */
function minChildWork(window: WindowRules): number {
  return window.window / 4;
}

/** Tokens a joined goal needs at most: a child's clean path, the goal line, the thread's clean path. */
function goalReserve(thread: Thread): number {
  return 2 * cleanPathReserve(thread.start.nums.length);
}

/**
 * Fewest tokens a goal joined from one of `nodes` adds after the join line's unsolved part:
 * the path floors of the thread's start and of the least of the nodes. 0 with no window.
 */
function goalFloor(budget: SequenceBudget, thread: Thread, nodes: readonly SearchNode[]): number {
  if (!budget.limited || nodes.length === 0) return 0;
  let least = Infinity;
  for (const node of nodes) least = Math.min(least, budget.pathFloor(node));
  return budget.pathFloor(thread.start) + least;
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
  return blocks + CHILD_ID_RESERVE * children + cleanPathReserve(thread.start.nums.length);
}
