import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSearch } from '../src/pipeline/make-record.js';
import { runVerify } from '../src/pipeline/verify-job.js';
import { streamFor } from '../src/random/streams.js';
import { threadsOf } from '../src/records/trace-dict.js';
import { problemRecord } from '../src/serializers/problem.js';
import { defaultProblems } from '../src/solver/problems.js';
import { testSettings } from './helpers.js';

type Dict = { main_calls: string[]; sub_calls: Dict[][] };
type Line = { text: string; record: number; thread: string };

const dir = mkdtempSync(join(tmpdir(), 'verify-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = { minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100, maxNumber: 99 };
const problems = [...defaultProblems(11, 'train', spec, 12, new Set())];

/** Each record's sequence lines, as `search --sequences-out` writes them (tokens aside), grouped by record. */
function linesOf(solver: 'apr' | 'sosp'): Line[][] {
  return problems.map((p, i) => {
    const rec = JSON.parse(Buffer.from(makeSearch(p, problemRecord(p, 'default'), streamFor(11, solver, i), testSettings(solver, 4096)).json).toString('latin1')) as {
      search_path: string;
      trace_dict?: Dict;
    };
    if (solver === 'sosp') return [{ text: rec.search_path, record: i, thread: 'root#0' }];
    return [...threadsOf(rec.trace_dict!)].flatMap((t) => (t.dict as Dict).main_calls.map((text, k) => ({ text, record: i, thread: `${t.name}#${k}` })));
  });
}

async function verifyLines(name: string, lines: Array<Line | string | { text: string; record: number }>) {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const reported: string[] = [];
  const sum = await runVerify({ files: [path], window: 4096, report: (l) => reported.push(l) });
  return { sum, reported };
}

describe('verify: the order of records in a sequences file', () => {
  for (const solver of ['sosp', 'apr'] as const) {
    it(`${solver}: records whose lines come together are graded the same in any order (a shuffled training set, outputs written as they finish)`, async () => {
      const groups = linesOf(solver);
      const inOrder = await verifyLines(`${solver}-asc.jsonl`, groups.flat());
      expect(inOrder.reported).toEqual([]);
      expect(inOrder.sum.lineSearches.searches).toBe(problems.length);
      expect(inOrder.sum.lineSearches.valid).toBe(problems.length);
      // The same records, last first: each record's lines still together and in their order.
      const reversed = await verifyLines(`${solver}-desc.jsonl`, [...groups].reverse().flat());
      expect(reversed.reported).toEqual([]);
      expect(reversed.sum.badRecords).toBe(0);
      expect(reversed.sum.lineSearches).toEqual(inOrder.sum.lineSearches);
    });
  }

  it('a record whose lines another record splits is still named, whatever the order of records', async () => {
    const groups = linesOf('apr');
    const at = groups.findIndex((g, i) => i + 1 < groups.length && g.length >= 3);
    expect(at).toBeGreaterThanOrEqual(0);
    const split = groups[at]!;
    // Records last first; record `at` split after its first line by the line of a record read before it.
    const order = [...groups].reverse();
    const before = order[order.indexOf(split) - 1]!;
    const lines = order.flatMap((g) => (g === split ? [split[0]!, { ...before[0]!, thread: 'root#0' }, ...split.slice(1)] : g));
    const { reported } = await verifyLines('split.jsonl', lines);
    expect(reported.some((l) => l.includes(`record ${at}'s lines are not together`))).toBe(true);
    expect(reported.some((l) => l.includes(`"record" ${before[0]!.record} after record ${at}`))).toBe(true);
  });
});

describe('verify: a record split by other lines is one search', () => {
  it('counted once in the figures a grader quotes, and not valid', async () => {
    const groups = linesOf('apr');
    const at = groups.findIndex((g, i) => i + 1 < groups.length && g.filter((l) => l.thread.startsWith('root#')).length >= 2);
    expect(at).toBeGreaterThanOrEqual(0);
    const whole = await verifyLines('whole.jsonl', groups.flat());
    expect(whole.sum.lineSearches.valid).toBe(problems.length);
    // Record `at`'s first root call, then the next record's lines, then the rest of record `at` (its root's later calls first).
    const split = groups[at]!;
    const lines = groups.flatMap((g, i) => (i === at ? [split[0]!] : i === at + 1 ? [...g, ...split.slice(1)] : g));
    const { sum, reported } = await verifyLines('split-root.jsonl', lines);
    expect(reported.some((l) => l.includes(`record ${at}'s lines are not together`))).toBe(true);
    expect(sum.lineSearches.searches).toBe(problems.length);
    expect(sum.lineSearches.valid).toBe(problems.length - 1);
  });
});

describe('verify: what comes between the lines of a split record is named as it is', () => {
  it('a line without thread names (a bare string, a text whose record joins nothing) is not named as a record', async () => {
    const groups = linesOf('apr');
    const at = groups.findIndex((g) => g.length >= 2);
    const split = groups[at]!;
    const rest = groups.filter((_, i) => i !== at).flat();
    const bare = await verifyLines('split-bare.jsonl', [split[0]!, 'a text alone', ...split.slice(1), ...rest]);
    const said = (r: string[]) => r.filter((l) => l.includes(`"record" ${at} after`));
    expect(said(bare.reported)).toHaveLength(1);
    expect(said(bare.reported)[0]).toContain(`"record" ${at} after a line without thread names`);
    // A text of the same record without thread names: not "record N after record N".
    const own = await verifyLines('split-own.jsonl', [split[0]!, { text: split[0]!.text, record: at }, ...split.slice(1), ...rest]);
    expect(said(own.reported)).toHaveLength(1);
    expect(said(own.reported)[0]).toContain(`"record" ${at} after a line without thread names`);
  });
});

describe('verify: a record split in several parts, or its children first, is still one search', () => {
  const groups = linesOf('apr');
  const isRoot = (l: Line) => l.thread.startsWith('root#');
  // A solved record of several lines, children among them: its parts' count can be lowered in both figures.
  const at = groups.findIndex((g, i) => i + 2 < groups.length && g.length >= 3 && g.some((l) => !isRoot(l)) && g.filter(isRoot).at(-1)!.text.trimEnd().endsWith('Goal Reached'));
  const others = (skip: number[]) => groups.filter((_, i) => !skip.includes(i));

  it('in three parts: counted once, not valid, not solved', async () => {
    expect(at).toBeGreaterThanOrEqual(0);
    const whole = await verifyLines('three-whole.jsonl', groups.flat());
    const split = groups[at]!;
    const [a, b] = others([at]);
    const lines = [...others([at]).slice(2).flat(), split[0]!, ...a!, split[1]!, ...b!, ...split.slice(2)];
    const { sum, reported } = await verifyLines('three-parts.jsonl', lines);
    expect(reported.filter((l) => l.includes(`record ${at}'s lines are not together`)).length).toBeGreaterThanOrEqual(1);
    expect(sum.lineSearches.searches).toBe(problems.length);
    expect(sum.lineSearches.valid).toBe(whole.sum.lineSearches.valid - 1);
    expect(sum.lineSearches.solved).toBe(whole.sum.lineSearches.solved - 1);
  });

  it('whole and solved, then one of its lines again after another record: counted once, valid and solved no more', async () => {
    const whole = await verifyLines('again-whole.jsonl', groups.flat());
    const lines = groups.flatMap((g, i) => (i === at + 1 ? [...g, groups[at]!.at(-1)!] : g));
    const { sum, reported } = await verifyLines('again.jsonl', lines);
    expect(reported.some((l) => l.includes(`record ${at}'s lines are not together`))).toBe(true);
    expect(sum.lineSearches.searches).toBe(problems.length);
    expect(sum.lineSearches.valid).toBe(whole.sum.lineSearches.valid - 1);
    expect(sum.lineSearches.solved).toBe(whole.sum.lineSearches.solved - 1);
  });

  it('its child threads first, its root after another record: counted once, when its root comes, not valid', async () => {
    const whole = await verifyLines('children-whole.jsonl', groups.flat());
    const split = groups[at]!;
    const [a] = others([at]);
    const lines = [...split.filter((l) => !isRoot(l)), ...a!, ...split.filter(isRoot), ...others([at]).slice(1).flat()];
    const { sum } = await verifyLines('children-first.jsonl', lines);
    expect(sum.lineSearches.searches).toBe(problems.length);
    expect(sum.lineSearches.valid).toBe(whole.sum.lineSearches.valid - 1);
    expect(sum.lineSearches.solved).toBe(whole.sum.lineSearches.solved - 1);
  });
});
