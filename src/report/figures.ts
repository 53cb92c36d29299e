import { DEFAULT_WINDOW } from '../pipeline/settings.js';
import type { CorpusStats, ProblemFigures, SearchStats } from './collect.js';
import type { WindowCuts } from '../pipeline/corpus/stats.js';
import type { Histogram } from './histogram.js';
import { isThreaded, SEARCH_KINDS } from '../records/kind.js';
import { KIND_LABEL } from './kind-labels.js';
import { fmtInt, percent, plural } from '../io/numbers.js';

/**
 * The headline figures of one or more corpora, as text: one table shared by the HTML report
 * and the terminal (`stats`), so both always say the same thing.
 */

export interface FigureRow {
  readonly label: string;
  /** One value per corpus, in the order given. */
  readonly values: string[];
  /** The values are lists of any length (depth shares), not figures to line up. */
  readonly list?: boolean;
}

export interface FigureSection {
  readonly title: string;
  readonly rows: FigureRow[];
}

export const NONE = '–';

export const int = (n: number): string => (Number.isFinite(n) ? fmtInt(n) : NONE);

/** Lines read, in words: records and sequence lines apart, as verify counts them (`lines` counts both). */
export function linesRead(lines: number, sequenceLines: number): string {
  return sequenceLines > 0 ? `${plural(lines - sequenceLines, 'record')} and ${plural(sequenceLines, 'sequence line')}` : plural(lines, 'record');
}
export const pct = (part: number, whole: number): string => (whole > 0 ? `${percent(part, whole)}%` : NONE);
const dec = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : NONE);
const countAndShare = (part: number, whole: number): string => (whole > 0 ? `${int(part)} (${pct(part, whole)})` : NONE);

const spread = (h: Histogram): string =>
  h.count === 0 ? NONE : `${int(h.mean)} / ${int(h.quantile(0.5))} / ${int(h.quantile(0.95))} / ${int(h.max)}`;
/** Small counts (threads, sequences) keep a decimal in their mean. */
const countSpread = (h: Histogram): string =>
  h.count === 0 ? NONE : `${dec(h.mean)} / ${int(h.quantile(0.5))} / ${int(h.quantile(0.95))} / ${int(h.max)}`;
/** Share of records at each depth level, `0: 12% · 1: 88%`. */
const depthShares = (h: Histogram): string =>
  h.count === 0 ? NONE : h.values().map((v) => `${v.value}: ${pct(v.count, h.count)}`).join(' · ');

const SPREAD = 'mean / median / p95 / max';

/**
 * Rows of the thread-tree figures of a set of records (all of a kind's, or one start
 * size's). Threads, sequences, depth and sequential tokens say something only where a
 * record can hold more than one thread (APR); text tokens per problem hold for every kind.
 */
function problemRows(pick: (c: CorpusStats) => ProblemFigures | undefined, threaded: boolean, row: RowMaker): FigureRow[] {
  const of = (f: (p: ProblemFigures) => string) => (c: CorpusStats) => {
    const p = pick(c);
    return p && p.n > 0 ? f(p) : NONE;
  };
  const rows: FigureRow[] = [];
  if (threaded) {
    rows.push(
      row(`threads per problem: ${SPREAD}`, of((p) => countSpread(p.threads))),
      row(`sequences per problem: ${SPREAD}`, of((p) => countSpread(p.sequences))),
      { ...row('depth used (share of records)', of((p) => depthShares(p.depth))), list: true },
    );
  }
  rows.push(row(`text tokens per problem: ${SPREAD}`, of((p) => spread(p.tokens))));
  if (threaded) rows.push(row(`sequential tokens per problem: ${SPREAD}`, of((p) => spread(p.sequential))));
  return rows;
}

type RowMaker = (label: string, f: (c: CorpusStats) => string) => FigureRow;

export function headlineFigures(corpora: readonly CorpusStats[]): FigureSection[] {
  const row = (label: string, f: (c: CorpusStats) => string): FigureRow => ({ label, values: corpora.map(f) });
  const window = corpora[0]?.window ?? DEFAULT_WINDOW;
  const sections: FigureSection[] = [
    {
      title: 'Input',
      rows: [
        row('files read', (c) => int(c.files.filter((f) => f.ignored === undefined).length)),
        row('records', (c) => int(c.lines - c.sequenceLines)),
        ...(corpora.some((c) => c.sequenceLines > 0) ? [row('sequence lines', (c) => int(c.sequenceLines))] : []),
        row('lines skipped', (c) => int(c.skipped)),
      ],
    },
  ];
  if (corpora.some((c) => c.problems > 0)) {
    sections.push({
      title: 'Problems',
      rows: [
        row('problem records', (c) => int(c.problems)),
        row('start sizes', (c) => (c.problems > 0 ? `${c.problemStartSizes.min}..${c.problemStartSizes.max}` : NONE)),
      ],
    });
  }
  for (const kind of SEARCH_KINDS) {
    if (!corpora.some((c) => c.search[kind].records > 0)) continue;
    const s = (c: CorpusStats): SearchStats => c.search[kind];
    const threaded = isThreaded(kind);
    const cut = (f: (w: WindowCuts, c: CorpusStats) => string) => (c: CorpusStats) => {
      const w = s(c).windowCuts;
      return w ? f(w, c) : NONE;
    };
    const rows = [
      row('records', (c) => int(s(c).records)),
      row('solved', (c) => countAndShare(s(c).solved, s(c).records)),
      // Only a corpus's stats.json knows (a stopped search's text ends as a failed one's); a record file shows none.
      // Over the searches made: --fit drop's records are among the stopped ones, not among the records kept.
      ...(corpora.some((c) => s(c).windowCuts !== undefined) ? [row('searches the window stopped (stats.json)', cut((w, c) => countAndShare(w.stopped, s(c).records + w.dropped)))] : []),
      ...(corpora.some((c) => (s(c).windowCuts?.dropped ?? 0) > 0) ? [row('records --fit drop left out (stats.json)', cut((w) => int(w.dropped)))] : []),
      ...(threaded ? [row('roots that spawned', (c) => countAndShare(s(c).rootsSpawned, s(c).records))] : []),
      ...problemRows((c) => s(c).problems, threaded, row),
      row('sequences', (c) => int(s(c).sequences)),
      row(`tokens per sequence: ${SPREAD}`, (c) => spread(s(c).seqTokens)),
      row(`sequences over the ${int(window)} window`, (c) => countAndShare(s(c).sequencesOverWindow, s(c).sequences)),
      row('records with a sequence over the window', (c) => countAndShare(s(c).recordsOverWindow, s(c).records)),
    ];
    if (corpora.some((c) => s(c).figuresChecked > 0)) {
      rows.push(
        row("records whose figure fields disagree with their text", (c) => (s(c).figuresChecked > 0 ? countAndShare(s(c).figuresDisagree, s(c).figuresChecked) : NONE)),
      );
    }
    sections.push({ title: KIND_LABEL[kind], rows });
    // By start size, when the corpora hold more than one.
    const sizes = [...new Set(corpora.flatMap((c) => [...s(c).byStartSize.keys()]))].sort((a, b) => a - b);
    if (sizes.length > 1) {
      for (const size of sizes) {
        const at = (c: CorpusStats) => s(c).byStartSize.get(size);
        sections.push({
          title: `${KIND_LABEL[kind]}, ${size} numbers`,
          rows: [
            row('records', (c) => int(at(c)?.n ?? 0)),
            row('solved', (c) => countAndShare(at(c)?.solved ?? 0, at(c)?.n ?? 0)),
            ...problemRows(at, threaded, row),
          ],
        });
      }
    }
  }
  if (corpora.some((c) => c.sequenceLines > 0)) {
    sections.push({
      title: 'Sequence lines',
      rows: [
        // Where some lines have no text, their count is shown first: the shares below are of it or of the sequences.
        ...(corpora.some((c) => c.sequenceLineOutcomes['failed output'] > 0)
          ? [row('lines', (c) => int(c.sequenceLines)), row('failed outputs (no text)', (c) => countAndShare(c.sequenceLineOutcomes['failed output'], c.sequenceLines))]
          : []),
        row('sequences', (c) => int(c.sequenceTexts)),
        row('tokens per sequence: mean / median / p95 / max', (c) => spread(c.sequenceLineTokens)),
        row(`sequences over the ${int(window)} window`, (c) => countAndShare(c.sequenceLinesOverWindow, c.sequenceTexts)),
        // Over every line: a failed output is a generation that solved nothing.
        row('lines ending in a solution (unchecked: verify --grades checks)', (c) => countAndShare(c.sequenceLineOutcomes.solved, c.sequenceLines)),
      ],
    });
  }
  return sections;
}

