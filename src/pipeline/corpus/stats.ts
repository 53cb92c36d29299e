import type { ThreadFigures } from '../../serializers/sequences.js';
import { solverNamed, type SolverName } from '../../solver/registry.js';
import { UsageError } from '../../io/errors.js';
import { isCount, isJsonObject } from '../../core/values.js';
import { unsolvedNote } from '../settings.js';
import { FIT_POLICIES } from '../../solver/contract.js';
import type { RunOptionsJson } from './options.js';

/**
 * The statistics of a corpus, kept as exact integer tallies (counts and histograms) so that
 * they can be checkpointed, resumed and summed across shards: stats.json is rendered from the
 * tallies alone, so a merged corpus gets the same stats.json as an unsharded run.
 */

type Histogram = Map<number, number>;

/** A histogram as stats.json writes it: value -> count, keys in numeric order. */
type HistJson = Record<string, number>;

/** Sequence lengths of one kind (`sosp`, `apr.root`, ...) against the window; the figures only when there are sequences. */
export interface TokenSummaryJson {
  sequences: number;
  min?: number;
  mean?: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  max?: number;
  window_overflows: number;
}

/**
 * stats.json's shape: what renderStats writes, and what talliesFromStats (merging shards) and
 * the dataset card read back, so a field renamed on one side fails to compile on the other.
 * Keys of the per-solver tables are solver names.
 */
export interface StatsJson {
  records: Record<string, number>;
  sequences: Record<string, number>;
  problems: Record<string, { by_start_size: HistJson }>;
  solve_rate: Record<
    string,
    { records: number; solved: number; solve_rate: number; stopped_by_window: number; dropped: number; by_start_size: Record<string, { records: number; solved: number; solve_rate: number }> }
  >;
  child_threads_per_root: Record<string, { mean: number; max: number; histogram: HistJson }>;
  /** `sosp`, `apr`, `apr.root`, `apr.child`, ...: a TokenSummaryJson each, beside how they are counted and the window. */
  tokens: { counted_as: string; window: number; [kind: string]: TokenSummaryJson | string | number };
  window_overflows: number;
  decomposition: { counted_as: Record<string, string>; [solver: string]: { all: unknown; by_start_size: Record<string, unknown> } | Record<string, string> };
  histograms: Record<string, { root_tokens: HistJson; child_tokens: HistJson; sequence_tokens_by_start_size: Record<string, HistJson> }>;
}

/** The fields of every version's stats.json (`decomposition` came later): what tells one of the tool's from another program's. */
const STATS_FIELDS = ['records', 'sequences', 'problems', 'solve_rate', 'child_threads_per_root', 'tokens', 'window_overflows', 'histograms'] as const satisfies ReadonlyArray<keyof StatsJson>;

/** Whether parsed JSON is a stats.json of this tool's, of any version: one that is not is no file of the tool's to replace. */
export function isOwnStats(value: unknown): boolean {
  return isJsonObject(value) && STATS_FIELDS.every((k) => isJsonObject(value[k]) || (k === 'window_overflows' && isCount(value[k])));
}

function bump(h: Histogram, value: number, by = 1): void {
  h.set(value, (h.get(value) ?? 0) + by);
}

function histJson(h: Histogram): HistJson {
  const out: Record<string, number> = {};
  for (const k of [...h.keys()].sort((a, b) => a - b)) out[String(k)] = h.get(k)!;
  return out;
}

function histFrom(o: unknown): Histogram {
  const h: Histogram = new Map();
  if (typeof o === 'object' && o !== null) for (const [k, v] of Object.entries(o)) h.set(Number(k), Number(v));
  return h;
}

function mergeHist(into: Histogram, from: Histogram): void {
  for (const [k, v] of from) bump(into, k, v);
}

/** Tallies of a problems stage (train or val). */
export class ProblemTally {
  records = 0;
  readonly bySize: Histogram = new Map();

  add(startSize: number): void {
    this.records++;
    bump(this.bySize, startSize);
  }

  merge(o: ProblemTally): void {
    this.records += o.records;
    mergeHist(this.bySize, o.bySize);
  }

  toJSON(): unknown {
    return { records: this.records, by_start_size: histJson(this.bySize) };
  }

  static from(o: unknown): ProblemTally {
    const t = new ProblemTally();
    const j = (o ?? {}) as { records?: number; by_start_size?: unknown };
    t.records = j.records ?? 0;
    mergeHist(t.bySize, histFrom(j.by_start_size));
    return t;
  }
}

/**
 * The thread-tree figures of the records of one start size, summed (text tokens: no `<s>`,
 * `</s>` or prefix), with histograms of the depth used and of the sequence lengths (tokens
 * as in the sequences file). Records and solved ones are SearchTally's by-size counts.
 */
export class SizeTally {
  threads = 0;
  textTokens = 0;
  sequentialTokens = 0;
  readonly depth: Histogram = new Map();
  readonly seqTokens: Histogram = new Map();

  add(f: ThreadFigures): void {
    this.threads += f.threads;
    this.textTokens += f.totalTokens;
    this.sequentialTokens += f.sequentialTokens;
    bump(this.depth, f.depth);
  }

  merge(o: SizeTally): void {
    this.threads += o.threads;
    this.textTokens += o.textTokens;
    this.sequentialTokens += o.sequentialTokens;
    mergeHist(this.depth, o.depth);
    mergeHist(this.seqTokens, o.seqTokens);
  }

  /** The sums and the depth histogram (the sequence lengths go with the other histograms). */
  sumsJson(): Record<string, unknown> {
    return { threads: this.threads, text_tokens: this.textTokens, sequential_tokens: this.sequentialTokens, depth: histJson(this.depth) };
  }

  static from(sums: unknown, seqTokens: unknown): SizeTally {
    const t = new SizeTally();
    const j = (sums ?? {}) as { threads?: number; text_tokens?: number; sequential_tokens?: number; depth?: unknown };
    t.threads = j.threads ?? 0;
    t.textTokens = j.text_tokens ?? 0;
    t.sequentialTokens = j.sequential_tokens ?? 0;
    mergeHist(t.depth, histFrom(j.depth));
    mergeHist(t.seqTokens, histFrom(seqTokens));
    return t;
  }
}

function mergeSizes(into: Map<number, SizeTally>, from: ReadonlyMap<number, SizeTally>): void {
  for (const [size, t] of from) {
    let mine = into.get(size);
    if (!mine) into.set(size, (mine = new SizeTally()));
    mine.merge(t);
  }
}

/** Tallies of a search stage: outcomes by start size, child threads, sequence token lengths, thread-tree figures. */
export class SearchTally {
  /** Records written (dropped ones not included). */
  records = 0;
  /** Searches the window stopped, and records `--fit drop` left out. */
  outOfBudget = 0;
  dropped = 0;
  readonly recordsBySize: Histogram = new Map();
  readonly solvedBySize: Histogram = new Map();
  /** Child threads the root spawned, per record. */
  readonly children: Histogram = new Map();
  /** Sequence tokens (with `<s>`, `</s>`) of root-thread and child-thread sequences. */
  readonly rootTokens: Histogram = new Map();
  readonly childTokens: Histogram = new Map();
  /** Thread-tree figures by start size. */
  readonly bySize = new Map<number, SizeTally>();

  private size(startSize: number): SizeTally {
    let t = this.bySize.get(startSize);
    if (!t) this.bySize.set(startSize, (t = new SizeTally()));
    return t;
  }

  addRecord(startSize: number, solved: boolean, children: number, figures: ThreadFigures): void {
    this.records++;
    bump(this.recordsBySize, startSize);
    if (solved) bump(this.solvedBySize, startSize);
    bump(this.children, children);
    this.size(startSize).add(figures);
  }

  addOutcome(outOfBudget: boolean, dropped: boolean): void {
    if (outOfBudget) this.outOfBudget++;
    if (dropped) this.dropped++;
  }

  addSequence(tokens: number, child: boolean, startSize: number): void {
    bump(child ? this.childTokens : this.rootTokens, tokens);
    bump(this.size(startSize).seqTokens, tokens);
  }

  merge(o: SearchTally): void {
    this.records += o.records;
    this.outOfBudget += o.outOfBudget;
    this.dropped += o.dropped;
    mergeHist(this.recordsBySize, o.recordsBySize);
    mergeHist(this.solvedBySize, o.solvedBySize);
    mergeHist(this.children, o.children);
    mergeHist(this.rootTokens, o.rootTokens);
    mergeHist(this.childTokens, o.childTokens);
    mergeSizes(this.bySize, o.bySize);
  }

  toJSON(): unknown {
    return {
      records: this.records,
      out_of_budget: this.outOfBudget,
      dropped: this.dropped,
      records_by_start_size: histJson(this.recordsBySize),
      solved_by_start_size: histJson(this.solvedBySize),
      children: histJson(this.children),
      root_tokens: histJson(this.rootTokens),
      child_tokens: histJson(this.childTokens),
      by_start_size: sizesJson(this.bySize, (t) => ({ ...t.sumsJson(), sequence_tokens: histJson(t.seqTokens) })),
    };
  }

  static from(o: unknown): SearchTally {
    const t = new SearchTally();
    const j = (o ?? {}) as Record<string, unknown>;
    t.records = Number(j.records ?? 0);
    t.outOfBudget = Number(j.out_of_budget ?? 0);
    t.dropped = Number(j.dropped ?? 0);
    mergeHist(t.recordsBySize, histFrom(j.records_by_start_size));
    mergeHist(t.solvedBySize, histFrom(j.solved_by_start_size));
    mergeHist(t.children, histFrom(j.children));
    mergeHist(t.rootTokens, histFrom(j.root_tokens));
    mergeHist(t.childTokens, histFrom(j.child_tokens));
    for (const [size, v] of Object.entries((j.by_start_size ?? {}) as Record<string, { sequence_tokens?: unknown }>)) {
      t.bySize.set(Number(size), SizeTally.from(v, v.sequence_tokens));
    }
    return t;
  }
}

/** A map by start size as JSON, sizes in ascending order. */
function sizesJson<T, J>(m: ReadonlyMap<number, T>, f: (t: T, size: number) => J): Record<string, J> {
  const out: Record<string, J> = {};
  for (const size of [...m.keys()].sort((a, b) => a - b)) out[String(size)] = f(m.get(size)!, size);
  return out;
}

export interface CorpusTallies {
  train: ProblemTally;
  val: ProblemTally | undefined;
  solvers: Map<SolverName, SearchTally>;
}

/**
 * What a finished corpus warns of (a run or a merge of shards alike): per solver, unsolvedNote's,
 * each solver's window and fit policy (sequence solvers, `--fit resample`) read from the options
 * as the manifest records them, so a run and a merge read them alike.
 */
export function unsolvedWarnings(t: CorpusTallies, options: RunOptionsJson): string[] {
  const out: string[] = [];
  for (const [solver, st] of t.solvers) {
    const bySize = new Map([...st.recordsBySize].map(([size, searched]) => [size, { searched, solved: st.solvedBySize.get(size) ?? 0 }]));
    // Dropped records are tallied in all, not by size: a run that dropped every one has no size above.
    if (bySize.size === 0 && st.dropped > 0) bySize.set(0, { searched: st.dropped, solved: 0 });
    const recorded = options.search[solver];
    const window = Number(recorded?.window ?? 0);
    const fit = FIT_POLICIES.find((f) => f === recorded?.fit);
    // Stops are tallied in all, not by size; dropped records are among them (addOutcome).
    const note = unsolvedNote(window, { bySize, searched: st.records + st.dropped, stopped: st.outOfBudget, resampled: false }, solver, fit);
    if (note) out.push(`${solver}: ${note}`);
  }
  return out;
}

const PERCENTILES = [50, 90, 95, 99] as const;

function sizeOf(h: Histogram): number {
  let n = 0;
  for (const v of h.values()) n += v;
  return n;
}

/** Summary of a token histogram: nearest-rank percentiles (exact), min, max, mean. */
function tokenSummary(h: Histogram, window: number): TokenSummaryJson {
  const keys = [...h.keys()].sort((a, b) => a - b);
  const n = sizeOf(h);
  if (n === 0) return { sequences: 0, window_overflows: 0 };
  let sum = 0;
  let overflows = 0;
  for (const k of keys) {
    sum += k * h.get(k)!;
    if (k > window) overflows += h.get(k)!;
  }
  const percentiles: Partial<Record<`p${(typeof PERCENTILES)[number]}`, number>> = {};
  let seen = 0;
  let p = 0;
  for (const k of keys) {
    seen += h.get(k)!;
    while (p < PERCENTILES.length && seen >= Math.ceil((PERCENTILES[p]! / 100) * n)) percentiles[`p${PERCENTILES[p++]!}`] = k;
  }
  // In this order in the file.
  return { sequences: n, min: keys[0]!, mean: Math.round((sum / n) * 100) / 100, ...percentiles, max: keys[keys.length - 1]!, window_overflows: overflows };
}

function rate(solved: number, records: number): number {
  return records === 0 ? 0 : Math.round((solved / records) * 1e6) / 1e6;
}

const mean = (sum: number, n: number): number => (n === 0 ? 0 : Math.round((sum / n) * 100) / 100);

/** The decomposition figures of some records (all of a solver's, or one start size's). */
function figuresJson(t: SizeTally, records: number, solved: number, window: number): Record<string, unknown> {
  const sequences = sizeOf(t.seqTokens);
  return {
    records,
    solved,
    threads: t.threads,
    sequences,
    text_tokens: t.textTokens,
    sequential_tokens: t.sequentialTokens,
    per_problem: {
      threads: mean(t.threads, records),
      sequences: mean(sequences, records),
      text_tokens: mean(t.textTokens, records),
      sequential_tokens: mean(t.sequentialTokens, records),
    },
    depth: histJson(t.depth),
    sequence_tokens: tokenSummary(t.seqTokens, window),
  };
}

const DECOMPOSITION_UNITS = {
  text_tokens: "text tokens, without <s>, </s> or prefix, of every sequence of a record added up (the records' text_token_count)",
  sequential_tokens: "the latency path when child threads run in parallel: a thread's last sequence plus, per spawn, its longest child's (sequential_token_count)",
  sequence_tokens: 'sequence lengths as in tokens (<s>, </s> and any prefix included)',
  depth: 'records by the deepest thread level used (0: the root thread alone)',
};

/**
 * stats.json. Token figures count a sequence as the training script sees it: Llama-2 tokens
 * of the text plus `<s>` and `</s>`; a sequence overflows when that exceeds the window.
 */
export function renderStats(t: CorpusTallies, solvers: readonly SolverName[], window: number): string {
  const records: Record<string, number> = { train: t.train.records };
  if (t.val) records.val = t.val.records;
  const sequences: Record<string, number> = {};
  const problems: StatsJson['problems'] = { train: { by_start_size: histJson(t.train.bySize) } };
  if (t.val) problems.val = { by_start_size: histJson(t.val.bySize) };
  const solveRate: StatsJson['solve_rate'] = {};
  const childThreads: StatsJson['child_threads_per_root'] = {};
  const tokens: StatsJson['tokens'] = { counted_as: 'text tokens (its conditioning prefix, if any, included) + 2 (<s> and </s>)', window };
  const histograms: StatsJson['histograms'] = {};
  const decomposition: StatsJson['decomposition'] = { counted_as: DECOMPOSITION_UNITS };
  let overflows = 0;
  for (const s of solvers) {
    const st = t.solvers.get(s) ?? new SearchTally();
    records[s] = st.records;
    const all: Histogram = new Map(st.rootTokens);
    mergeHist(all, st.childTokens);
    sequences[s] = sizeOf(all);
    let solved = 0;
    const bySize: StatsJson['solve_rate'][string]['by_start_size'] = {};
    for (const size of [...st.recordsBySize.keys()].sort((a, b) => a - b)) {
      const n = st.recordsBySize.get(size)!;
      const ok = st.solvedBySize.get(size) ?? 0;
      solved += ok;
      bySize[String(size)] = { records: n, solved: ok, solve_rate: rate(ok, n) };
    }
    solveRate[s] = {
      records: st.records,
      solved,
      solve_rate: rate(solved, st.records),
      stopped_by_window: st.outOfBudget,
      dropped: st.dropped,
      by_start_size: bySize,
    };
    let childSum = 0;
    let childMax = 0;
    for (const [k, v] of st.children) {
      childSum += k * v;
      childMax = Math.max(childMax, k);
    }
    childThreads[s] = {
      mean: st.records === 0 ? 0 : Math.round((childSum / st.records) * 1000) / 1000,
      max: childMax,
      histogram: histJson(st.children),
    };
    const summary = tokenSummary(all, window);
    overflows += summary.window_overflows ?? 0;
    tokens[s] = summary;
    if (solverNamed(s).shape === 'threads') {
      tokens[`${s}.root`] = tokenSummary(st.rootTokens, window);
      tokens[`${s}.child`] = tokenSummary(st.childTokens, window);
    }
    const whole = new SizeTally();
    for (const size of st.bySize.values()) whole.merge(size);
    decomposition[s] = {
      all: figuresJson(whole, st.records, solved, window),
      by_start_size: sizesJson(st.bySize, (t, size) => figuresJson(t, st.recordsBySize.get(size) ?? 0, st.solvedBySize.get(size) ?? 0, window)),
    };
    histograms[s] = {
      root_tokens: histJson(st.rootTokens),
      child_tokens: histJson(st.childTokens),
      sequence_tokens_by_start_size: sizesJson(st.bySize, (t) => histJson(t.seqTokens)),
    };
  }
  const doc: StatsJson = {
    records,
    sequences,
    problems,
    solve_rate: solveRate,
    child_threads_per_root: childThreads,
    tokens,
    window_overflows: overflows,
    decomposition,
    histograms,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** What the window did to a solver's searches, as stats.json tallies it. */
export interface WindowCuts {
  /** Unsolved searches the window stopped. */
  readonly stopped: number;
  /** Records `--fit drop` left out. */
  readonly dropped: number;
}

/**
 * Each solver's WindowCuts in a parsed stats.json: the one reader of them, for merge (its
 * tallies) and for stats and report (a record's text cannot tell a search the window stopped
 * from one that failed); a solver whose counts are not counts is left out.
 */
export function windowCutsOf(doc: Partial<StatsJson> | null): Map<string, WindowCuts> {
  const out = new Map<string, WindowCuts>();
  for (const [solver, rate] of Object.entries(doc?.solve_rate ?? {})) {
    const stopped = rate?.stopped_by_window;
    const dropped = rate?.dropped ?? 0;
    if (isCount(stopped) && isCount(dropped)) out.set(solver, { stopped, dropped });
  }
  return out;
}

/** The tallies back from a stats.json (to merge shards); `file` names it in errors. */
export function talliesFromStats(text: string, solvers: readonly SolverName[], file = 'stats.json'): CorpusTallies {
  const doc = JSON.parse(text) as StatsJson;
  const problem = (name: string): ProblemTally | undefined => {
    const p = doc.problems[name];
    if (!p) return undefined;
    return ProblemTally.from({ records: doc.records[name] ?? 0, by_start_size: p.by_start_size });
  };
  const out: CorpusTallies = { train: problem('train') ?? new ProblemTally(), val: problem('val'), solvers: new Map() };
  const cuts = windowCutsOf(doc);
  for (const s of solvers) {
    const bySize = doc.solve_rate[s]?.by_start_size ?? {};
    const t = new SearchTally();
    t.records = doc.records[s] ?? 0;
    t.outOfBudget = cuts.get(s)?.stopped ?? 0;
    t.dropped = cuts.get(s)?.dropped ?? 0;
    for (const [size, v] of Object.entries(bySize)) {
      bump(t.recordsBySize, Number(size), v.records);
      if (v.solved > 0) bump(t.solvedBySize, Number(size), v.solved);
    }
    mergeHist(t.children, histFrom(doc.child_threads_per_root[s]?.histogram));
    mergeHist(t.rootTokens, histFrom(doc.histograms[s]?.root_tokens));
    mergeHist(t.childTokens, histFrom(doc.histograms[s]?.child_tokens));
    if (t.records > 0 && !doc.decomposition?.[s]) throw new UsageError(`${file} has no decomposition figures for ${s} (an older version wrote it); make that shard again`);
    const lengths = doc.histograms[s]?.sequence_tokens_by_start_size ?? {};
    for (const [size, sums] of Object.entries(doc.decomposition?.[s]?.by_start_size ?? {})) t.bySize.set(Number(size), SizeTally.from(sums, lengths[size]));
    out.solvers.set(s, t);
  }
  return out;
}
