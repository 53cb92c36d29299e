import { bindHeuristic, type BoundHeuristic, type HeuristicName } from '../core/heuristics.js';
import type { Rng } from '../random/rng.js';
import type { Thread } from './events.js';
import type { Problem } from './problems.js';
import type { SolverName } from './registry.js';
import type { WindowRules } from './window.js';

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
  /** Threads: largest child-thread beam. */
  readonly maxSubBeam: number;
  readonly promising: number;
  readonly heuristic: HeuristicChoice;
  /** Threads: deepest level that may spawn children (0: only the root thread, as the reference). */
  readonly maxSpawnLevel: number;
  /**
   * Threads with a window: the work (in windows of tokens) after which a spawn closes and the
   * remaining children wait for its join; 0: every child in one spawn, as the reference.
   */
  readonly waveWindows: number;
  /** Single sequences: what to do when the window is full. */
  readonly fit: FitPolicy;
}

/**
 * How a solver's trace is laid out, which decides the settings that apply to it:
 * - `sequence`: one thread, one training sequence; a full window stops it (`--fit`), and its
 *   conditioning is the sequence's token budget;
 * - `threads`: threads that hand work to child threads; they have a sub beam, a depth and
 *   waves, and their conditioning is the root's count of sub calls.
 */
export type SolverShape = 'sequence' | 'threads';

/** A solver's default options in default mode (reference mode fixes depth and waves, see `defaultSearchOptions`). */
export interface SolverDefaults {
  readonly maxBeam: number;
  readonly maxSubBeam: number;
  readonly promising: number;
  readonly heuristic: HeuristicChoice;
  /** Thread levels below the root that may spawn, plus one (1: only the root spawns). */
  readonly maxDepth: number;
  readonly waveWindows: number;
}

/** A search's thread, and whether it stopped because the window was full. */
export interface ThreadResult {
  readonly thread: Thread;
  readonly outOfBudget: boolean;
}

/** One search of a record: the parameters drawn for it and what it found. */
export interface Searched extends ThreadResult {
  /** The heuristic the record names (in reference SoS+ mode, not the one the search used). */
  readonly heuristicName: HeuristicName;
  readonly beam: number;
  readonly subBeam: number;
}

/** One record's search: the parameters drawn for it and the structured result. */
export interface SearchOutcome extends Searched {
  readonly solver: SolverName;
  /** Threads: the record carries the thread tree (`trace_dict`) and the sub beam. */
  readonly shape: SolverShape;
  /** The record's `search_type` field. */
  readonly searchType: string;
  /** Searches made for this record (more than 1 when `fit` is resample). */
  readonly attempts: number;
}

/**
 * A search strategy: everything the rest of the program knows of it. The registry lists
 * them; settings, the CLI and the corpus read names, shapes and defaults from here.
 */
export interface Solver<Name extends string = string> {
  readonly name: Name;
  readonly shape: SolverShape;
  readonly defaults: SolverDefaults;
  /** Whether a beam is drawn per record (`--min-beam`, `--max-beam` apply). */
  readonly drawsBeam: boolean;
  /** Whether `promising` is read. */
  readonly readsPromising: boolean;
  /**
   * Draws the record's parameters from `rng` in the reference's order, then searches; with
   * `window`, every sequence stays inside it.
   */
  search(problem: Problem, rng: Rng, options: SearchOptions, window: WindowRules | undefined): Searched;
  /** The record's `search_type` for a search with this beam. */
  searchType(beam: number): string;
}

const NAMES: Record<Exclude<HeuristicChoice, 'random'>, HeuristicName> = { mult: 'mult_heuristic', sum: 'sum_heuristic' };

/** The heuristic a record names: the choice, or one drawn when it is `random`. */
export function drawHeuristic(rng: Rng, choice: HeuristicChoice): HeuristicName {
  if (choice !== 'random') return NAMES[choice];
  return rng.below(2) === 0 ? 'sum_heuristic' : 'mult_heuristic';
}

/** What every search needs besides its own parameters. */
export interface SearchContext {
  readonly target: number;
  readonly heuristic: BoundHeuristic;
  readonly rng: Rng;
}

/** The context of a search of `problem` with the named heuristic. */
export function contextFor(problem: Problem, rng: Rng, heuristic: HeuristicName): SearchContext {
  return { target: problem.target, rng, heuristic: bindHeuristic(heuristic, problem.target) };
}
