import { Command, Option } from 'commander';
import { oneLine } from '../io/errors.js';
import { isStandardOutput } from '../pipeline/paths.js';
import { DEFAULT_WINDOW } from '../pipeline/settings.js';
import { integer } from '../core/values.js';
import { oneOf } from './parse.js';
import { decidedDefault } from './help.js';
import { SOLVERS, type SolverName } from '../solver/registry.js';
import { stdoutRole } from './stdout-role.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check every trace of record files as a machine would read it, and every sequence against the window')
    .argument('<files...>', 'record files of any kind (.jsonl, .json, .gz; - is stdin), or corpus folders')
    .addOption(
      decidedDefault(
        new Option('--window <n>', 'report sequences over this many tokens (<s> and </s> included); 0: no check').argParser(integer('--window', 0)),
        `a corpus folder's own window, else ${DEFAULT_WINDOW}`,
      ),
    )
    .option('--strict', 'also fail when a sequence is over the window')
    .addOption(
      decidedDefault(
        new Option('--solver <name>', "grade every text that does not name its search (sequence lines, model outputs) as this solver's trace").argParser(oneOf('--solver', SOLVERS)),
        `any of ${SOLVERS.join(', ')}`,
      ),
    )
    .option('--grades <file>', 'also write a verdict per record and sequence line, as JSON Lines: {file, line, index, kind, record, thread, valid, solved, issues, over_window, reference} (grading a model\'s outputs)')
    .action(async (files: string[], o: { window?: number; strict?: boolean; grades?: string; solver?: SolverName }) => {
      const { runVerify, verifyFailed, verifySearchesLine, verifySummaryLine } = await import('../pipeline/verify-job.js');
      // Grades on standard output keep it to themselves: findings and the summary go to standard error.
      const say = o.grades !== undefined && isStandardOutput(o.grades) ? process.stderr : process.stdout;
      stdoutRole.verdictPending = 'verify stopped before its verdict';
      const sum = await runVerify({ files, window: o.window, grades: o.grades, solver: o.solver, report: (line) => say.write(`${oneLine(line)}\n`) });
      if (verifyFailed(sum, o.strict ?? false)) process.exitCode = 1;
      const searches = verifySearchesLine(sum);
      if (searches !== undefined) say.write(`${searches}\n`);
      say.write(`${verifySummaryLine(sum)}\n`);
      stdoutRole.verdictPending = undefined;
    });
}
