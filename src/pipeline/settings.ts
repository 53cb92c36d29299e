import { CONDITIONING, shortestThreadTokens } from '../serializers/conditioning.js';
import { prefixName, type Conditioning } from '../records/conditioning-prefix.js';
import { DEFAULT_FIT, FIT_POLICIES, HEURISTIC_CHOICES, drawsBeam, readsPromising, type BeamRange, type FitPolicy, type HeuristicChoice, type SearchOptions, type Solver, type SolverShape } from '../solver/contract.js';
import { allSolvers, defaultSearchOptions, solverNamed, solversShaped, type SolverName } from '../solver/registry.js';
import { ordered, UsageError } from '../io/errors.js';
import { fmtInt } from '../io/numbers.js';

/** Everything that decides how a problem becomes a record and its training sequences. */
export interface RecordSettings {
  readonly options: SearchOptions;
  /** Tokens per sequence, `<s>` and `</s>` included; 0: no limit (the reference's behaviour). */
  readonly window: number;
  readonly condition: Conditioning;
  /** Add the reference's token fields to records (default mode; reference mode leaves records as the reference writes them). */
  readonly tokenFields: boolean;
  /**
   * Count every sequence's tokens (overflow figures, `sequences`) even when nothing else
   * needs them: a window, token fields and conditioning prefixes count them anyway.
   */
  readonly countTokens?: boolean;
}

/** The window of default mode, and the one overflows are judged against when a search has none. */
export const DEFAULT_WINDOW = 4096;

/** The window overflows are judged against: the search's own, or DEFAULT_WINDOW when it has none (0). */
export function judgedWindow(window: number): number {
  return window > 0 ? window : DEFAULT_WINDOW;
}

/** Every conditioning mode, as `--condition` takes them: none, then the table's. */
export const CONDITIONING_MODES: readonly Conditioning[] = ['none', ...Object.values(CONDITIONING)];

/** The conditioning mode that exists for a solver (besides none). */
export function conditioningOf(solver: SolverName): Exclude<Conditioning, 'none'> {
  return CONDITIONING[solverNamed(solver).shape];
}

/** Names of the solvers of a shape, in registry order. */
export function namesShaped(shape: SolverShape): SolverName[] {
  return solversShaped(shape).map((s) => s.name);
}

/** `a`, `a and b`, `a, b and c` (or `a, b or c`). */
export function inWords(names: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}

/** What a user sets (flags of `search`, `inspect`, `corpus`); what is left out takes the solver's default. */
export interface PartialSettings {
  /** `--compat reference`: reproduce the reference's draws and quirks. */
  readonly reference?: boolean | undefined;
  readonly minBeam?: number | undefined;
  readonly maxBeam?: number | undefined;
  readonly maxSubBeam?: number | undefined;
  readonly promising?: number | undefined;
  readonly heuristic?: HeuristicChoice | undefined;
  /** Undefined: DEFAULT_WINDOW in default mode (reference mode has none). */
  readonly window?: number | undefined;
  readonly maxDepth?: number | undefined;
  readonly wave?: number | undefined;
  /** Undefined: stop. */
  readonly fit?: FitPolicy | undefined;
  /** Undefined: none. */
  readonly condition?: Conditioning | undefined;
}

/** The settings a flag sets (every one but `--compat`, which picks the mode). */
export type SettingKey = Exclude<keyof PartialSettings, 'reference'>;

/**
 * The flag of each setting: the one place its name is written, for the command line, the
 * messages that name it, a corpus card's command and the checks of a manifest's options.
 */
export const SETTING_FLAGS: { readonly [K in SettingKey]: `--${string}` } = {
  minBeam: '--min-beam',
  maxBeam: '--max-beam',
  maxSubBeam: '--max-sub-beam',
  promising: '--promising',
  heuristic: '--heuristic',
  window: '--window',
  maxDepth: '--max-depth',
  wave: '--wave',
  fit: '--fit',
  condition: '--condition',
};

/**
 * The settings that fit or plan against a window: refused with `--window 0`, where they would
 * change no byte (so a corpus card's command leaves them out there).
 */
const WINDOW_ONLY = ['fit', 'maxDepth', 'wave'] as const satisfies readonly SettingKey[];

/** Whether a setting only fits or plans against a window (WINDOW_ONLY). */
export const isWindowOnly = (key: SettingKey): boolean => (WINDOW_ONLY as readonly SettingKey[]).includes(key);

/** What a setting's value may be. */
export type ValueRule =
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number }
  | { readonly kind: 'probability' }
  | { readonly kind: 'choice'; readonly values: readonly string[] };

/** The rules a setting of type T can have: a choice among values of T, or a number's. */
type RuleFor<T> = [T] extends [string] ? Extract<ValueRule, { kind: 'choice' }> & { readonly values: readonly T[] } : Exclude<ValueRule, { kind: 'choice' }>;

/**
 * Each setting's values: the command line parses its flag's text to one, and a corpus
 * manifest's recorded options are held to the same rule (a value no flag takes was not made here).
 */
export const SETTING_VALUES: { readonly [K in SettingKey]: RuleFor<NonNullable<PartialSettings[K]>> } = {
  minBeam: { kind: 'integer', min: 1 },
  maxBeam: { kind: 'integer', min: 1 },
  maxSubBeam: { kind: 'integer', min: 1 },
  promising: { kind: 'probability' },
  heuristic: { kind: 'choice', values: HEURISTIC_CHOICES },
  window: { kind: 'integer', min: 0 },
  maxDepth: { kind: 'integer', min: 0, max: 8 },
  wave: { kind: 'integer', min: 0, max: 1000 },
  fit: { kind: 'choice', values: FIT_POLICIES },
  condition: { kind: 'choice', values: CONDITIONING_MODES },
};

/** Why a value breaks its rule (`is not an integer from 0 to 8`); undefined when it keeps it. */
export function valueFault(rule: ValueRule, v: unknown): string | undefined {
  switch (rule.kind) {
    case 'integer': {
      const range = rule.max === undefined ? `of at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
      const ok = Number.isSafeInteger(v) && (v as number) >= rule.min && (rule.max === undefined || (v as number) <= rule.max);
      return ok ? undefined : `is not an integer ${range}`;
    }
    case 'probability':
      return typeof v === 'number' && v >= 0 && v <= 1 ? undefined : 'is not a probability between 0 and 1';
    case 'choice':
      return rule.values.includes(v as string) ? undefined : `is not one of ${rule.values.join(', ')}`;
  }
}

/**
 * Flags that only some solvers read, and which: given for a solver that does not read it, a
 * flag would change nothing, so it is refused rather than ignored. (`--fit` is refused the
 * same way, with its own message.)
 */
const SOLVER_FLAGS: readonly {
  readonly key: 'minBeam' | 'maxBeam' | 'maxSubBeam' | 'promising' | 'maxDepth' | 'wave';
  readonly reads: (s: Solver) => boolean;
}[] = [
  { key: 'minBeam', reads: drawsBeam },
  { key: 'maxBeam', reads: drawsBeam },
  { key: 'maxSubBeam', reads: (s) => s.shape === 'threads' },
  { key: 'promising', reads: readsPromising },
  { key: 'maxDepth', reads: (s) => s.shape === 'threads' },
  { key: 'wave', reads: (s) => s.shape === 'threads' },
];

/** `p` without the flags `solver` does not read: what a corpus gives each of its solvers. */
export function flagsReadBy<P extends Omit<PartialSettings, 'reference' | 'condition'>>(solver: SolverName, p: P): P {
  const read: { -readonly [K in keyof P]: P[K] } = { ...p };
  for (const f of SOLVER_FLAGS) if (!f.reads(solverNamed(solver))) delete read[f.key];
  return read;
}

/** Names of the solvers that read a flag, in registry order. */
function readers(f: (typeof SOLVER_FLAGS)[number]): SolverName[] {
  return allSolvers()
    .filter(f.reads)
    .map((s) => s.name);
}

/**
 * How a run's window bore on its searches (WindowCut), from what it tallied: searches it
 * stopped or dropped; else `unseen` where it shapes them without a tally showing it (a threads
 * solver's planner narrows beams and splits threads to fit, stopping none; `--fit resample`
 * searches again until a search fits, counted by search, not by a corpus).
 */
function windowCut(stoppedOrDropped: boolean, solver: SolverName, fit: FitPolicy | undefined): WindowCut {
  if (stoppedOrDropped) return 'stopped';
  return solverNamed(solver).shape === 'threads' || fit === 'resample' ? 'unseen' : 'none';
}

/**
 * What a run searched, for unsolvedNote: by start size, searches and solved ones, and the
 * searches the window stopped or dropped where they are tallied by size (`search`; a corpus
 * tallies them in all); then in all, dropped records included where bySize leaves them out.
 */
export interface UnsolvedTally {
  readonly bySize: ReadonlyMap<number, { readonly searched: number; readonly solved: number; readonly stopped?: number }>;
  readonly searched: number;
  readonly stopped: number;
  /** Some search was made again to fit (`--fit resample`): the window shaped it, stopped or not. */
  readonly resampled: boolean;
}

/**
 * How a run's window bore on its searches: it `stopped` (or dropped) some, it shapes them
 * `unseen` (windowCut: the tallies cannot tell), or it shaped `none`.
 */
export type WindowCut = 'stopped' | 'unseen' | 'none';

/** Searches of a start size a window shaping them unseen must leave all unsolved to be named: fewer fail by chance. */
export const UNSEEN_EVIDENCE = 10;

/**
 * What a run says when records came out wholly unsolved: all of them, or every problem of
 * some start size (a corpus of 5 and 6 numbers at 1,024 tokens solves some five-number problems
 * and no six-number one, which a solve rate over both hides); undefined otherwise. It speaks
 * only where the window may be the cause: a start size whose searches it stopped or dropped
 * (any of them, where tallied by size), or that it shapes unseen (windowCut), from
 * UNSEEN_EVIDENCE unsolved searches up; nothing solved with nothing stopped is targets out of
 * reach, or chance. It says the window may be too small only where it stopped every one of
 * them: a search that ended within the window unsolved ended at its own reach (`--max-beam 1`
 * solves few at any window), so elsewhere it names both, and the run that tells them apart.
 */
export function unsolvedNote(window: number, tally: UnsolvedTally, solver: SolverName, fit: FitPolicy | undefined): string | undefined {
  if (window === 0) return undefined;
  const { bySize } = tally;
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const byKnownSize = sizes.every((n) => bySize.get(n)!.stopped !== undefined);
  const none = sizes.filter((n) => {
    const size = bySize.get(n)!;
    if (size.solved > 0) return false;
    const cut = windowCut((byKnownSize ? size.stopped! : tally.stopped) > 0 || tally.resampled, solver, fit);
    return cut !== 'none' && size.searched >= (cut === 'stopped' ? 1 : UNSEEN_EVIDENCE);
  });
  if (none.length === 0) return undefined;
  const all = none.length === sizes.length;
  const searched = all ? tally.searched : none.reduce((k, n) => k + bySize.get(n)!.searched, 0);
  // Stopped among those named: in all, by size, or every one where the rest could not hold the stops counted.
  const atLeast = tally.stopped - (tally.searched - searched);
  const stopped = all ? tally.stopped : byKnownSize ? none.reduce((k, n) => k + bySize.get(n)!.stopped!, 0) : atLeast >= searched ? searched : undefined;
  const what = all ? 'none solved' : `none of the problems of ${inWords(none.map(String), 'or')} numbers solved`;
  const them = all ? 'these problems' : 'them';
  if (stopped === searched) return `${what} within --window ${window}: it may be too small for ${them}: raise --window, or compare --window 0`;
  const share = stopped === undefined ? '' : `, which stopped ${stopped === 0 ? 'none' : fmtInt(stopped)} of ${all ? 'the' : 'their'} ${fmtInt(searched)} searches`;
  const reach = drawsBeam(solverNamed(solver)) ? `the beam too narrow (${SETTING_FLAGS.maxBeam})` : "their goals out of the search's reach";
  return `${what} within --window ${window}${share}: the window may be too small for ${them}, or ${reach}: compare --window 0 to tell`;
}

/**
 * A window too small for a problem's first expansion, in words, with what the user can
 * change: a wider window; for a single-sequence solver also a narrower beam (its first
 * expansion writes a line per kept child) and, where records may be left out (`search`, not
 * `inspect`), dropping such problems. A threads solver already narrows down to a beam of 1
 * before it refuses, so only the window helps it.
 */
export function windowTooSmallMessage(settings: RecordSettings, mayDrop: boolean): string {
  const own = solverNamed(settings.options.solver);
  const sequence = own.shape === 'sequence';
  // Narrower only where the drawn beam can be (it is at least 1): both bounds when the least is above 1.
  const range = settings.options.beam;
  const beam = sequence && drawsBeam(own) && range !== undefined && range.max > 1 ? [range.min > 1 ? 'lower --min-beam and --max-beam' : 'lower --max-beam'] : [];
  const drop = sequence && mayDrop ? ['use --fit drop to leave such problems out'] : [];
  // The prefix is part of the sequence the window bounds (a window just big enough without it is too small with it).
  const prefix = settings.condition === 'none' ? '' : ` beside its ${prefixName(settings.condition)} prefix`;
  return `--window ${settings.window} cannot hold the first expansion of this problem's search${prefix}; ${inWords(['raise --window', ...beam, ...drop], 'or')}`;
}

/**
 * Validated record settings (search options, window, conditioning) of a solver from what the
 * user set, every other value the solver's default: the one place defaults are filled in and
 * combinations refused (each refusal a UsageError naming the flags).
 */
export function qualify(solver: SolverName, p: PartialSettings = {}, alone = true): RecordSettings {
  const reference = p.reference === true;
  const own = solverNamed(solver);
  const shape = own.shape;
  for (const f of SOLVER_FLAGS) {
    if (p[f.key] !== undefined && !f.reads(own)) throw new UsageError(`${SETTING_FLAGS[f.key]} is for ${inWords(readers(f))}: ${solver} does not read it`);
  }
  const d = defaultSearchOptions(solver, reference);
  if (reference) {
    // The value the reference's script fixes is accepted (it changes nothing); another is refused.
    const fixed = { minBeam: d.beam?.min, promising: d.promising };
    for (const key of own.referenceFixes ?? []) {
      if (p[key] !== undefined && p[key] !== fixed[key]) {
        throw new UsageError(`${SETTING_FLAGS[key]} ${p[key]} cannot be combined with --compat reference for ${solver}: the reference's ${solver} script has no such option and fixes it at ${fixed[key]}`);
      }
    }
  }
  if (reference && p.heuristic !== undefined) {
    throw new UsageError('--heuristic cannot be combined with --compat reference (the reference fixes the heuristic)');
  }
  let beam: BeamRange | undefined;
  if (d.beam) {
    const min = p.minBeam ?? d.beam.min;
    if (p.maxBeam === undefined && min > d.beam.max) {
      throw new UsageError(`--min-beam ${min} is larger than ${solver}'s default --max-beam ${d.beam.max}; give --max-beam as well`);
    }
    beam = { min, max: p.maxBeam ?? d.beam.max };
    ordered('--min-beam', beam.min, '--max-beam', beam.max);
  }
  const maxSubBeam = d.shape === 'threads' ? (p.maxSubBeam ?? d.maxSubBeam) : undefined;
  if (maxSubBeam !== undefined && beam && maxSubBeam < beam.min) {
    throw new UsageError(`--max-sub-beam ${maxSubBeam} is below --min-beam ${beam.min}: no child thread could have a beam as wide as its parent's; raise --max-sub-beam`);
  }
  if (reference && p.maxDepth !== undefined && p.maxDepth !== 1) {
    throw new UsageError('--max-depth cannot be combined with --compat reference (the reference nests one level)');
  }
  if (reference && p.wave !== undefined) throw new UsageError('--wave cannot be combined with --compat reference (the reference spawns every child at once)');
  if (reference && p.window !== undefined) throw new UsageError('--window cannot be combined with --compat reference (the reference has no window; verify --window measures its sequences)');
  if (reference && p.fit !== undefined) throw new UsageError('--fit cannot be combined with --compat reference (the reference has no window to fit)');
  const fit = p.fit ?? DEFAULT_FIT;
  const condition = p.condition ?? 'none';
  if (condition !== 'none' && condition !== CONDITIONING[shape]) {
    const others = namesShaped(shape);
    const takers = (Object.keys(CONDITIONING) as SolverShape[]).filter((s) => CONDITIONING[s] === condition).flatMap(namesShaped);
    throw new UsageError(`--condition ${condition} is for ${inWords(takers)}; ${inWords(others)} ${others.length === 1 ? 'uses' : 'use'} ${CONDITIONING[shape]}`);
  }
  if (p.fit !== undefined && shape !== 'sequence') throw fitRefused();
  const heuristic = p.heuristic ?? d.heuristic;
  // Searched alone (search, inspect), a resample that can only repeat the search is refused;
  // in a corpus it goes to every solver --fit applies to, as before (qualifyEach refuses it where none draws).
  if (alone && fit === 'resample' && !drawsAnything(own, heuristic)) throw sameSearchAgain(solver, heuristic);
  const window = reference ? 0 : (p.window ?? DEFAULT_WINDOW);
  // Without a window nothing is fitted or planned: these would change no byte.
  if (!reference && window === 0) {
    const idle = WINDOW_ONLY.find((key) => p[key] !== undefined);
    if (idle) throw new UsageError(`${SETTING_FLAGS[idle]} cannot be combined with --window 0: with no window nothing is fitted or planned`);
  }
  if (window > 0) {
    const least = shortestThreadTokens(condition, window);
    if (window < least) throw new UsageError(`--window ${window} is too small: the shortest complete thread needs ${least} tokens`);
  }
  const promising = p.promising ?? d.promising;
  const common = { solver, reference, heuristic, ...(beam && { beam }), ...(promising !== undefined && { promising }) };
  const options: SearchOptions =
    d.shape === 'sequence'
      ? { ...common, shape: 'sequence', fit }
      : {
          ...common,
          shape: 'threads',
          maxSubBeam: maxSubBeam ?? d.maxSubBeam,
          maxSpawnLevel: p.maxDepth !== undefined ? p.maxDepth - 1 : d.maxSpawnLevel,
          waveWindows: p.wave ?? d.waveWindows,
        };
  return { options, window, condition, tokenFields: !reference };
}

/** Whether another search of the same record can differ: it draws a beam, or a random heuristic. */
function drawsAnything(s: Solver, heuristic: HeuristicChoice): boolean {
  return drawsBeam(s) || heuristic === 'random';
}

function sameSearchAgain(solver: SolverName, heuristic: HeuristicChoice): UsageError {
  return new UsageError(`--fit resample would make the same search again: ${solver} draws no beam and its heuristic is ${heuristic}; use --fit stop or drop, or --heuristic random`);
}

function fitRefused(): UsageError {
  return new UsageError(`--fit is for ${inWords(namesShaped('sequence'))}: ${inWords(namesShaped('threads'))} threads hand work to children instead`);
}

/**
 * Settings of each of `solvers` for one corpus: each solver takes the conditioning that
 * exists for it if it is among `conditions`, and `fit` if it has one (threads hand work to
 * children instead); a mode or fit that fits none of the solvers is refused.
 */
export function qualifyEach(
  solvers: readonly SolverName[],
  conditions: readonly Conditioning[],
  p: Omit<PartialSettings, 'condition' | 'reference'>,
): Partial<Record<SolverName, RecordSettings>> {
  for (const m of conditions) {
    if (m !== 'none' && !solvers.some((s) => conditioningOf(s) === m)) {
      const table = (Object.keys(CONDITIONING) as SolverShape[]).map((shape) => `${CONDITIONING[shape]}: ${namesShaped(shape).join(', ')}`).join('; ');
      throw new UsageError(`--condition ${m} applies to none of --solvers ${solvers.join(',')} (${table})`);
    }
  }
  const fits = (s: SolverName): boolean => solverNamed(s).shape === 'sequence';
  if (p.fit !== undefined && !solvers.some(fits)) throw fitRefused();
  // A flag some solvers read goes to those; one that none of them reads is refused.
  for (const f of SOLVER_FLAGS) {
    if (p[f.key] !== undefined && !solvers.some((s) => f.reads(solverNamed(s)))) {
      throw new UsageError(`${SETTING_FLAGS[f.key]} is for ${inWords(readers(f))}: none of --solvers ${solvers.join(',')} reads it`);
    }
  }
  const out: Partial<Record<SolverName, RecordSettings>> = {};
  for (const s of solvers) {
    const own = conditioningOf(s);
    out[s] = qualify(s, { ...flagsReadBy(s, p), condition: conditions.includes(own) ? own : 'none', fit: fits(s) ? p.fit : undefined, reference: false }, false);
  }
  // Judged on the settings qualify made, so the heuristic is the one each search will use.
  const fitters = solvers.filter(fits);
  const draws = (s: SolverName) => drawsAnything(solverNamed(s), out[s]!.options.heuristic);
  if (p.fit === 'resample' && !fitters.some(draws)) throw sameSearchAgain(fitters[0]!, out[fitters[0]!]!.options.heuristic);
  return out;
}
