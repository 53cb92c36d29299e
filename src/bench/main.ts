/**
 * `npm run bench`: speed figures (never asserted in tests). Prints a table and writes it to
 * bench/REPORT.md. Each figure runs in this one process on one core, after a warm-up, except
 * the `search` command's, which runs as a user runs it: a child process on one core.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProblems } from '../pipeline/problems-job.js';
import { runSearchJob } from '../pipeline/search-job.js';
import { benchCorpus, corpusReportLines } from './corpus.js';
import { makeSearch } from '../pipeline/make-record.js';
import { qualify, type RecordSettings } from '../pipeline/settings.js';
import { streamFor } from '../random/streams.js';
import { unescapeTrace } from '../serializers/trace.js';
import { countTextTokens } from '../tokens/llama.js';
import { problemRecord } from '../serializers/problem.js';
import { pyJson } from '../serializers/pyjson.js';
import { DEFAULT_SPEC, defaultProblems, type ProblemSpec } from '../solver/problems.js';
import type { SolverName } from '../solver/registry.js';

interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly target?: string;
  readonly note: string;
}

const figures: Figure[] = [];

/** Measured runs per figure, after a warm-up; the machine is shared, so the best run is reported and the median beside it. */
const RUNS = 3;

/** Work that times itself: what it did and the seconds of the part the figure measures. */
interface Timed {
  readonly done: number;
  readonly seconds: number;
}

async function rate(
  name: string,
  unit: string,
  /** What one run does, for the note. */
  run: string,
  work: () => number | Promise<number> | Promise<Timed>,
  target: string | undefined,
  note: string,
): Promise<void> {
  await work(); // warm-up: JIT and caches
  const rates: number[] = [];
  let seconds = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    const result = await work();
    const { done, seconds: s } = typeof result === 'number' ? { done: result, seconds: Number(process.hrtime.bigint() - t0) / 1e9 } : result;
    rates.push(done / s);
    seconds += s;
  }
  rates.sort((a, b) => a - b);
  const value = rates[RUNS - 1]!;
  const median = rates[RUNS >> 1]!;
  figures.push({ name, unit, value, target, note: `${note}; a run: ${run}; best of ${RUNS} runs (median ${median.toFixed(0)}), ${seconds.toFixed(2)} s in all` });
  console.log(`${name}: ${value.toFixed(0)} ${unit} (median ${median.toFixed(0)})${target ? ` (target ${target})` : ''}`);
}

const FOUR: ProblemSpec = DEFAULT_SPEC;
const FIVE: ProblemSpec = { ...DEFAULT_SPEC, minNumbers: 5, maxNumbers: 5 };
const SIX: ProblemSpec = { ...DEFAULT_SPEC, minNumbers: 6, maxNumbers: 6 };

function problemsRate(spec: ProblemSpec, count: number): () => number {
  let seed = 1;
  return () => {
    let bytes = 0;
    for (const p of defaultProblems(seed++, 'train', spec, count, new Set())) bytes += pyJson(problemRecord(p, 'default')).length;
    return bytes > 0 ? count : 0;
  };
}

const benchDir = mkdtempSync(join(tmpdir(), 'ct-bench-'));
const problemsFile = join(benchDir, 'problems.jsonl');
await runProblems({ spec: FOUR, count: 20_000, seed: 7, split: 'train', compat: 'default', out: problemsFile });
// Five and six numbers: the APR planner splits their searches into threads (docs/decomposition.md).
const fiveFile = join(benchDir, 'problems5.jsonl');
const sixFile = join(benchDir, 'problems6.jsonl');
await runProblems({ spec: FIVE, count: 1_000, seed: 7, split: 'train', compat: 'default', out: fiveFile });
await runProblems({ spec: SIX, count: 100, seed: 7, split: 'train', compat: 'default', out: sixFile });

/** The whole search job (read, search, render, write) on a problems file, output to /dev/null. */
function searchRate(settings: RecordSettings, problemsFile: string, count: number): () => Promise<number> {
  return () => runSearchJob({ problems: problemsFile, out: '/dev/null', seed: 3, settings }).then(() => count);
}

/** Without the window and token fields: search and serialization alone. */
function plain(solver: SolverName): RecordSettings {
  return { ...qualify(solver, { window: 0 }), tokenFields: false, countTokens: false };
}

/** Token counter throughput on real trace text (APR and SoS+ sequences). */
function counterRate(): () => number {
  const texts: string[] = [];
  let bytes = 0;
  [...defaultProblems(11, 'train', FOUR, 1500, new Set())].forEach((p, i) => {
    for (const solver of ['sosp', 'apr'] as const) {
      const made = makeSearch(p, problemRecord(p, 'default'), streamFor(5, solver, i), { ...plain(solver), countTokens: true });
      if (!made.counted) throw new Error('countTokens makes counted records, with their sequences');
      for (const q of made.sequences) {
        const text = unescapeTrace(q.info.parts.map(([b, from, to]) => b.toString(from, to)).join(''));
        texts.push(text);
        bytes += text.length;
      }
    }
  });
  return () => {
    let n = 0;
    for (let r = 0; r < 5; r++) for (const t of texts) n += countTextTokens(t);
    return n > 0 ? (5 * bytes) / 1e6 : 0;
  };
}


await rate('problems, 4 numbers, targets 10..100', 'problems/s', '50,000 problems', problemsRate(FOUR, 50_000), '>= 20000', 'default mode, generation and record JSON');
await rate('problems, 6 numbers, targets 10..100', 'problems/s', '2,000 problems', problemsRate(SIX, 2_000), undefined, 'default mode, generation and record JSON');
const searchNote = 'whole job: read problems, search, render, write JSON Lines to /dev/null';
const windowNote = 'with exact token counts, token fields and the 4,096 window';
await rate('SoS+ search + serialization', 'records/s', '20,000 records', searchRate(plain('sosp'), problemsFile, 20_000), '>= 30000', `beam 1..5, promising 0.5, mult, --window 0; ${searchNote}`);
await rate('APR search + serialization', 'records/s', '20,000 records', searchRate(plain('apr'), problemsFile, 20_000), '>= 10000', `beam 1..10, sub beam ..15, promising 0.9, mult, --window 0; ${searchNote}`);
await rate('token counter', 'MB/s', '5 passes', counterRate(), '>= 100', 'countTextTokens over SoS+ and APR sequence texts of 1,500 problems, 5 passes');
await rate('SoS+ with window', 'records/s', '20,000 records', searchRate(qualify('sosp'), problemsFile, 20_000), undefined, `${windowNote}; ${searchNote}`);
await rate('APR with window', 'records/s', '20,000 records', searchRate(qualify('apr'), problemsFile, 20_000), undefined, `${windowNote}; ${searchNote}`);
const plannerNote = `${windowNote}, the planner's default depth and waves; ${searchNote}`;
await rate('APR with window, 5 numbers', 'records/s', '1,000 records', searchRate(qualify('apr'), fiveFile, 1_000), undefined, plannerNote);
await rate('APR with window, 6 numbers', 'records/s', '100 records', searchRate(qualify('apr'), sixFile, 100), undefined, plannerNote);

/**
 * The user's path: `search` as a child process (start-up, JIT warm-up and all), writing its
 * records to a file, pinned to one core where taskset exists, as the issue compares it with
 * the reference generator (a process on one core, 1,000 problems). The reference is never
 * run here: give its records/s in BENCH_REFERENCE_SOSP / BENCH_REFERENCE_APR to see the ratio.
 * The reference's APR generator counts every sequence's tokens with the Llama-2 tokenizer;
 * BENCH_REFERENCE_APR_UNTOKENIZED, its records/s with a tokenizer that does no work, adds
 * a second ratio against that lower bound of its time.
 */
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));

/**
 * The child's environment without NODE_EXTRA_CA_CERTS: node parses the bundle it names at every
 * start (40 ms of CPU where it names the system's 220 KB one), a cost of the site, not of the
 * tool, and `search` opens no TLS connection. The note says so when it was set.
 */
const { NODE_EXTRA_CA_CERTS: extraCerts, ...commandEnv } = process.env;

/** Timed from spawn to exit, as its note says: removing the output (about 100 MB) before and after is not. */
function commandRate(solver: 'sosp' | 'apr', args: readonly string[], problems: string, count: number): () => Promise<Timed> {
  const out = join(benchDir, 'command-out.jsonl');
  return async () => {
    rmSync(out, { force: true });
    const argv = [process.execPath, cli, 'search', solver, '--problems', problems, '--out', out, ...args];
    const t0 = process.hrtime.bigint();
    const child = taskset ? spawn(taskset, ['-c', '0', ...argv], { stdio: 'ignore', env: commandEnv }) : spawn(argv[0]!, argv.slice(1), { stdio: 'ignore', env: commandEnv });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (code !== 0) throw new Error(`search ${solver} ${args.join(' ')} failed (exit ${code})`);
    rmSync(out, { force: true });
    return { done: count, seconds };
  };
}

const commandNote = (count: string) =>
  `\`search\` as a child process, ${taskset ? 'pinned to one core (taskset)' : 'one process'}, from spawn to exit: read ${count} problems, write the records to a file${extraCerts ? ' (without the NODE_EXTRA_CA_CERTS set here)' : ''}`;
// 100,000 problems: the same command with its start-up and JIT warm-up spread over five times the records.
const problems100k = join(benchDir, 'problems100k.jsonl');
await runProblems({ spec: FOUR, count: 100_000, seed: 7, split: 'train', compat: 'default', out: problems100k });
const references = [
  ['sosp', 'SoS+', 'BENCH_REFERENCE_SOSP', undefined],
  ['apr', 'APR', 'BENCH_REFERENCE_APR', 'BENCH_REFERENCE_APR_UNTOKENIZED'],
] as const;
for (const [solver, name, env, untokenizedEnv] of references) {
  const reference = Number(process.env[env]);
  const untokenized = untokenizedEnv ? Number(process.env[untokenizedEnv]) : NaN;
  const alsoUntokenized = untokenized > 0 ? `; with a tokenizer that does no work ${untokenized}, from ${untokenizedEnv}` : '';
  const ratio = reference > 0 ? ` (the reference: ${reference} records/s on 1,000 problems, from ${env}${alsoUntokenized})` : '';
  const runs = [
    ['default mode', [], problemsFile, 20_000, '20,000'],
    ['--compat reference', ['--compat', 'reference'], problemsFile, 20_000, '20,000'],
    ['default mode, 100,000 problems', [], problems100k, 100_000, '100,000'],
    ['--compat reference, 100,000 problems', ['--compat', 'reference'], problems100k, 100_000, '100,000'],
  ] as const;
  for (const [mode, args, file, count, words] of runs) {
    const before = figures.length;
    await rate(`${name} search command, ${mode}`, 'records/s', `${words} records`, commandRate(solver, args, file, count), reference > 0 && count === 20_000 ? '>= 30x the reference' : undefined, `${commandNote(words)}${ratio}`);
    const f = figures[before]!;
    if (reference > 0) {
      const second = untokenized > 0 ? ` (${(f.value / untokenized).toFixed(1)}x with its tokenizer doing no work)` : '';
      figures[before] = { ...f, note: `${(f.value / reference).toFixed(1)}x the reference${second}; ${f.note}` };
      console.log(`  ${(f.value / reference).toFixed(1)}x the reference's ${reference} records/s${second}`);
    }
  }
}
rmSync(benchDir, { recursive: true, force: true });

// The corpus command itself, as a user runs it, on all cores (BENCH_CORPUS_COUNTS=20000 for a quick run).
const counts = (process.env.BENCH_CORPUS_COUNTS ?? '20000,50000,500000').split(',').map(Number);
const corpusFigures = await benchCorpus({ counts });

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  '# Benchmark report',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}; Node ${process.version}, ${cpu}, one core (one process, no workers; the search command figures: a child process).`,
  '',
  '| figure | value | target | how |',
  '| --- | ---: | --- | --- |',
  ...figures.map((f) => `| ${f.name} | ${f.value.toFixed(0)} ${f.unit} | ${f.target ?? ''} | ${f.note} |`),
  '',
  ...corpusReportLines(corpusFigures),
  '',
];
mkdirSync('bench', { recursive: true });
writeFileSync('bench/REPORT.md', lines.join('\n'));
console.log('wrote bench/REPORT.md');
