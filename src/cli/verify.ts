import { Command } from 'commander';
import { oneLine } from '../io/errors.js';
import { DEFAULT_WINDOW } from '../pipeline/settings.js';
import { integer } from './parse.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check every trace of record files as a machine would read it, and every sequence against the window')
    .argument('<files...>', 'record files of any kind (.jsonl, .json, .gz; - is stdin), or corpus folders')
    .option(
      '--window <n>',
      `report sequences over this many tokens (<s> and </s> included); 0: no check (default: a corpus folder's own window, else ${DEFAULT_WINDOW})`,
      integer('--window', 0),
    )
    .option('--strict', 'also fail when a sequence is over the window')
    .action(async (files: string[], o: { window?: number; strict?: boolean }) => {
      const { runVerify } = await import('../pipeline/verify-job.js');
      const sum = await runVerify({ files, window: o.window, report: (line) => process.stdout.write(`${oneLine(line)}\n`) });
      const measured = [...sum.windows].filter((w) => w > 0);
      const window =
        measured.length === 0 ? '' : `, ${sum.overflows} over the ${measured.length === 1 ? `${measured[0]}-token window` : `windows of their inputs (${measured.join(', ')} tokens)`}`;
      const nFiles = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
      const changed = (sum.changedFiles > 0 ? `; ${nFiles(sum.changedFiles)} not as the manifest says` : '') + (sum.emptyFiles > 0 ? `; ${nFiles(sum.emptyFiles)} without records` : '');
      process.stdout.write(
        `verified ${sum.records} records${sum.sequenceLines > 0 ? ` and ${sum.sequenceLines} sequence lines` : ''} in ${sum.files} file${sum.files === 1 ? '' : 's'}: ` +
          `${sum.badRecords} with issues (${sum.issues} issues), ${sum.sequences} sequences${window}${changed}\n`,
      );
      if (sum.badRecords > 0 || sum.changedFiles > 0 || (o.strict && sum.overflows > 0)) process.exitCode = 1;
    });
}
