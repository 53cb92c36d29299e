import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderStats, SearchTally, talliesFromStats, ProblemTally, type CorpusTallies } from '../src/pipeline/corpus/stats.js';
import type { ThreadFigures } from '../src/serializers/sequences.js';

/**
 * stats.json's tallies are exact and mergeable: a corpus cut anywhere into parts, each part
 * saved (as a checkpoint, or as a shard's stats.json) and read back, sums to the same
 * stats.json as the whole. Records here are drawn at random, not searched.
 */

interface Rec {
  size: number;
  solved: boolean;
  children: number;
  figures: ThreadFigures;
  sequences: Array<{ tokens: number; child: boolean }>;
}

const rec: fc.Arbitrary<Rec> = fc
  .record({
    size: fc.integer({ min: 3, max: 6 }),
    solved: fc.boolean(),
    depth: fc.integer({ min: 0, max: 3 }),
    threads: fc.integer({ min: 1, max: 600 }),
    sequential: fc.integer({ min: 1, max: 50_000 }),
    lengths: fc.array(fc.integer({ min: 3, max: 4096 }), { minLength: 1, maxLength: 8 }),
  })
  .map((r) => {
    const totalTokens = r.lengths.reduce((n, t) => n + t - 2, 0);
    return {
      size: r.size,
      solved: r.solved,
      children: r.threads - 1,
      figures: { threads: r.threads, sequences: r.lengths.length, depth: r.depth, totalTokens, sequentialTokens: Math.min(r.sequential, totalTokens) },
      sequences: r.lengths.map((tokens, i) => ({ tokens, child: i > 0 })),
    };
  });

function tally(recs: readonly Rec[]): SearchTally {
  const t = new SearchTally();
  for (const r of recs) {
    t.addRecord(r.size, r.solved, r.children, r.figures);
    for (const s of r.sequences) t.addSequence(s.tokens, s.child, r.size);
  }
  return t;
}

const corpus = (apr: SearchTally): CorpusTallies => ({ train: new ProblemTally(), val: undefined, solvers: new Map([['apr', apr]]) });
const render = (apr: SearchTally) => renderStats(corpus(apr), ['apr'], 4096);

describe('stats.json tallies', () => {
  it('a corpus cut in two, one part checkpointed and the other read back from its stats.json, renders as the whole', () => {
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 40 }), fc.nat(), (recs, cut) => {
        const at = recs.length === 0 ? 0 : cut % (recs.length + 1);
        const first = SearchTally.from(JSON.parse(JSON.stringify(tally(recs.slice(0, at)).toJSON())));
        const second = talliesFromStats(render(tally(recs.slice(at))), ['apr']).solvers.get('apr')!;
        first.merge(second);
        expect(render(first)).toBe(render(tally(recs)));
      }),
      { numRuns: 200 },
    );
  });

  it('decomposition: sums, means, the depth histogram and sequence lengths by start size', () => {
    const recs: Rec[] = [
      { size: 4, solved: true, children: 2, figures: { threads: 3, sequences: 4, depth: 1, totalTokens: 2000, sequentialTokens: 900 }, sequences: [100, 600, 700, 608].map((tokens, i) => ({ tokens, child: i > 1 })) },
      { size: 4, solved: false, children: 0, figures: { threads: 1, sequences: 1, depth: 0, totalTokens: 500, sequentialTokens: 500 }, sequences: [{ tokens: 502, child: false }] },
      { size: 6, solved: true, children: 40, figures: { threads: 41, sequences: 2, depth: 2, totalTokens: 7000, sequentialTokens: 3000 }, sequences: [3000, 4004].map((tokens, i) => ({ tokens, child: i > 0 })) },
    ];
    const d = JSON.parse(render(tally(recs))).decomposition.apr;
    expect(d.by_start_size['4']).toMatchObject({
      records: 2,
      solved: 1,
      threads: 4,
      sequences: 5,
      text_tokens: 2500,
      sequential_tokens: 1400,
      per_problem: { threads: 2, sequences: 2.5, text_tokens: 1250, sequential_tokens: 700 },
      depth: { 0: 1, 1: 1 },
      sequence_tokens: { sequences: 5, min: 100, p50: 600, max: 700 },
    });
    expect(d.by_start_size['6'].depth).toEqual({ 2: 1 });
    expect(d.all).toMatchObject({ records: 3, solved: 2, threads: 45, sequences: 7, text_tokens: 9500, sequential_tokens: 4400, depth: { 0: 1, 1: 1, 2: 1 } });
    expect(d.all.per_problem).toEqual({ threads: 15, sequences: 2.33, text_tokens: 3166.67, sequential_tokens: 1466.67 });
  });
});
