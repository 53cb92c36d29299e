import type { TopLevelSpec } from 'vega-lite';
import { DEFAULT_WINDOW } from '../pipeline/settings.js';
import { groupedBarSpec, histogramRows, histogramSpec, outcomeSpec, planBins, renderSvg, tailNote, type Row } from './chart-specs.js';
import { LINE_OUTCOMES } from '../records/outcome.js';
import { type CorpusStats, type ProblemFigures, type Rate } from './collect.js';
import type { Histogram } from './histogram.js';
import { pct } from './figures.js';
import { isThreaded, SEARCH_KINDS, type SearchKind } from '../records/kind.js';
import { KIND_LABEL } from './kind-labels.js';
import { fmtInt } from '../io/numbers.js';

/**
 * Which charts a report holds and their data. Several corpora are drawn side by side: one
 * column (facet) per corpus, or grouped bars coloured by corpus.
 */

export interface Chart {
  /** Stable name used by the page and by tests, e.g. `tokens-apr`. */
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly svg: string;
}

interface PlannedChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

export async function corpusCharts(corpora: readonly CorpusStats[]): Promise<Chart[]> {
  const planned = [...tokenCharts(corpora), ...problemCharts(corpora), ...startSizeCharts(corpora), ...beamCharts(corpora), ...outcomeCharts(corpora)];
  const out: Chart[] = [];
  for (const c of planned) out.push({ id: c.id, title: c.title, caption: c.caption, svg: await renderSvg(c.spec) });
  return out;
}

const presentKinds = (corpora: readonly CorpusStats[]): SearchKind[] =>
  SEARCH_KINDS.filter((k) => corpora.some((c) => c.search[k].records > 0));

function tokenCharts(corpora: readonly CorpusStats[]): PlannedChart[] {
  const labels = corpora.map((c) => c.label);
  const window = corpora[0]?.window ?? DEFAULT_WINDOW;
  const windowText = fmtInt(window);
  const charts: PlannedChart[] = [];
  for (const k of presentKinds(corpora)) {
    const plan = planBins(corpora.map((c) => c.search[k].seqTokens), window);
    const rows = corpora.flatMap((c) => {
      const s = c.search[k];
      return isThreaded(k)
        ? [...histogramRows(s.rootSeqTokens, plan, c.label, 'root thread', s.sequences), ...histogramRows(s.childSeqTokens, plan, c.label, 'child threads', s.sequences)]
        : histogramRows(s.seqTokens, plan, c.label, KIND_LABEL[k], s.sequences);
    });
    const over = corpora.map((c) => `${c.label}: ${pct(c.search[k].sequencesOverWindow, c.search[k].sequences)} over it`).join(', ');
    charts.push({
      id: `tokens-${k}`,
      title: `${KIND_LABEL[k]}: tokens per ${isThreaded(k) ? 'thread ' : ''}sequence`,
      caption: `Each training sequence counted as <s> + text + </s> in Llama-2 tokens, bins of ${plan.width}; the red line is the ${windowText}-token window (${over}).${tailNote(plan)}`,
      spec: histogramSpec({ xTitle: 'tokens per sequence', yTitle: '% of sequences', rows, plan, corpora: labels, window, ...(isThreaded(k) ? { series: ['root thread', 'child threads'] } : {}) }),
    });
  }
  // Over the lines with a text: a failed output has no tokens to draw.
  if (corpora.some((c) => c.sequenceTexts > 0)) {
    const plan = planBins(corpora.map((c) => c.sequenceLineTokens), window);
    charts.push({
      id: 'tokens-sequence-lines',
      title: 'Sequence lines: tokens per sequence',
      caption: `Lines {"text": ...} of the corpus's sequence files, bins of ${plan.width}; the red line is the ${windowText}-token window.${tailNote(plan)}`,
      spec: histogramSpec({ xTitle: 'tokens per sequence', yTitle: '% of sequences', rows: corpora.flatMap((c) => histogramRows(c.sequenceLineTokens, plan, c.label, 'sequence lines', c.sequenceTexts)), plan, corpora: labels, window }),
    });
  }
  return charts;
}

function problemCharts(corpora: readonly CorpusStats[]): PlannedChart[] {
  const labels = corpora.map((c) => c.label);
  const charts: PlannedChart[] = [];
  if (corpora.some((c) => c.problems > 0)) {
    const rows = corpora.flatMap((c) =>
      c.problemStartSizes.values().map((v) => {
        const share = (100 * v.count) / c.problems;
        return { corpus: c.label, panel: 'problems', start_size: v.value, value: share, label: `${Math.round(share)}` };
      }),
    );
    charts.push({
      id: 'problem-start-sizes',
      title: 'Problems by start size',
      caption: 'Share of the problem records (in %) by how many numbers they start with.',
      spec: groupedBarSpec({ rows, x: 'start_size', xTitle: 'start size', yTitle: '% of problems', corpora: labels, panels: ['problems'] }),
    });
  }
  const kinds = presentKinds(corpora);
  for (const k of kinds) {
    const plan = planBins(corpora.map((c) => c.search[k].problems.tokens));
    charts.push({
      id: `problem-tokens-${k}`,
      title: `${KIND_LABEL[k]}: total tokens per problem`,
      caption: `Text tokens (without <s> and </s>) of all sequences of a record added up${isThreaded(k) ? ' (every thread of the tree)' : ''}, bins of ${plan.width}.${tailNote(plan)}`,
      spec: histogramSpec({ xTitle: 'tokens per problem', yTitle: '% of problems', rows: corpora.flatMap((c) => histogramRows(c.search[k].problems.tokens, plan, c.label, 'problems', c.search[k].records)), plan, corpora: labels }),
    });
  }
  for (const k of kinds.filter(isThreaded)) {
    const plan = planBins(corpora.map((c) => c.search[k].problems.threads));
    charts.push({
      id: `threads-${k}`,
      title: `${KIND_LABEL[k]}: threads per problem`,
      caption: `The root thread and every child thread under it, at every level${plan.width > 1 ? `, bins of ${plan.width}` : ''}.${tailNote(plan)}`,
      spec: histogramSpec({ xTitle: 'threads', yTitle: '% of problems', rows: corpora.flatMap((c) => histogramRows(c.search[k].problems.threads, plan, c.label, 'problems', c.search[k].records)), plan, corpora: labels }),
    });
  }
  return charts;
}

function rateRows(corpora: readonly CorpusStats[], pick: (c: CorpusStats, k: SearchKind) => ReadonlyMap<number, Rate>, field: string): Row[] {
  const rows: Row[] = [];
  for (const c of corpora) {
    for (const k of SEARCH_KINDS) {
      for (const [key, r] of [...pick(c, k)].sort((a, b) => a[0] - b[0])) {
        const rate = (100 * r.solved) / r.n;
        rows.push({ corpus: c.label, panel: KIND_LABEL[k], [field]: key, value: rate, n: r.n, label: `${Math.round(rate)}` });
      }
    }
  }
  return rows;
}

const panelsOf = (rows: Row[]) => [...new Set(rows.map((r) => r.panel as string))];

/** 10.9k, 893k, 1.2M: a bar's label. */
export function compact(n: number): string {
  if (n < 1000) return String(Math.round(n));
  const [unit, div] = n < 1e6 ? ['k', 1e3] : ['M', 1e6];
  const v = n / div;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)}${unit}`;
}

/** Mean of a per-problem figure by start size, one panel per search kind. */
function meanRows(corpora: readonly CorpusStats[], kinds: readonly SearchKind[], pick: (p: ProblemFigures) => Histogram): Row[] {
  const rows: Row[] = [];
  for (const c of corpora) {
    for (const k of kinds) {
      for (const [size, p] of [...c.search[k].byStartSize].sort((a, b) => a[0] - b[0])) {
        const mean = pick(p).mean;
        rows.push({ corpus: c.label, panel: KIND_LABEL[k], start_size: size, value: mean, n: p.n, label: compact(mean) });
      }
    }
  }
  return rows;
}

function startSizeCharts(corpora: readonly CorpusStats[]): PlannedChart[] {
  const labels = corpora.map((c) => c.label);
  const charts: PlannedChart[] = [];
  const byStart = rateRows(corpora, (c, k) => c.search[k].byStartSize, 'start_size');
  if (byStart.length === 0) return charts;
  charts.push({
    id: 'solve-by-start-size',
    title: 'Solve rate by start size',
    caption: 'Share of records whose search reached the target (the number on each bar, in %), by how many numbers the problem starts with.',
    spec: groupedBarSpec({ rows: byStart, x: 'start_size', xTitle: 'start size', yTitle: 'solved (%)', yMax: 100, corpora: labels, panels: panelsOf(byStart) }),
  });
  // Tokens grow by about an order of magnitude per number: a log scale keeps every size readable.
  const tokens = meanRows(corpora, presentKinds(corpora), (p) => p.tokens);
  charts.push({
    id: 'tokens-by-start-size',
    title: 'Tokens per problem by start size',
    caption: 'Mean text tokens (without <s> and </s>) of all sequences of a record added up, every thread of the tree: the compute one demonstration costs (log scale).',
    spec: groupedBarSpec({ rows: tokens, x: 'start_size', xTitle: 'start size', yTitle: 'mean tokens per problem', log: true, corpora: labels, panels: panelsOf(tokens) }),
  });
  const threaded = presentKinds(corpora).filter(isThreaded);
  if (threaded.length > 0) {
    const sequential = meanRows(corpora, threaded, (p) => p.sequential);
    charts.push({
      id: 'sequential-by-start-size',
      title: `${threaded.map((k) => KIND_LABEL[k]).join(', ')}: sequential tokens per problem by start size`,
      caption: "Mean text tokens along the latency path when child threads run in parallel: a thread's last sequence plus, for each of its spawns, the sequential tokens of its longest child (log scale).",
      spec: groupedBarSpec({ rows: sequential, x: 'start_size', xTitle: 'start size', yTitle: 'mean sequential tokens', log: true, corpora: labels, panels: panelsOf(sequential) }),
    });
  }
  return charts;
}

function beamCharts(corpora: readonly CorpusStats[]): PlannedChart[] {
  const byBeam = rateRows(corpora, (c, k) => c.search[k].byBeam, 'beam');
  if (byBeam.length === 0) return [];
  return [
    {
      id: 'solve-by-beam',
      title: 'Solve rate by beam size',
      caption: 'Share of records solved (in %), by the beam the record was searched with.',
      spec: groupedBarSpec({ rows: byBeam, x: 'beam', xTitle: 'beam size', yTitle: 'solved (%)', yMax: 100, corpora: corpora.map((c) => c.label), panels: panelsOf(byBeam) }),
    },
  ];
}

function outcomeCharts(corpora: readonly CorpusStats[]): PlannedChart[] {
  const rows: Row[] = [];
  const order: string[] = [];
  const prefix = (c: CorpusStats) => (corpora.length > 1 ? `${c.label} · ` : '');
  const add = (group: string, counts: Readonly<Record<string, number>>) => {
    order.push(group);
    LINE_OUTCOMES.forEach((o, rank) => {
      if ((counts[o] ?? 0) > 0) rows.push({ group, outcome: o, count: counts[o] ?? 0, rank });
    });
  };
  for (const k of SEARCH_KINDS) {
    for (const c of corpora) {
      const s = c.search[k];
      if (s.records === 0) continue;
      add(`${prefix(c)}${KIND_LABEL[k]} records`, { solved: s.solved, 'no solution': s.records - s.solved });
      add(`${prefix(c)}${KIND_LABEL[k]} sequences`, s.sequenceOutcomes);
    }
  }
  for (const c of corpora) if (c.sequenceLines > 0) add(`${prefix(c)}sequence lines`, c.sequenceLineOutcomes);
  if (rows.length === 0) return [];
  return [
    {
      id: 'outcomes',
      title: 'Records and sequences by outcome',
      caption: 'A record is solved when its search reached the target; a sequence ends in the goal, in a spawn of child threads (APR), or without a solution; a sequence line with no text is a failed output.',
      spec: outcomeSpec(rows, order),
    },
  ];
}
