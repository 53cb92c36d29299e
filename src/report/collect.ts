import { threadTokens } from '../tokens/llama.js';
import { Histogram } from './histogram.js';
import { classify, type RecordKind, type SearchKind } from './kind.js';
import type { ReadIssue } from './read.js';

/**
 * Running statistics of one corpus. Each record is folded in and dropped, so memory depends
 * on the number of distinct values seen (bounded by the histograms), never on the corpus size.
 */

export const DEFAULT_WINDOW = 4096;

/** How a sequence ends: it found the goal, handed work to child threads, or gave up. */
export const OUTCOMES = ['solved', 'spawned children', 'no solution'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export function sequenceOutcome(text: string): Outcome {
  const end = text.trimEnd();
  if (end.endsWith('<End Calling Sub Searches>')) return 'spawned children';
  const lastLine = end.slice(end.lastIndexOf('\n') + 1);
  return / equal: Goal Reached$/.test(lastLine) ? 'solved' : 'no solution';
}

export interface Rate {
  n: number;
  solved: number;
}

const bump = (m: Map<number, Rate>, key: number, solved: boolean) => {
  const r = m.get(key) ?? { n: 0, solved: 0 };
  r.n++;
  if (solved) r.solved++;
  m.set(key, r);
};

const outcomeCounts = (): Record<Outcome, number> => ({ solved: 0, 'spawned children': 0, 'no solution': 0 });

/** Figures of one search kind (SoS+, APR, or DFS/BFS) within a corpus. */
export class SearchStats {
  records = 0;
  solved = 0;
  /** Records with at least one sequence longer than the window. */
  recordsOverWindow = 0;
  readonly byStartSize = new Map<number, Rate>();
  readonly byBeam = new Map<number, Rate>();
  sequences = 0;
  sequencesOverWindow = 0;
  readonly sequenceOutcomes = outcomeCounts();
  /** Tokens per sequence; for APR also split by the thread's role. */
  readonly seqTokens = new Histogram();
  readonly rootSeqTokens = new Histogram();
  readonly childSeqTokens = new Histogram();
  readonly problemTokens = new Histogram();
  /** APR: child threads under each root (all levels). */
  readonly childThreads = new Histogram();
  /** APR: roots that spawned at least one child thread. */
  rootsSpawned = 0;
  maxLevel = 0;
}

export interface FileSummary {
  readonly path: string;
  records: number;
  skipped: number;
  readonly byKind: Partial<Record<RecordKind, number>>;
  /** Set when a file in a folder held no records of a known kind and was left out. */
  ignored?: string;
}

/** How many issue messages are kept (and printed) per file; the rest are only counted. */
export const ISSUES_KEPT_PER_FILE = 5;

export class CorpusStats {
  readonly files: FileSummary[] = [];
  /** The first few issues of each file, for the report; `skipped` counts them all. */
  readonly issues: ReadIssue[] = [];
  skipped = 0;
  problems = 0;
  readonly problemStartSizes = new Histogram();
  readonly search: Record<SearchKind, SearchStats> = { sosp: new SearchStats(), apr: new SearchStats(), other: new SearchStats() };
  sequenceLines = 0;
  sequenceLinesOverWindow = 0;
  readonly sequenceLineTokens = new Histogram();
  readonly sequenceLineOutcomes = outcomeCounts();

  constructor(
    readonly label: string,
    readonly window = DEFAULT_WINDOW,
  ) {}

  get records(): number {
    return this.files.reduce((n, f) => n + f.records, 0);
  }

  /** Adds one issue; returns whether it is among the ones kept for display. */
  note(issue: ReadIssue, file: FileSummary | undefined): boolean {
    if (issue.line !== undefined && file) file.skipped++;
    if (issue.line !== undefined) this.skipped++;
    const kept = this.issues.filter((i) => i.file === issue.file).length < ISSUES_KEPT_PER_FILE;
    if (kept) this.issues.push(issue);
    return kept;
  }

  /**
   * Folds in one parsed line. Returns undefined when counted, or why the line is not a
   * record this report knows.
   */
  add(value: unknown, file: FileSummary): string | undefined {
    const c = classify(value);
    if (c.kind === undefined) return c.reason;
    file.records++;
    file.byKind[c.kind] = (file.byKind[c.kind] ?? 0) + 1;
    const r = c.record;
    if (c.kind === 'problem') {
      this.problems++;
      this.problemStartSizes.add(startSize(r));
    } else if (c.kind === 'sequence') {
      const text = r.text as string;
      const tokens = threadTokens(text);
      this.sequenceLines++;
      this.sequenceLineTokens.add(tokens);
      if (tokens > this.window) this.sequenceLinesOverWindow++;
      this.sequenceLineOutcomes[sequenceOutcome(text)]++;
    } else {
      this.addSearch(this.search[c.kind], c.kind, r);
    }
    return undefined;
  }

  private addSearch(s: SearchStats, kind: SearchKind, r: Record<string, unknown>): void {
    let total = 0;
    let over = false;
    const addSequence = (text: string, level: number) => {
      const tokens = threadTokens(text);
      total += tokens;
      s.sequences++;
      s.seqTokens.add(tokens);
      if (kind === 'apr') (level === 0 ? s.rootSeqTokens : s.childSeqTokens).add(tokens);
      if (tokens > this.window) {
        s.sequencesOverWindow++;
        over = true;
      }
      s.sequenceOutcomes[sequenceOutcome(text)]++;
    };
    let solved: boolean;
    if (kind === 'apr') {
      const root = r.trace_dict as TraceDict;
      let threads = 0;
      const walk = (d: TraceDict, level: number) => {
        threads++;
        if (level > s.maxLevel) s.maxLevel = level;
        for (const text of d.main_calls) addSequence(text, level);
        for (const group of d.sub_calls) for (const kid of group) walk(kid, level + 1);
      };
      walk(root, 0);
      s.childThreads.add(threads - 1);
      if (threads > 1) s.rootsSpawned++;
      solved = sequenceOutcome(root.main_calls[root.main_calls.length - 1]!) === 'solved';
    } else {
      const path = r.search_path as string;
      addSequence(path, 0);
      solved = path.includes('Goal Reached');
    }
    s.records++;
    if (solved) s.solved++;
    if (over) s.recordsOverWindow++;
    s.problemTokens.add(total);
    bump(s.byStartSize, startSize(r), solved);
    const beam = beamOf(r);
    if (beam !== undefined) bump(s.byBeam, beam, solved);
  }
}

interface TraceDict {
  main_calls: string[];
  sub_calls: TraceDict[][];
}

function startSize(r: Record<string, unknown>): number {
  return typeof r.start_size === 'number' ? r.start_size : (r.nums as number[]).length;
}

/** The beam a record was searched with: `beam_size`, or the number in `sosp_5` / `bfs_3`. */
function beamOf(r: Record<string, unknown>): number | undefined {
  if (typeof r.beam_size === 'number') return r.beam_size;
  const m = typeof r.search_type === 'string' ? /_(\d+)$/.exec(r.search_type) : null;
  return m ? Number(m[1]) : undefined;
}
