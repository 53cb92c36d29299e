import type { Chart } from './charts.js';
import type { CorpusStats } from './collect.js';
import { linesRead, type FigureSection } from './figures.js';
import { DEFAULT_WINDOW } from '../pipeline/settings.js';
import { formatIssue } from './gather.js';
import type { RecordKind } from '../records/kind.js';
import { KIND_LABEL } from './kind-labels.js';
import { escapeHtml as esc, jsonForScript, pageOpening } from './page-text.js';
import { fmtInt, plural } from '../io/numbers.js';

/**
 * The report page: one self-contained HTML file. Charts are inline SVG, styles inline, and
 * the figures are also embedded as JSON for scripts that read the page; nothing is fetched.
 */

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 2px; }
.sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 3px 10px; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody th[colspan] { background: #f4f4f4; font-weight: 600; }
.skipped { background: #fff6e0; border: 1px solid #f0c36d; border-radius: 4px; padding: 8px 12px; margin: 12px 0; }
.skipped code, .files code { font-size: 12px; }
figure.chart { margin: 20px 0; }
figure.chart figcaption p { margin: 0 0 6px; color: #555; font-size: 13px; }
figure.chart svg { max-width: 100%; height: auto; }
.charts-toc a { margin-right: 10px; }
`;

export interface ReportInput {
  readonly corpora: readonly CorpusStats[];
  readonly inputs: readonly string[];
  readonly sections: readonly FigureSection[];
  readonly charts: readonly Chart[];
}

export function reportPage(r: ReportInput): string {
  const labels = r.corpora.map((c) => c.label);
  const title = labels.length === 1 ? `Corpus report: ${labels[0]}` : `Corpus report: ${labels.join(' vs ')}`;
  const data = {
    corpora: r.corpora.map((c, i) => ({
      label: c.label,
      input: r.inputs[i],
      records: c.lines - c.sequenceLines,
      sequence_lines: c.sequenceLines,
      skipped: c.skipped,
      window: c.window,
      files: c.files.map((f) => ({ ...f })),
    })),
    figures: r.sections,
    charts: r.charts.map((c) => c.id),
  };
  return `${pageOpening(title, STYLE)}
<h1>${esc(title)}</h1>
<p class="sub">${r.corpora.map((c, i) => `<b>${esc(c.label)}</b>: <code>${esc(r.inputs[i] ?? '')}</code>, ${linesRead(c.lines, c.sequenceLines)}`).join('; ')}. Window ${fmtInt(r.corpora[0]?.window ?? DEFAULT_WINDOW)} tokens.</p>
${skippedNotice(r.corpora)}
<h2>Headline figures</h2>
${headlineTable(labels, r.sections)}
<h2>Charts</h2>
<p class="charts-toc">${r.charts.map((c) => `<a href="#chart-${c.id}">${esc(c.title)}</a>`).join(' ')}</p>
${r.charts.map(chartFigure).join('\n')}
<h2>Files</h2>
${filesTable(r.corpora)}
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
</body>
</html>
`;
}

function skippedNotice(corpora: readonly CorpusStats[]): string {
  const skipped = corpora.reduce((n, c) => n + c.skipped, 0);
  const issues = corpora.flatMap((c) => c.issues);
  if (skipped === 0 && issues.length === 0) return '';
  const items = issues.map((i) => `<li><code>${esc(formatIssue(i))}</code></li>`).join('');
  const head =
    skipped > 0
      ? `<b>${plural(skipped, 'line')} skipped</b>; the figures cover the valid records only.`
      : '<b>Faults found while reading</b>; no record was skipped.';
  return `<div class="skipped" id="skipped" data-skipped="${skipped}">${head}<ul>${items}</ul></div>`;
}

function headlineTable(labels: readonly string[], sections: readonly FigureSection[]): string {
  const head = `<thead><tr><th></th>${labels.map((l) => `<th>${esc(l)}</th>`).join('')}</tr></thead>`;
  const body = sections
    .map(
      (s) =>
        `<tbody data-section="${esc(s.title)}"><tr><th colspan="${labels.length + 1}">${esc(s.title)}</th></tr>` +
        s.rows.map((row) => `<tr><td>${esc(row.label)}</td>${row.values.map((v) => `<td class="num">${esc(v)}</td>`).join('')}</tr>`).join('') +
        '</tbody>',
    )
    .join('');
  return `<table id="headline">${head}${body}</table>`;
}

function chartFigure(c: Chart): string {
  return `<figure class="chart" id="chart-${c.id}" data-chart="${c.id}"><figcaption><h3>${esc(c.title)}</h3><p>${esc(c.caption)}</p></figcaption>${c.svg}</figure>`;
}

function filesTable(corpora: readonly CorpusStats[]): string {
  const rows = corpora.flatMap((c) =>
    c.files.map((f) => {
      const kinds = Object.entries(f.byKind)
        .map(([k, n]) => `${fmtInt(n)} ${KIND_LABEL[k as RecordKind]}`)
        .join(', ');
      const note = f.ignored !== undefined ? `left out: ${f.ignored}` : kinds;
      return `<tr><td>${esc(c.label)}</td><td><code>${esc(f.path)}</code></td><td class="num">${fmtInt(f.lines)}</td><td class="num">${fmtInt(f.skipped)}</td><td>${esc(note)}</td></tr>`;
    }),
  );
  return `<table class="files"><thead><tr><th>corpus</th><th>file</th><th>lines read</th><th>skipped</th><th>contents</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
