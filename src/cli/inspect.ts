import { Command, Option } from 'commander';
import { PROBLEM_LIMITS, problemFaults } from '../core/countdown.js';
import { integer, integerTextFault } from '../core/values.js';
import type { InspectSource } from '../pipeline/inspect-job.js';
import { UsageError } from '../io/errors.js';
import { SOLVERS, type SolverName } from '../solver/registry.js';
import { oneOf } from './parse.js';
import { inWords, SETTING_FLAGS } from '../pipeline/settings.js';
import { addSearchOptions, recordSettings, type SearchFlags } from './search.js';

interface InspectFlags extends SearchFlags {
  nums?: string;
  target?: number;
  solver: SolverName;
  record?: string;
  full?: boolean;
  levels?: number;
  json?: boolean;
  html?: string;
}

/** `--nums 22,26,31,53`: each an integer by the rule every integer option keeps (blanks around one refused, as `--target`'s and `--shard`'s). */
function parseNums(text: string): number[] {
  const parts = text.split(',');
  for (const p of parts) {
    const fault = integerTextFault(p);
    if (fault === '') throw new UsageError(`--nums: expected integers separated by commas, got "${text}"`);
    if (fault !== undefined) throw new UsageError(`--nums: expected each number an integer ${fault}, got "${p}"`);
  }
  const nums = parts.map(Number);
  // The target is checked by its own option parser; here, what the numbers alone break.
  const [fault] = problemFaults(nums, PROBLEM_LIMITS.minTarget, { nums: '--nums', target: '--target' }).faults;
  if (fault !== undefined) throw new UsageError(fault);
  return nums;
}

function parseRecordRef(text: string): { file: string; index: number } {
  const at = text.lastIndexOf(':');
  if (at <= 0) throw new UsageError(`--record: expected FILE:INDEX, got "${text}"`);
  return { file: text.slice(0, at), index: integer('--record index', 0)(text.slice(at + 1)) };
}

export function registerInspect(program: Command): void {
  const cmd = program
    .command('inspect')
    .description('show one problem\'s search: outcome, solution, thread tree (and with --full every thread\'s text)')
    .option('--nums <list>', 'starting numbers, e.g. 22,26,31,53')
    .option('--target <n>', 'target', integer('--target', PROBLEM_LIMITS.minTarget))
    .addOption(new Option('--solver <name>', `search to run with --nums: ${inWords(SOLVERS, 'or')}`).argParser(oneOf('--solver', SOLVERS)).default('apr'))
    .option('--record <file:index>', 'inspect record INDEX (0-based) of a generated file instead')
    .option('--full', 'print the text of every thread')
    .option('--levels <n>', 'show thread levels 0 (the root) to N only; a level-N thread\'s line sums the threads below it', integer('--levels', 0))
    .option('--json', 'print the record as JSON')
    .option('--html <file>', 'write a drawing of the search (threads, spawns, joins, solution path) as one HTML page');
  const own = new Set(cmd.options.map((opt) => opt.long));
  addSearchOptions(cmd);
  const window = cmd.options.find((opt) => opt.long === SETTING_FLAGS.window);
  if (window) window.description += '; with --record, the window its sequences are judged against';
  // The options that shape a search: a stored record (--record) was searched already. Its
  // sequences are still judged against a window (--window, as stats and verify take it).
  const searchOptions = cmd.options.filter((opt) => (!own.has(opt.long) || opt.long === '--solver') && opt.long !== SETTING_FLAGS.window);
  cmd.action(async (o: InspectFlags, command: Command) => {
    let source: InspectSource;
    if (o.html !== undefined && (o.json || o.full)) throw new UsageError(`--html draws the search as a page: --${o.json ? 'json' : 'full'} is for the terminal; give one of them`);
    if (o.levels !== undefined && (o.json || o.html !== undefined)) throw new UsageError(`--levels folds the text view: --${o.json ? 'json prints the whole record' : 'html draws every thread'}; give one of them`);
    if (o.json && o.full) throw new UsageError('--json prints the whole record, every thread\'s text in it: --full is for the text view; give one of them');
    if (o.record !== undefined) {
      if (o.nums !== undefined || o.target !== undefined) throw new UsageError('--record cannot be combined with --nums/--target');
      const given = searchOptions.filter((opt) => command.getOptionValueSource(opt.attributeName()) === 'cli').map((opt) => opt.long!);
      if (given.length > 0) throw new UsageError(`--record shows a record as it was searched: ${given.join(', ')} would change nothing; leave ${given.length === 1 ? 'it' : 'them'} out`);
      if (o.window !== undefined && o.json) throw new UsageError('--record with --json prints the record as stored: --window would change nothing; leave it out');
      source = { kind: 'record', ...parseRecordRef(o.record), window: o.window };
    } else {
      if (o.nums === undefined || o.target === undefined) throw new UsageError('give --nums and --target, or --record FILE:INDEX');
      source = { kind: 'problem', nums: parseNums(o.nums), target: o.target, seed: o.seed, settings: recordSettings(o.solver, o) };
    }
    if (o.html !== undefined) return (await import('../report/inspect-html.js')).writeInspectPage(source, o.html);
    const { inspect } = await import('../pipeline/inspect-job.js');
    process.stdout.write(await inspect(source, { json: o.json === true, full: o.full === true, levels: o.levels }));
  });
}
