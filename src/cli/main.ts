#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { describeSystemError, oneLine, say, UsageError } from '../io/errors.js';
import { removeUnfinished } from '../pipeline/sink.js';
import { stdoutRole } from './stdout-role.js';
import { HELP } from './help.js';
import { registerProblems } from './problems.js';
import { registerSearch } from './search.js';
import { registerInspect } from './inspect.js';
import { registerCorpus } from './corpus.js';
import { registerMerge } from './merge.js';
import { registerReport } from './report.js';
import { registerStats } from './stats.js';
import { registerVerify } from './verify.js';

/** The command line: parses options and hands them to the pipeline; nothing else. */
const program = new Command('countdown-traces')
  .description('Countdown problems and SoS/SoS+/APR search traces for training search-capable language models')
  .version(VERSION())
  .exitOverride()
  // Before the commands are registered: each takes the program's help settings when made.
  .configureHelp(HELP)
  // Commander's own errors (an unknown option, a missing value) are one line too, with the way to help.
  .configureOutput({ outputError: (text, write) => say(`${oneLine(text.trim().replace(/\s*\n\s*/g, ' '))} (run with --help for usage)`, (line) => write(`${line}\n`)) });

registerProblems(program);
registerSearch(program);
registerInspect(program);
registerCorpus(program);
registerMerge(program);
registerReport(program);
registerStats(program);
registerVerify(program);

/** Options that take one value per use; given twice, commander would keep the last one silently. */
const REPEATABLE = new Set(['--label']);
for (const cmd of program.commands) {
  for (const opt of cmd.options) {
    if (REPEATABLE.has(opt.long ?? '')) continue;
    let given = 0;
    cmd.on(`option:${opt.name()}`, () => {
      if (++given > 1) throw new UsageError(`${opt.long} is given twice: give it once`);
    });
  }
}

function VERSION(): string {
  return '0.1.0';
}

// A reader that stops early (`| head`) is not an error, unless a file the command was also
// writing is then left unwritten, or the exit code was to be a verdict not yet reached (a
// failing `verify | head` exited 0); any other failure is one line. Temporary files never stay.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  const left = removeUnfinished().filter((name) => name !== '-');
  const verdict = stdoutRole.verdictPending;
  if (err.code === 'EPIPE' && left.length === 0 && (verdict === undefined || process.exitCode)) process.exit(process.exitCode ?? 0);
  if (err.code === 'EPIPE') report(new UsageError(`standard output closed early; ${left.length > 0 ? `${left.join(' and ')} not written` : verdict}`));
  else report(describeSystemError(err, 'cannot write to standard output') ?? err);
  process.exit(2);
});

// Standard error that can no longer be written (its terminal closed, hence SIGHUP; its reader
// gone) is not the command's failure: what it would say is lost, and a run still stops cleanly
// at a signal (a corpus saves its checkpoint) instead of dying of the write's error.
process.stderr.on('error', () => {});

/** A UsageError is one line on stderr and exit code 2; anything else is a bug and keeps its stack. */
function report(err: unknown): void {
  if (!(err instanceof UsageError)) throw err;
  say(oneLine(err.message));
  process.exitCode = 2;
}

try {
  // `help NAME` of no command: one line, as an unknown command is (commander printed the whole
  // help on stderr, exit 2); `help help` is `help`. Options after help (`help --help`) are commander's.
  const [first, named] = process.argv.slice(2);
  const asked = first === 'help' && named !== undefined && /^[^-]/.test(named) ? named : undefined;
  if (asked !== undefined && asked !== 'help' && !program.commands.some((c) => c.name() === asked)) {
    throw new UsageError(`help: no command ${JSON.stringify(asked)}; the commands: ${program.commands.map((c) => c.name()).join(', ')}`);
  }
  await program.parseAsync(asked === 'help' ? process.argv.slice(0, 3) : process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    report(err);
  }
}
