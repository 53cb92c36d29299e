import { bindHeuristic, type HeuristicName } from '../core/heuristics.js';
import { choiceInRange, randint, type Rng } from '../random/rng.js';
import { aprSearch } from './apr.js';
import type { Thread } from './events.js';
import { sospSearch } from './sosp.js';
import { bfsSearch, dfsSearch } from './sos.js';
import type { Problem } from './problems.js';
import type { WindowRules } from './window.js';

export const SOLVERS = ['sosp', 'apr', 'dfs', 'bfs'] as const;
export type SolverName = (typeof SOLVERS)[number];
export type HeuristicChoice = 'mult' | 'sum' | 'random';
/** What a single-sequence search does when the window is full: stop, search again, or drop the record. */
export type FitPolicy = 'stop' | 'resample' | 'drop';

/** How records are searched. Beam ranges are inclusive. */
export interface SearchOptions {
  readonly solver: SolverName;
  /** Reproduce the reference's draws and quirks. */
  readonly reference: boolean;
  readonly minBeam: number;
  readonly maxBeam: number;
  /** APR: largest child-thread beam. */
  readonly maxSubBeam: number;
  readonly promising: number;
  readonly heuristic: HeuristicChoice;
  /** APR: deepest level that may spawn children (0: only the root thread, as the reference). */
  readonly maxSpawnLevel: number;
  /**
   * APR with a window: the work (in windows of tokens) after which a spawn closes and the
   * remaining children wait for its join; 0: every child in one spawn, as the reference.
   */
  readonly waveWindows: number;
  /** SoS+, DFS, BFS: what to do when the window is full. */
  readonly fit: FitPolicy;
}

/** Thread levels below the root an APR search may use by default: enough for six numbers. */
export const DEFAULT_MAX_DEPTH = 3;

/** Work per APR spawn wave by default, in windows (docs/decomposition.md). */
export const DEFAULT_WAVE_WINDOWS = 8;

/**
 * Each solver's default options: the reference scripts' settings (`create_search.sh`), and
 * in default mode the APR planner's depth and waves. The one table the CLI, the corpus, the
 * bench and the tests read.
 */
export function defaultSearchOptions(solver: SolverName, reference = false): SearchOptions {
  const apr = solver === 'apr';
  const beams = { sosp: [5, 5], apr: [10, 15], dfs: [1, 1], bfs: [5, 5] }[solver];
  return {
    solver,
    reference,
    minBeam: 1,
    maxBeam: beams[0]!,
    maxSubBeam: beams[1]!,
    promising: solver === 'sosp' ? 0.5 : apr ? 0.9 : 0,
    heuristic: solver === 'dfs' ? 'sum' : 'mult',
    maxSpawnLevel: apr && !reference ? DEFAULT_MAX_DEPTH - 1 : 0,
    waveWindows: apr && !reference ? DEFAULT_WAVE_WINDOWS : 0,
    fit: 'stop',
  };
}

/** One record's search: the parameters drawn for it and the structured result. */
export interface SearchOutcome {
  readonly solver: SolverName;
  readonly thread: Thread;
  /** The heuristic the record names (in reference SoS+ mode, not the one the search used). */
  readonly heuristicName: HeuristicName;
  readonly beam: number;
  readonly subBeam: number;
  /** The search stopped because the window was full (after any resampling). */
  readonly outOfBudget: boolean;
  /** Searches made for this record (more than 1 when `fit` is resample). */
  readonly attempts: number;
}

const NAMES: Record<Exclude<HeuristicChoice, 'random'>, HeuristicName> = { mult: 'mult_heuristic', sum: 'sum_heuristic' };

function pickHeuristic(rng: Rng, choice: HeuristicChoice): HeuristicName {
  if (choice !== 'random') return NAMES[choice];
  return rng.below(2) === 0 ? 'sum_heuristic' : 'mult_heuristic';
}

/** Searches made at most for one record under `fit: resample`. */
export const MAX_ATTEMPTS = 8;

/**
 * Draws the record's parameters from `rng` in the reference's order, then searches.
 * Reference SoS+ draws a heuristic name it does not use and searches with mult_heuristic;
 * default mode uses the heuristic it names. `window` keeps every sequence inside it.
 */
export function runSearch(problem: Problem, rng: Rng, o: SearchOptions, window?: WindowRules): SearchOutcome {
  let outcome = searchOnce(problem, rng, o, window, 1);
  while (outcome.outOfBudget && o.fit === 'resample' && outcome.attempts < MAX_ATTEMPTS) {
    outcome = searchOnce(problem, rng, o, window, outcome.attempts + 1);
  }
  return outcome;
}

function searchOnce(problem: Problem, rng: Rng, o: SearchOptions, window: WindowRules | undefined, attempts: number): SearchOutcome {
  const target = problem.target;
  const nums = problem.nums;
  switch (o.solver) {
    case 'sosp': {
      const named = o.reference ? pickHeuristic(rng, 'random') : pickHeuristic(rng, o.heuristic);
      const beam = choiceInRange(rng, o.minBeam, o.maxBeam);
      const used = o.reference ? 'mult_heuristic' : named;
      const ctx = { target, rng, heuristic: bindHeuristic(used, target) };
      const { thread, outOfBudget } = sospSearch(ctx, nums, { beam, promising: o.promising, window });
      return { solver: 'sosp', thread, heuristicName: named, beam, subBeam: beam, outOfBudget, attempts };
    }
    case 'apr': {
      const beam = randint(rng, o.minBeam, o.maxBeam);
      const subBeam = o.maxSubBeam > beam ? randint(rng, beam, o.maxSubBeam) : o.maxSubBeam;
      const named = o.reference ? 'mult_heuristic' : pickHeuristic(rng, o.heuristic);
      const thread = aprSearch({ target, rng, heuristic: bindHeuristic(named, target) }, nums, {
        beam,
        subBeam,
        promising: o.promising,
        maxSpawnLevel: o.maxSpawnLevel,
        referenceQuirks: o.reference,
        window,
        waveTokens: window && o.waveWindows > 0 ? o.waveWindows * window.window : Infinity,
      });
      return { solver: 'apr', thread, heuristicName: named, beam, subBeam, outOfBudget: false, attempts };
    }
    case 'dfs': {
      const named = pickHeuristic(rng, o.heuristic);
      const { thread, outOfBudget } = dfsSearch({ target, rng, heuristic: bindHeuristic(named, target) }, nums, target, window);
      return { solver: 'dfs', thread, heuristicName: named, beam: 0, subBeam: 0, outOfBudget, attempts };
    }
    case 'bfs': {
      const named = pickHeuristic(rng, o.heuristic);
      const beam = choiceInRange(rng, o.minBeam, o.maxBeam);
      const ctx = { target, rng, heuristic: bindHeuristic(named, target) };
      const { thread, outOfBudget } = bfsSearch(ctx, nums, beam, o.reference, window);
      return { solver: 'bfs', thread, heuristicName: named, beam, subBeam: beam, outOfBudget, attempts };
    }
  }
}
