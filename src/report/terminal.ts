import type { CorpusStats, ProblemFigures, Rate } from './collect.js';
import { headlineFigures, int, pct } from './figures.js';
import { windowAligned, type Histogram } from './histogram.js';
import { isThreaded, SEARCH_KINDS } from '../records/kind.js';
import { KIND_LABEL } from './kind-labels.js';

/**
 * `stats`: the report's headline figures as plain text with small bar charts, for a quick
 * look over SSH (no colour codes, so it also reads well in a log file).
 */

const BAR = 28;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `fraction` (0..1) of `width` cells, in eighths of a cell. */
export function bar(fraction: number, width = BAR, fill = '█'): string {
  const f = Math.max(0, Math.min(1, fraction));
  // Anything above zero shows at least a sliver, so rare values do not vanish.
  const eighths = Math.max(f > 0 ? (fill === '█' ? 1 : 4) : 0, Math.round(f * width * 8));
  const full = Math.floor(eighths / 8);
  const part = fill === '█' ? EIGHTHS[eighths % 8]! : eighths % 8 >= 4 ? fill : '';
  return fill.repeat(full) + part;
}

export function statsText(corpora: readonly CorpusStats[]): string {
  const out: string[] = [];
  const labels = corpora.map((c) => c.label);
  const sections = headlineFigures(corpora);
  const labelWidth = Math.max(...sections.flatMap((s) => s.rows.map((r) => r.label.length))) + 2;
  // A list (depth shares) in the last column runs on past it, so it does not push every number
  // of that column far to the right; a column with another beside it must hold it.
  const last = corpora.length - 1;
  const colWidth = corpora.map((_, i) =>
    Math.max(labels[i]!.length, ...sections.flatMap((s) => s.rows.filter((r) => i < last || !r.list).map((r) => r.values[i]!.length))),
  );
  const line = (label: string, values: readonly string[]) =>
    ('  ' + label.padEnd(labelWidth) + values.map((v, i) => v.padStart(colWidth[i]!)).join('   ')).trimEnd();
  out.push(line('', labels));
  for (const s of sections) {
    out.push(s.title);
    for (const r of s.rows) out.push(line(r.label, r.values));
  }
  for (const c of corpora) out.push('', ...corpusCharts(c, corpora.length > 1));
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function corpusCharts(c: CorpusStats, named: boolean): string[] {
  const out: string[] = [];
  const head = (title: string) => out.push(named ? `${c.label}: ${title}` : title);
  if (c.problems > 0) {
    head('problems by start size');
    out.push(...histogramLines(c.problemStartSizes), '');
  }
  for (const k of SEARCH_KINDS) {
    const s = c.search[k];
    if (s.records === 0) continue;
    head(`${KIND_LABEL[k]} tokens per sequence (░ = beyond the ${int(c.window)} window)`);
    out.push(...histogramLines(s.seqTokens, c.window), '');
    if (isThreaded(k)) {
      head(`${KIND_LABEL[k]} threads per problem`);
      out.push(...histogramLines(s.problems.threads), '');
      head(`${KIND_LABEL[k]} depth used`);
      out.push(...histogramLines(s.problems.depth), '');
    }
    head(`${KIND_LABEL[k]} solve rate by start size`);
    out.push(...rateLines(s.byStartSize), '');
    head(`${KIND_LABEL[k]} mean text tokens per problem by start size, log scale${isThreaded(k) ? ' (▒ = sequential)' : ''}`);
    out.push(...tokenLines(s.byStartSize, isThreaded(k)), '');
    if (s.byBeam.size > 0) {
      head(`${KIND_LABEL[k]} solve rate by beam size`);
      out.push(...rateLines(s.byBeam), '');
    }
  }
  if (c.sequenceTexts > 0) {
    head(`sequence lines: tokens per sequence (░ = beyond the ${int(c.window)} window)`);
    out.push(...histogramLines(c.sequenceLineTokens, c.window), '');
  }
  return out;
}

/**
 * About a dozen rows: power-of-two bins up to the 99th percentile (or just past the window),
 * one row per value for small ranges, and the long tail gathered in a last `≥` row.
 */
function histogramLines(h: Histogram, window?: number): string[] {
  if (h.count === 0) return ['  (none)'];
  const shown = Math.min(h.max, Math.max(h.quantile(0.99), window !== undefined ? window + 1 : 0));
  let width = h.resolution;
  while (shown / width > 12) width *= 2;
  // With exact counts, a bin ends at the window, so a shaded bin holds only sequences over it.
  const exact = window !== undefined && h.resolution === 1;
  const from = windowAligned(window, width, h.resolution);
  const tailFrom = Math.floor((shown - from) / width) * width + width + from;
  const rows: Array<{ span: string; start: number; count: number }> = [];
  let tail = 0;
  const counts = new Map(h.bins(width, from).map((b) => [b.start, b.count]));
  for (const [start, count] of counts) if (start >= tailFrom) tail += count;
  // Every bin from the first filled one, empty ones included, so gaps show as gaps; the
  // first one, cut short by `from`, starts at 0.
  for (let edge = Math.floor((h.min - from) / width) * width + from; edge < tailFrom && edge <= h.max; edge += width) {
    const start = Math.max(0, edge);
    const end = edge + width - 1;
    rows.push({ span: start === end ? `${start}` : `${start}–${end}`, start, count: counts.get(start) ?? 0 });
  }
  if (tail > 0) rows.push({ span: `≥ ${tailFrom}`, start: tailFrom, count: tail });
  const top = Math.max(...rows.map((r) => r.count));
  const spanWidth = Math.max(...rows.map((r) => r.span.length));
  return rows.map((r) => {
    const beyond = window !== undefined && (exact ? r.start > window : r.start >= window);
    const drawn = bar(r.count / top, BAR, beyond ? '░' : '█');
    return `  ${r.span.padStart(spanWidth)} ${drawn.padEnd(BAR)} ${int(r.count).padStart(7)}  ${pct(r.count, h.count).padStart(6)}`;
  });
}

/**
 * Mean tokens per problem by start size, bars on a log scale (sizes differ by orders of
 * magnitude); with `sequential`, a second bar per size for the sequential tokens.
 */
function tokenLines(bySize: ReadonlyMap<number, ProblemFigures>, sequential: boolean): string[] {
  const keys = [...bySize.keys()].sort((a, b) => a - b);
  const keyWidth = Math.max(...keys.map((k) => String(k).length));
  const top = Math.log10(Math.max(10, ...keys.map((k) => bySize.get(k)!.tokens.mean)));
  const drawn = (v: number, fill: string) => bar(Math.log10(Math.max(1, v)) / top, BAR, fill).padEnd(BAR);
  return keys.flatMap((k) => {
    const p = bySize.get(k)!;
    const lines = [`  ${String(k).padStart(keyWidth)} ${drawn(p.tokens.mean, '█')} ${int(p.tokens.mean).padStart(9)}`];
    if (sequential) lines.push(`  ${''.padStart(keyWidth)} ${drawn(p.sequential.mean, '▒')} ${int(p.sequential.mean).padStart(9)}`);
    return lines;
  });
}

function rateLines(rates: ReadonlyMap<number, Rate>): string[] {
  const keys = [...rates.keys()].sort((a, b) => a - b);
  const keyWidth = Math.max(...keys.map((k) => String(k).length));
  return keys.map((k) => {
    const r = rates.get(k)!;
    return `  ${String(k).padStart(keyWidth)} ${bar(r.solved / r.n).padEnd(BAR)} ${pct(r.solved, r.n).padStart(6)}  of ${int(r.n)}`;
  });
}
