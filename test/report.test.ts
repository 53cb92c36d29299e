import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSearch } from '../src/pipeline/make-record.js';
import { qualify } from '../src/pipeline/settings.js';
import { streamFor } from '../src/random/streams.js';
import { sequenceOutcome } from '../src/records/outcome.js';
import { verifyRecord } from '../src/verify/index.js';
import { headlineFigures } from '../src/report/figures.js';
import { statsText } from '../src/report/terminal.js';
import { gatherCorpus } from '../src/report/gather.js';
import { readInput } from '../src/pipeline/inputs.js';
import { Histogram } from '../src/report/histogram.js';
import { histogramRows, planBins } from '../src/report/chart-specs.js';
import { classify } from '../src/records/kind.js';
import { readRecordsTolerant, type ReadIssue } from '../src/records/read.js';
import { allLanes, recordLanes } from '../src/report/thread-lanes.js';
import { problemRecord } from '../src/serializers/problem.js';
import { figureFieldFaults, recordFigures } from '../src/serializers/record-view.js';
import { defaultProblems } from '../src/solver/problems.js';
import { countTextTokens, threadTokens } from '../src/tokens/llama.js';
import { goldenPath, repoRoot } from './helpers.js';

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const APR = goldenPath('apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl');
const SOSP = goldenPath('sosp_s0_beam5_on_problems_s42.jsonl');
let dir: string;
/** Default APR records of 3 to 6 numbers, in apr-sizes.jsonl. */
let sizesLines: string[];

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Dict {
  main_calls: string[];
  sub_calls: Dict[][];
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const records = (file: string) => lines(file).map((l) => JSON.parse(l) as Record<string, unknown>);
const flatten = (d: Dict): string[] => [...d.main_calls, ...d.sub_calls.flat().flatMap(flatten)];
const threads = (d: Dict): number => 1 + d.sub_calls.flat().reduce((n, k) => n + threads(k), 0);
const depth = (d: Dict): number => Math.max(0, ...d.sub_calls.flat().map((k) => 1 + depth(k)));
/** The latency path, written out: the thread's last sequence plus, per spawn, its longest child's. */
const sequential = (d: Dict): number =>
  countTextTokens(d.main_calls.at(-1)!) + d.sub_calls.reduce((n, group) => n + Math.max(0, ...group.map(sequential)), 0);

/** Default-mode APR records (with their figure fields) of 3 to 6 numbers, as JSON lines. */
function defaultAprLines(count: number): string[] {
  const spec = { minNumbers: 3, maxNumbers: 6, minTarget: 10, maxTarget: 100, maxNumber: 99 };
  const settings = qualify('apr');
  return [...defaultProblems(77, 'train', spec, count, new Set())].map((p, i) =>
    Buffer.from(makeSearch(p, problemRecord(p, 'default'), streamFor(3, 'apr', i), settings).json).toString('latin1'),
  );
}

async function readAll(file: string) {
  const issues: ReadIssue[] = [];
  const items: Array<{ value: unknown; line: number }> = [];
  for await (const item of readRecordsTolerant(file, (i) => issues.push(i))) items.push(item);
  return { items, issues };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'ct-report-'));
  sizesLines = defaultAprLines(60);
  writeFileSync(join(dir, 'apr-sizes.jsonl'), sizesLines.join('\n') + '\n');
});

describe('Histogram', () => {
  it('counts exactly while small: mean, quantiles, bins', () => {
    const h = new Histogram();
    for (const v of [1, 2, 2, 3, 10]) h.add(v);
    expect([h.count, h.mean, h.min, h.max, h.quantile(0.5), h.quantile(1)]).toEqual([5, 3.6, 1, 10, 2, 10]);
    expect(h.bins(4)).toEqual([
      { start: 0, end: 4, count: 4 },
      { start: 8, end: 12, count: 1 },
    ]);
  });

  it('stays within its bucket budget however many distinct values arrive', () => {
    const h = new Histogram(64);
    for (let v = 0; v < 100_000; v++) h.add(v);
    expect(h.values().length).toBeLessThanOrEqual(64);
    expect(h.count).toBe(100_000);
    expect(h.max).toBe(99_999);
    expect(Math.abs(h.quantile(0.5) - 50_000)).toBeLessThan(2048);
  });
});

describe('histogram bins and the window', () => {
  it('a bin ends at the window: sequences of exactly its length are not drawn beyond it', () => {
    const h = new Histogram();
    for (const v of [100, 4096, 4096, 4097, 5000]) h.add(v);
    const plan = planBins([h], 4096);
    const rows = histogramRows(h, plan, 'c', 's', 5);
    const holding = (v: number) => rows.find((r) => (r.start as number) <= v && v < (r.end as number))!;
    expect(holding(4096).end).toBe(4097);
    expect(holding(4097).start).toBe(4097);
    expect(holding(4096).count).toBe(2);
    expect(h.bins(512, 1).map((b) => [b.start, b.count])).toEqual([[1, 1], [3585, 2], [4097, 1], [4609, 1]]);
    // a window that is not a multiple of the width: the first bin is cut short at 0, never negative
    const low = new Histogram();
    for (const v of [56, 700, 701]) low.add(v);
    const lowRows = histogramRows(low, planBins([low], 700), 'c', 's', 3);
    expect(lowRows.every((r) => (r.start as number) >= 0)).toBe(true);
    expect(lowRows.find((r) => (r.start as number) <= 700 && 700 < (r.end as number))!.end).toBe(701);
  });
});

describe('a window far past the data', () => {
  it('draws the page in bounded size: the axis is not ticked at every bin step out to the window (report --window 100000000 ran out of memory)', async () => {
    const h = new Histogram();
    for (const v of [100, 300, 900]) h.add(v);
    const { histogramSpec, renderSvg } = await import('../src/report/chart-specs.js');
    const sizes: number[] = [];
    for (const window of [4096, 10_000_000, 9_007_199_254_740_991]) {
      const plan = planBins([h], window);
      const svg = await renderSvg(histogramSpec({ xTitle: 'x', yTitle: 'y', rows: histogramRows(h, plan, 'c', 's', 3), plan, corpora: ['c'], window }));
      expect(svg).toContain(`window ${window.toLocaleString('en-US')}`);
      sizes.push(svg.length);
    }
    // Before, the 10,000,000 window's chart alone was megabytes; now each is about the size of the usual one.
    for (const size of sizes) expect(size).toBeLessThan(4 * sizes[0]!);
  });
});

describe('classify', () => {
  it('tells record kinds by their fields', () => {
    expect(classify(records(APR)[0]).kind).toBe('apr');
    expect(classify(records(SOSP)[0]).kind).toBe('sosp');
    expect(classify({ nums: [1, 2], target: 3, search_path: 'x', search_type: 'bfs_2' }).kind).toBe('bfs');
    expect(classify({ nums: [1, 2], target: 3, search_path: 'x', search_type: 'dfs' }).kind).toBe('dfs');
    expect(classify({ nums: [1, 2], target: 3, solution: [] }).kind).toBe('problem');
    // a text beside its problem (a model's output kept with its prompt) is a sequence
    expect(classify({ nums: [1, 2], target: 3, text: 'Current State: 3:[1, 2], Operations: []\n' }).kind).toBe('sequence');
    // Stream of Search's search types are dfs and bfs_{beam}, and nothing else; one of another type is still a search record's fault.
    // Read by each solver's own writer (Solver.searchType): a beam with a leading zero or a dfs with a beam is none of them.
    for (const st of ['dfsXYZ', 'bfs', 'bfs_x', 7, 'sosp_05', 'dfs_3']) expect(classify({ nums: [1, 2], target: 3, search_path: 'x', search_type: st })).toEqual({ kind: undefined, reason: expect.stringMatching(/is none of sosp_\{beam\}/) });
    expect(classify({ nums: [1, 2], target: 3, search_type: 7 }).kind).toBeUndefined();
    // A text that is not a string is a model output gone wrong, not a problem record (verify graded it valid); a null one too.
    expect(classify({ nums: [1, 2], target: 3, text: ['x'] })).toEqual({ kind: undefined, reason: '"text" ["x"] is not a string' });
    expect(classify({ nums: [1, 2], target: 3, text: null })).toEqual({ kind: undefined, reason: '"text" null is not a string' });
    // A search record's null text is a table's empty cell (records beside sequences), as before.
    expect(classify({ ...records(SOSP)[0], text: null }).kind).toBe('sosp');
    // A model's output under another field is no problem record: stats counted it as one, verify named it.
    const sosp = records(SOSP)[0] as { nums: number[]; target: number; search_path: string };
    const output = { nums: sosp.nums, target: sosp.target, output: sosp.search_path };
    expect(classify(output)).toEqual({ kind: undefined, reason: expect.stringMatching(/^field "output" holds a search text, but only "text" is read as one/) });
    expect(verifyRecord(output)).toEqual([expect.objectContaining({ message: (classify(output) as { reason: string }).reason })]);
    // A prompt (the problem's Current State alone) is a problem record's extra field.
    expect(classify({ nums: sosp.nums, target: sosp.target, prompt: `${sosp.search_path.split('\n')[0]}\n` }).kind).toBe('problem');
  });

  it('reads a search type as verify does: stats, report and verify never disagree on what a record is', () => {
    const sosp = records(SOSP)[0] as Record<string, unknown>;
    const apr = records(APR)[0] as Record<string, unknown>;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...sosp, trace_dict: apr.trace_dict }, /a sosp record with a "trace_dict" \(only APR records have one\)/],
      [{ ...sosp, search_type: 'sosp' }, /search_type "sosp" is none of sosp_\{beam\}/],
      [{ ...apr, search_type: 'apr' }, /search_type "apr" is none of/],
      [{ ...sosp, search_type: 'apr_5' }, /APR record without "trace_dict"/],
    ];
    // a null trace_dict (a table of SoS+ and APR rows together writes one) is none
    expect(classify({ ...sosp, trace_dict: null }).kind).toBe('sosp');
    expect(verifyRecord({ ...sosp, trace_dict: null })).toEqual([]);
    for (const [rec, reason] of cases) {
      const c = classify(rec);
      expect(c.kind).toBeUndefined();
      expect(c.kind === undefined && c.reason).toMatch(reason);
      expect(verifyRecord(rec).length).toBeGreaterThan(0);
    }
    expect(classify({ text: 'Moving to Node #0\n' }).kind).toBe('sequence');
    expect(classify({ foo: 1 }).kind).toBeUndefined();
    expect(classify([1, 2]).kind).toBeUndefined();
    expect(classify({ nums: [1], target: 2, trace_dict: { main_calls: [] } }).kind).toBeUndefined();
  });

  it('names how a sequence ends', () => {
    expect(sequenceOutcome('a\n<End Calling Sub Searches>\n')).toBe('spawned children');
    expect(sequenceOutcome('a\n27,27 equal: Goal Reached\n')).toBe('solved');
    expect(sequenceOutcome('a\nNo solution found.\n')).toBe('no solution');
    // SoS+: the goal found two sub searches deep, then their exits.
    expect(sequenceOutcome('a\n63,63 equal: Goal Reached\nExit Sub Search at level 2\nExit Sub Search at level 1\n')).toBe('solved');
    expect(sequenceOutcome('a\n33,51 unequal: No Solution\nExit Sub Search at level 1\n')).toBe('no solution');
  });
});

describe('tolerant reading', () => {
  it('streams a JSON array element by element, strings with brackets included, and skips a bad element', async () => {
    const file = join(dir, 'arr.json');
    const big = 'x'.repeat(200_000); // spans several stream chunks
    writeFileSync(file, `[\n{"text": "a ] } [ \\" {"},\n{"text": "${big}"},\n{"text": oops},\n  {"nums": [1, 2], "target": 3}\n]\n`);
    const { items, issues } = await readAll(file);
    expect(items.map((i) => i.line)).toEqual([2, 3, 5]);
    expect((items[0]!.value as { text: string }).text).toBe('a ] } [ " {');
    expect((items[1]!.value as { text: string }).text).toHaveLength(200_000);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file, line: 4 });
    expect(issues[0]!.message).toMatch(/element 3 is not valid JSON/);
  });

  it('reports a truncated array, an empty file and a single object', async () => {
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, '[{"text": "a"}, {"text": "b"');
    const r = await readAll(cut);
    expect(r.items).toHaveLength(1);
    expect(r.issues[0]!.message).toMatch(/ends inside the array/);
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '\n\n');
    expect((await readAll(empty)).issues).toEqual([{ file: empty, message: 'empty: no records', code: 'empty' }]);
    const obj = join(dir, 'obj.json');
    writeFileSync(obj, '{"records": 3}');
    expect((await readAll(obj)).issues[0]!.code).toBe('not-records');
  });

  it('keeps the lines before a corrupt gzip tail', async () => {
    const file = join(dir, 'cut.jsonl.gz');
    const gz = gzipSync(readFileSync(SOSP));
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await readAll(file);
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.length).toBeLessThan(200);
    expect(r.issues.at(-1)!.message).toMatch(/cannot read further/);
  });
});

describe('corpus statistics', () => {
  it('APR figures agree with a direct count over the golden file', async () => {
    const c = await gatherCorpus(readInput(APR, 4096), 'apr', () => undefined);
    const recs = records(APR);
    const dicts = recs.map((r) => r.trace_dict as Dict);
    const seqs = dicts.flatMap(flatten);
    const tokens = seqs.map(threadTokens);
    const s = c.search.apr;
    expect(s.records).toBe(200);
    expect(s.solved).toBe(recs.filter((r) => /equal: Goal Reached\n?$/.test(r.search_path as string)).length);
    expect(s.sequences).toBe(seqs.length);
    expect(s.seqTokens.max).toBe(Math.max(...tokens));
    expect(s.seqTokens.total).toBe(tokens.reduce((a, b) => a + b, 0));
    expect(s.sequencesOverWindow).toBe(tokens.filter((t) => t > 4096).length);
    expect(s.problems.threads.total).toBe(dicts.reduce((n, d) => n + threads(d), 0));
    expect(s.problems.sequences.total).toBe(seqs.length);
    expect(s.problems.depth.values()).toEqual([
      { value: 0, count: dicts.filter((d) => depth(d) === 0).length },
      { value: 1, count: dicts.filter((d) => depth(d) === 1).length },
    ]);
    expect(s.problems.tokens.total).toBe(seqs.reduce((n, t) => n + countTextTokens(t), 0));
    expect(s.problems.sequential.total).toBe(dicts.reduce((n, d) => n + sequential(d), 0));
    expect([...s.byStartSize.keys()]).toEqual([4]);
    expect(s.figuresChecked).toBe(0); // reference records carry no figure fields
    expect([...s.byBeam.values()].reduce((n, r) => n + r.n, 0)).toBe(200);
    expect(c.skipped).toBe(0);
  });

  it('headline figures hold one value per corpus', async () => {
    const a = await gatherCorpus(readInput(APR, 4096), 'apr', () => undefined);
    const b = await gatherCorpus(readInput(SOSP, 4096), 'sosp', () => undefined);
    const sections = headlineFigures([a, b]);
    expect(sections.map((s) => s.title)).toEqual(['Input', 'SoS+', 'APR']);
    for (const s of sections) for (const r of s.rows) expect(r.values).toHaveLength(2);
    expect(sections[1]!.rows.find((r) => r.label === 'records')!.values).toEqual(['0', '200']);
    expect(sections[1]!.rows.find((r) => r.label === 'solved')!.values).toEqual(['–', '99 (49.5%)']);
  });

  it('stats: a list (depth shares) runs on past the last column instead of pushing its figures far right; a column beside another holds it', async () => {
    const c = await gatherCorpus(readInput(join(dir, 'apr-sizes.jsonl'), 4096), 'sizes', () => undefined);
    // Records at four more depths: the list of shares is then the widest value by far.
    for (const d of [4, 5, 6, 7]) c.search.apr.problems.depth.add(d);
    const tableOf = (text: string) => text.slice(0, text.indexOf('\n\n')).split('\n');
    const one = tableOf(statsText([c]));
    const depth = one.find((l) => l.startsWith('  depth used'))!;
    const figures = one.filter((l) => l.startsWith('  ') && !l.startsWith('  depth used'));
    expect(one[0]!.length).toBe(Math.max(...figures.map((l) => l.length)));
    expect(depth.length).toBeGreaterThan(one[0]!.length);
    // Side by side, the first column must hold it, or the second would not line up.
    const two = tableOf(statsText([c, c].map((x, i) => Object.assign(Object.create(Object.getPrototypeOf(x)), x, { label: `c${i}` }))));
    const shares = headlineFigures([c]).flatMap((x) => x.rows).find((r) => r.label.startsWith('depth used'))!.values[0]!;
    const depthRow = two.find((l) => l.startsWith('  depth used'))!;
    const end = depthRow.indexOf(shares) + shares.length;
    const recordsRow = two.find((l) => l.startsWith('  records '))!;
    expect(recordsRow.slice(0, end)).toMatch(/ \d+$/);
    expect(recordsRow.slice(end, end + 4)).toMatch(/^ {3}\s/);
  });

  it('by start size: the thread-tree figures of default APR records, checked against their own fields', async () => {
    const recs = sizesLines;
    const c = await gatherCorpus(readInput(join(dir, 'apr-sizes.jsonl'), 4096), 'sizes', () => undefined);
    const s = c.search.apr;
    expect([...s.byStartSize.keys()].sort()).toEqual([3, 4, 5, 6]);
    expect([s.figuresChecked, s.figuresDisagree]).toEqual([60, 0]);
    const parsed = recs.map((l) => JSON.parse(l) as Record<string, unknown> & { start_size: number; trace_dict: Dict });
    for (const [size, p] of s.byStartSize) {
      const of = parsed.filter((r) => r.start_size === size);
      expect(p.n).toBe(of.length);
      expect(p.tokens.total).toBe(of.reduce((n, r) => n + (r.text_token_count as number), 0));
      expect(p.sequential.total).toBe(of.reduce((n, r) => n + sequential(r.trace_dict), 0));
      expect(p.threads.total).toBe(of.reduce((n, r) => n + threads(r.trace_dict), 0));
      expect(p.depth.max).toBe(Math.max(...of.map((r) => depth(r.trace_dict))));
    }
    const sections = headlineFigures([c]);
    expect(sections.map((x) => x.title)).toEqual(['Input', 'APR', 'APR, 3 numbers', 'APR, 4 numbers', 'APR, 5 numbers', 'APR, 6 numbers']);
    const labels = sections[1]!.rows.map((r) => r.label);
    for (const want of ['threads per problem', 'sequences per problem', 'depth used', 'text tokens per problem', 'sequential tokens per problem']) {
      expect(labels.some((l) => l.startsWith(want)), want).toBe(true);
      expect(sections[5]!.rows.some((r) => r.label.startsWith(want)), `${want} by size`).toBe(true);
    }
    const value = (section: number, label: string) => sections[section]!.rows.find((r) => r.label.startsWith(label))!.values[0];
    expect(value(1, 'records whose figure fields disagree')).toBe('0 (0.0%)');
    expect(value(2, 'records')).toBe(String(parsed.filter((r) => r.start_size === 3).length));
    // mean / median / p95 / max of the sequential tokens of the 6-number records.
    const six = parsed.filter((r) => r.start_size === 6).map((r) => r.sequential_token_count as number);
    expect(value(5, 'sequential tokens per problem')!.split(' / ').at(-1)).toBe(Math.max(...six).toLocaleString('en-US'));
  });

  it('recounts the figures from the text: a record whose fields were altered is named as disagreeing', async () => {
    const [line] = defaultAprLines(1);
    const rec = JSON.parse(line!) as Record<string, unknown>;
    const truth = recordFigures(rec, countTextTokens);
    expect(figureFieldFaults(rec, () => truth)).toEqual([]);
    // A figure field that is not a number, or one missing beside the others, is a fault too.
    expect(figureFieldFaults({ ...rec, thread_count: String(truth.threads) }, () => truth)).toEqual([`thread_count "${truth.threads}" is not a number`]);
    expect(figureFieldFaults({ ...rec, seq_count: undefined }, () => truth)).toEqual(['figure fields seq_count missing beside thread_count, thread_depth, text_token_count, sequential_token_count']);
    const file = join(dir, 'apr-altered.jsonl');
    writeFileSync(file, `${line}\n${JSON.stringify({ ...rec, sequential_token_count: truth.sequentialTokens + 1 })}\n${JSON.stringify({ ...rec, thread_count: null })}\n`);
    const c = await gatherCorpus(readInput(file, 4096), 'altered', () => undefined);
    expect([c.search.apr.figuresChecked, c.search.apr.figuresDisagree]).toEqual([3, 2]);
    expect(c.search.apr.problems.sequential.total).toBe(3 * truth.sequentialTokens);
  });

  it('reads a folder by its records: kinds detected per line, non-record files left out', async () => {
    const folder = join(dir, 'corpus');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'apr.jsonl.gz'), gzipSync(readFileSync(APR)));
    writeFileSync(join(folder, 'val.json'), JSON.stringify(records(goldenPath('problems_s42_n200_k4_t100.jsonl')).slice(0, 10), null, 2));
    const texts = flatten(records(APR)[15]!.trace_dict as Dict).map((text) => JSON.stringify({ text }));
    writeFileSync(join(folder, 'sequences-apr.jsonl'), texts.join('\n') + '\n');
    writeFileSync(join(folder, 'stats.json'), '{"records": 5}');
    writeFileSync(join(folder, 'manifest.jsonl'), '{"version": 1}\n');
    // Another program's manifest.json does not make the folder a corpus (read by its manifest).
    writeFileSync(join(folder, 'manifest.json'), '{"name": "my experiment"}');
    const c = await gatherCorpus(readInput(folder, 4096), 'corpus', () => undefined);
    expect([c.search.apr.records, c.problems, c.sequenceLines, c.skipped]).toEqual([200, 10, texts.length, 0]);
    expect(c.files.filter((f) => f.ignored !== undefined).map((f) => f.path.split('/').pop())).toEqual(['manifest.json', 'manifest.jsonl', 'stats.json']);
  });
});

describe('thread lanes', () => {
  it('draws every thread, one spawn per sub_calls group, and the solution path', () => {
    const rec = records(APR)[15]!;
    const d = rec.trace_dict as Dict;
    const root = recordLanes(rec);
    const lanes = allLanes(root);
    expect(lanes).toHaveLength(threads(d));
    expect(lanes.map((l) => l.name).slice(0, 3)).toEqual(['root', 'root.0', 'root.1']);
    expect(root.items.filter((i) => i.type === 'spawn')).toHaveLength(d.sub_calls.length);
    expect(root.items.filter((i) => i.type === 'join')).toHaveLength(d.sub_calls.length);
    expect(root.solved).toBe(true);
    expect(root.path).toEqual(['0', '0,3', '0,3,1']);
    const nodes = lanes.flatMap((l) => l.items.flatMap((i) => (i.type === 'node' ? [i.node] : [])));
    expect(nodes.find((n) => n.id === '0,3')).toMatchObject({ nums: '[61, 3, 85]', op: '96-11=85' });
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length); // each node expanded once
    expect(nodes.some((n) => n.id === '?')).toBe(false);
  });
});

describe('report and stats commands', () => {
  it('writes one self-contained page for two corpora side by side', () => {
    const r = run('report', APR, SOSP, '--out', 'two.html');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote two\.html: 400 records, \d+ charts/);
    const html = readFileSync(join(dir, 'two.html'), 'utf8');
    const ids = [...html.matchAll(/<figure class="chart" id="chart-([\w-]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([
      'tokens-sosp',
      'tokens-apr',
      'problem-tokens-sosp',
      'problem-tokens-apr',
      'threads-apr',
      'solve-by-start-size',
      'tokens-by-start-size',
      'sequential-by-start-size',
      'solve-by-beam',
      'outcomes',
    ]);
    expect(html.match(/<svg /g)).toHaveLength(ids.length);
    // Nothing to fetch: no src/href to other resources, no CSS imports or url().
    expect(html).not.toMatch(/\ssrc=|<link|@import|url\(|href="(?!#)/);
    expect(html).toContain('<th>apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl</th><th>sosp_s0_beam5_on_problems_s42.jsonl</th>');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('draws solve rate, tokens and sequential tokens by start size, corpora side by side', () => {
    const r = run('report', 'apr-sizes.jsonl', APR, '--label', 'default', '--label', 'reference', '--out', 'sizes.html');
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'sizes.html'), 'utf8');
    const chart = (id: string) => new RegExp(`<figure class="chart" id="chart-${id}"[^]*?</figure>`).exec(html)![0];
    for (const id of ['solve-by-start-size', 'tokens-by-start-size', 'sequential-by-start-size']) {
      const marks = [...chart(id).matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>([^]*?)<\/g>/g)].map((m) => m[1]).join('');
      const bars = [...marks.matchAll(/d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)h/g)].map((m) => Number(m[1]));
      // Sizes 3 to 6 of the default corpus, size 4 of the reference's: five bars, none flat.
      expect(bars, id).toHaveLength(5);
      expect(bars.every((h) => h > 0), id).toBe(true);
    }
    expect(chart('tokens-by-start-size')).toContain('(log scale)');
    expect(html).toContain('<tbody data-section="APR, 6 numbers">');
    expect(html).toMatch(/<td>sequential tokens per problem: mean \/ median \/ p95 \/ max<\/td><td class="num">[\d,]+ \/ [\d,]+ \/ [\d,]+ \/ [\d,]+<\/td>/);
  });

  it('names the file and line of every bad input, and still writes the report for the rest', () => {
    const bad = join(dir, 'bad.jsonl');
    const good = lines(SOSP);
    writeFileSync(bad, [good[0], '{"nums": [1, 2', good[1], '{"hello": "world"}', good[2]].join('\n') + '\n');
    writeFileSync(join(dir, 'empty.jsonl'), '');
    writeFileSync(join(dir, 'other.jsonl'), '{"id": 1, "name": "a"}\n{"id": 2, "name": "b"}\n');
    const r = run('report', 'bad.jsonl', 'empty.jsonl', 'other.jsonl', '--out', 'bad.html');
    expect(r.code).toBe(0);
    const warnings = r.stderr.trim().split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toEqual([
      expect.stringMatching(/^countdown-traces: warning: bad\.jsonl:2: not valid JSON .*; line skipped$/),
      expect.stringMatching(/^countdown-traces: warning: bad\.jsonl:4: unrecognised record \(fields: hello\).*; line skipped$/),
      'countdown-traces: warning: empty.jsonl: empty: no records',
      expect.stringMatching(/^countdown-traces: warning: other\.jsonl:1: unrecognised record \(fields: id, name\)/),
      expect.stringMatching(/^countdown-traces: warning: other\.jsonl:2: /),
    ]);
    expect(r.stderr).toMatch(/wrote bad\.html: 3 records, \d+ charts, 4 lines skipped/);
    const html = readFileSync(join(dir, 'bad.html'), 'utf8');
    expect(html).toContain('data-skipped="4"');
    expect(html).toContain('4 lines skipped');
    expect(html).toContain('bad.jsonl:2: not valid JSON');
  });

  it('a comma missing in a .json array of sequences is named once and every sequence kept, no line skipped; verify refuses the file at that line', () => {
    const texts = ['Current State: 7:[3, 4], Operations: []', 'Goal Reached', 'a "quoted", ] text', 'x', 'y'];
    // The comma after the first element deleted.
    writeFileSync(join(dir, 'seqs.json'), `[\n${texts.map((t) => JSON.stringify(t)).join(',\n')}\n]\n`.replace(',\n', '\n'));
    const warning = 'countdown-traces: warning: seqs.json:3: a comma missing or out of place between elements';
    const stats = run('stats', 'seqs.json');
    expect(stats.code).toBe(0);
    expect(stats.stderr.trim().split('\n')).toEqual([warning]);
    expect(stats.stdout).toMatch(/^ {2}sequence lines\s+5$/m);
    expect(stats.stdout).toMatch(/^ {2}lines skipped\s+0$/m);
    const report = run('report', 'seqs.json', '--out', 'seqs.html');
    expect(report.code).toBe(0);
    expect(report.stderr.trim().split('\n')).toEqual([warning, expect.stringMatching(/^wrote seqs\.html: 0 records and 5 sequence lines, \d+ charts$/)]);
    const verify = run('verify', 'seqs.json');
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/^countdown-traces: seqs\.json:3: not valid JSON \(/);
  });

  it("counts in its summary take the noun's singular for one (a problems file makes one chart)", () => {
    const problems = goldenPath('problems_s7_n100_k3-5_t50.jsonl');
    expect(run('report', problems, '--out', 'p100.html').stderr).toBe('wrote p100.html: 100 records, 1 chart\n');
    writeFileSync(join(dir, 'one.jsonl'), lines(problems)[0] + '\n');
    expect(run('report', 'one.jsonl', '--out', 'one.html').stderr).toBe('wrote one.html: 1 record, 1 chart\n');
  });

  it('refuses when no input holds a single record, and writes nothing', () => {
    const r = run('report', 'empty.jsonl', 'other.jsonl', '--out', 'none.html');
    expect(r.code).toBe(2);
    // The empty file is named once, in the error; other.jsonl's lines are warned one by one.
    expect(r.stderr.trim().split('\n').at(-1)).toBe('countdown-traces: no records to report in empty.jsonl (empty), other.jsonl (every line was skipped)');
    expect(r.stderr).not.toContain('warning: empty.jsonl');
    expect(existsSync(join(dir, 'none.html'))).toBe(false);
    expect(run('report', 'missing.jsonl').stderr).toMatch(/cannot read missing\.jsonl: no such file or folder/);
  });

  it('an input without a record is one fault: one line naming it, exit 2, whether empty, not a list of records or a folder without record files', () => {
    writeFileSync(join(dir, 'nothing.jsonl'), '');
    writeFileSync(join(dir, 'object.json'), '{"nums": [1, 2], "target": 3}\n');
    mkdirSync(join(dir, 'no-records'), { recursive: true });
    for (const [input, why] of [
      ['nothing.jsonl', 'empty'],
      ['object.json', 'a single JSON object, not a list of records'],
      ['no-records', 'no record files (.jsonl, .json, either with .gz) in it'],
    ] as const) {
      for (const args of [['stats', input], ['report', input, '--out', 'nothing.html']]) {
        const r = run(...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toBe(`countdown-traces: no records to report in ${input} (${why})\n`);
      }
    }
    expect(existsSync(join(dir, 'nothing.html'))).toBe(false);
  });

  it('refuses an input named twice (its records would be counted twice), as the same name or another name of the file', () => {
    for (const [args, message] of [
      [['stats', APR, APR], /is given twice: name each input once/],
      [['report', APR, SOSP, `${dirname(APR)}/./${basename(APR)}`, '--out', 'twice.html'], /is .*apr_s42_beam10_sub15_p0\.9_on_problems_s42\.jsonl \(the same file\), given twice/],
      [['verify', SOSP, SOSP], /is given twice/],
    ] as const) {
      const r = run(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'twice.html'))).toBe(false);
  });

  it('stats prints the same headline figures, with bar charts', () => {
    const r = run('stats', APR, SOSP, '--label', 'apr', '--label', 'sosp');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^\s+apr\s+sosp$/);
    expect(r.stdout).toMatch(/^APR$/m);
    expect(r.stdout).toMatch(/^ {2}records\s+200\s+0$/m);
    expect(r.stdout).toMatch(/^apr: APR tokens per sequence/m);
    expect(r.stdout).toMatch(/█/);
    const sizes = run('stats', 'apr-sizes.jsonl');
    expect(sizes.code).toBe(0);
    for (const label of ['threads per problem', 'sequences per problem', 'depth used', 'text tokens per problem', 'sequential tokens per problem']) {
      expect(sizes.stdout).toMatch(new RegExp(`^  ${label}.* \\S+$`, 'm'));
    }
    expect(sizes.stdout).toMatch(/^APR, 6 numbers$/m);
    expect(sizes.stdout).toMatch(/^ {2}records whose figure fields disagree with their text +0 \(0\.0%\)$/m);
    expect(sizes.stdout).toMatch(/^APR depth used$/m);
    expect(sizes.stdout).toMatch(/^APR mean text tokens per problem by start size, log scale/m);
  });

  it('inspect --html draws the threads of a stored record', () => {
    const r = run('inspect', '--record', `${APR}:15`, '--html', 'one.html');
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'one.html'), 'utf8');
    expect(html.match(/<section class="lane/g)).toHaveLength(16);
    expect(html.match(/class="node on-path/g)).toHaveLength(3);
    expect(html).toContain('solved: 3 + 96 - 11 - 61 = 27');
    const rec = records(APR)[15]!;
    // The settings inspect prints, promising included (the page left it out), by one rule.
    const settings = `beam ${String(rec.beam_size)}, child beam ${String(rec.sub_call_beam_size)}, promising ${String(rec.promising_threshold)}, heuristic ${String(rec.heuristic)}`;
    expect(html).toContain(`<b>${String(rec.search_type)}</b> (${settings})`);
    expect(run('inspect', '--record', `${APR}:15`).stdout).toContain(`search    ${String(rec.search_type)}, ${settings}\n`);
    const f = recordFigures(rec, countTextTokens);
    expect(html).toContain(`depth used <span id="depth">1</span>`);
    expect(html).toContain(`<span id="tokens">${f.totalTokens.toLocaleString('en-US')} tokens in all, ${f.sequentialTokens.toLocaleString('en-US')} sequential</span>`);
    expect(html).toMatch(new RegExp(`<span id="sequences">${f.sequences} sequences of [\\d,]+ / [\\d,]+ / [\\d,]+ tokens</span>`));
    expect(html).not.toMatch(/\ssrc=|<link|@import|url\(/);
    // The lanes count text tokens as the header does, so they add up to it (with <s> and </s> they did not).
    const laneTokens = [...html.matchAll(/(\d[\d,]*) text tok</g)].map((m) => Number(m[1]!.replace(/,/g, '')));
    expect(laneTokens).toHaveLength(16);
    expect(laneTokens.reduce((a, b) => a + b, 0)).toBe(f.totalTokens);
  });

  it('inspect --html judges sequences against the window of the search, or the one given for a stored record', () => {
    // A six-number search at 8,192 tokens: its longer sequences are over 4,096, and not over its window.
    const r = run('inspect', '--nums', '87,72,65,36,86,4', '--target', '51', '--window', '8192', '--html', 'w8k.html');
    expect(r.code, r.stderr).toBe(0);
    const page = readFileSync(join(dir, 'w8k.html'), 'utf8');
    expect(page).toContain('window.INSPECT_WINDOW = 8192;');
    expect(page).not.toMatch(/over the [\d,]+-token window/);
    expect(run('inspect', '--record', `${APR}:15`, '--window', '1000', '--html', 'w1k.html').code).toBe(0);
    expect(readFileSync(join(dir, 'w1k.html'), 'utf8')).toMatch(/\(\d+ over the 1,000-token window\)/);
    // Depth 3: every level below the root its own colour, never its parent's.
    expect(run('inspect', '--nums', '87,72,65,36,86,4', '--target', '51', '--html', 'deep.html').code).toBe(0);
    const levels = new Set([...readFileSync(join(dir, 'deep.html'), 'utf8').matchAll(/class="lane level-(\d)/g)].map((m) => m[1]));
    expect(levels).toEqual(new Set(['0', '1', '2', '3']));
  });
});
