import { Command, Option } from 'commander';
import { DEFAULT_WINDOW, inWords, namesShaped, qualify, type PartialSettings, type RecordSettings } from '../pipeline/settings.js';
import { CONDITIONING } from '../serializers/conditioning.js';
import { type Conditioning } from '../records/conditioning-prefix.js';
import { DEFAULT_FIT, DEFAULT_MIN_BEAM, FIT_POLICIES, HEURISTIC_CHOICES, type Solver, type SolverShape, type ThreadDefaults } from '../solver/contract.js';
import { allSolvers, SOLVERS, type SolverName } from '../solver/registry.js';
import { compatOption, oneOf, seedOption, settingOption } from './parse.js';
import { decidedDefault } from './help.js';

export interface SearchFlags extends Omit<PartialSettings, 'reference' | 'condition'> {
  seed: number;
  condition: Conditioning;
  compat?: 'reference';
}

/**
 * A default as help shows it, over the solvers that declare one (`pick` gives undefined for
 * the others): `15` when they agree, else `sosp 5, apr 10`.
 */
function defaultOf(pick: (s: Solver) => number | undefined): string {
  const named = allSolvers().flatMap((s) => {
    const v = pick(s);
    return v === undefined ? [] : [{ name: s.name, v }];
  });
  if (named.every(({ v }) => v === named[0]!.v)) return `${named[0]!.v}`;
  return named.map(({ name, v }) => `${name} ${v}`).join(', ');
}

/** Where `search` writes by default: {solver} is the solver's name. */
const DEFAULT_OUT = 'data/{solver}.jsonl';

/** A threads solver's default for one of its own options; undefined for other solvers. */
const threadDefault =
  (key: keyof ThreadDefaults) =>
  (s: Solver): number | undefined =>
    s.shape === 'threads' ? s.threadDefaults[key] : undefined;

/** `sosp, dfs, bfs`: the solvers of a shape, for help. */
const shaped = (shape: SolverShape): string => namesShaped(shape).join(', ');

/** The conditioning modes with their solvers, for help: `token-budget (sosp, dfs, bfs)`. */
function conditioningModes(): string[] {
  return (Object.keys(CONDITIONING) as SolverShape[]).map((shape) => `${CONDITIONING[shape]} (${shaped(shape)})`);
}

/** `--condition` help of `search` (one mode) or `corpus` (a list). */
export function conditionHelp(list: boolean): string {
  const modes = conditioningModes();
  if (list) return `conditioning prefixes: none, ${modes.join(', ')}, comma-separated`;
  return `conditioning prefix: ${inWords(['none', ...modes], 'or')}`;
}

/** Beam, promising and heuristic options (shared by every search-running command and `corpus`). */
export function addBeamOptions(cmd: Command): Command {
  const all = allSolvers();
  const [first] = all;
  const otherHeuristics = all.filter((s) => s.defaults.heuristic !== first!.defaults.heuristic).map((s) => `; ${s.name}: ${s.defaults.heuristic}`);
  // The solver decides these defaults: help shows its words, and a flag not given stays undefined.
  return cmd
    .addOption(decidedDefault(settingOption('minBeam', 'n', 'smallest beam drawn per record'), DEFAULT_MIN_BEAM))
    .addOption(decidedDefault(settingOption('maxBeam', 'n', 'largest beam drawn per record'), defaultOf((s) => s.defaults.maxBeam)))
    .addOption(decidedDefault(settingOption('maxSubBeam', 'n', `${shaped('threads')}: largest child-thread beam`), defaultOf(threadDefault('maxSubBeam'))))
    .addOption(decidedDefault(settingOption('promising', 'p', 'probability of a sub search / spawn'), defaultOf((s) => s.defaults.promising)))
    .addOption(decidedDefault(settingOption('heuristic', 'h', `${inWords(HEURISTIC_CHOICES, 'or')} per record`), `${first!.defaults.heuristic}${otherHeuristics.join('')}`));
}

/** Window, depth and fit options (shared by every search-running command and `corpus`, which has no --compat). */
export function addWindowOptions(cmd: Command, hasCompat: boolean): Command {
  const compat = hasCompat ? '; none with --compat reference' : '';
  return cmd
    .addOption(decidedDefault(settingOption('window', 'n', 'tokens per sequence, <s> and </s> included; 0 turns the guarantee off'), `${DEFAULT_WINDOW}${compat}`))
    .addOption(
      decidedDefault(
        settingOption('maxDepth', 'n', `${shaped('threads')}: thread levels below the root the planner may use; 1: children only, as the reference; 0: the root alone`),
        defaultOf(threadDefault('maxDepth')),
      ),
    )
    .addOption(
      decidedDefault(
        settingOption('wave', 'windows', `${shaped('threads')}: work per spawn, in windows, before the next children wait for its join; 0: all children in one spawn`),
        defaultOf(threadDefault('waveWindows')),
      ),
    )
    .addOption(decidedDefault(settingOption('fit', 'policy', `${shaped('sequence')} when the window is full: ${inWords(FIT_POLICIES, 'or')}`), DEFAULT_FIT));
}

/** Adds the options every search-running command shares. */
export function addSearchOptions(cmd: Command): Command {
  cmd.addOption(seedOption());
  addBeamOptions(cmd).addOption(compatOption('generate_sosp.py / generate_apr.py'));
  return addWindowOptions(cmd, true).addOption(settingOption('condition', 'mode', conditionHelp(false)).default('none'));
}

/** Validated record settings of a solver from the flags (`qualify` of what they set). */
export function recordSettings(solver: SolverName, f: SearchFlags): RecordSettings {
  return qualify(solver, { ...f, reference: f.compat === 'reference' });
}

export function registerSearch(program: Command): void {
  const cmd = program
    .command('search')
    .description('search every problem of a file and write trace records (sosp, apr, dfs, bfs)')
    .argument('<solver>', `one of ${SOLVERS.join(', ')}`, oneOf('solver', SOLVERS))
    .requiredOption('--problems <file>', 'problems file (.jsonl, .json, .gz; - is stdin)')
    .addOption(decidedDefault(new Option('--out <file>', 'output (.jsonl, .json, .gz; - is stdout)'), DEFAULT_OUT));
  cmd.option('--sequences-out <file>', 'also write every training sequence (.jsonl objects, or .json: an array of strings)');
  addSearchOptions(cmd).action(async (solver: SolverName, o: SearchFlags & { problems: string; out?: string; sequencesOut?: string }) => {
    const out = o.out ?? DEFAULT_OUT.replace('{solver}', solver);
    const settings = recordSettings(solver, o);
    const { runSearchJob, searchSummaryLine } = await import('../pipeline/search-job.js');
    const job = { problems: o.problems, out, seed: o.seed, settings, sequencesOut: o.sequencesOut };
    process.stderr.write(`${searchSummaryLine(job, await runSearchJob(job))}\n`);
  });
}
