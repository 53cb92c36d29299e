/**
 * `npm run frontier`: what the APR planner achieves against the reference, measured on the
 * records as written (docs/decomposition.md). For start sizes 3 to 6 it runs the
 * reference (`--compat reference`, no window) and default mode at windows 1024, 2048 and
 * 4096 and depths 1 to 3, on the same problems, and prints per cell: solved, text tokens
 * per problem, sequences per problem, median sequence, sequences over the window,
 * sequential tokens, threads and depth used; then checks the targets of the decomposition
 * issue. Writes the tables to bench/FRONTIER.md.
 *
 * FRONTIER_COUNT=N (problems per cell for 3 to 5 numbers; default 1000) and
 * FRONTIER_COUNT6=N (for 6 numbers; default 300) make quicker runs.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { Piscina } from 'piscina';
import { FRONTIER_SEED, frontierCount, type CellFigures, type CellSpec } from './frontier-cell.js';
import { DEFAULT_MAX_DEPTH } from '../solver/apr.js';
import { fmtInt, plural } from '../io/numbers.js';

const WINDOWS = [1024, 2048, 4096] as const;
const DEPTHS = [1, 2, 3] as const;
const SIZES = [3, 4, 5, 6] as const;
const count = (k: number) => Number((k === 6 ? process.env.FRONTIER_COUNT6 : process.env.FRONTIER_COUNT) ?? frontierCount(k));

const specs: CellSpec[] = [];
for (const numbers of SIZES) {
  specs.push({ numbers, count: count(numbers), seed: FRONTIER_SEED, judge: WINDOWS });
  for (const window of WINDOWS) for (const depth of DEPTHS) specs.push({ numbers, count: count(numbers), seed: FRONTIER_SEED, window, depth, judge: [window] });
}

const started = Date.now();
const pool = new Piscina({ filename: new URL('./frontier-cell.js', import.meta.url).href, maxThreads: availableParallelism(), idleTimeout: 1000 });
// The biggest cells first, so the pool ends together.
const order = [...specs].sort((a, b) => b.numbers - a.numbers || (a.window === undefined ? -1 : 0));
const results = new Map<CellSpec, CellFigures>();
await Promise.all(
  order.map(async (spec) => {
    results.set(spec, (await pool.run(spec)) as CellFigures);
    process.stderr.write('.');
  }),
);
await pool.destroy();
process.stderr.write('\n');

const median = (lengths: Record<number, number>): number => {
  const keys = Object.keys(lengths).map(Number).sort((a, b) => a - b);
  const n = keys.reduce((s, k) => s + lengths[k]!, 0);
  let seen = 0;
  for (const k of keys) {
    seen += lengths[k]!;
    if (2 * seen >= n) return k;
  }
  return 0;
};
const per = (x: number, f: CellFigures) => x / f.records;
const pct = (x: number, n: number) => (n > 0 ? (100 * x) / n : 0);

const header = '| cell | solved | tokens / problem | sequences / problem | median sequence | over the window | sequential tokens | threads | depth used |';
const rule = '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
const rowOf = (label: string, f: CellFigures, window: number) =>
  `| ${label} | ${pct(f.solved, f.records).toFixed(1)}% | ${fmtInt(per(f.tokens, f))} | ${per(f.sequences, f).toFixed(1)} | ${fmtInt(median(f.lengths))} | ${f.over[window]} (${pct(f.over[window]!, f.sequences).toFixed(1)}%) | ${fmtInt(per(f.sequential, f))} | ${per(f.threads, f).toFixed(1)} | ${f.maxDepth} |`;

const lines: string[] = [];
const cell = (numbers: number, window?: number, depth?: number) => results.get(specs.find((s) => s.numbers === numbers && s.window === window && s.depth === depth)!)!;
for (const numbers of SIZES) {
  const ref = cell(numbers);
  lines.push(`### ${numbers} numbers (${ref.records} problems)`, '', header, rule);
  for (const window of WINDOWS) lines.push(rowOf(`reference, judged at ${window}`, ref, window));
  for (const window of WINDOWS) for (const depth of DEPTHS) lines.push(rowOf(`window ${window}, depth ${depth}${depth === DEFAULT_MAX_DEPTH ? ' (default)' : ''}`, cell(numbers, window, depth), window));
  lines.push('');
}

/** Two binomial draws of n differ by about this much (two standard errors of the difference). */
const noise = (a: CellFigures, b: CellFigures) => {
  const p = (f: CellFigures) => f.solved / f.records;
  return 2 * Math.sqrt((p(a) * (1 - p(a))) / a.records + (p(b) * (1 - p(b))) / b.records);
};
const checks: string[] = [];
const check = (ok: boolean, what: string) => checks.push(`- ${ok ? 'holds' : 'MISSED'}: ${what}`);
const targetsAt = (numbers: number, window: number, depth: number, tokenFactor: number, swarm: boolean) => {
  const ref = cell(numbers);
  const f = cell(numbers, window, depth);
  const solved = pct(f.solved, f.records);
  const refSolved = pct(ref.solved, ref.records);
  const where = `${numbers} numbers, window ${window}, depth ${depth}`;
  check(f.solved / f.records >= ref.solved / ref.records - noise(f, ref), `${where}: solved ${solved.toFixed(1)}% >= reference ${refSolved.toFixed(1)}% within two draws' noise (${(100 * noise(f, ref)).toFixed(1)} points)`);
  check(per(f.tokens, f) <= tokenFactor * per(ref.tokens, ref), `${where}: tokens per problem ${fmtInt(per(f.tokens, f))} <= ${tokenFactor === 1 ? '' : `${tokenFactor} x `}reference ${fmtInt(per(ref.tokens, ref))}`);
  if (swarm) {
    const most = 3 * Math.ceil(per(ref.tokens, ref) / window);
    check(per(f.sequences, f) <= most, `${where}: sequences per problem ${per(f.sequences, f).toFixed(1)} <= 3 x ceil(reference tokens / window) = ${most}`);
    const least = Math.min(window / 4, 0.8 * median(ref.lengths));
    check(median(f.lengths) >= least, `${where}: median sequence ${median(f.lengths)} >= min(window / 4, 0.8 x reference median ${median(ref.lengths)}) = ${fmtInt(least)}`);
  }
  check(f.over[window] === 0, `${where}: ${f.over[window]} sequences over the window`);
};
for (const numbers of SIZES) targetsAt(numbers, 4096, DEFAULT_MAX_DEPTH, 1, true);
targetsAt(4, 2048, DEFAULT_MAX_DEPTH, 1.25, true);

const minutes = ((Date.now() - started) / 60000).toFixed(1);
const doc = [
  '# APR decomposition frontier',
  '',
  `Written by \`npm run frontier\` on ${new Date().toISOString().slice(0, 10)} (${minutes} min on ${plural(availableParallelism(), 'thread')}, ${cpus()[0]?.model ?? 'unknown CPU'}).`,
  `Problems: default mode, seed ${FRONTIER_SEED}, targets 10..100, numbers 1..99 (the same problems for every cell of a start size).`,
  "APR settings: the reference's (beam 1..10, child beam up to 15, promising 0.9, mult heuristic), search seed 0.",
  'Every figure is read back from the records as written: sequences from `trace_dict`, counted with the Llama-2 text tokenizer',
  '(tokens are text tokens, without `<s>`/`</s>`; a sequence is over the window when text + 2 exceeds it). "Sequential" is the',
  "latency path: a thread's last sequence plus, per spawn, its longest child's sequential tokens. The reference rows are one run",
  'judged at each window.',
  '',
  ...lines,
  '## Targets (issue: APR decomposition that fits the window)',
  '',
  ...checks,
  '',
];
writeFileSync(new URL('../../bench/FRONTIER.md', import.meta.url), doc.join('\n'));
console.log(doc.join('\n'));
