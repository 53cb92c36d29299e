import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTraceLine, renderLine } from '../src/records/trace-lines.js';
import { classify } from '../src/records/kind.js';
import { verifyRecord, verifySequences, type SequenceLine, type VerifyIssue } from '../src/verify/index.js';
import { threadsOf } from '../src/records/trace-dict.js';
import { timesAvailable } from '../src/verify/step.js';
import { parseStep } from '../src/core/countdown.js';
import { optimalPath, problemRecord, type Compat } from '../src/serializers/problem.js';
import { goldenPath, testSettings } from './helpers.js';
import { makeSearch } from '../src/pipeline/make-record.js';
import { streamFor } from '../src/random/streams.js';
import { defaultProblems } from '../src/solver/problems.js';

interface TraceDict {
  main_calls: string[];
  sub_calls: TraceDict[][];
}
interface GoldenRecord {
  nums: number[];
  target: number;
  solution: string[];
  optimal_path: string;
  search_path: string;
  rating: number;
  trace_dict: TraceDict;
  [field: string]: unknown;
}

const PROBLEMS = ['problems_s42_n200_k4_t100.jsonl', 'problems_s7_n100_k3-5_t50.jsonl'];
const SOSP = ['sosp_s0_beam5_on_problems_s42.jsonl', 'sosp_s3_beam3_on_problems_s7.jsonl'];
const APR = ['apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl', 'apr_s5_beam2-6_sub8_p0.5_on_problems_s7.jsonl'];

/**
 * Records of the original Stream-of-Search searches (no golden file holds them), made by
 * running kanishkg/stream-of-search `src/countdown_dfs.py` / `src/countdown_bfs.py` on
 * golden problems: dfs solved / unsolved, bfs solved / unsolved. bfs prints no newline
 * after its last line and revisits one-number children under the id `parent,0`.
 */
const SOS_RECORDS: GoldenRecord[] = [
  {"nums": [14, 3, 6], "target": 42, "solution": ["6-3=3", "14*3=42"], "search_path": "Current State: 42:[14, 3, 6], Operations: []\nExploring Operation: 14*3=42, Resulting Numbers: [6, 42]\nGenerated Node #0,0: 42:[6, 42] Operation: 14*3=42\nMoving to Node #0,0\nCurrent State: 42:[6, 42], Operations: ['14*3=42']\nExploring Operation: 42/6=7, Resulting Numbers: [7]\n7,42 unequal: No Solution\nMoving to Node #0,0\nCurrent State: 42:[6, 42], Operations: ['14*3=42']\nExploring Operation: 6+42=48, Resulting Numbers: [48]\n48,42 unequal: No Solution\nMoving to Node #0,0\nCurrent State: 42:[6, 42], Operations: ['14*3=42']\nExploring Operation: 42-6=36, Resulting Numbers: [36]\n36,42 unequal: No Solution\nMoving to Node #0\nCurrent State: 42:[14, 3, 6], Operations: []\nExploring Operation: 6-3=3, Resulting Numbers: [14, 3]\nGenerated Node #0,1: 42:[14, 3] Operation: 6-3=3\nMoving to Node #0,1\nCurrent State: 42:[14, 3], Operations: ['6-3=3']\nExploring Operation: 14*3=42, Resulting Numbers: [42]\n42,42 equal: Goal Reached\n", "rating": 0.8541666666666666, "search_type": "dfs", "optimal_path": "Current State: 42:[14, 3, 6], Operations: []\nExploring Operation: 6-3=3, Resulting Numbers: [14, 3]\nGenerated Node #2: [14, 3] from Operation: 6-3=3\nCurrent State: 42:[14, 3], Operations: ['6-3=3']\nExploring Operation: 14*3=42, Resulting Numbers: [42]\n42,42 equal: Goal Reached\n", "heuristic": "mult_heuristic"},
  {"nums": [30, 15, 48, 7], "target": 17, "solution": ["30/15=2", "48/2=24", "24-7=17"], "search_path": "Current State: 17:[30, 15, 48, 7], Operations: []\nExploring Operation: 48-30=18, Resulting Numbers: [15, 7, 18]\nGenerated Node #0,0: 17:[15, 7, 18] Operation: 48-30=18\nMoving to Node #0,0\nCurrent State: 17:[15, 7, 18], Operations: ['48-30=18']\nExploring Operation: 15+7=22, Resulting Numbers: [18, 22]\nGenerated Node #0,0,0: 17:[18, 22] Operation: 15+7=22\nMoving to Node #0,0,0\nCurrent State: 17:[18, 22], Operations: ['48-30=18', '15+7=22']\nExploring Operation: 22-18=4, Resulting Numbers: [4]\n4,17 unequal: No Solution\nMoving to Node #0,0\nCurrent State: 17:[15, 7, 18], Operations: ['48-30=18']\nExploring Operation: 18-7=11, Resulting Numbers: [15, 11]\nGenerated Node #0,0,1: 17:[15, 11] Operation: 18-7=11\nMoving to Node #0,0,1\nCurrent State: 17:[15, 11], Operations: ['48-30=18', '18-7=11']\nExploring Operation: 15+11=26, Resulting Numbers: [26]\n26,17 unequal: No Solution\nMoving to Node #0,0,1\nCurrent State: 17:[15, 11], Operations: ['48-30=18', '18-7=11']\nExploring Operation: 15-11=4, Resulting Numbers: [4]\n4,17 unequal: No Solution\nMoving to Node #0,0\nCurrent State: 17:[15, 7, 18], Operations: ['48-30=18']\nExploring Operation: 15-7=8, Resulting Numbers: [18, 8]\nGenerated Node #0,0,2: 17:[18, 8] Operation: 15-7=8\nMoving to Node #0,0,2\nCurrent State: 17:[18, 8], Operations: ['48-30=18', '15-7=8']\nExploring Operation: 18-8=10, Resulting Numbers: [10]\n10,17 unequal: No Solution\nMoving to Node #0,0,2\nCurrent State: 17:[18, 8], Operations: ['48-30=18', '15-7=8']\nExploring Operation: 18+8=26, Resulting Numbers: [26]\n26,17 unequal: No Solution\nMoving to Node #0,0\nCurrent State: 17:[15, 7, 18], Operations: ['48-30=18']\nExploring Operation: 7+18=25, Resulting Numbers: [15, 25]\nGenerated Node #0,0,3: 17:[15, 25] Operation: 7+18=25\nMoving to Node #0,0,3\nCurrent State: 17:[15, 25], Operations: ['48-30=18', '7+18=25']\nExploring Operation: 25-15=10, Resulting Numbers: [10]\n10,17 unequal: No Solution\n", "rating": 0.0, "search_type": "dfs", "optimal_path": "Current State: 17:[30, 15, 48, 7], Operations: []\nExploring Operation: 30/15=2, Resulting Numbers: [48, 7, 2]\nGenerated Node #2: [48, 7, 2] from Operation: 30/15=2\nCurrent State: 17:[48, 7, 2], Operations: ['30/15=2']\nExploring Operation: 48/2=24, Resulting Numbers: [7, 24]\nGenerated Node #3: [7, 24] from Operation: 48/2=24\nCurrent State: 17:[7, 24], Operations: ['30/15=2', '48/2=24']\nExploring Operation: 24-7=17, Resulting Numbers: [17]\n17,17 equal: Goal Reached\n", "heuristic": "mult_heuristic"},
  {"nums": [10, 32, 27], "target": 50, "solution": ["32-27=5", "10*5=50"], "search_path": "Current State: 50:[10, 32, 27], Operations: []\nExploring Operation: 32-27=5, Resulting Numbers: [10, 5]\nGenerated Node #0,0: 50:[10, 5] Operation: 32-27=5\nMoving to Node #0,0\nCurrent State: 50:[10, 5], Operations: ['32-27=5']\nExploring Operation: 10*5=50, Resulting Numbers: [50]\n50,50 equal: Goal Reached\n", "rating": 0.9375, "search_type": "bfs_1", "optimal_path": "Current State: 50:[10, 32, 27], Operations: []\nExploring Operation: 32-27=5, Resulting Numbers: [10, 5]\nGenerated Node #2: [10, 5] from Operation: 32-27=5\nCurrent State: 50:[10, 5], Operations: ['32-27=5']\nExploring Operation: 10*5=50, Resulting Numbers: [50]\n50,50 equal: Goal Reached\n", "heuristic": "mult_heuristic"},
  {"nums": [14, 3, 6], "target": 42, "solution": ["6-3=3", "14*3=42"], "search_path": "Current State: 42:[14, 3, 6], Operations: []\nExploring Operation: 14*3=42, Resulting Numbers: [6, 42]\nGenerated Node #0,0: 42:[6, 42] Operation: 14*3=42\nExploring Operation: 3*6=18, Resulting Numbers: [14, 18]\nGenerated Node #0,1: 42:[14, 18] Operation: 3*6=18\nMoving to Node #0,0\nCurrent State: 42:[6, 42], Operations: ['14*3=42']\nExploring Operation: 42-6=36, Resulting Numbers: [36]\n36,42 unequal: No Solution\nExploring Operation: 6+42=48, Resulting Numbers: [48]\n48,42 unequal: No Solution\nMoving to Node #0,1\nCurrent State: 42:[14, 18], Operations: ['3*6=18']\nExploring Operation: 14+18=32, Resulting Numbers: [32]\n32,42 unequal: No Solution\nExploring Operation: 18-14=4, Resulting Numbers: [4]\n4,42 unequal: No Solution\nMoving to Node #0,0,0\nCurrent State: 42:[36], Operations: ['14*3=42', '42-6=36']\nMoving to Node #0,0,0\nCurrent State: 42:[48], Operations: ['14*3=42', '6+42=48']\nMoving to Node #0,1,0\nCurrent State: 42:[32], Operations: ['3*6=18', '14+18=32']\nMoving to Node #0,1,0\nCurrent State: 42:[4], Operations: ['3*6=18', '18-14=4']\nNo solution found.", "rating": 0.0, "search_type": "bfs_2", "optimal_path": "Current State: 42:[14, 3, 6], Operations: []\nExploring Operation: 6-3=3, Resulting Numbers: [14, 3]\nGenerated Node #2: [14, 3] from Operation: 6-3=3\nCurrent State: 42:[14, 3], Operations: ['6-3=3']\nExploring Operation: 14*3=42, Resulting Numbers: [42]\n42,42 equal: Goal Reached\n", "heuristic": "sum_heuristic"}
] as unknown as GoldenRecord[];

const cache = new Map<string, GoldenRecord[]>();
function load(name: string): GoldenRecord[] {
  let recs = cache.get(name);
  if (!recs) {
    recs = readFileSync(goldenPath(name), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as GoldenRecord);
    cache.set(name, recs);
  }
  return recs;
}

/** A fresh copy of the first golden record of `file` that `pick` accepts. */
function golden(file: string, pick: (r: GoldenRecord) => boolean = () => true): GoldenRecord {
  const r = load(file).find(pick);
  if (!r) throw new Error(`no record in ${file} fits the test`);
  return structuredClone(r);
}
/** The shortest such record. */
function smallest(file: string, pick: (r: GoldenRecord) => boolean): GoldenRecord {
  const size = (r: GoldenRecord) => JSON.stringify(r).length;
  const fits = load(file).filter(pick);
  if (fits.length === 0) throw new Error(`no record in ${file} fits the test`);
  return structuredClone(fits.reduce((a, b) => (size(b) < size(a) ? b : a)));
}

const linesOf = (text: string) => text.split('\n');
/** 1-based number of the first line matching `re`. */
const escapeRe = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function lineOf(text: string, re: RegExp): number {
  const i = linesOf(text).findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`no line matches ${re}`);
  return i + 1;
}
function editLine(text: string, no: number, edit: (line: string) => string): string {
  const lines = linesOf(text);
  lines[no - 1] = edit(lines[no - 1]!);
  return lines.join('\n');
}
function deleteLine(text: string, no: number): string {
  const lines = linesOf(text);
  lines.splice(no - 1, 1);
  return lines.join('\n');
}
/** Keeps the first `count` lines (each with its newline). */
function keepLines(text: string, count: number): string {
  return `${linesOf(text).slice(0, count).join('\n')}\n`;
}
const lastMain = (r: GoldenRecord) => r.trace_dict.main_calls.length - 1;
/** Edits the root's last main call, and search_path with it (they must stay equal). */
function editLastMain(r: GoldenRecord, edit: (text: string) => string): void {
  const k = lastMain(r);
  r.trace_dict.main_calls[k] = edit(r.trace_dict.main_calls[k]!);
  r.search_path = r.trace_dict.main_calls[k]!;
}
const at = (thread: string, line: number, message: RegExp | string): VerifyIssue =>
  ({ thread, line, message: typeof message === 'string' ? message : expect.stringMatching(message) }) as VerifyIssue;

describe('every golden record verifies', () => {
  for (const file of [...PROBLEMS, ...SOSP, ...APR]) {
    it(file, () => {
      const recs = load(file);
      const bad = recs.flatMap((r, record) => verifyRecord(r).map((issue) => ({ record, ...issue })));
      expect(bad).toEqual([]);
      expect(recs.length).toBeGreaterThanOrEqual(100);
    });
  }
});

describe('the line grammar', () => {
  it('parses every golden line and renders it back', () => {
    const texts = [...load(SOSP[1]!).map((r) => r.search_path), ...load(APR[1]!).map((r) => r.search_path)];
    for (const line of texts.flatMap(linesOf).filter(Boolean)) {
      const parsed = parseTraceLine(line);
      expect(parsed, line).toBeDefined();
      expect(renderLine(parsed!)).toBe(line);
    }
  });
  it('rejects near misses', () => {
    for (const bad of [
      'Current State: 19:[35,7], Operations: []',
      'Exploring Operation: 05+3=8, Resulting Numbers: [8]',
      "Current State: 19:[35, 7], Operations: ['35+7']",
      'Generated Node #0,1 19:[7, 24, 3] Operation: 38-35=3',
      'Moving to Node #0,',
      '<Start Sub Search 0 at level 1>  Moving to Node #0,1',
      'No solution found',
    ]) expect(parseTraceLine(bad), bad).toBeUndefined();
  });
});

describe('corruptions are caught where they are', () => {
  const sospSolved = (r: GoldenRecord) => r.search_path.includes('Goal Reached') && r.search_path.includes('Start Sub Search');
  const sospUnsolved = (r: GoldenRecord) => !r.search_path.includes('Goal Reached');
  const having = (...res: RegExp[]) => (r: GoldenRecord) => res.every((re) => linesOf(r.search_path).some((l) => re.test(l)));
  // a two-call APR search whose join reports two failed children, then a successful one
  const aprJoin = (r: GoldenRecord) => {
    const main = r.trace_dict.main_calls;
    const results = linesOf(main[1] ?? '').filter((l) => /^<(No Solution|Goal Reached) in Sub Search/.test(l));
    return main.length === 2 && results.length >= 3 && results[0]!.startsWith('<No') && results[1]!.startsWith('<No') && results.some((l) => l.startsWith('<Goal'));
  };

  it('a wrong result in an Exploring Operation (SoS+)', () => {
    const r = golden(SOSP[0]!, (x) => sospSolved(x) && having(/^Exploring Operation: \d+\+\d+=\d+,/)(x));
    const n = lineOf(r.search_path, /^Exploring Operation: \d+\+\d+=\d+,/);
    r.search_path = editLine(r.search_path, n, (l) => l.replace(/=(\d+),/, (_, c: string) => `=${Number(c) + 1},`));
    const issues = verifyRecord(r);
    expect(issues[0]).toEqual(at('search_path', n, /^Exploring Operation: \d+\+\d+=\d+ is wrong arithmetic$/));
  });

  it('an operation explored again at one node, every line right on its own (a model looping on a pair of lines): named, while one a node has twice is not', () => {
    const pair = /^Exploring Operation: .*\n\d+,\d+ unequal: No Solution\n/m;
    const r = golden(SOSP[0]!, (x) => pair.test(x.search_path));
    const m = pair.exec(r.search_path)!;
    const n = linesOf(r.search_path.slice(0, m.index)).length + 2; // the pair's second Exploring Operation
    r.search_path = r.search_path.slice(0, m.index) + m[0] + m[0] + r.search_path.slice(m.index + m[0].length);
    expect(verifyRecord(r)).toContainEqual(at('search_path', n, /^Exploring Operation: \S+ explored again at node #[\d,]+, whose numbers \[.*\] make it once$/));
    // [3, 3, 5] makes 3+5=8 twice, and the reference explores both: no issue where a node's expansion repeats an operation
    expect(timesAvailable([3, 3, 5], parseStep('3+5=8')!)).toBe(2);
    const repeats = (x: GoldenRecord) =>
      x.search_path.split('Current State').some((node) => {
        const ops = linesOf(node).filter((l) => l.startsWith('Exploring Operation: ')).map((l) => l.split(',')[0]);
        return new Set(ops).size < ops.length;
      });
    for (const file of SOSP) expect(verifyRecord(golden(file, repeats))).toEqual([]);
  });

  it('a wrong result in an APR child thread', () => {
    const r = golden(APR[1]!, aprJoin);
    const child = r.trace_dict.sub_calls[0]![0]!; // sub search 0 failed, so no parent repeats its lines
    const n = lineOf(child.main_calls[0]!, /^Exploring Operation: /);
    child.main_calls[0] = editLine(child.main_calls[0]!, n, (l) => l.replace(/=(\d+),/, (_, c: string) => `=${Number(c) + 1},`));
    const issues = verifyRecord(r);
    expect(issues[0]).toEqual(at('sub[0][0].main[0]', n, /is wrong arithmetic$/));
  });

  it('an operation using a number not in the state', () => {
    const r = golden(SOSP[0]!, (x) => sospSolved(x) && having(/^Exploring Operation: \d+\+\d+=\d+,/)(x));
    const n = lineOf(r.search_path, /^Exploring Operation: \d+\+\d+=\d+,/);
    r.search_path = editLine(r.search_path, n, (l) =>
      l.replace(/(\d+)\+(\d+)=\d+, Resulting Numbers: \[(.*?)(\d+)\]$/, (_, a: string, b: string, rest: string) => {
        const a2 = Number(a) + 100000;
        return `${a2}+${b}=${a2 + Number(b)}, Resulting Numbers: [${rest}${a2 + Number(b)}]`;
      }));
    const issues = verifyRecord(r);
    expect(issues[0]).toEqual(at('search_path', n, /^Exploring Operation: 1\d{5}\+\d+=\d+ uses a number not available in \[[\d, ]+\]$/));
  });

  it('Resulting Numbers that do not follow from the operation', () => {
    const r = golden(SOSP[1]!, sospSolved);
    const n = lineOf(r.search_path, /^Exploring Operation: .*Resulting Numbers: \[\d+, \d+, \d+\]$/);
    // swap the first two remaining numbers: same multiset, wrong order
    r.search_path = editLine(r.search_path, n, (l) => l.replace(/\[(\d+), (\d+), /, '[$2, $1, '));
    const issues = verifyRecord(r);
    expect(issues[0]).toEqual(at('search_path', n, /gives \[.*\] but Resulting Numbers are \[.*\]$/));
  });

  it('a Generated Node whose index skips', () => {
    const r = golden(SOSP[0]!, having(/^Generated Node #0,1: /));
    const n = lineOf(r.search_path, /^Generated Node #0,1: /);
    r.search_path = editLine(r.search_path, n, (l) => l.replace('#0,1:', '#0,2:'));
    expect(verifyRecord(r)[0]).toEqual(at('search_path', n, 'node #0,2 is out of order: #0,1 is due'));
  });

  it('a Generated Node under the wrong parent', () => {
    const r = golden(SOSP[0]!, sospSolved);
    const n = lineOf(r.search_path, /^Generated Node #0,0,0: /);
    r.search_path = editLine(r.search_path, n, (l) => l.replace('#0,0,0:', '#0,1,0:'));
    expect(verifyRecord(r)[0]).toEqual(at('search_path', n, 'node #0,1,0 generated while at node #0,0'));
  });

  it('a move to a node never generated', () => {
    const r = golden(SOSP[0]!, (x) => sospUnsolved(x) && having(/^Moving to Node #0,\d+,\d+$/)(x));
    const n = lineOf(r.search_path, /^Moving to Node #0,\d+,\d+$/);
    r.search_path = editLine(r.search_path, n, (l) => l.replace(/\d+$/, '9'));
    expect(verifyRecord(r)[0]).toEqual(at('search_path', n, /^Moving to Node #0,\d+,9, a node not generated in this thread$/));
  });

  it('a Current State that is not the node moved to', () => {
    const r = golden(SOSP[0]!, (x) => sospUnsolved(x) && having(/^Moving to Node #0,\d+,\d+$/)(x));
    const n = lineOf(r.search_path, /^Moving to Node #0,\d+,\d+$/) + 1;
    r.search_path = editLine(r.search_path, n, (l) => l.replace(/\['(\d+)/, "['1$1"));
    expect(verifyRecord(r)[0]).toEqual(at('search_path', n, /^Current State shows .*, which is not node #0,\d+,\d+ \(/));
  });

  it('a missing join line', () => {
    const r = golden(APR[1]!, aprJoin);
    const n = lineOf(r.trace_dict.main_calls[1]!, /^<No Solution in Sub Search 0 /);
    editLastMain(r, (t) => deleteLine(t, n));
    expect(verifyRecord(r)).toContainEqual(at('main[1]', n, 'join names sub search 1 where sub search 0 is due'));
    expect(verifyRecord(r)[0]).toEqual(at('main[1]', n, 'join names sub search 1 where sub search 0 is due'));
  });

  it('a join that leaves out its last child', () => {
    const r = golden(APR[0]!, aprJoin);
    const lines = linesOf(r.trace_dict.main_calls[1]!);
    const n = lineOf(r.trace_dict.main_calls[1]!, /^<End Sub Searches>$/) - 1;
    expect(lines[n - 1]).toMatch(/^<No Solution in Sub Search/);
    editLastMain(r, (t) => deleteLine(t, n));
    expect(verifyRecord(r)).toContainEqual(at('main[1]', lineOf(r.trace_dict.main_calls[1]!, /^<Sub Searches>$/), /^join names \d+ children but the spawn named \d+$/));
  });

  it('swapped children in a join block', () => {
    const r = golden(APR[1]!, aprJoin);
    const main1 = r.trace_dict.main_calls[1]!;
    const n = lineOf(main1, /^<No Solution in Sub Search 0 /);
    const lines = linesOf(main1);
    const idOf = (l: string) => /#([\d,]+)>$/.exec(l)![1]!;
    const [a, b] = [idOf(lines[n - 1]!), idOf(lines[n]!)];
    editLastMain(r, (t) => editLine(editLine(t, n, (l) => l.replace(`#${a}>`, `#${b}>`)), n + 1, (l) => l.replace(`#${b}>`, `#${a}>`)));
    const issues = verifyRecord(r);
    expect(issues[0]).toEqual(at('main[1]', n, `join names child 0 at node #${b} but spawn named #${a}`));
    expect(issues).toContainEqual(at('main[1]', n + 1, `join names child 1 at node #${a} but spawn named #${b}`));
  });

  it('child traces in the wrong order', () => {
    const r = golden(APR[1]!, aprJoin);
    const children = r.trace_dict.sub_calls[0]!;
    [children[0], children[1]] = [children[1]!, children[0]!];
    const spawned = /<Start Sub Search 0 at level 1> Moving to Node #([\d,]+)/.exec(r.trace_dict.main_calls[0]!)![1];
    expect(verifyRecord(r)).toContainEqual(at('sub[0][0].main[0]', 1, new RegExp(`^thread must start with Moving to Node #${spawned}, got `)));
  });

  /**
   * The golden record whose second call joins a child reported solved, that child cut just
   * before its winning operation to give up there: the report on line `n` of main[1] is then false.
   */
  function failedWinner(): { r: GoldenRecord; main1: string; n: number; j: number; goal: number } {
    const r = golden(APR[1]!, aprJoin);
    const main1 = r.trace_dict.main_calls[1]!;
    const n = lineOf(main1, /^<Goal Reached in Sub Search \d+ /);
    const j = Number(/Sub Search (\d+)/.exec(linesOf(main1)[n - 1]!)![1]);
    const child = r.trace_dict.sub_calls[0]![j]!;
    const text = child.main_calls[0]!;
    const goal = lineOf(text, /equal: Goal Reached$/);
    child.main_calls[0] = `${keepLines(text, goal - 2)}No solution found.\n`;
    return { r, main1, n, j, goal };
  }

  it('a join that claims a goal the child never reached', () => {
    const { r, n, j, goal } = failedWinner();
    const issues = verifyRecord(r);
    const end = goal - 1; // the child's No solution found.
    expect(issues).toEqual([at('main[1]', n, `join reports sub search ${j} reached the goal, but its thread sub[0][${j}] did not: sub[0][${j}].main[0] ends on line ${end} with "No solution found."`)]);
  });

  it('a join that reports a failed child as solved, with no clean path after it: the edited report line is named, and held to the child (it blamed the parent of the thread and a line after the edit)', () => {
    const r = golden(APR[1]!, aprJoin);
    const main1 = r.trace_dict.main_calls[1]!;
    const n = lineOf(main1, /^<No Solution in Sub Search 0 /);
    editLastMain(r, (t) => editLine(t, n, (l) => l.replace('<No Solution', '<Goal Reached')));
    const child = r.trace_dict.sub_calls[0]![0]!.main_calls[0]!;
    const end = linesOf(child.trimEnd()).length;
    expect(verifyRecord(r)).toEqual([
      at('main[1]', n, `"${linesOf(main1)[n - 1]!.replace('<No Solution', '<Goal Reached')}" reports a goal, but no clean path follows it`),
      at('main[1]', n, `join reports sub search 0 reached the goal, but its thread sub[0][0] did not: sub[0][0].main[0] ends on line ${end} with "No solution found."`),
    ]);
  });

  it("a child thread whose own walk stops on a fault, its text still ending at the goal: the fault is named in the child, and the parent's report of that goal does not carry the join (a goal nobody checked)", () => {
    const r = golden(APR[1]!, aprJoin);
    const main1 = r.trace_dict.main_calls[1]!;
    const j = Number(/<Goal Reached in Sub Search (\d+) /.exec(main1)![1]);
    const report = lineOf(main1, new RegExp(`^<Goal Reached in Sub Search ${j} `));
    const child = r.trace_dict.sub_calls[0]![j]!;
    const n = lineOf(child.main_calls[0]!, /^Current State: /);
    child.main_calls[0] = editLine(child.main_calls[0]!, n, (l) => `${l} garbled`);
    const end = linesOf(child.main_calls[0]!.trimEnd()).length;
    expect(verifyRecord(r)).toEqual([
      at(`sub[0][${j}].main[0]`, n, /^line does not parse: /),
      at('main[1]', report, new RegExp(`^join reports sub search ${j} reached the goal, but its thread sub\\[0\\]\\[${j}\\] reached none that verifies \\(sub\\[0\\]\\[${j}\\]\\.main\\[0\\] ends on line ${end} with ".* equal: Goal Reached"; its own issues say why\\)$`)),
    ]);
  });

  it("a fault two levels down climbs to the root: a goal reached in a tree with a fault anywhere does not carry its parent's join (the root of a tree resting on a grandchild's garbled search was valid and solved)", () => {
    type Dict = { main_calls: string[]; sub_calls: Dict[][] };
    /** The child a call's join reports solved: [spawn index, child index], if any. */
    const solvedChild = (d: Dict): [number, number] | undefined => {
      for (let k = 0; k + 1 < d.main_calls.length; k++) {
        const m = /^<Goal Reached in Sub Search (\d+) /m.exec(d.main_calls[k + 1]!);
        if (m) return [k, Number(m[1])];
      }
      return undefined;
    };
    const spec5 = { minNumbers: 5, maxNumbers: 5, minTarget: 10, maxTarget: 100, maxNumber: 99 };
    const found = [...defaultProblems(21, 'train', spec5, 60, new Set())]
      .map((p, i) => JSON.parse(Buffer.from(makeSearch(p, problemRecord(p, 'default'), streamFor(21, 'apr', i), testSettings('apr', 4096)).json).toString('latin1')) as { trace_dict: Dict })
      .find((r) => {
        const c = solvedChild(r.trace_dict);
        return c !== undefined && solvedChild(r.trace_dict.sub_calls[c[0]]![c[1]]!) !== undefined;
      });
    expect(found).toBeDefined();
    const r = found!;
    expect(verifyRecord(r)).toEqual([]);
    const [k, j] = solvedChild(r.trace_dict)!;
    const child = r.trace_dict.sub_calls[k]![j]!;
    const [k2, j2] = solvedChild(child)!;
    const grandchild = child.sub_calls[k2]![j2]!;
    const text = grandchild.main_calls[0]!;
    const n = lineOf(text, /^Current State: /);
    grandchild.main_calls[0] = editLine(text, n, (l) => `${l} garbled`);
    const issues = verifyRecord(r);
    const childAt = `sub[${k}][${j}]`;
    expect(issues).toContainEqual(at(`${childAt}.sub[${k2}][${j2}].main[0]`, n, /^line does not parse: /));
    // The child's join rests on the grandchild's refused goal; the root's on the child's faulty tree.
    expect(issues).toContainEqual(at(`${childAt}.main[${k2 + 1}]`, lineOf(child.main_calls[k2 + 1]!, new RegExp(`^<Goal Reached in Sub Search ${j2} `)), new RegExp(`^join reports sub search ${j2} reached the goal, but its thread ${escapeRe(`${childAt}.sub[${k2}][${j2}]`)} reached none that verifies`)));
    expect(issues).toContainEqual(at(`main[${k + 1}]`, lineOf(r.trace_dict.main_calls[k + 1]!, new RegExp(`^<Goal Reached in Sub Search ${j} `)), `join reports sub search ${j} reached the goal, but its thread ${childAt} has a fault in it or in a thread below it (named there)`));
  });

  it("a call whose walk stopped before its spawn is not said to end without one (its spawn is there, unread), and a child that is no trace carries no reported goal", () => {
    const r = golden(APR[1]!, aprJoin);
    r.trace_dict.main_calls[0] = editLine(r.trace_dict.main_calls[0]!, 3, (l) => `${l} garbled`);
    const issues = verifyRecord(r);
    expect(issues[0]).toEqual(at('main[0]', 3, /^line does not parse: /));
    expect(issues.filter((i) => /ends without a spawn block/.test(i.message))).toEqual([]);
    // Its children go unchecked, so the next call's goal report of them does not carry it (the
    // call stayed valid and solved over a child that was junk).
    const joining = r.trace_dict.main_calls[1]!;
    const j0 = Number(/<Goal Reached in Sub Search (\d+) /.exec(joining)![1]);
    (r.trace_dict.sub_calls[0] as unknown[])[j0] = { main_calls: ['junk'], sub_calls: [] };
    expect(verifyRecord(r)).toContainEqual(
      at('main[1]', lineOf(joining, new RegExp(`^<Goal Reached in Sub Search ${j0} `)), `join reports sub search ${j0} reached the goal, but the spawn it answers (main[0]) does not verify (its own issues say why)`),
    );
    const s = golden(APR[1]!, aprJoin);
    const main1 = s.trace_dict.main_calls[1]!;
    const j = Number(/<Goal Reached in Sub Search (\d+) /.exec(main1)![1]);
    (s.trace_dict.sub_calls[0] as unknown[])[j] = 'not a trace';
    expect(verifyRecord(s)).toContainEqual(at('main[1]', lineOf(main1, new RegExp(`^<Goal Reached in Sub Search ${j} `)), `join reports sub search ${j} reached the goal, but its thread sub[0][${j}] is no trace`));
  });

  it("a goal report with its clean path removed is named on its line, and the walk stops there: no follow-on faults from reading on as if no child had succeeded", () => {
    const r = golden(APR[1]!, aprJoin);
    const main1 = r.trace_dict.main_calls[1]!;
    const lines = linesOf(main1);
    const n = lineOf(main1, /^<Goal Reached in Sub Search \d+ /);
    const next = lines.findIndex((l, i) => i >= n && /^<(Goal Reached|No Solution) in Sub Search |^<End Sub Searches>/.test(l));
    editLastMain(r, () => [...lines.slice(0, n), ...lines.slice(next)].join('\n'));
    // (the record's rating, counted over Exploring Operation lines, changes too: a record-wide issue)
    expect(verifyRecord(r).filter((i) => i.thread !== '')).toEqual([at('main[1]', n, `${JSON.stringify(lines[n - 1])} reports a goal, but no clean path follows it`)]);
  });

  it("a thread's issues come in line order, whichever check found them (the walk's came before the ones between threads)", () => {
    // the child gives up: the join's report on line n disagrees with it (a check between threads) ...
    const { r, main1, n } = failedWinner();
    // ... and the last operation of the call's own clean path, after line n, is wrong (the walk's finding)
    const m = linesOf(main1).map((l) => /^Exploring Operation: /.test(l)).lastIndexOf(true) + 1;
    expect(m).toBeGreaterThan(n);
    editLastMain(r, (t) => editLine(t, m, (l) => l.replace(/=(\d+),/, (_, c: string) => `=${Number(c) + 1},`)));
    const issues = verifyRecord(r);
    expect(issues[0]).toEqual(at('main[1]', n, /^join reports sub search \d+ reached the goal, but its thread sub\[0\]\[\d+\] did not: /));
    expect(issues.slice(1).map((i) => [i.thread, i.line])).toContainEqual(['main[1]', m]);
    expect(issues.map((i) => i.line)).toEqual(issues.map((i) => i.line).sort((x, y) => x - y));
  });

  it('a join whose children are missing: its reports cannot be checked, so the joining call is not sound (it was, and a claimed goal counted)', () => {
    const r = golden(APR[1]!, aprJoin);
    const main1 = r.trace_dict.main_calls[1]!;
    const spawned = r.trace_dict.sub_calls[0]!.length;
    r.trace_dict.sub_calls[0] = [];
    const issues = verifyRecord(r);
    expect(issues).toContainEqual(at('', 0, `sub_calls[0] holds 0 child traces but main[0] spawned ${spawned}`));
    for (let j = 0; j < spawned; j++) {
      const n = lineOf(main1, new RegExp(`^<(No Solution|Goal Reached) in Sub Search ${j} `));
      expect(issues).toContainEqual(at('main[1]', n, `join reports on sub search ${j}, but its thread sub[0][${j}] is missing`));
    }
  });

  it("a model's output under another field than text is named, not graded as a valid problem record", () => {
    const r = golden(SOSP[0]!);
    const { nums, target } = r;
    expect(verifyRecord({ nums, target, output: r.search_path })).toEqual([at('', 0, `field "output" holds a search text, but only "text" is read as one (a model's output: {"nums", "target", "text"})`)]);
    expect(verifyRecord({ nums, target, completion: `Token Budget: 1024 ${r.search_path}` })).toHaveLength(1);
    // several samples of one prompt as a list (vLLM's n > 1) were read as a valid problem record
    expect(verifyRecord({ nums, target, outputs: ['', r.search_path] })).toEqual([at('', 0, `field "outputs" holds a list of search texts, but only "text" is read as one (a line per output: {"nums", "target", "text"})`)]);
    expect(verifyRecord({ nums, target, tags: ['a', 'b'] })).toEqual([]);
    // A problem's own trace of its solution, and other text fields, are no such output.
    const p = load(PROBLEMS[0]!)[0]!;
    expect(p.optimal_path).toMatch(/^Current State: /);
    expect(verifyRecord({ ...p, note: 'made by hand' })).toEqual([]);
    // Nor is a prompt: the problem's Current State alone.
    expect(verifyRecord({ nums, target, prompt: `${linesOf(r.search_path)[0]}\n` })).toEqual([]);
  });

  it("a model's output under a field named for one is no problem record, whatever it holds: an empty, one-line or garbled output was graded a valid problem", () => {
    const { nums, target } = golden(SOSP[0]!);
    for (const [field, value] of [['output', 'x'], ['completion', ''], ['response', '42'], ['generated_text', 'Current State: only the prompt'], ['Output', 'x']] as const) {
      expect(verifyRecord({ nums, target, [field]: value }), field).toEqual([
        at('', 0, `field "${field}" is a model's output by its name, but only "text" is read as one (a model's output: {"nums", "target", "text"})`),
      ]);
    }
    expect(verifyRecord({ nums, target, outputs: ['x', 'y'] })).toEqual([
      at('', 0, `field "outputs" is a list of model outputs by its name, but only "text" is read as one (a line per output: {"nums", "target", "text"})`),
    ]);
    // A table's empty cell is no field (a problem row beside output rows).
    expect(verifyRecord({ nums, target, output: null })).toEqual([]);
    // stats and report read the same rule: such a line is not counted as a problem.
    expect(classify({ nums, target, output: 'x' }).kind).toBeUndefined();
  });

  it('a truncated APR main call', () => {
    const r = golden(APR[1]!, aprJoin);
    const count = linesOf(r.search_path).length - 1;
    editLastMain(r, (t) => keepLines(t, count - 3));
    expect(verifyRecord(r)[0]).toEqual(at('main[1]', count - 3, /\(truncated\?\)$/));
  });

  it('a truncated SoS+ search', () => {
    const r = golden(SOSP[0]!, sospUnsolved);
    const count = linesOf(r.search_path).length - 1;
    r.search_path = keepLines(r.search_path, count - 2);
    expect(verifyRecord(r)).toEqual([at('search_path', count - 2, /\(truncated\?\)$/)]);
  });

  it('a truncated clean path', () => {
    const r = golden(SOSP[0]!, sospSolved);
    const lines = linesOf(r.search_path);
    const goal = lineOf(r.search_path, /equal: Goal Reached$/);
    const cut = goal + 3;
    r.search_path = keepLines(r.search_path, cut);
    expect(lines.length).toBeGreaterThan(cut + 1);
    expect(verifyRecord(r)[0]).toEqual(at('search_path', cut, /^clean path ends before the goal, .*\(truncated\?\)$/));
  });

  it('a wrong rating', () => {
    const solved = golden(SOSP[0]!, sospSolved);
    solved.rating += 0.001;
    expect(verifyRecord(solved)).toEqual([at('', 0, /^rating 0\.\d+ but the trace gives 0\.\d+ \(\d+ Exploring Operation lines, max_nodes 1152\)$/)]);
    const unsolved = golden(APR[0]!, (x) => x.rating === 0);
    unsolved.rating = 0.5;
    expect(verifyRecord(unsolved)).toEqual([at('', 0, 'rating 0.5 but the trace gives 0 (no Goal Reached)')]);
  });

  it('a search_path that is not the last main call', () => {
    const r = golden(APR[1]!, aprJoin);
    r.search_path = r.trace_dict.main_calls[0]!;
    const n = lineOf(r.search_path, /^<Calling Sub Searches>$/);
    expect(verifyRecord(r)).toContainEqual(at('search_path', n, 'search_path is not the last main call (main[1])'));
  });

  it('a main call that does not repeat the text before the spawn', () => {
    const r = golden(APR[1]!, aprJoin);
    const n = lineOf(r.trace_dict.main_calls[0]!, /^Exploring Operation: /);
    r.trace_dict.main_calls[0] = editLine(r.trace_dict.main_calls[0]!, n, (l) => l.replace(/=(\d+),/, (_, c: string) => `=${Number(c) + 1},`));
    const issues = verifyRecord(r);
    expect(issues[0]).toEqual(at('main[0]', n, /is wrong arithmetic$/));
    expect(issues).toContainEqual(at('main[1]', n, 'does not repeat main[0] before its <Calling Sub Searches>'));
  });

  it('the fields that say how a search ran: beam_size as search_type says, a positive child beam, promising_threshold in [0, 1], a known heuristic', () => {
    const r = { ...load('apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl')[0]! } as Record<string, unknown>;
    expect(verifyRecord(r)).toEqual([]);
    const beam = Number(String(r.search_type).split('_')[1]);
    Object.assign(r, { beam_size: beam + 1, sub_call_beam_size: 0, promising_threshold: 'x', heuristic: 'foo' });
    expect(verifyRecord(r).map((x) => x.message)).toEqual([
      `beam_size ${beam + 1} but search_type "apr_${beam}"`,
      'sub_call_beam_size 0 is not a positive integer',
      'promising_threshold "x" is not a number from 0 to 1',
      'heuristic "foo" is none of sum_heuristic, mult_heuristic',
    ]);
    const sos = { ...load('sosp_s0_beam5_on_problems_s42.jsonl')[0]!, search_type: 'sosp_0' };
    expect(verifyRecord(sos).map((x) => x.message)).toEqual(['search_type "sosp_0" has a beam below 1']);
  });

  it('a problem beyond what problems enter as: 2 to 6 numbers, a target of at least 2 (the rule search and problems apply)', () => {
    const messages = (r: Record<string, unknown>) => verifyRecord(r).map((x) => x.message);
    expect(messages({ nums: [1, 2, 3, 4, 5, 6, 7], target: 20 })).toContain('"nums" must hold 2 to 6 numbers, got 7');
    expect(messages({ nums: [5], target: 5 })).toContain('"nums" must hold 2 to 6 numbers, got 1');
    expect(messages({ nums: [1, 2, 3, 4], target: 0 })).toContain('"target" must be at least 2, got 0');
    expect(messages({ nums: [1, 2, 3, 4], target: 24 })).toEqual([]);
  });

  it('a wrong solution step and a wrong optimal_path step', () => {
    const r = golden(PROBLEMS[0]!);
    const step = r.solution[1]!;
    r.solution[1] = step.replace(/=(\d+)$/, (_, c: string) => `=${Number(c) + 1}`);
    expect(verifyRecord(r)).toContainEqual(at('solution', 2, `solution step ${r.solution[1]} is wrong arithmetic`));
    const p = golden(PROBLEMS[0]!);
    const n = lineOf(p.optimal_path, new RegExp(`^Exploring Operation: ${p.solution[0]!.replace(/[+*]/g, '\\$&')},`));
    p.optimal_path = editLine(p.optimal_path, n, (l) => l.replace(/=(\d+),/, (_, c: string) => `=${Number(c) + 1},`));
    expect(verifyRecord(p)[0]).toEqual(at('optimal_path', n, /is wrong arithmetic$/));
  });

  it('optimal_path lines each right but out of order: a goal claimed midway, a state dropped or repeated', () => {
    const lines = golden(PROBLEMS[0]!).optimal_path.split('\n');
    const goal = lines.findIndex((l) => l.endsWith('Goal Reached'));
    const cases = [
      [...lines.slice(0, 2), lines[goal]!, ...lines.slice(2)],
      lines.filter((_, k) => k !== 3),
      [...lines.slice(0, 4), lines[3]!, ...lines.slice(4)],
    ];
    for (const c of cases) {
      const p = golden(PROBLEMS[0]!);
      p.optimal_path = c.join('\n');
      expect(verifyRecord(p).map((i) => `${i.thread}: ${i.message}`).join('; ')).toMatch(/^optimal_path: /);
    }
  });

  it('optimal_path numbers that no rule gives, and a path that changes rule midway', () => {
    const p = golden(PROBLEMS[0]!);
    p.optimal_path = editLine(p.optimal_path, 2, (l) => l.replace('Resulting Numbers: [', 'Resulting Numbers: [999, '));
    expect(verifyRecord(p)).toContainEqual(at('optimal_path', 2, /Resulting Numbers \[999, .* where the steps leave \[/));
    // Repeated numbers: each mode's own rule passes; the reference's states with default's last line do not.
    const nums = [5, 5, 3, 7];
    const solution = ['5-3=2', '5*2=10', '10+7=17'];
    const path = (compat: Compat) => optimalPath(17, nums, solution.map((s) => parseStep(s)!), compat);
    const record = (optimal_path: string) => ({ nums, target: 17, solution, optimal_path, start_size: 4 });
    expect(verifyRecord(record(path('default')))).toEqual([]);
    expect(verifyRecord(record(path('reference')))).toEqual([]);
    const mixed = [...path('reference').split('\n').slice(0, 2), ...path('default').split('\n').slice(2)].join('\n');
    expect(verifyRecord(record(mixed)).map((i) => i.thread)).toContain('optimal_path');
  });
});

describe('original SoS searches (dfs, bfs)', () => {
  it('verify as the reference wrote them', () => {
    for (const r of SOS_RECORDS) expect(verifyRecord(r), r.search_type as string).toEqual([]);
  });
  it('dfs child indices must increase', () => {
    const r = structuredClone(SOS_RECORDS[0]!);
    const n = lineOf(r.search_path, /^Generated Node #0,1: /);
    r.search_path = editLine(r.search_path, n, (l) => l.replace('#0,1:', '#0,0:'));
    expect(verifyRecord(r)[0]).toEqual(at('search_path', n, 'node #0,0 does not come after #0,0'));
  });
  it('a dfs child index is the count of explorations before it at its parent (one-number children take an index too)', () => {
    const r = structuredClone(SOS_RECORDS[1]!);
    r.search_path = r.search_path.replaceAll('#0,0,3', '#0,0,7');
    const n = lineOf(r.search_path, /^Generated Node #0,0,7: /);
    expect(verifyRecord(r)).toContainEqual(at('search_path', n, 'node #0,0,7 follows Exploring Operation 4 at #0,0: #0,0,3 is due'));
  });
  it('a dfs trace cut where the search goes on: after a Generated Node, or a node shown again to explore its next child', () => {
    const r = structuredClone(SOS_RECORDS[1]!);
    const lines = linesOf(r.search_path);
    const generated = lines.findIndex((l) => l.startsWith('Generated Node #')) + 1;
    const cut = (n: number) => ({ ...r, search_path: lines.slice(0, n).join('\n') + '\n', rating: 0 });
    expect(verifyRecord(cut(generated))).toContainEqual(at('search_path', generated, /^thread ends right after Generated Node #0,0, where the move to it is due/));
    const again = lines.findIndex((l, i) => i > generated && l === 'Moving to Node #0,0') + 2;
    expect(verifyRecord(cut(again))).toContainEqual(at('search_path', again, /^thread ends where node #0,0, shown again to explore its next child, explores none/));
  });
  it('a dfs trace cut at any line where the search goes on (a leaf, the root alone) leaves a node unfinished: truncated, not valid (815 of 3,188 such cuts passed)', () => {
    const r = structuredClone(SOS_RECORDS[1]!);
    const lines = linesOf(r.search_path);
    const cut = (n: number) => ({ ...r, search_path: lines.slice(0, n).join('\n') + '\n', rating: 0 });
    const leaves = lines.flatMap((l, i) => (l.endsWith('unequal: No Solution') ? [i + 1] : [])).slice(0, -1); // not the last line: there the search ends
    expect(leaves.length).toBeGreaterThan(3);
    for (const n of [1, ...leaves]) expect(verifyRecord(cut(n)), `cut after line ${n}`).toContainEqual(at('search_path', n, /^thread ends with node #[\d,]+ unfinished: \d+ of its children are within the target, \d+ explored \(truncated\?\)$/));
    // The whole unsolved search is finished: every node it expanded explored each child within the target.
    expect(verifyRecord(r)).toEqual([]);
  });
  it('a dfs text for a target below 2, or far past any problem, is not judged finished or not (mult_heuristic threw: verify died with a stack)', () => {
    const r = structuredClone(SOS_RECORDS[1]!);
    for (const target of [1, 0, 1e18]) {
      const cut = { ...r, target, search_path: `Current State: ${target}:[30, 15, 48, 7], Operations: []\n`, rating: 0 };
      expect(() => verifyRecord(cut)).not.toThrow();
      expect(verifyRecord(cut).some((i) => /unfinished/.test(i.message))).toBe(false);
    }
  });
  it('a dfs that explores one operation again at a node, on a re-entry, is not valid (a text looping on it was, once it looked finished)', () => {
    const r = structuredClone(SOS_RECORDS[0]!);
    r.search_path = r.search_path.replace('Exploring Operation: 6+42=48, Resulting Numbers: [48]\n48,42', 'Exploring Operation: 42/6=7, Resulting Numbers: [7]\n7,42');
    expect(verifyRecord(r)).toEqual([at('search_path', 10, 'Exploring Operation: 42/6=7 explored again at node #0,0, whose numbers [6, 42] make it once')]);
  });

  it('a thread lists at most 100 issues, then says the rest is not checked (a looping text listed one a repeat)', () => {
    const t = 'Current State: 6:[2, 3], Operations: []\n' + 'Exploring Operation: 2+3=5, Resulting Numbers: [5]\n5,6 unequal: No Solution\n'.repeat(5000);
    const issues = verifyRecord({ ...SOS_RECORDS[0]!, nums: [2, 3], target: 6, solution: ['2*3=6'], search_path: t, rating: 0 } as unknown as GoldenRecord);
    const own = issues.filter((i) => i.thread === 'search_path');
    expect(own).toHaveLength(101);
    expect(own.at(-1)).toEqual(at('search_path', 202, '100 issues in this thread: the rest of it is not checked'));
  });

  it('a dfs return to the parent must show the parent', () => {
    const r = structuredClone(SOS_RECORDS[1]!);
    const n = lineOf(r.search_path, /^Moving to Node #0,0$/) + 1;
    const back = linesOf(r.search_path).findIndex((l, i) => i > n && l === 'Moving to Node #0,0') + 2;
    r.search_path = editLine(r.search_path, back, (l) => l.replace("['48-30=18']", "['48-30=19']"));
    expect(verifyRecord(r)[0]).toEqual(at('search_path', back, /^Current State shows .*, which is not node #0,0 /));
  });
  it('bfs revisits of one-number children must show one of them', () => {
    const r = structuredClone(SOS_RECORDS[3]!);
    const n = lineOf(r.search_path, /^Current State: 42:\[48\]/);
    r.search_path = editLine(r.search_path, n, (l) => l.replace('[48]', '[49]'));
    expect(verifyRecord(r)[0]).toEqual(at('search_path', n, /^Current State shows \[49\] .*, which is not node #0,0,0$/));
  });
  it('a wrong dfs rating', () => {
    const r = structuredClone(SOS_RECORDS[0]!);
    r.rating = 0.85;
    expect(verifyRecord(r)).toEqual([at('', 0, /^rating 0\.85 but the trace gives 0\.854166/)]);
  });
});

describe('options and prefixes', () => {
  it('accepts conditioning prefixes before the first line', () => {
    const s = golden(SOSP[0]!, (r) => r.search_path.includes('Goal Reached'));
    s.search_path = `Token Budget: 1024 ${s.search_path}`;
    expect(verifyRecord(s)).toEqual([]);
    const a = golden(APR[1]!, (r) => r.trace_dict.main_calls.length === 2);
    const children = a.trace_dict.sub_calls.reduce((n, kids) => n + kids.length, 0);
    const plain = a.trace_dict.main_calls;
    a.trace_dict.main_calls = plain.map((m) => `Sub Call Budget: ${children} ${m}`);
    a.search_path = a.trace_dict.main_calls[1]!;
    expect(verifyRecord(a)).toEqual([]);
    // The number is the root's child threads, before each of its sequences.
    a.trace_dict.main_calls = plain.map((m) => `Sub Call Budget: ${children + 1} ${m}`);
    a.search_path = a.trace_dict.main_calls[1]!;
    expect(verifyRecord(a).map((i) => `${i.thread}: ${i.message}`)).toEqual([0, 1].map((k) => `main[${k}]: Sub Call Budget: ${children + 1} but the root has ${children} child threads`));
  });

  it('reports every sequence over the window when a token counter is given', () => {
    const r = golden(APR[1]!, (x) => x.trace_dict.main_calls.length === 2);
    const countTokens = (text: string) => text.length;
    expect(verifyRecord(r, { window: 1 })).toEqual([]);
    const issues = verifyRecord(r, { window: 400, countTokens });
    const all: Array<[string, string]> = [];
    const walk = (td: TraceDict, path: string) => {
      td.main_calls.forEach((m, k) => all.push([`${path}main[${k}]`, m]));
      td.sub_calls.forEach((kids, k) => kids.forEach((c, j) => walk(c, `${path}sub[${k}][${j}].`)));
    };
    walk(r.trace_dict, '');
    const over = all.filter(([, m]) => m.length + 2 > 400);
    expect(over.length).toBeGreaterThan(0);
    expect(issues).toEqual(over.map(([thread, m]) => at(thread, 0, `sequence takes ${m.length + 2} tokens with <s> and </s>, over the 400-token window`)));
  });
});

describe('deleting or duplicating one line is always caught', () => {
  /** A thread of a record: its name, its lines and how to write it back. */
  interface Slot {
    name: string;
    lines: string[];
    set: (r: GoldenRecord, text: string) => void;
  }
  const splitKeepingEnd = (text: string) => (text.endsWith('\n') ? linesOf(text).slice(0, -1) : linesOf(text));
  function slots(r: GoldenRecord): Slot[] {
    if (!r.trace_dict) return [{ name: 'search_path', lines: splitKeepingEnd(r.search_path), set: (x, t) => void (x.search_path = t) }];
    const out: Slot[] = [];
    const walk = (get: (x: GoldenRecord) => TraceDict, td: TraceDict, path: string, root: boolean) => {
      td.main_calls.forEach((text, k) =>
        out.push({
          name: `${path}main[${k}]`,
          lines: splitKeepingEnd(text),
          set: (x, t) => {
            get(x).main_calls[k] = t;
            if (root && k === td.main_calls.length - 1) x.search_path = t;
          },
        }));
      td.sub_calls.forEach((kids, k) => kids.forEach((_, j) => walk((x) => get(x).sub_calls[k]![j]!, kids[j]!, `${path}sub[${k}][${j}].`, false)));
    };
    walk((x) => x.trace_dict, r.trace_dict, '', true);
    return out;
  }
  /**
   * Deletes or duplicates line `no` of the slot and verifies; true when an issue is found
   * (or the edit is one the reference itself could have made, see below). A spawn or join
   * line edited away may be reported where the blocks are compared, not in the thread.
   */
  function caught(record: GoldenRecord, slot: Slot, no: number, duplicate: boolean): boolean {
    const { lines } = slot;
    // reference quirk: right after a join the move to the next beam node may be missing, so
    // deleting one there is indistinguishable from the reference's own output
    if (!duplicate && lines[no - 2] === '<End Sub Searches>' && lines[no - 1]!.startsWith('Moving to Node')) return true;
    const edited = [...lines];
    if (duplicate) edited.splice(no, 0, lines[no - 1]!);
    else edited.splice(no - 1, 1);
    const r = structuredClone(record);
    const unterminated = !r.search_path.endsWith('\n') && !r.trace_dict; // bfs leaves its last line open
    slot.set(r, edited.join('\n') + (unterminated ? '' : '\n'));
    return verifyRecord(r).length > 0;
  }
  const records = [...SOSP, ...APR].flatMap((f) => load(f));

  it('random edits of random golden threads (fast-check)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), fc.boolean(), (ri, si, li, duplicate) => {
        const record = records[ri % records.length]!;
        const all = slots(record);
        const slot = all[si % all.length]!;
        const no = (li % slot.lines.length) + 1;
        expect(caught(record, slot, no, duplicate), `${slot.name} line ${no} ${duplicate ? 'duplicated' : 'deleted'}`).toBe(true);
      }),
      { numRuns: 400, seed: 20240601 },
    );
  });

  it('every edit of every thread of a few records', () => {
    const quirky = (r: GoldenRecord) => /<End Sub Searches>\nCurrent State/.test(r.search_path);
    const chosen = [
      smallest(SOSP[0]!, (r) => r.search_path.includes('Goal Reached') && r.search_path.includes('Start Sub Search at level 2')),
      smallest(SOSP[1]!, (r) => !r.search_path.includes('Goal Reached') && r.search_path.includes('Start Sub Search')),
      smallest(APR[0]!, (r) => r.trace_dict.main_calls.length >= 3),
      smallest(APR[1]!, quirky),
      ...SOS_RECORDS,
    ];
    const missed: string[] = [];
    for (const record of chosen) {
      for (const slot of slots(record)) {
        for (let no = 1; no <= slot.lines.length; no++) {
          for (const duplicate of [false, true]) {
            if (!caught(record, slot, no, duplicate)) missed.push(`${record.search_type as string} ${slot.name} line ${no} ${duplicate ? 'duplicated' : 'deleted'}`);
          }
        }
      }
    }
    expect(missed).toEqual([]);
  });
});

describe("a record's sequences, put back together (the thread names a sequences file and a model's outputs carry)", () => {
  const aprJoin = (r: GoldenRecord) => {
    const main = r.trace_dict.main_calls;
    return main.length === 2 && /^<No Solution in Sub Search 0 /m.test(main[1]!) && /^<Goal Reached in Sub Search /m.test(main[1]!);
  };
  /** The record's sequences in the reference's flattening order, named `root.1#0`. */
  const sequencesOf = (r: GoldenRecord): SequenceLine[] =>
    [...threadsOf(r.trace_dict)].flatMap((t) => t.dict.main_calls.map((text, index) => ({ text: text as string, thread: t.name, index })));
  const entryOf = (seqs: SequenceLine[], name: string) => seqs.findIndex((q) => `${q.thread}#${q.index}` === name);
  /** No message names a thread by the rebuilt trace_dict's paths. */
  const namedAsTheFile = (issues: readonly VerifyIssue[]) => expect(issues.filter((i) => /sub\[\d+\]|main\[\d+\]/.test(i.message))).toEqual([]);

  it('a join reporting a failed child as solved is named on its own line, against the child thread by its file name (it named `sub[0][0]` beside `root#1`)', () => {
    const r = golden(APR[1]!, aprJoin);
    const seqs = sequencesOf(r);
    const at1 = entryOf(seqs, 'root#1');
    const n = lineOf(seqs[at1]!.text, /^<No Solution in Sub Search 0 /);
    seqs[at1] = { ...seqs[at1]!, text: editLine(seqs[at1]!.text, n, (l) => l.replace('<No Solution', '<Goal Reached')) };
    const end = linesOf(seqs[entryOf(seqs, 'root.0#0')]!.text.trimEnd()).length;
    const issues = verifySequences(seqs);
    expect(issues.map((i) => [i.entry, i.thread, i.line])).toEqual([[at1, 'root#1', n], [at1, 'root#1', n]]);
    expect(issues[0]!.message).toMatch(/^"<Goal Reached in Sub Search 0 .*>" reports a goal, but no clean path follows it$/);
    expect(issues[1]!.message).toBe(`join reports sub search 0 reached the goal, but its thread root.0 did not: root.0#0 ends on line ${end} with "No solution found."`);
  });

  it('a walk stopped inside a join: the join is not said to be missing, and a call that does not repeat its spawn names it as the file does', () => {
    const r = golden(APR[1]!, aprJoin);
    const seqs = sequencesOf(r);
    const at1 = entryOf(seqs, 'root#1');
    const text = seqs[at1]!.text;
    // a garbled Current State inside the clean path a goal report repeats: the walk stops there
    const goal = lineOf(text, /^<Goal Reached in Sub Search /);
    seqs[at1] = { ...seqs[at1]!, text: editLine(text, goal + 2, (l) => `${l} garbled`) };
    let issues = verifySequences(seqs);
    expect(issues).toEqual([expect.objectContaining({ entry: at1, thread: 'root#1', line: goal + 2, message: expect.stringMatching(/^clean path needs |^line does not parse: /) })]);
    // a line before the spawn's changed: the call does not repeat root#0
    seqs[at1] = { ...seqs[at1]!, text: editLine(text, 2, (l) => l.replace('Current State', 'Current  State')) };
    issues = verifySequences(seqs);
    expect(issues).toContainEqual(expect.objectContaining({ entry: at1, line: 2, message: 'does not repeat root#0 before its <Calling Sub Searches>' }));
    namedAsTheFile(issues);
  });

  it("every root sequence is held to the record's problem, named on its own line or on another line of the record (a last root line naming another problem, or a record whose root lines name none, was graded valid and solved)", () => {
    const r = golden(APR[1]!, aprJoin);
    const right = { nums: r.nums, target: r.target };
    const other = { nums: r.nums.map((n, k) => (k === 0 ? n + 1 : n)), target: r.target };
    const seqs = sequencesOf(r);
    const naming = (problem: (s: SequenceLine) => SequenceLine['problem']): SequenceLine[] => seqs.map((s) => ({ ...s, problem: problem(s) }));
    const last = entryOf(seqs, 'root#1');
    const start = `the text starts from [${r.nums.join(', ')}]`;
    // the problem on the last root line alone (the one graded solved)
    expect(verifySequences(naming((s) => (s === seqs[last] ? right : undefined)))).toEqual([]);
    let issues = verifySequences(naming((s) => (s === seqs[last] ? other : undefined)));
    expect(issues.map((i) => [i.thread, i.line, i.message])).toEqual([
      ['root#0', 2, `${start}, the record's problem (named by root#1) from [${other.nums.join(', ')}]`],
      ['root#1', 2, `${start}, the line's problem from [${other.nums.join(', ')}]`],
    ]);
    // every line naming it: each root line is faulted, not the first alone
    issues = verifySequences(naming(() => other));
    expect(issues.map((i) => i.thread)).toEqual(['root#0', 'root#1']);
    // only a child's line names it: the root lines are held to it, in any order of its numbers
    const child = entryOf(seqs, 'root.0#0');
    expect(verifySequences(naming((s) => (s === seqs[child] ? { ...right, nums: [...right.nums].reverse() } : undefined)))).toEqual([]);
    issues = verifySequences(naming((s) => (s === seqs[child] ? other : undefined)));
    expect(issues.map((i) => [i.thread, i.line, i.message])).toEqual([
      ['root#0', 2, `${start}, the record's problem (named by root.0#0) from [${other.nums.join(', ')}]`],
      ['root#1', 2, `${start}, the record's problem (named by root.0#0) from [${other.nums.join(', ')}]`],
    ]);
  });

  it("a child line naming another problem than its record's leaves its thread unsound: a join's report of its goal does not carry the root (the root's last line was graded valid and solved)", () => {
    const r = golden(APR[1]!, aprJoin);
    const problem = { nums: r.nums, target: r.target };
    const seqs = sequencesOf(r).map((s) => ({ ...s, problem }));
    const last = entryOf(seqs, 'root#1');
    const j = Number(/^<Goal Reached in Sub Search (\d+) /m.exec(seqs[last]!.text)![1]);
    const report = lineOf(seqs[last]!.text, new RegExp(`^<Goal Reached in Sub Search ${j} `));
    const winner = entryOf(seqs, `root.${j}#0`);
    seqs[winner] = { ...seqs[winner]!, problem: { ...problem, nums: problem.nums.map((n, k) => (k === 0 ? n + 1 : n)) } };
    const issues = verifySequences(seqs);
    expect(issues.map((i) => [i.thread, i.line])).toEqual([[`root.${j}#0`, 0], ['root#1', report]]);
    expect(issues[0]!.message).toMatch(/^the line names the problem .*, but root#0 of its record names /);
    expect(issues[1]!.message).toBe(`join reports sub search ${j} reached the goal, but its thread root.${j} has a fault in it or in a thread below it (named there)`);
  });

  it("a grandchild line naming another problem leaves every thread above it unsound, though the join on it rightly reports no solution: the root's join on the child's goal does not carry (as a fault in the grandchild's text would not)", () => {
    type Dict = { main_calls: string[]; sub_calls: Dict[][] };
    /** The children a dict's joins report solved, and those they report failed: [spawn index, child index]. */
    const reported = (d: Dict, goal: boolean): Array<[number, number]> => {
      const out: Array<[number, number]> = [];
      for (let k = 0; k + 1 < d.main_calls.length; k++) {
        const re = new RegExp(`^<${goal ? 'Goal Reached' : 'No Solution'} in Sub Search (\\d+) `, 'gm');
        for (const m of d.main_calls[k + 1]!.matchAll(re)) out.push([k, Number(m[1])]);
      }
      return out;
    };
    const spec5 = { minNumbers: 5, maxNumbers: 5, minTarget: 10, maxTarget: 100, maxNumber: 99 };
    const problems = [...defaultProblems(21, 'train', spec5, 60, new Set())];
    const records = problems.map((p, i) => JSON.parse(Buffer.from(makeSearch(p, problemRecord(p, 'default'), streamFor(21, 'apr', i), testSettings('apr', 4096)).json).toString('latin1')) as { nums: number[]; target: number; trace_dict: Dict });
    // A record whose root's join reports a child solved that has a child of its own reported failed.
    const r = records.find((rec) => reported(rec.trace_dict, true).some(([k, j]) => reported(rec.trace_dict.sub_calls[k]![j]!, false).length > 0));
    expect(r).toBeDefined();
    const [k, j] = reported(r!.trace_dict, true).find(([k0, j0]) => reported(r!.trace_dict.sub_calls[k0]![j0]!, false).length > 0)!;
    const child = r!.trace_dict.sub_calls[k]![j]!;
    const [k2, j2] = reported(child, false)[0]!;
    const grandchild = child.sub_calls[k2]![j2]!;
    const threads = [...threadsOf(r!.trace_dict)];
    const nameOf = (d: Dict) => threads.find((t) => t.dict === d)!.name;
    const problem = { nums: r!.nums, target: r!.target };
    const seqs: SequenceLine[] = threads.flatMap((t) => t.dict.main_calls.map((text, index) => ({ text: text as string, thread: t.name, index, problem })));
    expect(verifySequences(seqs)).toEqual([]);
    const g = entryOf(seqs, `${nameOf(grandchild)}#0`);
    seqs[g] = { ...seqs[g]!, problem: { ...problem, nums: problem.nums.map((n, i) => (i === 0 ? n + 1 : n)) } };
    const issues = verifySequences(seqs);
    const joining = entryOf(seqs, `root#${k + 1}`);
    // The grandchild's line (its own issue, found first), then the root's join on the child.
    expect(issues.map((i) => [i.entry, i.line])).toEqual([
      [g, 0],
      [joining, lineOf(seqs[joining]!.text, new RegExp(`^<Goal Reached in Sub Search ${j} `))],
    ]);
    expect(issues[1]!.message).toBe(`join reports sub search ${j} reached the goal, but its thread ${nameOf(child)} has a fault in it or in a thread below it (named there)`);
  });

  it("a report on a child thread the file lacks names that thread as the file would", () => {
    const r = golden(APR[1]!, aprJoin);
    const seqs = sequencesOf(r);
    const spawned = [...threadsOf(r.trace_dict)].length - 1;
    const last = `root.${spawned - 1}`;
    const kept = seqs.filter((q) => q.thread !== last);
    const issues = verifySequences(kept);
    expect(issues).toContainEqual(expect.objectContaining({ thread: 'root#1', message: `join reports on sub search ${spawned - 1}, but its thread ${last} is missing` }));
    namedAsTheFile(issues);
  });
});

describe('a text alone: which search it is read as, and how a search ends', () => {
  /** A SoS+ text of the golden files with no sub search (it reads as a BFS or DFS text too). */
  const plainSosp = () => golden(SOSP[0]!, (r) => !/Sub Search/.test(r.search_path) && /unequal: No Solution\n/.test(r.search_path) && /Generated Node #0,1:/.test(r.search_path));
  const alone = (r: { nums: number[]; target: number }, text: string): SequenceLine[] => [{ text, problem: { nums: r.nums, target: r.target } }];

  it('a SoS+ text repeating one exploration is faulted where it repeats, however often (from 3 copies the DFS reading, stopping on line 4, won by its fewer faults)', () => {
    const r = plainSosp();
    const lines = linesOf(r.search_path);
    const dead = lines.findIndex((l, k) => l.startsWith('Exploring Operation') && / unequal: No Solution$/.test(lines[k + 1] ?? ''));
    for (const copies of [2, 3, 5]) {
      const text = [...lines.slice(0, dead), ...Array<string[]>(copies).fill(lines.slice(dead, dead + 2)).flat(), ...lines.slice(dead + 2)].join('\n');
      const issues = verifySequences(alone(r, text));
      expect(issues.length).toBe(copies - 1);
      expect(issues[0]).toMatchObject({ line: dead + 3, message: expect.stringMatching(/ explored again at node #/) });
    }
  });

  it('a SoS+ text repeating its first exploration (the line where the DFS reading stops too) is faulted as the reading that reads on, SoS+', () => {
    const r = plainSosp();
    const lines = linesOf(r.search_path);
    // Current State, Exploring Operation, Generated Node, then the Exploring Operation again.
    expect(lines[1]).toMatch(/^Exploring Operation/);
    expect(lines[2]).toMatch(/^Generated Node/);
    const text = [...lines.slice(0, 3), lines[1]!, ...lines.slice(3)].join('\n');
    const issues = verifySequences(alone(r, text));
    expect(issues[0]).toMatchObject({ line: 4, message: expect.stringMatching(/ explored again at node #0\b/) });
  });
});

describe('a text alone without its last newline', () => {
  const alone = (r: { nums: number[]; target: number }, text: string): SequenceLine[] => [{ text, problem: { nums: r.nums, target: r.target } }];

  it("is cut short unless it is the original BFS's, which shows one-number children again (a SoS+ text with no sub search, ending No solution found., passed as a BFS one)", () => {
    const r = golden(SOSP[0]!, (q) => !/Sub Search/.test(q.search_path) && q.search_path.endsWith('No solution found.\n'));
    const text = r.search_path.slice(0, -1);
    expect(verifySequences(alone(r, text))).toEqual([expect.objectContaining({ line: linesOf(text).length, message: 'last line has no newline (truncated?)' })]);
    const bfs = SOS_RECORDS[3]!;
    expect(bfs.search_path.endsWith('No solution found.')).toBe(true);
    expect(verifySequences(alone(bfs, bfs.search_path))).toEqual([]);
  });
});

describe('a search that gives up at once', () => {
  it('no search writes a Current State and then No solution found. (a node of two or more numbers always explores one, and a window that cannot hold the first expansion is refused): it is not a trace, as text alone or as an APR root', () => {
    const r = golden(PROBLEMS[0]!);
    const state = `Current State: ${r.target}:[${r.nums.join(', ')}], Operations: []\n`;
    const problem = { nums: r.nums, target: r.target };
    const alone = verifySequences([{ text: `${state}No solution found.\n`, problem }]);
    expect(alone).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/^node #0 is shown without exploring an operation/) })]);
    const root = verifySequences([{ text: `Moving to Node #0\n${state}No solution found.\n`, problem }]);
    expect(root).toEqual([expect.objectContaining({ line: 3, message: expect.stringMatching(/^node #0 is shown without exploring an operation/) })]);
  });
});

describe('the prompt alone (an empty generation)', () => {
  it("is valid for a problem exactly where this tool's DFS, under sum or mult, writes nothing more (its root keeps no child within the target): one rule for every problem", () => {
    const spec = { minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100, maxNumber: 99 };
    const problems = [...defaultProblems(3, 'train', spec, 40, new Set())];
    const verdicts = problems.map((p, i) => {
      const prompt = `Current State: ${p.target}:[${p.nums.join(', ')}], Operations: []\n`;
      const dfsWrites = (['sum', 'mult'] as const).some((heuristic) => {
        const made = makeSearch(p, problemRecord(p, 'default'), streamFor(3, 'dfs', i), testSettings('dfs', 4096, { heuristic }));
        return (JSON.parse(Buffer.from(made.json).toString('latin1')) as { search_path: string }).search_path === prompt;
      });
      const valid = verifySequences([{ text: prompt, problem: { nums: [...p.nums], target: p.target } }]).length === 0;
      return [dfsWrites, valid];
    });
    expect(verdicts.filter(([d]) => d).length).toBeGreaterThan(0);
    expect(verdicts.filter(([d]) => !d).length).toBeGreaterThan(0);
    for (const [dfsWrites, valid] of verdicts) expect(valid).toBe(dfsWrites);
  });
});

describe('verify --solver: every text alone held to one search', () => {
  const problems = [...defaultProblems(5, 'train', { minNumbers: 3, maxNumbers: 4, minTarget: 10, maxTarget: 100, maxNumber: 99 }, 200, new Set())];
  const made = (solver: 'sosp' | 'apr', i: number) =>
    JSON.parse(Buffer.from(makeSearch(problems[i]!, problemRecord(problems[i]!, 'default'), streamFor(5, solver, i), testSettings(solver, 4096)).json).toString('latin1')) as { search_path: string };
  const line = (i: number, text: string): SequenceLine => ({ text, problem: { nums: [...problems[i]!.nums], target: problems[i]!.target } });

  it('a SoS+ text cut short after its goal (no final path) reads as a whole BFS one, unless --solver sosp asks for SoS+', () => {
    const i = problems.findIndex((_, k) => {
      const t = made('sosp', k).search_path;
      return t.includes('Goal Reached') && !t.includes('Sub Search');
    });
    expect(i).toBeGreaterThanOrEqual(0);
    const text = made('sosp', i).search_path;
    const cut = text.slice(0, text.indexOf('\n', text.indexOf('Goal Reached')) + 1);
    expect(verifySequences([line(i, text)], { solver: 'sosp' })).toEqual([]);
    expect(verifySequences([line(i, cut)])).toEqual([]);
    const issues = verifySequences([line(i, cut)], { solver: 'sosp' });
    expect(issues.map((x) => x.message)).toEqual([expect.stringMatching(/^clean path ends before the goal/)]);
  });

  it("a text of another search than --solver's is named so on its first line", () => {
    const sosp = made('sosp', 0).search_path;
    const root = made('apr', 0).search_path;
    expect(verifySequences([line(0, root)], { solver: 'apr' })).toEqual([]);
    expect(verifySequences([line(0, root)], { solver: 'sosp' }).map((x) => [x.line, x.message])).toEqual([[1, expect.stringMatching(/^SoS\+ searches start with their problem's Current State/)]]);
    expect(verifySequences([line(0, sosp)], { solver: 'apr' }).map((x) => [x.line, x.message])).toEqual([[1, expect.stringMatching(/^APR threads start with Moving to Node #/)]]);
  });
});

describe('a problem line without nums or target', () => {
  it('is named as missing the field, not as holding a value of the wrong kind', () => {
    expect(verifyRecord({ nums: [3, 4] }).map((i) => i.message)).toEqual(['"target" is missing']);
    expect(verifyRecord({ target: 7 }).map((i) => i.message)).toEqual(['"nums" is missing']);
    expect(verifyRecord({ nums: [3, 4], target: 'x' }).map((i) => i.message)).toEqual(['"target" must be an integer of at least 2']);
  });
});

describe('a join answers the spawn of the call before it', () => {
  const aprJoin = (r: GoldenRecord) => r.trace_dict.main_calls.length === 2 && /^<Goal Reached in Sub Search /m.test(r.trace_dict.main_calls[1]!);

  it("a first main call holding a join (no spawn before it, no child thread behind its reports) is not valid, so not solved (it was both, on a goal nobody searched)", () => {
    const r = golden(APR[1]!, aprJoin);
    const joining = r.trace_dict.main_calls[1]!;
    // the joining call alone: its text, its rating and its search_path are the record's as they were
    r.trace_dict = { main_calls: [joining], sub_calls: [] };
    expect(verifyRecord(r)).toEqual([at('main[0]', lineOf(joining, /^<Sub Searches>$/), /^<Sub Searches> in the first main call answers no spawn/)]);
    // a record's sequence lines, the root's first one holding the join
    const issues = verifySequences([{ text: joining, thread: 'root', index: 0, problem: { nums: r.nums, target: r.target } }]);
    expect(issues.map((i) => [i.thread, i.line, i.message])).toEqual([['root#0', lineOf(joining, /^<Sub Searches>$/), expect.stringMatching(/^<Sub Searches> in the first main call answers no spawn/)]]);
  });

  it('a second join after the one answering the spawn, reporting a goal for a child no spawn named, is not valid (it was valid and solved)', () => {
    const nums = [6, 94, 49, 22];
    const target = 53;
    const head = [
      'Moving to Node #0',
      'Current State: 53:[6, 94, 49, 22], Operations: []',
      'Exploring Operation: 49-6=43, Resulting Numbers: [94, 22, 43]',
      'Generated Node #0,0: 53:[94, 22, 43] Operation: 49-6=43',
      'Exploring Operation: 94-6=88, Resulting Numbers: [49, 22, 88]',
      'Generated Node #0,1: 53:[49, 22, 88] Operation: 94-6=88',
    ];
    const child = [
      'Moving to Node #0,0',
      "Current State: 53:[94, 22, 43], Operations: ['49-6=43']",
      'Exploring Operation: 94+22=116, Resulting Numbers: [43, 116]',
      'Generated Node #0,0,0: 53:[43, 116] Operation: 94+22=116',
      'Moving to Node #0,0,0',
      "Current State: 53:[43, 116], Operations: ['49-6=43', '94+22=116']",
      'Exploring Operation: 43+116=159, Resulting Numbers: [159]',
      '159,53 unequal: No Solution',
      'No solution found.',
    ];
    // the path from node #0,1 to the goal, which no thread searched
    const path = [
      'Moving to Node #0,1',
      "Current State: 53:[49, 22, 88], Operations: ['94-6=88']",
      'Exploring Operation: 88/22=4, Resulting Numbers: [49, 4]',
      'Generated Node #0,1,0: 53:[49, 4] Operation: 88/22=4',
      'Moving to Node #0,1,0',
      "Current State: 53:[49, 4], Operations: ['94-6=88', '88/22=4']",
      'Exploring Operation: 49+4=53, Resulting Numbers: [53]',
      '53,53 equal: Goal Reached',
    ];
    const text = (lines: string[]) => `${lines.join('\n')}\n`;
    const main0 = text([...head, '<Calling Sub Searches>', '<Start Sub Search 0 at level 1> Moving to Node #0,0', '<End Calling Sub Searches>']);
    const answer = ['<Sub Searches>', '<No Solution in Sub Search 0 at level 1 at Node #0,0>', '<End Sub Searches>'];
    const made = ['<Sub Searches>', '<Goal Reached in Sub Search 0 at level 1 at Node #0,1>', ...path, '<End Sub Searches>'];
    const end = ['53,53 equal: Goal Reached', ...head.slice(0, 2), head[4]!, head[5]!, ...path];
    const answered = text([...head, ...answer, 'No solution found.']);
    const main1 = text([...head, ...answer, ...made, ...end]);
    const problem = { nums, target };
    const lines = (last: string): SequenceLine[] => [
      { text: main0, thread: 'root', index: 0, problem },
      { text: last, thread: 'root', index: 1, problem },
      { text: text(child), thread: 'root.0', index: 0, problem },
    ];
    // the search as it was: the spawn answered, the root giving up
    expect(verifySequences(lines(answered))).toEqual([]);
    const issues = verifySequences(lines(main1));
    expect(issues.map((i) => [i.thread, i.line, i.message])).toEqual([['root#1', head.length + answer.length + 1, '<Sub Searches> after the join answering the spawn of root#0 answers no spawn (a join stands where the call before spawned): no child thread is behind its reports']]);
  });
});
