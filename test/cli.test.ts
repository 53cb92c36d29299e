import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { problemKey } from '../src/core/countdown.js';
import { splitOf } from '../src/solver/problems.js';
import { goldenPath, repoRoot } from './helpers.js';

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
let dir: string;

function run(...args: string[]) {
  // A timeout, so a command that hangs fails its test instead of stalling the suite.
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, timeout: 45_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const jsonl = (file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'ct-cli-'));
});

/** A failed command: exit 2, one line on stderr, and no file of that name. */
function expectUsageError(r: ReturnType<typeof run>, mention: string | RegExp, out?: string) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(mention);
  expect(lines[0]!.startsWith('countdown-traces: ')).toBe(true);
  if (out) expect(existsSync(join(dir, out))).toBe(false);
  // No temporary file is left behind either.
  expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
}

describe('problems', () => {
  it('reproduces the reference golden file in reference mode', () => {
    const r = run('problems', '--compat', 'reference', '--seed', '42', '--count', '200', '--min-numbers', '4', '--max-numbers', '4', '--max-target', '100', '--out', 'ref.jsonl');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'ref.jsonl'), 'utf8')).toBe(readFileSync(goldenPath('problems_s42_n200_k4_t100.jsonl'), 'utf8'));
  });

  it('default mode: distinct problems, all of the asked split, the same bytes every run', () => {
    expect(run('problems', '--count', '500', '--seed', '9', '--out', 'a.jsonl').code).toBe(0);
    expect(run('problems', '--count', '500', '--seed', '9', '--out', 'b.jsonl').code).toBe(0);
    expect(readFileSync(join(dir, 'a.jsonl')).equals(readFileSync(join(dir, 'b.jsonl'))), 'a.jsonl and b.jsonl hold the same bytes').toBe(true);
    const recs = jsonl('a.jsonl');
    const keys = recs.map((p) => problemKey(p.nums as number[], p.target as number));
    expect(new Set(keys).size).toBe(500);
    expect(recs.every((p) => splitOf(p.nums as number[], p.target as number) === 'train')).toBe(true);
  });

  it('default mode: val excludes the train file and is of the val split', () => {
    expect(run('problems', '--count', '300', '--split', 'val', '--exclude', 'a.jsonl', '--out', 'val.json').code).toBe(0);
    const val = JSON.parse(readFileSync(join(dir, 'val.json'), 'utf8')) as Array<{ nums: number[]; target: number }>;
    expect(val).toHaveLength(300);
    expect(val.every((p) => splitOf(p.nums, p.target) === 'val')).toBe(true);
  });

  it('writes gzip and stdout', () => {
    expect(run('problems', '--count', '20', '--out', 'p.jsonl.gz').code).toBe(0);
    const text = gunzipSync(readFileSync(join(dir, 'p.jsonl.gz'))).toString();
    expect(text.trim().split('\n')).toHaveLength(20);
    const r = run('problems', '--count', '3', '--out', '-');
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('correct optimal_path with repeated numbers in default mode', () => {
    expect(run('problems', '--count', '400', '--min-numbers', '4', '--max-numbers', '4', '--max-target', '20', '--out', 'small.jsonl').code).toBe(0);
    const withRepeats = jsonl('small.jsonl').filter((p) => new Set(p.nums as number[]).size < (p.nums as number[]).length);
    expect(withRepeats.length).toBeGreaterThan(0);
    for (const p of withRepeats) {
      const lines = (p.optimal_path as string).split('\n').filter((l) => l.startsWith('Exploring Operation'));
      // Each step removes two numbers and adds one: 3, 2, then 1 number left.
      expect(lines.map((l) => l.split('Resulting Numbers: ')[1]!.split(',').length)).toEqual([3, 2, 1]);
    }
  });

  it.each([
    [['--count', 'abc'], /--count: expected an integer/],
    [['--count', '0'], /--count: must be at least 1/],
    [['--seed', '-3'], /--seed: must be at least 0/],
    // A whole number in plain decimal digits only: no + sign, no blanks, no leading zero.
    [['--count', '+5'], /^countdown-traces: --count: expected an integer without a \+ sign, got "\+5"$/],
    [['--count', ' 7'], /^countdown-traces: --count: expected an integer without blanks around it, got " 7"$/],
    [['--count', '010'], /^countdown-traces: --count: expected an integer without a leading zero, got "010"$/],
    [['--seed', '-0'], /^countdown-traces: --seed: expected an integer without a sign on 0, got "-0"$/],
    [['--count', '1e3'], /^countdown-traces: --count: expected an integer, got "1e3"$/],
    [['--min-numbers', '5', '--max-numbers', '3'], /--min-numbers 5 is larger than --max-numbers 3/],
    [['--min-target', '90', '--max-target', '20'], /--min-target 90 is larger than --max-target 20/],
    [['--max-number', '3', '--min-numbers', '2', '--max-numbers', '2'], /--max-target 100 cannot be reached with 2 numbers up to 3/],
    [['--max-numbers', '9'], /--max-numbers: must be at most 6/],
    [['--split', 'test'], /--split: expected one of train, val/],
    [['--exclude', 'missing.jsonl'], /cannot read missing.jsonl: no such file/],
  ])('rejects %j with one line and exit 2', (args, message) => {
    expectUsageError(run('problems', ...args, '--out', 'bad.jsonl'), message, 'bad.jsonl');
  });

  it('an output under a folder that cannot be made is one line, not a hang', () => {
    expectUsageError(run('problems', '--count', '3', '--out', '/proc/no-such/a.jsonl'), /cannot write \/proc\/no-such\/a.jsonl/);
    expectUsageError(run('inspect', '--nums', '22,26,31,53', '--target', '50', '--html', '/proc/no-such/a.html'), /cannot write \/proc\/no-such\/a.html/);
  });

  it('names the file and line of a malformed --exclude', () => {
    writeFileSync(join(dir, 'broken.jsonl'), '{"nums": [1, 2, 3, 4], "target": 10}\n{"nums": [1, 2\n');
    expectUsageError(run('problems', '--exclude', 'broken.jsonl', '--out', 'bad.jsonl'), /broken.jsonl:2: not valid JSON/, 'bad.jsonl');
  });
});

describe('search', () => {
  const golden42 = () => goldenPath('problems_s42_n200_k4_t100.jsonl');

  it('reproduces the golden SoS+ and APR files in reference mode', () => {
    expect(run('search', 'sosp', '--compat', 'reference', '--seed', '0', '--max-beam', '5', '--problems', golden42(), '--out', 's.jsonl').code).toBe(0);
    expect(readFileSync(join(dir, 's.jsonl'), 'utf8')).toBe(readFileSync(goldenPath('sosp_s0_beam5_on_problems_s42.jsonl'), 'utf8'));
    const r = run('search', 'apr', '--compat', 'reference', '--seed', '42', '--max-beam', '10', '--max-sub-beam', '15', '--promising', '0.9', '--problems', golden42(), '--out', 'a.jsonl');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'a.jsonl'), 'utf8')).toBe(readFileSync(goldenPath('apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl'), 'utf8'));
  });

  it('default mode names the heuristic it used and is reproducible', () => {
    expect(run('search', 'sosp', '--heuristic', 'random', '--problems', golden42(), '--out', 'd1.jsonl').code).toBe(0);
    expect(run('search', 'sosp', '--heuristic', 'random', '--problems', golden42(), '--out', 'd2.jsonl').code).toBe(0);
    expect(readFileSync(join(dir, 'd1.jsonl')).equals(readFileSync(join(dir, 'd2.jsonl'))), 'd1.jsonl and d2.jsonl hold the same bytes').toBe(true);
    const names = new Set(jsonl('d1.jsonl').map((r) => r.heuristic));
    expect(names).toEqual(new Set(['sum_heuristic', 'mult_heuristic']));
  });

  it('a record does not depend on the records before it (default mode)', () => {
    const lines = readFileSync(golden42(), 'utf8').split('\n').filter(Boolean);
    writeFileSync(join(dir, 'tail.jsonl'), lines.slice(0).join('\n') + '\n');
    expect(run('search', 'apr', '--problems', 'tail.jsonl', '--out', 'all.jsonl').code).toBe(0);
    const all = readFileSync(join(dir, 'all.jsonl'), 'utf8').split('\n');
    // Records are keyed by their index, so record 0 alone equals record 0 of the whole run.
    writeFileSync(join(dir, 'one.jsonl'), lines[0] + '\n');
    expect(run('search', 'apr', '--problems', 'one.jsonl', '--out', 'one-out.jsonl').code).toBe(0);
    expect(readFileSync(join(dir, 'one-out.jsonl'), 'utf8').split('\n')[0]).toBe(all[0]);
  });

  it.each([
    ['{"nums": [1, 2, 3], "target": 6}\n{"nums": [1, 2, 3]\n', /bad.jsonl:2: not valid JSON/],
    ['{"nums": [1, 2, 3], "target": 6}\n{"nums": [1, 2, 3]}\n', /bad.jsonl:2: missing field "target"/],
    ['{"nums": [5], "target": 6}\n', /bad.jsonl:1: "nums" must hold 2 to 6 numbers, got 1/],
    ['{"nums": [1, "x", 3], "target": 6}\n', /bad.jsonl:1: "nums" must be a list of non-negative integers/],
    ['{"nums": [1, 2, 3, 4], "target": 10, "start_size": 3}\n', /bad.jsonl:1: "start_size" 3 but "nums" holds 4 numbers/],
    ['{"nums": [1, 2, 3, 4], "target": 10, "solution": ["1+2=3", "3+3=6", "6+4=11"]}\n', /bad.jsonl:1: "solution" step 3 6\+4=11 is wrong arithmetic/],
    ['{"nums": [1, 2, 3, 4], "target": 10, "solution": ["1+2=3", "3*4=12"]}\n', /bad.jsonl:1: "solution" ends with \[3, 12\], not \[10\]/],
    ['{"nums": [3, 4], "target": 7, "solution": []}\n', /bad.jsonl:1: "solution" ends with \[3, 4\], not \[7\]/],
    ['{"nums": [53, 22], "target": 31, "solution": ["053-22=31"]}\n', /bad.jsonl:1: "solution" holds "053-22=31", not an operation/],
    ['{"nums": [3, 4], "target": 7, "start_size": null}\n', /bad.jsonl:1: "start_size" must be an integer from 2 to 6/],
    ['{"nums": [3, 4], "target": 7, "optimal_path": "x"}\n', /bad.jsonl:1: "optimal_path" without the "solution" it follows/],
  ])('rejects a bad problems file %#', (content, message) => {
    writeFileSync(join(dir, 'bad.jsonl'), content);
    expectUsageError(run('search', 'sosp', '--problems', 'bad.jsonl', '--out', 'out.jsonl'), message, 'out.jsonl');
  });

  it.each([
    [['--promising', '2'], /--promising: expected a probability/],
    [['--promising', '0x1'], /--promising: expected a probability between 0 and 1, got "0x1"/],
    // A decimal as JSON writes it: its whole part as an integer (no + sign, no blanks, no leading zero), a digit each side of its point.
    [['--promising', '+0.5'], /^countdown-traces: --promising: expected a probability between 0 and 1 without a \+ sign, got "\+0.5"$/],
    [['--promising', ' 0.5'], /^countdown-traces: --promising: expected a probability between 0 and 1 without blanks around it, got " 0.5"$/],
    [['--promising', '00.5'], /^countdown-traces: --promising: expected a probability between 0 and 1 without a leading zero, got "00.5"$/],
    [['--promising', '.5'], /^countdown-traces: --promising: expected a probability between 0 and 1 with a 0 before its point, got ".5"$/],
    [['--promising', '-0.5'], /^countdown-traces: --promising: expected a probability between 0 and 1, got "-0.5"$/],
    [['--min-beam', '0'], /--min-beam: must be at least 1/],
    [['--min-beam', '6', '--max-beam', '2'], /--min-beam 6 is larger than --max-beam 2/],
    [['--heuristic', 'best'], /--heuristic: expected one of mult, sum, random/],
  ])('rejects options %j', (args, message) => {
    expectUsageError(run('search', 'apr', '--problems', golden42(), ...args, '--out', 'out.jsonl'), message, 'out.jsonl');
  });

  it.each([
    [['--window', '20'], /--window 20 is too small: the shortest complete thread needs \d+ tokens/],
    [['--max-depth', '-1'], /--max-depth: must be at least 0, got -1/],
    [['--condition', 'budget'], /--condition: expected one of none, token-budget, sub-call-budget/],
    [['--condition', 'token-budget'], /--condition token-budget is for sosp, dfs and bfs/],
    [['--fit', 'resample'], /--fit is for sosp, dfs and bfs/],
  ])('rejects window options %j', (args, message) => {
    expectUsageError(run('search', 'apr', '--problems', golden42(), ...args, '--out', 'out.jsonl'), message, 'out.jsonl');
  });

  it('names the problem a window cannot hold, and leaves no output', () => {
    const r = run('search', 'sosp', '--window', '120', '--min-beam', '5', '--problems', golden42(), '--out', 'out.jsonl', '--sequences-out', 'seq.jsonl');
    expectUsageError(r, /problems_s42_n200_k4_t100.jsonl:1: --window 120 cannot hold the first expansion/, 'out.jsonl');
    expect(existsSync(join(dir, 'seq.jsonl'))).toBe(false);
  });

  it('writes training sequences as JSON Lines objects or a JSON array of strings', () => {
    expect(run('search', 'apr', '--problems', golden42(), '--out', 'a1.jsonl', '--sequences-out', 'seq.jsonl', '--condition', 'sub-call-budget').code).toBe(0);
    const seqs = jsonl('seq.jsonl');
    expect(Object.keys(seqs[0]!)).toEqual(['text', 'record', 'thread', 'tokens']);
    expect(seqs[0]!.thread).toBe('root#0');
    expect(seqs[0]!.text as string).toMatch(/^Sub Call Budget: \d+ Moving to Node #0\n/);
    expect(seqs.every((q) => (q.tokens as number) <= 4096)).toBe(true);
    expect(run('search', 'sosp', '--problems', golden42(), '--out', 's1.jsonl', '--sequences-out', 'seq.json').code).toBe(0);
    const arr = JSON.parse(readFileSync(join(dir, 'seq.json'), 'utf8')) as unknown[];
    expect(arr).toHaveLength(200);
    expect(typeof arr[0]).toBe('string');
  });

  it('verify passes the golden files and default-mode output, and fails on a corrupted record', () => {
    const golden = ['sosp_s0_beam5_on_problems_s42.jsonl', 'apr_s5_beam2-6_sub8_p0.5_on_problems_s7.jsonl', 'problems_s7_n100_k3-5_t50.jsonl'].map(goldenPath);
    const ok = run('verify', ...golden);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/: 0 with issues/);
    expect(run('verify', 'a1.jsonl', 'seq.jsonl', '--strict').code).toBe(0);
    const lines = readFileSync(join(dir, 'a1.jsonl'), 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/Exploring Operation: (\d+)\+(\d+)=(\d+)/, (_, a, b, c) => `Exploring Operation: ${a}+${b}=${Number(c) + 1}`);
    writeFileSync(join(dir, 'bad-a.jsonl'), lines.join('\n'));
    const bad = run('verify', 'bad-a.jsonl');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/bad-a.jsonl:4 record 3 .* line \d+: /);
    expect(bad.stdout).toMatch(/: 1 with issues/);
  });

  it('verify fails a record whose figure fields are not its text\'s, and names a file without records', () => {
    const rec = JSON.parse(readFileSync(join(dir, 'a1.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    writeFileSync(join(dir, 'figures.jsonl'), JSON.stringify({ ...rec, thread_count: 99 }) + '\n');
    const r = run('verify', 'figures.jsonl');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/figures.jsonl:1 record 0 record: figure fields disagree with the text: thread_count 99 \(the text: \d+\)/);
    // A broken trace_dict is reported, not recounted (a recount would throw).
    const tree = rec.trace_dict as { sub_calls: unknown[] };
    writeFileSync(join(dir, 'broken.jsonl'), JSON.stringify({ ...rec, trace_dict: { ...tree, sub_calls: [[null]] } }) + '\n');
    const b = run('verify', 'broken.jsonl');
    expect(b.code).toBe(1);
    expect(b.stderr).toBe('');
    expect(b.stdout).toMatch(/^broken.jsonl:1 record 0 record: sub_calls has 1 entries/m);
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const e = run('verify', 'empty.jsonl');
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/^empty.jsonl: no records$/m);
    expect(e.stdout).toMatch(/; 1 file without records$/m);
  });

  it('verify grades a model output stuck in a long run without a space or digit', () => {
    // 3 MB of one letter: one piece the fast counter hands whole to the BPE merge loop (the
    // library's took 52 s and 0.9 GB for it, and ran out of heap at 25 MB; bpe.test.ts checks the counts).
    writeFileSync(join(dir, 'stuck.jsonl'), JSON.stringify({ nums: [68, 86, 61, 3], target: 76, text: 'A'.repeat(3_000_000) }) + '\n');
    const r = run('verify', 'stuck.jsonl', '--grades', 'stuck-grades.jsonl');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/sequence of 750004 tokens is over the 4096-token window/);
    expect(jsonl('stuck-grades.jsonl').map((g) => [g.valid, g.solved, g.over_window])).toEqual([[false, false, 1]]);
  });

  it('verify --grades on APR sequence lines: each grade names its record and thread, and a record\'s lines are one search, solved when all are valid and its root\'s last line is solved', () => {
    const problems = readFileSync(goldenPath('problems_s42_n200_k4_t100.jsonl'), 'utf8').split('\n').slice(0, 30).join('\n') + '\n';
    writeFileSync(join(dir, 'apr-problems.jsonl'), problems);
    expect(run('search', 'apr', '--problems', 'apr-problems.jsonl', '--out', 'apr-recs.jsonl', '--sequences-out', 'apr-seqs.jsonl').code).toBe(0);
    const solvedRecords = jsonl('apr-recs.jsonl').filter((r) => (r.search_path as string).includes('Goal Reached')).length;
    const lines = jsonl('apr-seqs.jsonl');
    expect(lines.length).toBeGreaterThan(30);
    const r = run('verify', 'apr-seqs.jsonl', '--grades', 'apr-seq-grades.jsonl');
    expect(r.code).toBe(0);
    const share = (n: number, of: number) => `${n} (${((100 * n) / of).toFixed(1)}%)`;
    expect(r.stdout).toContain(`graded 30 searches as sequence lines: 30 (100.0%) valid, ${share(solvedRecords, 30)} solved\n`);
    const grades = jsonl('apr-seq-grades.jsonl');
    expect(grades.map((g) => [g.record, g.thread])).toEqual(lines.map((l) => [l.record, l.thread]));
    // A .json array of the same texts (what the reference's trainer reads) names no threads: each root's last sequence is
    // the search (it starts at the problem and ends as a search ends); child threads and the root's earlier sequences are not.
    writeFileSync(join(dir, 'apr-seqs.json'), JSON.stringify(lines.map((l) => l.text)));
    expect(run('verify', 'apr-seqs.json').stdout).toContain(`graded 30 searches as sequence lines: 30 (100.0%) valid, ${share(solvedRecords, 30)} solved\n`);
    // A search whose first line breaks its grammar is still a search there, graded invalid, not left out of the count.
    const lastRoot = lines.map((l, i) => (l.record === 0 && String(l.thread).startsWith('root#') ? i : -1)).reduce((a, b) => Math.max(a, b));
    const brokenFirst = lines.map((l, i) => (i === lastRoot ? (l.text as string).replace('Current State: ', 'Current State:  ') : l.text));
    writeFileSync(join(dir, 'apr-seqs-broken.json'), JSON.stringify(brokenFirst));
    const broken = run('verify', 'apr-seqs-broken.json');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('graded 30 searches as sequence lines: 29 (96.7%) valid, ');
    // So is one whose first line parses but lists operations at node #0 (only a child thread opens below its problem, at another node).
    const opsFirst = lines.map((l, i) => (i === lastRoot ? (l.text as string).replace('Operations: []', "Operations: ['2+2=4']") : l.text));
    writeFileSync(join(dir, 'apr-seqs-ops.json'), JSON.stringify(opsFirst));
    const ops = run('verify', 'apr-seqs-ops.json');
    expect(ops.code).toBe(1);
    expect(ops.stdout).toContain('graded 30 searches as sequence lines: 29 (96.7%) valid, ');
    // A child line of a solved record broken: that line is invalid, and so is its record's search, which no longer counts as solved.
    const solvedRecord = jsonl('apr-recs.jsonl').findIndex((rec, i) => (rec.search_path as string).includes('Goal Reached') && lines.some((l) => l.record === i && !String(l.thread).startsWith('root#')));
    expect(solvedRecord).toBeGreaterThanOrEqual(0);
    const child = lines.findIndex((l) => l.record === solvedRecord && !String(l.thread).startsWith('root#'));
    const edited = lines.map((l, i) => (i === child ? { ...l, text: (l.text as string).replace(/Exploring Operation: (\d+)/, (_, a: string) => `Exploring Operation: ${Number(a) + 1}`) } : l));
    writeFileSync(join(dir, 'apr-seqs-bad.jsonl'), edited.map((l) => JSON.stringify(l) + '\n').join(''));
    const bad = run('verify', 'apr-seqs-bad.jsonl', '--grades', 'apr-seq-bad-grades.jsonl');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`graded 30 searches as sequence lines: 29 (96.7%) valid, ${share(solvedRecords - 1, 30)} solved\n`);
    expect(jsonl('apr-seq-bad-grades.jsonl')[child]!.valid).toBe(false);
  });

  it('verify --grades writes one verdict per record and sequence line, in order: valid, and solved only when valid', () => {
    const recs = readFileSync(goldenPath('sosp_s0_beam5_on_problems_s42.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 40).map((l) => JSON.parse(l) as Record<string, unknown>);
    const solved = recs.find((r) => (r.search_path as string).includes('Goal Reached'))!;
    const unsolved = recs.find((r) => !(r.search_path as string).includes('Goal Reached'))!;
    const text = solved.search_path as string;
    // A model's outputs kept beside their problems: right, wrong arithmetic, cut short, for another target, unsolved.
    const outputs = [
      { nums: solved.nums, target: solved.target, text },
      { nums: solved.nums, target: solved.target, text: text.replace(/Exploring Operation: (\d+)([-+*/])(\d+)=(\d+)/, (_, a, op, b, c) => `Exploring Operation: ${a}${op}${b}=${Number(c) + 1}`) },
      { nums: solved.nums, target: solved.target, text: text.split('\n').slice(0, 4).join('\n') + '\n' },
      { nums: solved.nums, target: (solved.target as number) + 1, text },
      { nums: unsolved.nums, target: unsolved.target, text: unsolved.search_path },
    ];
    writeFileSync(join(dir, 'outputs.jsonl'), outputs.map((o) => JSON.stringify(o) + '\n').join(''));
    const r = run('verify', 'outputs.jsonl', goldenPath('sosp_s0_beam5_on_problems_s42.jsonl'), '--grades', 'grades.jsonl');
    expect(r.code).toBe(1);
    const grades = jsonl('grades.jsonl');
    expect(grades).toHaveLength(5 + 200);
    expect(grades.slice(0, 5).map((g) => [g.file, g.line, g.index, g.kind, g.valid, g.solved])).toEqual([
      ['outputs.jsonl', 1, 0, 'sequence', true, true],
      ['outputs.jsonl', 2, 1, 'sequence', false, false],
      ['outputs.jsonl', 3, 2, 'sequence', false, false],
      ['outputs.jsonl', 4, 3, 'sequence', false, false],
      ['outputs.jsonl', 5, 4, 'sequence', true, false],
    ]);
    expect((grades[1]!.issues as string[])[0]).toMatch(/^sequence line \d+: /);
    expect(grades.slice(0, 5).map((g) => (g.issues as string[]).length === 0)).toEqual([true, false, false, false, true]);
    // The golden records: each valid, solved as its text says.
    const golden = readFileSync(goldenPath('sosp_s0_beam5_on_problems_s42.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(grades.slice(5).map((g) => [g.kind, g.valid, g.solved, g.line])).toEqual(golden.map((g, i) => ['record', true, (g.search_path as string).includes('Goal Reached'), i + 1]));
    // Python's separators, as every record here.
    expect(readFileSync(join(dir, 'grades.jsonl'), 'utf8').split('\n')[0]).toBe(
      '{"file": "outputs.jsonl", "line": 1, "index": 0, "kind": "sequence", "record": null, "thread": null, "valid": true, "solved": true, "issues": [], "over_window": 0, ' +
        '"reference": {"rating": 0.9939236111111112, "verdict": "Valid path.", "apr_solved": true}}',
    );
    // The golden records' sequences over the 4,096 window (what --strict fails on, no issue of theirs) are counted in their grades.
    expect(grades.slice(5).reduce((n, g) => n + (g.over_window as number), 0)).toBe(30);
    // What the reference's evaluation says (test/reference-grade.test.ts checks it against the scripts): it reads only the
    // final path, so wrong arithmetic elsewhere passes there (output 2); metric_fn takes the target from the text, so a text
    // for another problem passes it too, where eval_apr's check (given the problem) fails it (output 4).
    const ref = grades.slice(0, 5).map((g) => g.reference as { rating: number | null; apr_solved: boolean | null });
    expect(ref.map((r) => [r.rating !== null && r.rating > 0, r.apr_solved])).toEqual([
      [true, true],
      [true, true],
      [false, false],
      [true, false],
      [false, false],
    ]);
    expect(grades.slice(5).every((g) => (g.reference as { rating: number }).rating > 0 === g.solved)).toBe(true);
    // A record whose trace is broken is invalid and unsolved, never a crash (its reference figures: none, no text to read).
    const broken = { ...golden[0]!, trace_dict: { main_calls: [5], sub_calls: [] }, search_type: 'apr' };
    writeFileSync(join(dir, 'broken-apr.jsonl'), JSON.stringify(broken) + '\n');
    const b = run('verify', 'broken-apr.jsonl', '--grades', 'broken-grades.jsonl');
    expect(b.code).toBe(1);
    expect(b.stderr).toBe('');
    expect(jsonl('broken-grades.jsonl').map((g) => [g.valid, g.solved, g.reference])).toEqual([[false, false, null]]);
    // An APR record is judged by its root's last text: eval_apr's true success is the record's outcome, record by record.
    expect(run('verify', goldenPath('apr_s5_beam2-6_sub8_p0.5_on_problems_s7.jsonl'), '--grades', 'apr-grades.jsonl').code).toBe(0);
    const apr = jsonl('apr-grades.jsonl');
    expect(apr.filter((g) => g.solved).length).toBe(67);
    expect(apr.every((g) => (g.reference as { apr_solved: boolean }).apr_solved === g.solved)).toBe(true);

    // On standard output the grades are alone there; findings and the summary go to standard error.
    const piped = run('verify', 'outputs.jsonl', '--grades', '-');
    expect(piped.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { valid: boolean }).valid)).toEqual([true, false, false, false, true]);
    expect(piped.stderr).toMatch(/^verified 0 records and 5 sequence lines/m);
    // The figures a grader quotes, before the summary: of the searches, valid and solved.
    const goldenSolved = golden.filter((g) => (g.search_path as string).includes('Goal Reached')).length;
    const share = (n: number, of: number) => `${n} (${((100 * n) / of).toFixed(1)}%)`;
    expect(r.stdout.trim().split('\n').slice(-2)[0]).toBe(`graded 200 search records: 200 (100.0%) valid, ${share(goldenSolved, 200)} solved; 5 searches as sequence lines: 2 (40.0%) valid, 1 (20.0%) solved`);
    // Never over an input; never a grades file from a run that could not read its input.
    const before = readFileSync(join(dir, 'outputs.jsonl'));
    expectUsageError(run('verify', 'outputs.jsonl', '--grades', './outputs.jsonl'), /--grades \.\/outputs\.jsonl is the input outputs\.jsonl/);
    expect(readFileSync(join(dir, 'outputs.jsonl')).equals(before)).toBe(true);
    writeFileSync(join(dir, 'torn.jsonl'), `${JSON.stringify(outputs[0])}\n{"nums": [1, 2\n`);
    expectUsageError(run('verify', 'torn.jsonl', '--grades', 'torn-grades.jsonl'), /torn\.jsonl:2: not valid JSON/);
    expect(existsSync(join(dir, 'torn-grades.jsonl'))).toBe(false);
  });

  it('verify --grades grades a line holding a model output under another field than "text" invalid, whatever the output says; a problem with notes of its own stays valid', () => {
    const lines = [
      { nums: [3, 5], target: 8, output: 'x' },
      { nums: [3, 5], target: 8, completion: '' },
      { nums: [3, 5], target: 8, outputs: ['I cannot solve this', 'x'] },
      { output: 'x' },
      { nums: [3, 5], target: 8, note: 'made by hand', tags: ['a'] },
    ];
    writeFileSync(join(dir, 'misnamed.jsonl'), lines.map((l) => JSON.stringify(l) + '\n').join(''));
    const r = run('verify', 'misnamed.jsonl', '--grades', 'misnamed-grades.jsonl');
    expect(r.code).toBe(1);
    expect(jsonl('misnamed-grades.jsonl').map((g) => [g.line, g.kind, g.valid])).toEqual([
      [1, 'record', false],
      [2, 'record', false],
      [3, 'record', false],
      [4, 'record', false],
      [5, 'record', true],
    ]);
    // One finding a line, naming its file and line and the field.
    const found = r.stdout.split('\n').filter((l) => l.startsWith('misnamed.jsonl:'));
    expect(found).toEqual([
      expect.stringMatching(/^misnamed\.jsonl:1 record 0 record: field "output" is a model's output by its name, but only "text" is read as one/),
      expect.stringMatching(/^misnamed\.jsonl:2 record 1 record: field "completion" is a model's output by its name/),
      expect.stringMatching(/^misnamed\.jsonl:3 record 2 record: field "outputs" is a list of model outputs by its name, but only "text" is read as one \(a line per output/),
      expect.stringMatching(/^misnamed\.jsonl:4 record 3 record: unrecognised record \(fields: output\)/),
    ]);
  });

  it('what search writes from a problem given as nums and target alone verifies, for every solver', () => {
    writeFileSync(join(dir, 'bare.jsonl'), '{"nums": [3, 4], "target": 7}\n{"nums": [2, 5, 9, 11], "target": 40}\n');
    for (const solver of ['sosp', 'apr', 'dfs', 'bfs']) {
      expect(run('search', solver, '--problems', 'bare.jsonl', '--out', `bare-${solver}.jsonl`).code).toBe(0);
      const r = run('verify', `bare-${solver}.jsonl`);
      expect(r.stdout, solver).toMatch(/: 0 with issues/);
      expect(r.code).toBe(0);
    }
  });

  it('summary lines of one problem and one record write the noun singular, as verify does', () => {
    const p = run('problems', '--count', '1', '--out', 'one.jsonl');
    expect(p.stderr).toBe('wrote 1 problem to one.jsonl\n');
    const s = run('search', 'dfs', '--problems', 'one.jsonl', '--out', 'one-dfs.jsonl');
    expect(s.stderr).toMatch(/^wrote 1 dfs record to one-dfs\.jsonl: [01] solved \([\d.]+%\), 1 sequence, /);
    expect(run('verify', 'one-dfs.jsonl').stdout).toMatch(/^verified 1 record in 1 file: /m);
  });

  it('summary lines write their counts with thousands separators, as every other figure', () => {
    const p = run('problems', '--count', '1000', '--min-numbers', '2', '--max-numbers', '2', '--out', 'k.jsonl');
    expect(p.stderr).toBe('wrote 1,000 problems to k.jsonl\n');
    const s = run('search', 'dfs', '--problems', 'k.jsonl', '--out', 'k-dfs.jsonl');
    expect(s.stderr).toBe('wrote 1,000 dfs records to k-dfs.jsonl: 1,000 solved (100.0%), 1,000 sequences, 0 over 4,096 tokens, 0 stopped by the window\n');
    // With no window, nothing is said of what a window stopped.
    for (const mode of [['--compat', 'reference'], ['--window', '0']]) {
      expect(run('search', 'sosp', ...mode, '--problems', 'k.jsonl', '--out', 'k-sosp.jsonl').stderr).toMatch(/^wrote 1,000 sosp records to k-sosp\.jsonl: [\d,]+ solved \([\d.]+%\), 1,000 sequences(, [\d,]+ over 4,096 tokens)?\n$/);
    }
    const v = run('verify', 'k-dfs.jsonl');
    expect(v.stdout.trim().split('\n').slice(-2)).toEqual([
      'graded 1,000 search records: 1,000 (100.0%) valid, 1,000 (100.0%) solved',
      'verified 1,000 records in 1 file: 0 with issues (0 issues), 1,000 sequences, 0 over the 4,096-token window',
    ]);
  });

  it('rejects an unknown solver', () => {
    expectUsageError(run('search', 'astar', '--problems', golden42()), /solver: expected one of sosp, apr, dfs, bfs/);
  });
});

describe('inspect', () => {
  it('shows the outcome, the solution as an expression and the thread tree', () => {
    const r = run('inspect', '--nums', '22,26,31,53', '--target', '27', '--solver', 'apr');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/outcome +solved: .* = 27/);
    expect(r.stdout).toMatch(/root +from #0 /);
  });

  it('prints the record as JSON and every thread with --full', () => {
    const j = run('inspect', '--nums', '22,26,31,53', '--target', '27', '--json');
    const rec = JSON.parse(j.stdout) as { trace_dict: unknown; nums: number[] };
    expect(rec.nums).toEqual([22, 26, 31, 53]);
    expect(rec.trace_dict).toBeDefined();
    const f = run('inspect', '--nums', '22,26,31,53', '--target', '27', '--full');
    expect(f.stdout).toMatch(/=== root, sequence 1 of \d+/);
    expect(f.stdout).toMatch(/Current State: 27:\[22, 26, 31, 53\]/);
  });

  it('inspects a record of a file', () => {
    const r = run('inspect', '--record', `${goldenPath('apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl')}:15`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/problem +11, 61, 3, 96 -> 27/);
    expect(r.stdout).toMatch(/threads +16 \(15 child threads\), 19 sequences, depth used 1$/m);
    expect(r.stdout).toMatch(/^tokens +[\d,]+ in all, [\d,]+ sequential \(text tokens/m);
    expect(r.stdout).toMatch(/^sequences [\d,]+ \/ [\d,]+ \/ [\d,]+ tokens \(min \/ median \/ max, with <s> and <\/s>\); by length [\d,]+–[\d,]+: \d+/m);
    expect(r.stdout).not.toMatch(/^warning/m); // reference records carry no figure fields to check
  });

  it('prints the decomposition figures of a fresh record, equal to its own figure fields', () => {
    const args = ['inspect', '--nums', '72,12,74,57,92', '--target', '25', '--seed', '3'];
    const rec = JSON.parse(run(...args, '--json').stdout) as Record<string, number>;
    const r = run(...args);
    expect(r.code).toBe(0);
    const n = (k: string) => rec[k]!.toLocaleString('en-US');
    expect(r.stdout).toContain(`threads   ${n('thread_count')} (`);
    expect(r.stdout).toMatch(new RegExp(`, ${n('seq_count')} sequences?, depth used ${rec.thread_depth}\n`));
    expect(r.stdout).toContain(`tokens    ${n('text_token_count')} in all, ${n('sequential_token_count')} sequential`);
    expect(r.stdout).not.toMatch(/^warning/m);
  });

  it('--levels N folds a large tree: threads below level N are summed on their level-N ancestor\'s line (threads, solved, text tokens), their texts left out of --full', () => {
    const args = ['inspect', '--nums', '14,61,13,40,99,29', '--target', '63'];
    const rec = JSON.parse(run(...args, '--json').stdout) as Record<string, number>;
    const whole = run(...args).stdout;
    const treeLines = (text: string) => text.split('\n').filter((l) => /^ +root/.test(l));
    const all = treeLines(whole);
    expect(all).toHaveLength(rec.thread_count!);
    const one = run(...args, '--levels', '1');
    expect(one.code).toBe(0);
    const shown = treeLines(one.stdout);
    // The root and its children, each child's line summing its subtree.
    expect(shown.map((l) => l.trim().split(' ')[0])).toEqual(all.filter((l) => /^ {2,4}root(\.\d+)? /.test(l)).map((l) => l.trim().split(' ')[0]));
    const folded = shown.map((l) => /below it ([\d,]+) threads? \((\d+) solved\), ([\d,]+) text tokens$/.exec(l)).filter((m) => m !== null);
    expect(folded.reduce((a, m) => a + Number(m[1]!.replace(/,/g, '')), 0)).toBe(rec.thread_count! - shown.length);
    expect(one.stdout).toContain(`(${rec.thread_count! - shown.length} threads below level 1 folded into their ancestors' lines)`);
    // The root alone: every other thread's text tokens on its line, and only its own texts with --full.
    const root = run(...args, '--levels', '0', '--full').stdout;
    const rootTokens = [...root.matchAll(/^=== root, sequence \d+ of \d+ \([\d,]+ lines, ([\d,]+) tokens\) ===$/gm)].map((m) => Number(m[1]!.replace(/,/g, '')) - 2);
    expect(root).not.toMatch(/^=== root\./m);
    expect(root).toContain(`below it ${rec.thread_count! - 1} threads (0 solved), ${(rec.text_token_count! - rootTokens.reduce((a, b) => a + b, 0)).toLocaleString('en-US')} text tokens`);
    // Deep enough to fold nothing: the view is unchanged.
    expect(run(...args, '--levels', String(rec.thread_depth)).stdout).toBe(whole);
    expectUsageError(run(...args, '--levels', '1', '--json'), /^countdown-traces: --levels folds the text view: --json prints the whole record; give one of them$/);
    expectUsageError(run(...args, '--levels', '-1'), /--levels: must be at least 0/);
    expectUsageError(run('inspect', '--record', `${goldenPath('problems_s7_n100_k3-5_t50.jsonl')}:0`, '--levels', '1'), /--levels folds a search's thread tree, and a problem record has none/);
  });

  it('rejects bad numbers and out-of-range records', () => {
    expectUsageError(run('inspect', '--nums', '1,x', '--target', '5'), /--nums: expected integers/);
    expectUsageError(run('inspect', '--nums', '22,026,31,53', '--target', '50'), /^countdown-traces: --nums: expected each number an integer without a leading zero, got "026"$/);
    expectUsageError(run('inspect', '--target', '+50', '--nums', '22,26,31,53'), /^countdown-traces: --target: expected an integer without a \+ sign, got "\+50"$/);
    // Each of --nums is an integer by the rule --target and --shard's are read by: blanks around one are refused, not trimmed.
    expectUsageError(run('inspect', '--nums', '22, 26,31,53', '--target', '50'), /^countdown-traces: --nums: expected each number an integer without blanks around it, got " 26"$/);
    expectUsageError(run('inspect', '--nums', '22,26,31,53 ', '--target', '50'), /^countdown-traces: --nums: expected each number an integer without blanks around it, got "53 "$/);
    expectUsageError(run('inspect', '--target', ' 50', '--nums', '22,26,31,53'), /^countdown-traces: --target: expected an integer without blanks around it, got " 50"$/);
    // The record's index in FILE:N is read by the same rule as an option's integer.
    for (const index of ['+1', '01', ' 1']) {
      expectUsageError(run('inspect', '--record', `${goldenPath('problems_s7_n100_k3-5_t50.jsonl')}:${index}`), /^countdown-traces: --record index: expected an integer without /);
    }
    expectUsageError(run('inspect', '--nums', '1', '--target', '5'), /--nums must hold 2 to 6 numbers, got 1/);
    // --help names the searches --solver takes, as the search command's help names its solvers.
    const help = run('inspect', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--solver <name> search to run with --nums: sosp, apr, dfs or bfs (default: apr)');
    expectUsageError(run('inspect', '--record', `${goldenPath('problems_s7_n100_k3-5_t50.jsonl')}:100`), /has 100 records; index 100 is out of range \(0 to 99\)$/);
    // A file without a record has no first index to point to.
    writeFileSync(join(dir, 'no-records.jsonl'), '');
    expectUsageError(run('inspect', '--record', 'no-records.jsonl:0'), /^countdown-traces: no-records\.jsonl: holds no records, so index 0 names none$/);
  });
});

describe('corpus', () => {
  it('--compat is refused with the reason corpus has no reference mode, and --help does not list it', () => {
    for (const args of [['--compat', 'reference'], ['--compat=reference'], ['--compat', 'x']]) {
      expectUsageError(
        run('corpus', '--count', '10', ...args, '--out', 'ref-corpus'),
        /^countdown-traces: --compat: corpus has no reference mode: the reference draws every record from one shared generator, .*; use problems and search with --compat reference$/,
        'ref-corpus',
      );
    }
    const help = run('corpus', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).not.toContain('--compat');
  });

  it.each([
    [['--checkpoint-interval', '+5'], /^countdown-traces: --checkpoint-interval: expected seconds \(0 or more\) without a \+ sign, got "\+5"$/],
    [['--checkpoint-interval', '05'], /^countdown-traces: --checkpoint-interval: expected seconds \(0 or more\) without a leading zero, got "05"$/],
    [['--checkpoint-interval', '0.5 '], /^countdown-traces: --checkpoint-interval: expected seconds \(0 or more\) without blanks around it, got "0.5 "$/],
    [['--checkpoint-interval', '5.'], /^countdown-traces: --checkpoint-interval: expected seconds \(0 or more\) with a digit after its point, got "5."$/],
    [['--max-file-size', '0500MB'], /^countdown-traces: --max-file-size: expected a size such as 500MB or 1GB without a leading zero, got "0500MB"$/],
    [['--max-file-size', '+500MB'], /^countdown-traces: --max-file-size: expected a size such as 500MB or 1GB without a \+ sign, got "\+500MB"$/],
    [['--max-file-size', '500MB '], /^countdown-traces: --max-file-size: expected a size such as 500MB or 1GB without blanks around it, got "500MB "$/],
    [['--max-file-size', ' 0500MB'], /^countdown-traces: --max-file-size: expected a size such as 500MB or 1GB \(units B, KB, .*\), got " 0500MB"$/],
    [['--max-file-size', '.5GB'], /^countdown-traces: --max-file-size: expected a size such as 500MB or 1GB with a 0 before its point, got ".5GB"$/],
  ])('refuses a decimal or size option %j by the integer text rule', (args, message) => {
    expectUsageError(run('corpus', '--count', '10', '--val-count', '0', ...args, '--out', 'bad-corpus'), message, 'bad-corpus');
  });

  it('takes decimals and sizes as the README and JSON write them: 0.5 seconds, 1e-7 as a probability, a space before a unit', () => {
    const r = run('corpus', '--count', '10', '--val-count', '0', '--seed', '1', '--quiet', '--checkpoint-interval', '0.5', '--promising', '1e-7', '--max-file-size', '1.5 KiB', '--out', 'ok-corpus');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'ok-corpus', 'manifest.json'), 'utf8')) as { options: Record<string, unknown> };
    expect(manifest.options).toMatchObject({ max_file_size: 1536, search: { sosp: { promising: 1e-7 }, apr: { promising: 1e-7 } } });
  });
});

describe('help', () => {
  /** Each option of a command's help as one line (commander wraps descriptions): flags, then description. */
  function helpOptions(command: string): string[] {
    const r = run(command, '--help');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('Options:\n')[1]!.split('\n');
    const options: string[] = [];
    for (const line of lines) {
      if (/^ {2}-/.test(line)) options.push(line.trim());
      else if (/^ {3,}\S/.test(line)) options[options.length - 1] += ` ${line.trim()}`;
    }
    return options.map((o) => o.replace(/\s+/g, ' '));
  }

  it('every default is written one way, "(default: X)" at the end of its option, whether commander holds it or a solver, a run or a corpus folder decides it', () => {
    const all = ['problems', 'search', 'inspect', 'corpus', 'merge', 'verify', 'stats', 'report'].flatMap((c) => helpOptions(c).map((o) => [c, o] as const));
    const withDefault = all.filter(([, o]) => /default/.test(o.replace(/default mode/g, '')));
    expect(withDefault.length).toBeGreaterThan(30);
    for (const [command, option] of withDefault) {
      // Once, at the end, with a colon, and a string as typed (commander quoted "train" and "apr").
      expect(option, command).toMatch(/^[^]*\(default: [^"][^]*\)$/);
      expect(option.replace(/default mode/g, '').match(/default/g), `${command}: ${option}`).toHaveLength(1);
    }
    const shown = new Map(all.map(([c, o]) => [`${c} ${o.split(' ')[0]}`, o]));
    expect(shown.get('search --min-beam')).toBe('--min-beam <n> smallest beam drawn per record (default: 1)');
    expect(shown.get('search --max-beam')).toBe('--max-beam <n> largest beam drawn per record (default: sosp 5, apr 10, bfs 5)');
    expect(shown.get('search --out')).toBe('--out <file> output (.jsonl, .json, .gz; - is stdout) (default: data/{solver}.jsonl)');
    expect(shown.get('problems --split')).toMatch(/ \(default: train\)$/);
    expect(shown.get('inspect --solver')).toMatch(/ \(default: apr\)$/);
    expect(shown.get('corpus --workers')).toMatch(/^--workers <n> worker threads; 0: all on the main thread; at most 4 per core, \d+ here \(default: the machine's cores\)$/);
  });
});
