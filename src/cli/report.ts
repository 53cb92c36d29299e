import { Option, type Command } from 'commander';
import { decidedDefault } from './help.js';
import { warn } from '../io/errors.js';
import { plural } from '../io/numbers.js';
import { DEFAULT_WINDOW } from '../pipeline/settings.js';
import { integer } from '../core/values.js';
import { linesRead } from '../report/figures.js';

interface CorpusFlags {
  window?: number;
  label?: string[];
}

const collectLabel = (value: string, previous: string[] = []) => [...previous, value];

/** Options shared by `report` and `stats`. */
export function addCorpusOptions(cmd: Command): Command {
  return cmd
    .argument('<inputs...>', 'record files (.jsonl, .json, .gz; - is stdin) or corpus folders; each is one corpus, compared side by side')
    .addOption(
      decidedDefault(
        new Option('--window <n>', 'context window in tokens (<s> + text + </s>) sequences are judged against').argParser(integer('--window', 2)),
        `a corpus folder's own, else ${DEFAULT_WINDOW}`,
      ),
    )
    .addOption(decidedDefault(new Option('--label <name>', 'name of a corpus, once per input in order').argParser(collectLabel), 'the shortest distinct path tail'));
}

export const corpusOptions = (inputs: string[], o: CorpusFlags) => ({ inputs, labels: o.label ?? [], window: o.window, warn });

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('write one self-contained HTML report of record files or corpus folders: token histograms, solve rates, outcomes, headline figures')
    .option('--out <file>', 'output HTML file (- is stdout)', 'report.html');
  addCorpusOptions(cmd).action(async (inputs: string[], o: CorpusFlags & { out: string }) => {
    const { runReport } = await import('../report/job.js');
    const r = await runReport({ ...corpusOptions(inputs, o), out: o.out });
    const skipped = r.skipped > 0 ? `, ${plural(r.skipped, 'line')} skipped` : '';
    if (o.out !== '-') process.stderr.write(`wrote ${o.out}: ${linesRead(r.lines, r.sequenceLines)}, ${plural(r.charts, 'chart')}${skipped}\n`);
  });
}
