import { UsageError } from '../io/errors.js';
import { STDIO } from '../io/formats.js';
import { NOT_REGULAR, regularOrAbsent } from '../pipeline/corpus/files.js';
import { checkOutputBeside, readInputs, type Input } from '../pipeline/inputs.js';
import type { CorpusStats } from './collect.js';
import { headlineFigures } from './figures.js';
import { corpusLabels, gatherCorpus, NO_RECORD_FILES, type Warn } from './gather.js';
import { reportPage } from './html.js';
import { writePage } from './page-text.js';
import { statsText } from './terminal.js';
import { fmtInt } from '../io/numbers.js';

/** The jobs behind `report` and `stats`: read each input as one corpus, then draw or print. */

export interface CorpusOptions {
  /** Files or folders; each one is a corpus, drawn side by side with the others. */
  readonly inputs: readonly string[];
  readonly labels?: readonly string[];
  /** The window sequences are judged against; undefined: each input's own (readInput). */
  readonly window: number | undefined;
  /** Where warnings about skipped lines go (one line each). */
  readonly warn: (line: string) => void;
}

/** The inputs, read once, judged against one window: figures are drawn and labelled side by side against it. */
function corpusInputs(o: CorpusOptions): Input[] {
  const inputs = readInputs(o.inputs, o.window);
  if (inputs.some((i) => i.window !== inputs[0]!.window)) {
    const each = inputs.map((i) => `${i.path}: ${fmtInt(i.window)}`).join(', ');
    throw new UsageError(`the inputs were made with different windows (${each}); give --window to judge them all against one`);
  }
  // Corpus data files are regular files, all of every input checked before any is read (a pipe would block for ever).
  const odd = inputs.flatMap((i) => (i.kind === 'corpus' ? i.files : [])).find((f) => !regularOrAbsent(f));
  if (odd !== undefined) throw new UsageError(`${odd} ${NOT_REGULAR}`);
  return inputs;
}

async function gatherInputs(inputs: readonly Input[], o: CorpusOptions): Promise<CorpusStats[]> {
  const labels = corpusLabels(o.inputs, o.labels ?? []);
  const corpora: CorpusStats[] = [];
  // A file or folder without a record is warned of once an input has yielded one; before, it is
  // held back: with no record anywhere, the error names it, one line for the one fault.
  let held: string[] | undefined = [];
  const warn: Warn = (line, noRecords) => (noRecords && held ? held.push(line) : o.warn(line));
  for (const [i, input] of inputs.entries()) {
    const c = await gatherCorpus(input, labels[i]!, warn);
    corpora.push(c);
    if (held && c.lines > 0) {
      for (const line of held) o.warn(line);
      held = undefined;
    }
  }
  if (held) throw new UsageError(`no records to report in ${inputs.map((input, i) => `${input.path} (${whyNoRecords(input, corpora[i]!)})`).join(', ')}`);
  return corpora;
}

/** Why an input gave no record, for the one line that says so. */
function whyNoRecords(input: Input, c: CorpusStats): string {
  if (c.skipped > 0) return 'every line was skipped';
  if (input.kind === 'file') {
    const whole = c.issues.find((i) => i.code === 'not-records');
    return whole === undefined ? 'empty' : whole.message.replace(/; file skipped$/, '');
  }
  return input.files.length === 0 ? `${NO_RECORD_FILES} in it` : 'none of its files holds a record';
}

export interface ReportSummary {
  /** Lines read as records or sequence lines, and the latter (verify counts them apart). */
  readonly lines: number;
  readonly sequenceLines: number;
  readonly skipped: number;
  readonly charts: number;
}

export async function runReport(o: CorpusOptions & { readonly out: string }): Promise<ReportSummary> {
  const inputs = corpusInputs(o);
  checkOutputBeside(inputs, { option: '--out', path: o.out });
  const corpora = await gatherInputs(inputs, o);
  // Vega and Vega-Lite take about 0.4 s to load: only the report loads them, not every command.
  const { corpusCharts } = await import('./charts.js');
  const charts = await corpusCharts(corpora);
  writePage(o.out, reportPage({ corpora, inputs: o.inputs, sections: headlineFigures(corpora), charts }));
  return {
    lines: corpora.reduce((n, c) => n + c.lines, 0),
    sequenceLines: corpora.reduce((n, c) => n + c.sequenceLines, 0),
    skipped: corpora.reduce((n, c) => n + c.skipped, 0),
    charts: charts.length,
  };
}

export async function runStats(o: CorpusOptions): Promise<string> {
  const inputs = corpusInputs(o);
  // The figures go to standard output: not into a file read (`stats a.jsonl >> a.jsonl`).
  checkOutputBeside(inputs, { option: 'standard output', path: STDIO });
  return statsText(await gatherInputs(inputs, o));
}
