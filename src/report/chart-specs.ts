import { logger, parse, View, Error as VegaErrorLevel } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { LINE_OUTCOMES, OUTCOMES } from '../records/outcome.js';
import { windowAligned, type Histogram } from './histogram.js';
import { fmtInt } from '../io/numbers.js';

/**
 * Vega-Lite specs of the report's chart types, and their rendering to SVG strings in Node
 * (the 'none' renderer needs no canvas or browser), so the page carries finished drawings.
 */

export type Row = Record<string, string | number>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** One per LINE_OUTCOMES: solved, spawned children, no solution, failed output. */
const OUTCOME_COLORS = ['#2ca02c', '#1f77b4', '#c7c7c7', '#ff7f0e'];
const WINDOW_COLOR = '#d62728';

/** Errors only: Vega-Lite's layout notes (e.g. on independent facet scales) are not the user's business. */
const quiet = () => logger(VegaErrorLevel);

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec, { logger: quiet() }).spec), { renderer: 'none', logger: quiet() });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Panel width so that side-by-side panels still fit a page. */
const panelWidth = (corpora: number) => Math.max(220, Math.min(560, Math.floor(900 / corpora) - 40));

/**
 * The x axis of a histogram: power-of-two bins, the last that fits ending at the window (a
 * sequence of exactly the window's length fits), at most ~64 of them, and a long tail gathered into one last bar so that it does
 * not squeeze the bulk of the distribution into a few bars.
 */
export interface BinPlan {
  readonly width: number;
  /** First value of the gathered tail bar, when there is one. */
  readonly tailFrom: number | undefined;
  readonly max: number;
  /** Where bins start (plus multiples of the width): exact counts get bins that end at the window, so no bar holds both sides of it. */
  readonly from: number;
}

export function planBins(hs: readonly Histogram[], window?: number, minWidth = 1): BinPlan {
  const filled = hs.filter((h) => h.count > 0);
  const max = Math.max(0, ...filled.map((h) => h.max));
  const p99 = Math.max(0, ...filled.map((h) => h.quantile(0.99)));
  const shown = Math.min(max, Math.max(p99, window !== undefined ? window * 1.25 : 0));
  const resolution = Math.max(1, ...filled.map((h) => h.resolution));
  let width = Math.max(minWidth, resolution);
  while (shown / width > 64) width *= 2;
  const from = windowAligned(window, width, resolution);
  const tailFrom = Math.floor((shown - from) / width) * width + width + from;
  return { width, tailFrom: tailFrom <= max ? tailFrom : undefined, max, from };
}

/** Rows of one histogram as percentages of `of`, tagged with corpus and series. */
export function histogramRows(h: Histogram, plan: BinPlan, corpus: string, series: string, of: number): Row[] {
  const rows: Row[] = [];
  let tail = 0;
  for (const b of h.bins(plan.width, plan.from)) {
    if (plan.tailFrom !== undefined && b.start >= plan.tailFrom) tail += b.count;
    else rows.push({ corpus, series, start: b.start, end: b.end, share: (100 * b.count) / of, count: b.count });
  }
  if (tail > 0) rows.push({ corpus, series, start: plan.tailFrom!, end: plan.tailFrom! + plan.width, share: (100 * tail) / of, count: tail });
  return rows;
}

export const tailNote = (plan: BinPlan): string =>
  plan.tailFrom === undefined ? '' : ` The last bar gathers everything from ${fmtInt(plan.tailFrom)} up (the largest is ${fmtInt(plan.max)}).`;

export interface HistogramSpecInput {
  readonly xTitle: string;
  readonly yTitle: string;
  readonly rows: Row[];
  readonly plan: BinPlan;
  readonly corpora: readonly string[];
  readonly series?: readonly string[];
  readonly window?: number;
}

export function histogramSpec(c: HistogramSpecInput): TopLevelSpec {
  const { width, tailFrom, max, from } = c.plan;
  const lastEdge = tailFrom !== undefined ? tailFrom + width : Math.floor((max - from) / width) * width + width + from;
  const domainMax = Math.max(lastEdge, c.window !== undefined ? c.window * 1.05 : 0);
  // Vega-Lite makes an axis tick per step of a binned axis: a window far past the data (report --window 100000000) asked for millions.
  const steps = domainMax / width;
  const bars = {
    mark: { type: 'bar', stroke: 'white', strokeWidth: 0.3 },
    encoding: {
      // Pre-binned data: vega-lite then draws vertical bars from x to x2.
      x: { field: 'start', type: 'quantitative', bin: steps <= 256 ? { binned: true, step: width } : { binned: true }, title: c.xTitle, axis: { tickCount: 8, labelFlush: true }, scale: { domain: [0, domainMax], nice: false } },
      x2: { field: 'end' },
      y: { field: 'share', type: 'quantitative', title: c.yTitle, stack: true },
      ...(c.series ? { color: { field: 'series', type: 'nominal', title: null, scale: { domain: c.series }, legend: { orient: 'top' } } } : {}),
    },
  };
  const layers: unknown[] = [bars];
  if (c.window !== undefined) {
    // One rule per panel: aggregate the panel's rows to a single one first.
    const one = [{ aggregate: [{ op: 'count', as: 'n' }], groupby: ['corpus'] }];
    layers.push(
      { transform: one, mark: { type: 'rule', color: WINDOW_COLOR, strokeDash: [5, 3], strokeWidth: 2 }, encoding: { x: { datum: c.window } } },
      {
        transform: one,
        mark: { type: 'text', color: WINDOW_COLOR, align: 'left', dx: 4, baseline: 'top', y: 2 },
        encoding: { x: { datum: c.window }, text: { value: `window ${fmtInt(c.window)}` } },
      },
    );
  }
  return {
    $schema: SCHEMA,
    data: { values: c.rows },
    facet: { column: { field: 'corpus', type: 'nominal', title: null, sort: c.corpora } },
    spec: { width: panelWidth(c.corpora.length), height: 180, layer: layers },
    config: { view: { stroke: '#ddd' } },
  } as TopLevelSpec;
}

export interface GroupedBars {
  readonly rows: Row[];
  /** The field on the x axis (ordinal), its title, and the y axis title (y is `value`). */
  readonly x: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly yMax?: number;
  /** A log y axis, for values that span orders of magnitude. */
  readonly log?: boolean;
  readonly corpora: readonly string[];
  /** Values of the rows' `panel` field: one panel each, side by side. */
  readonly panels: readonly string[];
}

/** Bars grouped by corpus (one colour each) over an ordinal x, one panel per `panel` value, labelled with `label`. */
export function groupedBarSpec(g: GroupedBars): TopLevelSpec {
  // A log axis has no zero: bars rise from the power of ten below the smallest value.
  const floor = g.log ? 10 ** (Math.ceil(Math.log10(Math.max(1, Math.min(...g.rows.map((r) => Number(r.value)))))) - 1) : 0;
  const scale = g.log ? { scale: { type: 'log', domainMin: floor }, stack: null } : g.yMax !== undefined ? { scale: { domain: [0, g.yMax] } } : {};
  const enc = {
    x: { field: g.x, type: 'ordinal', title: g.xTitle, axis: { labelAngle: 0 } },
    // Every corpus keeps its place and colour in every chart, even where it has no bars.
    xOffset: { field: 'corpus', type: 'nominal', scale: { domain: g.corpora } },
    y: { field: 'value', type: 'quantitative', title: g.yTitle, ...scale },
  };
  return {
    $schema: SCHEMA,
    data: { values: g.rows },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: g.panels } },
    spec: {
      width: { step: Math.max(22, 16 * g.corpora.length + 10) },
      height: 170,
      layer: [
        { mark: 'bar', encoding: { ...enc, ...(g.log ? { y2: { datum: floor } } : {}), color: { field: 'corpus', type: 'nominal', title: null, scale: { domain: g.corpora }, legend: g.corpora.length > 1 ? { orient: 'top', labelLimit: 360 } : null } } },
        { mark: { type: 'text', dy: -3, fontSize: 9, baseline: 'bottom' }, encoding: { ...enc, text: { field: 'label' } } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  } as TopLevelSpec;
}

/** Horizontal bars of 100%, one per group, split by outcome. */
export function outcomeSpec(rows: Row[], order: readonly string[]): TopLevelSpec {
  // The legend names a failed output only where a line is one.
  const domain = rows.some((r) => r.outcome === 'failed output') ? LINE_OUTCOMES : OUTCOMES;
  return {
    $schema: SCHEMA,
    data: { values: rows },
    width: 560,
    height: { step: 22 },
    mark: 'bar',
    encoding: {
      y: { field: 'group', type: 'nominal', title: null, sort: order },
      x: { field: 'count', type: 'quantitative', stack: 'normalize', title: 'share', axis: { format: '%' } },
      color: { field: 'outcome', type: 'nominal', title: null, scale: { domain: [...domain], range: OUTCOME_COLORS.slice(0, domain.length) }, legend: { orient: 'top' } },
      order: { field: 'rank' },
    },
  } as TopLevelSpec;
}
