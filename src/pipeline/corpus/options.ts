import { PROBLEM_LIMITS } from '../../core/countdown.js';
import { isJsonObject, shownValue } from '../../core/values.js';
import { UsageError } from '../../io/errors.js';
import { checkCount, checkSpec } from '../problems-job.js';
import { isWindowOnly, judgedWindow, qualify, SETTING_FLAGS, SETTING_VALUES, valueFault, type PartialSettings, type RecordSettings, type SettingKey, type ValueRule } from '../settings.js';
import { DEFAULT_SPEC, LEAST_NUMBER, type ProblemSpec } from '../../solver/problems.js';
import { SOLVERS, type SolverName } from '../../solver/registry.js';

export const COMPRESSIONS = ['none', 'gzip'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** A run-wide option: its flag, the rule its values keep, and how the flag writes a value where it differs. */
export interface RunOption {
  readonly flag: `--${string}`;
  readonly rule: ValueRule;
  /** Its value when the flag is not given; none where it is derived (`--max-number`) or given elsewhere (`--window`, `--max-file-size`). */
  readonly default?: number | string;
  readonly shown?: (v: unknown) => string;
}

/**
 * The run-wide options as a manifest records them (RunOptionsJson, `problems.*` by their own
 * names; each solver's search options are SEARCH_OPTION_SETTINGS'): the one place each flag's
 * name and the rule of its values are written. The command line parses the flag's text by the
 * rule (`problems`, `corpus`, `search`), a corpus card's command writes the flag, and a
 * manifest's recorded value is held to the same rule (a value no flag takes was not made here).
 */
export const RUN_OPTIONS = {
  count: { flag: '--count', rule: { kind: 'integer', min: 1 }, default: 1000 },
  seed: { flag: '--seed', rule: { kind: 'integer', min: 0 }, default: 0 },
  val_count: { flag: '--val-count', rule: { kind: 'integer', min: 0 }, default: 1000 },
  min_numbers: { flag: '--min-numbers', rule: { kind: 'integer', min: PROBLEM_LIMITS.minNumbers, max: PROBLEM_LIMITS.maxNumbers }, default: DEFAULT_SPEC.minNumbers },
  max_numbers: { flag: '--max-numbers', rule: { kind: 'integer', min: PROBLEM_LIMITS.minNumbers, max: PROBLEM_LIMITS.maxNumbers }, default: DEFAULT_SPEC.maxNumbers },
  min_target: { flag: '--min-target', rule: { kind: 'integer', min: PROBLEM_LIMITS.minTarget }, default: DEFAULT_SPEC.minTarget },
  max_target: { flag: '--max-target', rule: { kind: 'integer', min: PROBLEM_LIMITS.minTarget }, default: DEFAULT_SPEC.maxTarget },
  max_number: { flag: '--max-number', rule: { kind: 'integer', min: LEAST_NUMBER } },
  window: { flag: SETTING_FLAGS.window, rule: SETTING_VALUES.window },
  compress: { flag: '--compress', rule: { kind: 'choice', values: COMPRESSIONS }, default: 'none' },
  // The flag takes a size with a unit (`500MB`); the manifest records bytes.
  max_file_size: { flag: '--max-file-size', rule: { kind: 'integer', min: 0 }, shown: (v) => (typeof v === 'number' ? formatSize(v) : String(v)) },
} as const satisfies Readonly<Record<string, RunOption>>;

export type RunOptionKey = keyof typeof RUN_OPTIONS;

/** A recorded run-wide value as its flag writes it (`--max-file-size 500MB`): the flag, then the value. */
export function flagAndValue(key: RunOptionKey, v: unknown): [string, string] {
  const entry: RunOption = RUN_OPTIONS[key];
  return [entry.flag, entry.shown ? entry.shown(v) : String(v)];
}

/** The run-wide options a manifest records under `problems`; the others are fields of `options` itself. */
export const PROBLEM_KEYS = ['min_numbers', 'max_numbers', 'min_target', 'max_target', 'max_number'] as const satisfies readonly RunOptionKey[];

/**
 * Everything that decides the bytes of a corpus, and nothing else: worker count, batch size,
 * progress and checkpoint timing never change a byte, so they are not here.
 */
export interface CorpusOptions {
  /** Train problems (and records of each solver). */
  readonly count: number;
  readonly seed: number;
  /** Val problems (no search records: val is for evaluation). */
  readonly valCount: number;
  readonly spec: ProblemSpec;
  readonly solvers: readonly SolverName[];
  /**
   * What the record maker needs for each solver in `solvers` (search options, token window,
   * conditioning, fit policy), validated as the `search` command validates them.
   */
  readonly settings: Readonly<Partial<Record<SolverName, RecordSettings>>>;
  /** The window stats.json judges overflows against (`--window`, or DEFAULT_WINDOW when it is 0: `judgedWindow`). */
  readonly window: number;
  readonly compress: Compression;
  /** Largest data file in bytes (`--max-file-size`); 0: one file per split. */
  readonly maxFileSize: number;
}

/** Refuses counts the problem space cannot hold (train, val, and both together), naming the options. */
export function checkCounts(o: Pick<CorpusOptions, 'count' | 'valCount' | 'spec'>): void {
  checkSpec(o.spec);
  checkCount(o.spec, o.count + o.valCount, '--count + --val-count');
  checkCount(o.spec, o.count, '--count', 'train');
  checkCount(o.spec, o.valCount, '--val-count', 'val');
}

/** How a run is carried out: none of it changes the output. */
export interface RunSettings {
  readonly out: string;
  /** Worker threads; 0 makes every record on the main thread. */
  readonly workers: number;
  /** V8 old-generation limit of each worker thread, in MB. */
  readonly workerHeap: number;
  /** Records per task; undefined: a per-stage default. */
  readonly batchSize: number | undefined;
  readonly shard: Shard;
  /**
   * Where `shard` came from when no `--shard` gave it (ResolvedShard's `from`): said once the
   * run's checks pass, and named in a refusal of the shard.
   */
  readonly shardFrom?: string | undefined;
  /**
   * What to do with a folder that holds a run: `new` refuses it, `resume` continues it (or
   * starts one where there is none), `force` clears it and starts over.
   */
  readonly start: StartMode;
  /** Seconds between durable checkpoints. */
  readonly checkpointInterval: number;
  readonly quiet: boolean;
  /** Where to write per-stage timings (JSON), if anywhere. */
  readonly timings: string | undefined;
  /** The command line, to print how to resume. */
  readonly argv: readonly string[];
}

export type StartMode = 'new' | 'resume' | 'force';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * V8 heap limit of each worker thread, in MB (--worker-heap). A worker holds little (one
 * batch), but without a limit V8 lets an isolate's heap grow with the run; a cap keeps its
 * collector compacting, so memory stays flat however many records are made. Here, not beside
 * the runner: the command line reads it without loading the worker pool.
 */
export const WORKER_HEAP_MB = 256;

export const WHOLE: Shard = { index: 0, count: 1 };

/** A solver's options as the manifest lists them: the options it reads and no others. */
export type SearchOptionsJson = Readonly<Record<string, string | number | boolean>>;

/**
 * The options as recorded in manifest.json and the checkpoint: plain JSON, stable key order.
 * Everything that decides a corpus's bytes (CorpusOptions), as the card's command repeats it.
 */
export interface RunOptionsJson {
  readonly count: number;
  readonly seed: number;
  readonly val_count: number;
  readonly problems: {
    readonly min_numbers: number;
    readonly max_numbers: number;
    readonly min_target: number;
    readonly max_target: number;
    readonly max_number: number;
  };
  readonly solvers: readonly SolverName[];
  /** One entry for each of `solvers`, and no other. */
  readonly search: Readonly<Partial<Record<SolverName, SearchOptionsJson>>>;
  readonly window: number;
  readonly compress: Compression;
  readonly max_file_size: number;
}

/**
 * A solver's record settings as the manifest lists them: the options it reads and no others
 * (a key a solver does not read would only mislead, and the card's command would pass it on).
 */
function searchOptionsJson(rs: RecordSettings): SearchOptionsJson {
  const so = rs.options;
  return {
    ...(so.beam && { min_beam: so.beam.min, max_beam: so.beam.max }),
    ...(so.shape === 'threads' && { max_sub_beam: so.maxSubBeam }),
    ...(so.promising !== undefined && { promising: so.promising }),
    heuristic: so.heuristic,
    ...(so.shape === 'threads' ? { max_spawn_level: so.maxSpawnLevel, wave_windows: so.waveWindows } : { fit: so.fit }),
    window: rs.window,
    condition: rs.condition,
    token_fields: rs.tokenFields,
  };
}

/** The options of a run as its manifest and checkpoint record them. */
export function optionsJson(o: CorpusOptions): RunOptionsJson {
  const search: Partial<Record<SolverName, SearchOptionsJson>> = {};
  for (const s of o.solvers) {
    const rs = o.settings[s];
    if (!rs) throw new Error(`no record settings for ${s}`);
    search[s] = searchOptionsJson(rs);
  }
  return {
    count: o.count,
    seed: o.seed,
    val_count: o.valCount,
    problems: {
      min_numbers: o.spec.minNumbers,
      max_numbers: o.spec.maxNumbers,
      min_target: o.spec.minTarget,
      max_target: o.spec.maxTarget,
      max_number: o.spec.maxNumber,
    },
    solvers: [...o.solvers],
    search,
    window: o.window,
    compress: o.compress,
    max_file_size: o.maxFileSize,
  };
}

/**
 * What keeps options read back (a manifest's `options`) from being RunOptionsJson, naming the
 * field (`"options.solvers"`); undefined when they are. Each run-wide value is held to its
 * flag's rule (RUN_OPTIONS) and the problem space and counts to the checks the flags meet
 * (checkSpec, checkCounts); each solver's search options to what a run records (searchOptionsFault).
 */
export function runOptionsFault(v: unknown): string | undefined {
  if (!isJsonObject(v)) return '"options" is not an object';
  const at = (key: string) => `"options.${key}" ${JSON.stringify(v[key]) ?? 'missing'}`;
  const p = v.problems;
  if (!isJsonObject(p)) return `${at('problems')} is not an object`;
  for (const key of Object.keys(RUN_OPTIONS) as RunOptionKey[]) {
    const problem = (PROBLEM_KEYS as readonly RunOptionKey[]).includes(key);
    const fault = runOptionFault(key, problem ? p[key] : v[key]);
    if (fault !== undefined) return `"options.${problem ? 'problems.' : ''}${key}" ${fault}`;
  }
  const o = v as unknown as Pick<RunOptionsJson, 'count' | 'val_count' | 'problems'>;
  const spec: ProblemSpec = { minNumbers: o.problems.min_numbers, maxNumbers: o.problems.max_numbers, minTarget: o.problems.min_target, maxTarget: o.problems.max_target, maxNumber: o.problems.max_number };
  const notOfOneRun = (what: string, check: () => void): string | undefined => {
    try {
      check();
      return undefined;
    } catch (err) {
      if (err instanceof UsageError) return `${what} are not options of one run (${err.message})`;
      throw err;
    }
  };
  const fault = notOfOneRun('"options.problems"', () => checkSpec(spec)) ?? notOfOneRun('"options"', () => checkCounts({ count: o.count, valCount: o.val_count, spec }));
  if (fault !== undefined) return fault;
  const solvers = v.solvers;
  if (!Array.isArray(solvers) || solvers.length === 0 || !solvers.every((s) => SOLVERS.includes(s as SolverName)) || new Set(solvers).size !== solvers.length) {
    return `${at('solvers')} is not a list of solvers, each once (of ${SOLVERS.join(', ')})`;
  }
  const search = v.search;
  if (!isJsonObject(search)) return `${at('search')} is not an object`;
  for (const key of Object.keys(search)) if (!solvers.includes(key)) return `"options.search" has ${key}, which "options.solvers" does not list`;
  for (const s of solvers as string[]) {
    const so = search[s];
    if (!isJsonObject(so) || !Object.values(so).every((x) => ['string', 'number', 'boolean'].includes(typeof x))) return `"options.search.${s}" is not an object of option values`;
    const fault = searchOptionsFault(s as SolverName, so);
    if (fault !== undefined) return fault;
  }
  // One --window sets every solver's, and the run's is what stats judge by (judgedWindow: 0, no window, by the default).
  const windows = new Set((solvers as string[]).map((s) => (search[s] as Record<string, unknown>).window));
  const [window] = windows;
  if (windows.size > 1 || judgedWindow(window as number) !== v.window) {
    return `"options.search.*.window" ${[...windows].map(shownValue).join(', ')} are not of one run whose "options.window" is ${shownValue(v.window)}`;
  }
  return undefined;
}

/** Why a recorded value of a run-wide option breaks its flag's rule (`0 is not an integer of at least 1`, `missing ...`); undefined when it keeps it. */
export function runOptionFault(key: RunOptionKey, v: unknown): string | undefined {
  const fault = valueFault(RUN_OPTIONS[key].rule, v);
  return fault === undefined ? undefined : `${v === undefined ? 'missing' : shownValue(v)} ${fault}`;
}

/** Units of a size (`--max-file-size 500MB`): decimal as the Hub counts, and binary. */
export const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
};

/** A size in the largest unit that writes it as a whole number (`500MB`, `1GiB`, `1234B`; `0`: no bound). */
export function formatSize(bytes: number): string {
  if (bytes === 0) return '0';
  let best = `${bytes}B`;
  for (const [unit, n] of Object.entries(SIZE_UNITS)) {
    const v = bytes / n;
    if (bytes > 0 && Number.isInteger(v) && `${v}${unit}`.length < best.length) best = `${v}${unit}`;
  }
  return best;
}

/** The first option (as a dotted path) where two recorded option sets differ, if any. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return JSON.stringify(a) === JSON.stringify(b) ? undefined : path || '(options)';
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** The corpus flag of a recorded option, and its value as the command line writes it. */
interface OptionFlag {
  readonly flag: string;
  readonly shown?: (v: unknown) => string;
}

/** The setting a recorded search option comes from: its flag (SETTING_FLAGS) sets it, its values keep its rule (SETTING_VALUES). */
interface SearchOptionSetting {
  readonly setting: SettingKey;
  /** The flag's value for a recorded one, where they differ. */
  readonly flagValue?: (recorded: number) => number;
}

/** Each field of a solver's recorded search options (SearchOptionsJson) and the setting it comes from. */
export const SEARCH_OPTION_SETTINGS: Readonly<Record<string, SearchOptionSetting>> = {
  min_beam: { setting: 'minBeam' },
  max_beam: { setting: 'maxBeam' },
  max_sub_beam: { setting: 'maxSubBeam' },
  promising: { setting: 'promising' },
  heuristic: { setting: 'heuristic' },
  wave_windows: { setting: 'wave' },
  window: { setting: 'window' },
  // Levels below the root: --max-depth counts the root's children as 1.
  max_spawn_level: { setting: 'maxDepth', flagValue: (v) => v + 1 },
  condition: { setting: 'condition' },
  fit: { setting: 'fit' },
};

/** A recorded search option's value as its flag takes it. */
export function asFlagValue(entry: SearchOptionSetting, v: unknown): unknown {
  return entry.flagValue && typeof v === 'number' ? entry.flagValue(v) : v;
}

/**
 * What keeps a solver's recorded search options from being options this tool records: each
 * value as its flag takes it, and the whole set as `qualify` makes it from them (no key it
 * leaves out, none missing, no combination it refuses). A checksum-resealed edit is caught here.
 */
function searchOptionsFault(solver: SolverName, so: Readonly<Record<string, unknown>>): string | undefined {
  const at = (key: string) => `"options.search.${solver}.${key}"`;
  const set: Partial<Record<SettingKey, unknown>> = {};
  for (const [key, v] of Object.entries(so)) {
    // No flag sets it: the comparison below holds it to what qualify makes.
    if (key === 'token_fields') continue;
    // Own keys only: a recorded "constructor" is not Object's.
    const entry = Object.hasOwn(SEARCH_OPTION_SETTINGS, key) ? SEARCH_OPTION_SETTINGS[key] : undefined;
    if (entry === undefined) return `${at(key)} is not a search option`;
    const value = asFlagValue(entry, v);
    const fault = valueFault(SETTING_VALUES[entry.setting], value);
    if (fault !== undefined) return `${at(key)} ${shownValue(v)}${value === v ? '' : ` (${SETTING_FLAGS[entry.setting]} ${shownValue(value)})`} ${fault}`;
    // Without a window the manifest still lists the fit and planning defaults, which the flags may not set there.
    if (so.window === 0 && isWindowOnly(entry.setting)) continue;
    set[entry.setting] = value;
  }
  let made: SearchOptionsJson;
  try {
    made = searchOptionsJson(qualify(solver, set as PartialSettings, false));
  } catch (err) {
    if (err instanceof UsageError) return `"options.search.${solver}" are not options of one run (${err.message})`;
    throw err;
  }
  const diff = firstDifference(so, made);
  return diff === undefined ? undefined : `${at(diff)} ${valueAt(so, diff)} is not what its other options make (${valueAt(made, diff)})`;
}

/**
 * Where two recorded runs' options first differ, in the words of the command line
 * (`--max-depth 3 for apr, here 2`; `--solvers sosp,apr, here sosp`: `nowLabel` names the
 * second); undefined when they agree.
 * A field no flag sets is named by its path in the manifest.
 */
export function optionDifference(recorded: RunOptionsJson, now: RunOptionsJson, nowLabel = 'here'): string | undefined {
  const diff = firstDifference(recorded, now);
  if (diff === undefined) return undefined;
  const [head, second, third] = diff.split('.');
  const solvers = (o: RunOptionsJson) => (Array.isArray(o.solvers) ? o.solvers.join(',') : valueAt(o, 'solvers'));
  if (head === 'solvers' || (head === 'search' && third === undefined)) return `--solvers ${solvers(recorded)}, ${nowLabel} ${solvers(now)}`;
  // A flag's field is a leaf at its place (search.SOLVER.KEY, problems.KEY, KEY); anything else is named by its path.
  const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);
  const searchEntry = head === 'search' ? own(SEARCH_OPTION_SETTINGS, third!) : undefined;
  const entry: OptionFlag | undefined = searchEntry ? { flag: SETTING_FLAGS[searchEntry.setting], shown: (v) => String(asFlagValue(searchEntry, v)) } : head === 'search' ? undefined : own<OptionFlag>(RUN_OPTIONS, head === 'problems' ? second! : head!);
  if (entry === undefined || diff.split('.').length !== (head === 'search' ? 3 : head === 'problems' ? 2 : 1)) {
    return `${diff}: ${valueAt(recorded, diff)}, ${nowLabel} ${valueAt(now, diff)}`;
  }
  const shown = (o: RunOptionsJson): string => {
    const v = fieldAt(o, diff);
    return v === undefined ? 'unset' : entry.shown ? entry.shown(v) : String(v);
  };
  return `${entry.flag} ${shown(recorded)}${head === 'search' ? ` for ${second}` : ''}, ${nowLabel} ${shown(now)}`;
}

/** The value at a dotted path of recorded options; undefined where there is none. */
function fieldAt(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Reads a value at a dotted path of recorded options (for messages). */
export function valueAt(o: unknown, path: string): string {
  return JSON.stringify(fieldAt(o, path)) ?? 'unset';
}
