import { bindHeuristic, type BoundHeuristic, type HeuristicName } from '../core/heuristics.js';
import type { Rng } from '../random/rng.js';
import type { Thread } from './events.js';
import type { Problem } from './problems.js';
import type { SolverName } from './registry.js';
import type { WindowRules } from './window.js';

export const HEURISTIC_CHOICES = ['mult', 'sum', 'random'] as const;
export type HeuristicChoice = (typeof HEURISTIC_CHOICES)[number];
/** What a single-sequence search does when the window is full: stop, search again, or drop the record. */
export const FIT_POLICIES = ['stop', 'resample', 'drop'] as const;
export type FitPolicy = (typeof FIT_POLICIES)[number];
export const DEFAULT_FIT: FitPolicy = 'stop';
/** A search's fit policy: a single-sequence search's; threads plan against the window instead. */
export const fitOf = (o: SearchOptions): FitPolicy | undefined => (o.shape === 'sequence' ? o.fit : undefined);
/** The smallest beam drawn per record, unless `--min-beam` says otherwise. */
export const DEFAULT_MIN_BEAM = 1;

/** The beam drawn per record, inclusive. */
export interface BeamRange {
  readonly min: number;
  readonly max: number;
}

/** Options every solver has; what only some read is absent for the others. */
interface OptionsOfEverySolver {
  readonly solver: SolverName;
  /** Reproduce the reference's draws and quirks. */
  readonly reference: boolean;
  readonly heuristic: HeuristicChoice;
  /** The beam drawn per record; absent for a solver that draws none (dfs). */
  readonly beam?: BeamRange | undefined;
  /** Chance of a sub search (SoS+) or a spawn (APR) at a node; absent for a solver that has neither. */
  readonly promising?: number | undefined;
}

/** How a single-sequence solver searches a record. */
export interface SequenceOptions extends OptionsOfEverySolver {
  readonly shape: 'sequence';
  /** What to do when the window is full. */
  readonly fit: FitPolicy;
}

/** How a threads solver searches a record. */
export interface ThreadsOptions extends OptionsOfEverySolver {
  readonly shape: 'threads';
  /** Largest child-thread beam. */
  readonly maxSubBeam: number;
  /** Deepest level that may spawn children (0: only the root thread, as the reference). */
  readonly maxSpawnLevel: number;
  /**
   * With a window: the work (in windows of tokens) after which a spawn closes and the
   * remaining children wait for its join; 0: every child in one spawn, as the reference.
   */
  readonly waveWindows: number;
}

/** How records are searched: the options of the solver's shape, and only those. */
export type SearchOptions = SequenceOptions | ThreadsOptions;

/**
 * How a solver's trace is laid out, which decides the settings that apply to it:
 * - `sequence`: one thread, one training sequence; a full window stops it (`--fit`), and its
 *   conditioning is the sequence's token budget;
 * - `threads`: threads that hand work to child threads; they have a sub beam, a depth and
 *   waves, and their conditioning is the root's count of sub calls.
 */
export type SolverShape = SearchOptions['shape'];

/**
 * A solver's defaults in default mode, for the options it reads and no others: a solver
 * without `maxBeam` draws no beam, one without `promising` has no sub searches or spawns.
 */
export interface SolverDefaults {
  readonly heuristic: HeuristicChoice;
  readonly maxBeam?: number;
  readonly promising?: number;
}

/** A threads solver's defaults for its own options (reference mode fixes depth and waves, see `defaultSearchOptions`). */
export interface ThreadDefaults {
  readonly maxSubBeam: number;
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
interface SolverOfEveryShape<Name extends string> {
  readonly name: Name;
  /** How reports, messages and the dataset card name its records ("SoS+", "APR"). */
  readonly label: string;
  readonly defaults: SolverDefaults;
  /** Options the reference's script for this solver has no flag for (it fixes them): refused with `--compat reference`. */
  readonly referenceFixes?: readonly ('minBeam' | 'promising')[];
  /** The record's `search_type` for a search with this beam. */
  searchType(beam: number): string;
}

/**
 * `search` draws the record's parameters from `rng` in the reference's order, then searches;
 * with `window`, every sequence stays inside it.
 */
export interface SequenceSolver<Name extends string = string> extends SolverOfEveryShape<Name> {
  readonly shape: 'sequence';
  search(problem: Problem, rng: Rng, options: SequenceOptions, window: WindowRules | undefined): Searched;
}

export interface ThreadsSolver<Name extends string = string> extends SolverOfEveryShape<Name> {
  readonly shape: 'threads';
  readonly threadDefaults: ThreadDefaults;
  search(problem: Problem, rng: Rng, options: ThreadsOptions, window: WindowRules | undefined): Searched;
}

export type Solver<Name extends string = string> = SequenceSolver<Name> | ThreadsSolver<Name>;

/** Whether a solver draws a beam per record (`--min-beam`, `--max-beam` apply). */
export const drawsBeam = (s: Solver): boolean => s.defaults.maxBeam !== undefined;

/** Whether a solver reads `promising`. */
export const readsPromising = (s: Solver): boolean => s.defaults.promising !== undefined;

/** The beam of a solver that draws one (its options always have one: `qualify` fills it from the default). */
export function beamOf(o: SearchOptions): BeamRange {
  if (o.beam === undefined) throw new Error(`options of ${o.solver} without a beam`);
  return o.beam;
}

/** `promising` of a solver that reads it (its options always have it). */
export function promisingOf(o: SearchOptions): number {
  if (o.promising === undefined) throw new Error(`options of ${o.solver} without promising`);
  return o.promising;
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
