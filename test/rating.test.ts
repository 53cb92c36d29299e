import { describe, expect, it } from 'vitest';
import { makeSearch } from '../src/pipeline/make-record.js';
import { qualify } from '../src/pipeline/settings.js';
import { recordStreams } from '../src/random/streams.js';
import { problemRecord } from '../src/serializers/problem.js';
import { defaultProblems } from '../src/solver/problems.js';
import { verifyRecord } from '../src/verify/index.js';
import { testSettings } from './helpers.js';

/**
 * The reference's APR generator leaves `rating` unclamped (its SoS+ generator and metric_fn
 * clamp at 0), so a solved two-number record whose goal is the third or fourth operation
 * tried rates -0.25 or -0.5. Default mode clamps it at 0; reference mode keeps the value.
 */
describe('APR rating', () => {
  const problems = [...defaultProblems(1, 'train', { minNumbers: 2, maxNumbers: 2, minTarget: 10, maxTarget: 100, maxNumber: 99 }, 60, new Set())];
  const ratings = (reference: boolean) => {
    const settings = reference ? { ...qualify('apr', { reference: true }), tokenFields: false } : testSettings('apr', 4096);
    const rng = recordStreams(reference ? 42 : 0, 'apr', reference);
    return problems.map((p, i) => {
      const rec = JSON.parse(Buffer.from(makeSearch(p, problemRecord(p, reference ? 'reference' : 'default'), rng(i), settings).json).toString('latin1')) as Record<string, unknown> & { rating: number; search_path: string };
      return rec;
    });
  };

  it('is never below 0 in default mode, and such records verify', () => {
    const recs = ratings(false);
    const solvedAtZero = recs.filter((r) => r.search_path.includes('Goal Reached') && r.rating === 0);
    expect(solvedAtZero.length).toBeGreaterThan(0);
    expect(recs.filter((r) => r.rating < 0)).toEqual([]);
    for (const r of solvedAtZero) expect(verifyRecord(r)).toEqual([]);
  });

  it('of SoS+ is clamped in both modes, so verify refuses an unclamped one', () => {
    const settings = testSettings('sosp', 4096);
    const rng = recordStreams(0, 'sosp', false);
    const recs = problems.map((p, i) => JSON.parse(Buffer.from(makeSearch(p, problemRecord(p, 'default'), rng(i), settings).json).toString('latin1')) as Record<string, unknown> & { rating: number; search_path: string });
    // A solved record at 0.0 whose trace explored four or more operations (so its unclamped rating is below 0).
    const clamped = recs.find((r) => r.search_path.includes('Goal Reached') && r.rating === 0 && r.search_path.split('Exploring Operation').length - 1 >= 4);
    expect(clamped).toBeDefined();
    expect(verifyRecord(clamped!)).toEqual([]);
    const issues = verifyRecord({ ...clamped!, rating: 1 - (clamped!.search_path.split('Exploring Operation').length) / 4 });
    expect(issues.map((i) => i.message).join('\n')).toMatch(/^rating -/);
  });

  it('keeps the reference value below 0 in reference mode, and such records verify', () => {
    const recs = ratings(true);
    const negative = recs.filter((r) => r.rating < 0);
    expect(negative.length).toBeGreaterThan(0);
    for (const r of negative) expect(verifyRecord(r)).toEqual([]);
    // A wrong one names both values it could be: clamped, or unclamped as the reference writes it.
    const r = negative[0]!;
    expect(verifyRecord({ ...r, rating: 0.5 }).map((i) => i.message)).toEqual([expect.stringMatching(new RegExp(`^rating 0\\.5 but the trace gives 0, or ${String(r.rating).replace('.', '\\.')} unclamped, as the reference writes it \\(`))]);
  });
});
