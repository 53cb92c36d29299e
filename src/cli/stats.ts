import type { Command } from 'commander';
import { addCorpusOptions, corpusOptions } from './report.js';

export function registerStats(program: Command): void {
  const cmd = program
    .command('stats')
    .description('print the headline figures of record files or corpus folders, with small bar charts');
  addCorpusOptions(cmd).action(async (inputs: string[], o: { window?: number; label?: string[] }) => {
    const { runStats } = await import('../report/job.js');
    process.stdout.write(await runStats(corpusOptions(inputs, o)));
  });
}
