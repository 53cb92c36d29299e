import { UsageError } from '../pipeline/errors.js';
import { ownWindow } from '../pipeline/corpus/manifest.js';
import { checkOutputs } from '../pipeline/paths.js';
import type { CorpusStats } from './collect.js';
import { headlineFigures } from './figures.js';
import { corpusLabels, gatherCorpus, inputFiles } from './gather.js';
import { reportPage } from './html.js';
import { writePage } from './page-text.js';
import { statsText } from './terminal.js';

/** The jobs behind `report` and `stats`: read each input as one corpus, then draw or print. */

export interface CorpusOptions {
  /** Files or folders; each one is a corpus, drawn side by side with the others. */
  readonly inputs: readonly string[];
  readonly labels?: readonly string[];
  /** The window sequences are judged against; undefined: a corpus folder's own (judgedWindow), else DEFAULT_WINDOW. */
  readonly window: number | undefined;
  /** Where warnings about skipped lines go (one line each). */
  readonly warn: (line: string) => void;
}

export async function gatherAll(o: CorpusOptions): Promise<CorpusStats[]> {
  const labels = corpusLabels(o.inputs, o.labels ?? []);
  // One window for every corpus: the figures are drawn and labelled side by side against it.
  const windows = o.inputs.map((input) => o.window ?? ownWindow(input));
  if (windows.some((w) => w !== windows[0])) {
    const each = o.inputs.map((input, i) => `${input}: ${windows[i]!.toLocaleString('en-US')}`).join(', ');
    throw new UsageError(`the inputs were made with different windows (${each}); give --window to judge them all against one`);
  }
  const corpora: CorpusStats[] = [];
  for (const [i, input] of o.inputs.entries()) corpora.push(await gatherCorpus(input, labels[i]!, windows[i]!, o.warn));
  if (corpora.every((c) => c.records === 0)) {
    throw new UsageError(`no records to report in ${o.inputs.join(', ')}${corpora.some((c) => c.skipped > 0) ? ' (every line was skipped)' : ''}`);
  }
  return corpora;
}

export interface ReportSummary {
  readonly records: number;
  readonly skipped: number;
  readonly charts: number;
}

export async function runReport(o: CorpusOptions & { readonly out: string }): Promise<ReportSummary> {
  // Every file read is an input: --out may be none of them (a folder's files included).
  const read = o.inputs.flatMap((path) => [path, ...inputFiles(path).files]);
  checkOutputs(read.map((path) => ({ option: 'the input', path })), [{ option: '--out', path: o.out }]);
  const corpora = await gatherAll(o);
  // Vega and Vega-Lite take about 0.4 s to load: only the report loads them, not every command.
  const { corpusCharts } = await import('./charts.js');
  const charts = await corpusCharts(corpora);
  writePage(o.out, reportPage({ corpora, inputs: o.inputs, sections: headlineFigures(corpora), charts }));
  return {
    records: corpora.reduce((n, c) => n + c.records, 0),
    skipped: corpora.reduce((n, c) => n + c.skipped, 0),
    charts: charts.length,
  };
}

export async function runStats(o: CorpusOptions): Promise<string> {
  return statsText(await gatherAll(o));
}
