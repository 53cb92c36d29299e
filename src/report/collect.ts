import { DEFAULT_WINDOW } from '../pipeline/settings.js';
import type { WindowCuts } from '../pipeline/corpus/stats.js';
import { figureFieldFaults, recordFigures } from '../serializers/record-view.js';
import type { ThreadFigures } from '../serializers/sequences.js';
import { countTextTokens, threadTokens } from '../tokens/llama.js';
import { conditionedLength, textFirstLine } from '../serializers/conditioning.js';
import { type Conditioning } from '../records/conditioning-prefix.js';
import { Histogram } from './histogram.js';
import { classify, failedOutputFault, isThreaded, searchTypeBeam, type RecordKind, type SearchKind } from '../records/kind.js';
import type { ReadIssue } from '../records/read.js';
import { recordTraceDict } from '../records/trace-dict.js';
import { recordSolved, sequenceOutcome, type LineOutcome, type Outcome } from '../records/outcome.js';

/**
 * Running statistics of one corpus. Each record is folded in and dropped, so memory depends
 * on the number of distinct values seen (bounded by the histograms), never on the corpus size.
 */

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
const lineOutcomeCounts = (): Record<LineOutcome, number> => ({ ...outcomeCounts(), 'failed output': 0 });

/**
 * Per-problem figures of a record's thread tree: threads, sequences, the deepest level used,
 * and text tokens (no `<s>`, `</s>`) in all and along the sequential path.
 */
export class ProblemFigures implements Rate {
  /** Records, and the solved ones among them. */
  n = 0;
  solved = 0;
  readonly threads = new Histogram();
  readonly sequences = new Histogram();
  readonly depth = new Histogram();
  readonly tokens = new Histogram();
  readonly sequential = new Histogram();

  add(f: ThreadFigures, solved: boolean): void {
    this.n++;
    if (solved) this.solved++;
    this.threads.add(f.threads);
    this.sequences.add(f.sequences);
    this.depth.add(f.depth);
    this.tokens.add(f.totalTokens);
    this.sequential.add(f.sequentialTokens);
  }
}

/** Figures of one search kind (SoS+, APR, DFS or BFS) within a corpus. */
export class SearchStats {
  /** The thread-tree figures of every record, and by start size (which also give solve rates). */
  readonly problems = new ProblemFigures();
  readonly byStartSize = new Map<number, ProblemFigures>();
  /** Records with at least one sequence longer than the window. */
  recordsOverWindow = 0;
  readonly byBeam = new Map<number, Rate>();
  sequences = 0;
  sequencesOverWindow = 0;
  readonly sequenceOutcomes = outcomeCounts();
  /** Tokens per sequence; for APR also split by the thread's role. */
  readonly seqTokens = new Histogram();
  readonly rootSeqTokens = new Histogram();
  readonly childSeqTokens = new Histogram();
  /** APR: roots that spawned at least one child thread. */
  rootsSpawned = 0;
  /** Records carrying figure fields (default mode), and those whose fields disagree with the text. */
  figuresChecked = 0;
  figuresDisagree = 0;
  /** A corpus folder's: what its stats.json says the window did (the text cannot tell); undefined for record files. */
  windowCuts: WindowCuts | undefined;

  get records(): number {
    return this.problems.n;
  }

  get solved(): number {
    return this.problems.solved;
  }
}

export interface FileSummary {
  readonly path: string;
  /** Lines read as a record or a sequence line (byKind splits them). */
  lines: number;
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
  readonly search: Record<SearchKind, SearchStats> = { sosp: new SearchStats(), apr: new SearchStats(), dfs: new SearchStats(), bfs: new SearchStats() };
  sequenceLines = 0;
  sequenceLinesOverWindow = 0;
  readonly sequenceLineTokens = new Histogram();
  /** Every sequence line's outcome, a failed output's (no text, so no tokens) included. */
  readonly sequenceLineOutcomes = lineOutcomeCounts();

  constructor(
    readonly label: string,
    readonly window = DEFAULT_WINDOW,
    /** A corpus folder's conditioning per kind: its sequences are measured with their prefix, as the window bounds them. */
    readonly conditions: Partial<Record<SearchKind, Conditioning>> = {},
  ) {}

  /** Sequence lines with a text: all but the failed outputs. */
  get sequenceTexts(): number {
    return this.sequenceLines - this.sequenceLineOutcomes['failed output'];
  }

  /** Lines read as a record or a sequence line; `sequenceLines` are the latter. */
  get lines(): number {
    return this.files.reduce((n, f) => n + f.lines, 0);
  }

  /** Adds one issue; returns whether it is among the ones kept for display. */
  note(issue: ReadIssue, file: FileSummary | undefined): boolean {
    const lost = issue.line !== undefined && issue.code !== 'comma';
    if (lost && file) file.skipped++;
    if (lost) this.skipped++;
    const kept = this.issues.filter((i) => i.file === issue.file).length < ISSUES_KEPT_PER_FILE;
    if (kept) this.issues.push(issue);
    return kept;
  }

  /**
   * Folds in one parsed line. Returns undefined when counted, or why the line is not a
   * record this report knows.
   */
  add(value: unknown, file: FileSummary): string | undefined {
    if (failedOutputFault(value) !== undefined) {
      // A failed generation is a sequence line that solved nothing, not a line to skip.
      this.countLine(file, 'sequence');
      this.sequenceLines++;
      this.sequenceLineOutcomes['failed output']++;
      return undefined;
    }
    const c = classify(value);
    if (c.kind === undefined) return c.reason;
    this.countLine(file, c.kind);
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

  private countLine(file: FileSummary, kind: RecordKind): void {
    file.lines++;
    file.byKind[kind] = (file.byKind[kind] ?? 0) + 1;
  }

  private addSearch(s: SearchStats, kind: SearchKind, r: Record<string, unknown>): void {
    let over = false;
    const condition = this.conditions[kind] ?? 'none';
    const children = condition === 'none' ? 0 : recordTraceDict(r).sub_calls.flat().length;
    const figures = recordFigures(r, countTextTokens, (text, textTokens, level) => {
      const { tokens } = conditionedLength(condition, { tokens: textTokens, isRoot: level === 0 }, children, () => textFirstLine(text));
      s.sequences++;
      s.seqTokens.add(tokens);
      if (isThreaded(kind)) (level === 0 ? s.rootSeqTokens : s.childSeqTokens).add(tokens);
      if (tokens > this.window) {
        s.sequencesOverWindow++;
        over = true;
      }
      s.sequenceOutcomes[sequenceOutcome(text)]++;
    });
    const solved = recordSolved(r);
    if (over) s.recordsOverWindow++;
    if (figures.threads > 1) s.rootsSpawned++;
    const size = startSize(r);
    s.problems.add(figures, solved);
    let bySize = s.byStartSize.get(size);
    if (!bySize) s.byStartSize.set(size, (bySize = new ProblemFigures()));
    bySize.add(figures, solved);
    const faults = figureFieldFaults(r, () => figures);
    if (faults) {
      s.figuresChecked++;
      if (faults.length > 0) s.figuresDisagree++;
    }
    const beam = beamOf(r);
    if (beam !== undefined) bump(s.byBeam, beam, solved);
  }
}

function startSize(r: Record<string, unknown>): number {
  return typeof r.start_size === 'number' ? r.start_size : (r.nums as number[]).length;
}

/** The beam a record was searched with: `beam_size`, or the number in `sosp_5` / `bfs_3`. */
function beamOf(r: Record<string, unknown>): number | undefined {
  if (typeof r.beam_size === 'number') return r.beam_size;
  return typeof r.search_type === 'string' ? searchTypeBeam(r.search_type) : undefined;
}
