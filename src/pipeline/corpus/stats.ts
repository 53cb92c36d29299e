import type { SolverName } from '../../solver/strategies.js';

/**
 * The statistics of a corpus, kept as exact integer tallies (counts and histograms) so that
 * they can be checkpointed, resumed and summed across shards: stats.json is rendered from the
 * tallies alone, so a merged corpus gets the same stats.json as an unsharded run.
 */

type Histogram = Map<number, number>;

function bump(h: Histogram, value: number, by = 1): void {
  h.set(value, (h.get(value) ?? 0) + by);
}

function histJson(h: Histogram): Record<string, number> {
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

/** Tallies of a search stage: outcomes by start size, child threads, sequence token lengths. */
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

  addRecord(startSize: number, solved: boolean, children: number): void {
    this.records++;
    bump(this.recordsBySize, startSize);
    if (solved) bump(this.solvedBySize, startSize);
    bump(this.children, children);
  }

  addOutcome(outOfBudget: boolean, dropped: boolean): void {
    if (outOfBudget) this.outOfBudget++;
    if (dropped) this.dropped++;
  }

  addSequence(tokens: number, child: boolean): void {
    bump(child ? this.childTokens : this.rootTokens, tokens);
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
    return t;
  }
}

export type Tally = ProblemTally | SearchTally;

export interface CorpusTallies {
  train: ProblemTally;
  val: ProblemTally | undefined;
  solvers: Map<SolverName, SearchTally>;
}

const PERCENTILES = [50, 90, 95, 99] as const;

function sizeOf(h: Histogram): number {
  let n = 0;
  for (const v of h.values()) n += v;
  return n;
}

/** Summary of a token histogram: nearest-rank percentiles (exact), min, max, mean. */
function tokenSummary(h: Histogram, window: number): Record<string, number> {
  const keys = [...h.keys()].sort((a, b) => a - b);
  const n = sizeOf(h);
  const out: Record<string, number> = { sequences: n };
  if (n === 0) return { ...out, window_overflows: 0 };
  let sum = 0;
  let overflows = 0;
  for (const k of keys) {
    sum += k * h.get(k)!;
    if (k > window) overflows += h.get(k)!;
  }
  out.min = keys[0]!;
  out.mean = Math.round((sum / n) * 100) / 100;
  let seen = 0;
  let p = 0;
  for (const k of keys) {
    seen += h.get(k)!;
    while (p < PERCENTILES.length && seen >= Math.ceil((PERCENTILES[p]! / 100) * n)) out[`p${PERCENTILES[p++]!}`] = k;
  }
  out.max = keys[keys.length - 1]!;
  out.window_overflows = overflows;
  return out;
}

function rate(solved: number, records: number): number {
  return records === 0 ? 0 : Math.round((solved / records) * 1e6) / 1e6;
}

/**
 * stats.json. Token figures count a sequence as the training script sees it: Llama-2 tokens
 * of the text plus `<s>` and `</s>`; a sequence overflows when that exceeds the window.
 */
export function renderStats(t: CorpusTallies, solvers: readonly SolverName[], window: number): string {
  const records: Record<string, number> = { train: t.train.records };
  if (t.val) records.val = t.val.records;
  const sequences: Record<string, number> = {};
  const problems: Record<string, unknown> = { train: { by_start_size: histJson(t.train.bySize) } };
  if (t.val) problems.val = { by_start_size: histJson(t.val.bySize) };
  const solveRate: Record<string, unknown> = {};
  const childThreads: Record<string, unknown> = {};
  const tokens: Record<string, unknown> = { counted_as: 'text tokens + 2 (<s> and </s>)', window };
  const histograms: Record<string, unknown> = {};
  let overflows = 0;
  for (const s of solvers) {
    const st = t.solvers.get(s) ?? new SearchTally();
    records[s] = st.records;
    const all: Histogram = new Map(st.rootTokens);
    mergeHist(all, st.childTokens);
    sequences[s] = sizeOf(all);
    let solved = 0;
    const bySize: Record<string, unknown> = {};
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
    if (s === 'apr') {
      tokens[`${s}.root`] = tokenSummary(st.rootTokens, window);
      tokens[`${s}.child`] = tokenSummary(st.childTokens, window);
    }
    histograms[s] = { root_tokens: histJson(st.rootTokens), child_tokens: histJson(st.childTokens) };
  }
  const doc = {
    records,
    sequences,
    problems,
    solve_rate: solveRate,
    child_threads_per_root: childThreads,
    tokens,
    window_overflows: overflows,
    histograms,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** The tallies back from a stats.json (to merge shards). */
export function talliesFromStats(text: string, solvers: readonly SolverName[]): CorpusTallies {
  const doc = JSON.parse(text) as {
    records: Record<string, number>;
    problems: Record<string, { by_start_size: unknown }>;
    solve_rate: Record<string, { stopped_by_window?: number; dropped?: number; by_start_size: Record<string, { records: number; solved: number }> }>;
    child_threads_per_root: Record<string, { histogram: unknown }>;
    histograms: Record<string, { root_tokens: unknown; child_tokens: unknown }>;
  };
  const problem = (name: string): ProblemTally | undefined => {
    const p = doc.problems[name];
    if (!p) return undefined;
    return ProblemTally.from({ records: doc.records[name] ?? 0, by_start_size: p.by_start_size });
  };
  const out: CorpusTallies = { train: problem('train') ?? new ProblemTally(), val: problem('val'), solvers: new Map() };
  for (const s of solvers) {
    const bySize = doc.solve_rate[s]?.by_start_size ?? {};
    const t = new SearchTally();
    t.records = doc.records[s] ?? 0;
    t.outOfBudget = doc.solve_rate[s]?.stopped_by_window ?? 0;
    t.dropped = doc.solve_rate[s]?.dropped ?? 0;
    for (const [size, v] of Object.entries(bySize)) {
      bump(t.recordsBySize, Number(size), v.records);
      if (v.solved > 0) bump(t.solvedBySize, Number(size), v.solved);
    }
    mergeHist(t.children, histFrom(doc.child_threads_per_root[s]?.histogram));
    mergeHist(t.rootTokens, histFrom(doc.histograms[s]?.root_tokens));
    mergeHist(t.childTokens, histFrom(doc.histograms[s]?.child_tokens));
    out.solvers.set(s, t);
  }
  return out;
}
