import type { CorpusStats, SearchStats } from './collect.js';
import type { Histogram } from './histogram.js';
import { KIND_LABEL, SEARCH_KINDS } from './kind.js';

/**
 * The headline figures of one or more corpora, as text: one table shared by the HTML report
 * and the terminal (`stats`), so both always say the same thing.
 */

export interface FigureRow {
  readonly label: string;
  /** One value per corpus, in the order given. */
  readonly values: string[];
}

export interface FigureSection {
  readonly title: string;
  readonly rows: FigureRow[];
}

export const NONE = '–';

export const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : NONE);
export const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : NONE);
const dec = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : NONE);
const countAndShare = (part: number, whole: number): string => (whole > 0 ? `${int(part)} (${pct(part, whole)})` : NONE);

const spread = (h: Histogram): string =>
  h.count === 0 ? NONE : `${int(h.mean)} / ${int(h.quantile(0.5))} / ${int(h.quantile(0.95))} / ${int(h.max)}`;

export function headlineFigures(corpora: readonly CorpusStats[]): FigureSection[] {
  const row = (label: string, f: (c: CorpusStats) => string): FigureRow => ({ label, values: corpora.map(f) });
  const window = corpora[0]?.window ?? 4096;
  const sections: FigureSection[] = [
    {
      title: 'Input',
      rows: [
        row('files read', (c) => int(c.files.filter((f) => f.ignored === undefined).length)),
        row('records', (c) => int(c.records)),
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
    const rows = [
      row('records', (c) => int(s(c).records)),
      row('solved', (c) => countAndShare(s(c).solved, s(c).records)),
      row('sequences', (c) => int(s(c).sequences)),
      row('tokens per sequence: mean / median / p95 / max', (c) => spread(s(c).seqTokens)),
      row(`sequences over the ${int(window)} window`, (c) => countAndShare(s(c).sequencesOverWindow, s(c).sequences)),
      row('records with a sequence over the window', (c) => countAndShare(s(c).recordsOverWindow, s(c).records)),
      row('tokens per problem: mean / median / p95 / max', (c) => spread(s(c).problemTokens)),
    ];
    if (kind === 'apr') {
      rows.splice(
        3,
        0,
        row('child threads per root: mean / max', (c) => (s(c).records > 0 ? `${dec(s(c).childThreads.mean)} / ${int(s(c).childThreads.max)}` : NONE)),
        row('roots that spawned', (c) => countAndShare(s(c).rootsSpawned, s(c).records)),
      );
    }
    sections.push({ title: KIND_LABEL[kind], rows });
  }
  if (corpora.some((c) => c.sequenceLines > 0)) {
    sections.push({
      title: 'Sequence lines',
      rows: [
        row('sequences', (c) => int(c.sequenceLines)),
        row('tokens per sequence: mean / median / p95 / max', (c) => spread(c.sequenceLineTokens)),
        row(`sequences over the ${int(window)} window`, (c) => countAndShare(c.sequenceLinesOverWindow, c.sequenceLines)),
        row('ending in a solution', (c) => countAndShare(c.sequenceLineOutcomes.solved, c.sequenceLines)),
      ],
    });
  }
  return sections;
}

