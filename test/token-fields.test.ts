import { describe, expect, it } from 'vitest';
import { makeSearch } from '../src/pipeline/make-record.js';
import { flagsReadBy, qualify } from '../src/pipeline/settings.js';
import { streamFor } from '../src/random/streams.js';
import { problemRecord } from '../src/serializers/problem.js';
import { defaultProblems } from '../src/solver/problems.js';
import type { SolverName } from '../src/solver/registry.js';
import { countTextTokens } from '../src/tokens/llama.js';

interface TraceDict {
  main_calls: string[];
  sub_calls: TraceDict[][];
}

/** A line-by-line translation of the reference's add_all_calls and calculate_token_counts. */
function addAllCalls(d: TraceDict): string[] {
  const all = [...d.main_calls];
  for (const sub of d.sub_calls) for (const t of sub) all.push(...addAllCalls(t));
  return all;
}

function calculateTokenCounts(d: TraceDict) {
  // tokenizer.encode(bos + text + eos) with a BOS-adding tokenizer: text tokens + 3.
  const enc = (text: string) => countTextTokens(text) + 3;
  const seqs = addAllCalls(d);
  if (seqs.length > 1) {
    const rootSeqs = seqs.filter((s) => s.startsWith('Moving to Node #0\n'));
    const subSeqs = seqs.filter((s) => !s.startsWith('Moving to Node #0\n'));
    const subCallCount = subSeqs.length / (rootSeqs.length - 1);
    const sortedRoots = [...rootSeqs].sort((a, b) => a.length - b.length);
    let total = 0;
    let longest = 0;
    for (const s of seqs) {
      total += enc(s);
      longest = Math.max(longest, enc(s));
    }
    let avgSub = 0;
    if (subSeqs.length) avgSub = subSeqs.reduce((n, s) => n + enc(s), 0) / subSeqs.length;
    let redundant = 0;
    for (let i = 0; i + 1 < sortedRoots.length; i++) {
      const a = sortedRoots[i]!;
      const b = sortedRoots[i + 1]!;
      let k = 0;
      while (k < Math.min(a.length, b.length) && a[k] === b[k]) k++;
      // len(tokenizer.encode(prefix)) - 2, where encode adds one BOS.
      if (k > 0) redundant += Math.max(0, countTextTokens(a.slice(0, k)) + 1 - 2);
    }
    const tokenCount = total - redundant;
    return { token_count: tokenCount, longest_seq_token_count: longest, avg_seq_token_count: tokenCount / seqs.length, avg_sub_seq_token_count: avgSub, sub_call_count: subCallCount };
  }
  const t = enc(seqs[0]!);
  return { token_count: t, longest_seq_token_count: t, avg_seq_token_count: t, avg_sub_seq_token_count: 0, sub_call_count: 0 };
}

describe('token fields follow the reference calculate_token_counts', () => {
  for (const solver of ['apr', 'sosp'] as SolverName[]) {
    it(`${solver}: fields equal a literal translation on 300 records`, () => {
      const spec = { minNumbers: 3, maxNumbers: 5, minTarget: 10, maxTarget: 100, maxNumber: 99 };
      const settings = qualify(solver, flagsReadBy(solver, { maxBeam: 10, maxSubBeam: 15, promising: 0.9 }));
      let multi = 0;
      [...defaultProblems(21, 'train', spec, 300, new Set())].forEach((p, i) => {
        const made = makeSearch(p, problemRecord(p, 'default'), streamFor(1, solver, i), settings);
        const rec = JSON.parse(Buffer.from(made.json).toString('latin1')) as Record<string, unknown> & { trace_dict?: TraceDict; search_path: string };
        const dict = rec.trace_dict ?? { main_calls: [rec.search_path], sub_calls: [] };
        if (dict.main_calls.length > 1) multi++;
        const want = calculateTokenCounts(dict);
        for (const [k, v] of Object.entries(want)) expect(rec[k], `record ${i} ${k}`).toBe(v);
      });
      if (solver === 'apr') expect(multi).toBeGreaterThan(50);
    });
  }

  it('counts are ints; averages and sub_call_count are always floats, a record of one sequence included', () => {
    const spec = { minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100, maxNumber: 99 };
    const floats = ['avg_seq_token_count', 'avg_sub_seq_token_count', 'sub_call_count'];
    for (const solver of ['apr', 'sosp'] as SolverName[]) {
      const settings = qualify(solver, flagsReadBy(solver, { maxBeam: 3, maxSubBeam: 5, promising: 0.5, maxDepth: 1 }));
      let single = 0;
      [...defaultProblems(8, 'train', spec, 100, new Set())].forEach((p, i) => {
        const text = Buffer.from(makeSearch(p, problemRecord(p, 'default'), streamFor(2, solver, i), settings).json).toString('latin1');
        if (!text.includes('"main_calls": [') || /"main_calls": \["(?:[^"\\]|\\.)*"\]/.test(text)) single++;
        for (const f of floats) expect(text, `${solver} record ${i} ${f}`).toMatch(new RegExp(`"${f}": \\d+\\.\\d+(e[+-]\\d+)?[,}]`));
        for (const f of ['token_count', 'longest_seq_token_count']) expect(text).toMatch(new RegExp(`"${f}": \\d+[,}]`));
      });
      expect(single, solver).toBeGreaterThan(0);
    }
  });

  it('keeps Python number types: floats print with a decimal point', () => {
    const spec = { minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100, maxNumber: 99 };
    const settings = qualify('apr', { minBeam: 5, promising: 1 });
    const [p] = [...defaultProblems(5, 'train', spec, 1, new Set())];
    const made = makeSearch(p!, problemRecord(p!, 'default'), streamFor(1, 'apr', 0), settings);
    const text = Buffer.from(made.json).toString('latin1');
    expect(text).toMatch(/"avg_seq_token_count": \d+\.\d+/);
    expect(text).toMatch(/"sub_call_count": \d+\.\d+/);
    expect(text).toMatch(/"token_count": \d+,/);
  });
});
