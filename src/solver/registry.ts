import type { Rng } from '../random/rng.js';
import { apr } from './apr.js';
import { DEFAULT_FIT, DEFAULT_MIN_BEAM, type Searched, type SearchOptions, type SearchOutcome, type Solver, type SolverShape } from './contract.js';
import type { Problem } from './problems.js';
import { bfs, dfs } from './sos.js';
import { sosp } from './sosp.js';
import type { WindowRules } from './window.js';

/**
 * Every solver, in the order help texts and messages name them. Adding one: its module and
 * here; the compiler then asks for its card text (card.ts) and its
 * place in SEARCH_KINDS.
 */
const REGISTERED = [sosp, apr, dfs, bfs] as const;

export type SolverName = (typeof REGISTERED)[number]['name'];

export const SOLVERS: readonly SolverName[] = REGISTERED.map((s) => s.name);

const BY_NAME = new Map<string, Solver<SolverName>>(REGISTERED.map((s) => [s.name, s]));

/** The solver of a name. */
export function solverNamed(name: SolverName): Solver<SolverName> {
  return BY_NAME.get(name)!;
}

/** The solvers of a shape, in registry order. */
export function solversShaped(shape: SolverShape): readonly Solver<SolverName>[] {
  return REGISTERED.filter((s) => s.shape === shape);
}

/** Every registered solver, in registry order. */
export function allSolvers(): readonly Solver<SolverName>[] {
  return REGISTERED;
}

/**
 * A solver's default options: its declared defaults (the reference scripts' settings,
 * `create_search.sh`, and in default mode its depth and waves); reference mode nests one
 * level and spawns every child at once.
 */
export function defaultSearchOptions(name: SolverName, reference = false): SearchOptions {
  const solver = solverNamed(name);
  const d = solver.defaults;
  const common = {
    solver: name,
    reference,
    heuristic: d.heuristic,
    ...(d.maxBeam !== undefined && { beam: { min: DEFAULT_MIN_BEAM, max: d.maxBeam } }),
    ...(d.promising !== undefined && { promising: d.promising }),
  };
  if (solver.shape === 'sequence') return { ...common, shape: 'sequence', fit: DEFAULT_FIT };
  const t = solver.threadDefaults;
  return {
    ...common,
    shape: 'threads',
    maxSubBeam: t.maxSubBeam,
    maxSpawnLevel: reference ? 0 : t.maxDepth - 1,
    waveWindows: reference ? 0 : t.waveWindows,
  };
}

/** One search with `solver`, given options of its shape. */
function searchOnce(solver: Solver, problem: Problem, rng: Rng, o: SearchOptions, window: WindowRules | undefined): Searched {
  if (solver.shape === 'sequence' && o.shape === 'sequence') return solver.search(problem, rng, o, window);
  if (solver.shape === 'threads' && o.shape === 'threads') return solver.search(problem, rng, o, window);
  throw new Error(`${solver.name} is a ${solver.shape} solver, given ${o.shape} options`);
}

/** Searches made at most for one record under `fit: resample`. */
const MAX_ATTEMPTS = 8;

/**
 * One record's search with its solver; under `fit: resample` a search the window stopped is
 * made again (with the stream where the last one left it), up to MAX_ATTEMPTS searches.
 */
export function runSearch(problem: Problem, rng: Rng, o: SearchOptions, window?: WindowRules): SearchOutcome {
  const solver = solverNamed(o.solver);
  let attempts = 1;
  let s = searchOnce(solver, problem, rng, o, window);
  while (s.outOfBudget && o.shape === 'sequence' && o.fit === 'resample' && attempts < MAX_ATTEMPTS) {
    s = searchOnce(solver, problem, rng, o, window);
    attempts++;
  }
  return {
    solver: o.solver,
    shape: solver.shape,
    searchType: solver.searchType(s.beam),
    attempts,
    thread: s.thread,
    outOfBudget: s.outOfBudget,
    heuristicName: s.heuristicName,
    beam: s.beam,
    subBeam: s.subBeam,
  };
}
