import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { problemKey } from '../src/core/countdown.js';
import { defaultCandidates, defaultProblems, firstUntaken, leftoverCandidates, MAX_REJECTS, problemsInSplit, splitOf, type ProblemSpec } from '../src/solver/problems.js';

const SPEC: ProblemSpec = { minNumbers: 3, maxNumbers: 4, minTarget: 10, maxTarget: 99, maxNumber: 20 };

describe('firstUntaken: the de-duplication rule of default mode', () => {
  it('gives the first candidate take accepts, offering the candidates in order and none after it; draws the later ones only when the first is refused', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }), (free) => {
        fc.pre(free.includes(true));
        const offered: number[] = [];
        let drawn = false;
        const later = () => {
          drawn = true;
          return [...free.keys()].slice(1);
        };
        const got = firstUntaken(7, 0, later, (k) => (offered.push(k), free[k]!), () => new Error('exhausted'));
        expect(got).toBe(free.indexOf(true));
        expect(offered).toEqual(Array.from({ length: got + 1 }, (_, k) => k));
        expect(drawn).toBe(got > 0);
      }),
    );
  });

  it('throws exhausted() after MAX_REJECTS refusals in a row (the first one counted), not one sooner', () => {
    function* naturals() {
      for (let k = 1; ; k++) yield k;
    }
    const exhausted = (index: number) => new Error(`record ${index} exhausted`);
    expect(firstUntaken(7, 0, naturals, (k) => k === MAX_REJECTS - 1, exhausted)).toBe(MAX_REJECTS - 1);
    expect(() => firstUntaken(7, 0, naturals, (k) => k === MAX_REJECTS, exhausted)).toThrow('record 7 exhausted');
  });

  it('after MAX_REJECTS refusals, takes the first leftover take accepts; exhausted() when none is', () => {
    function* naturals() {
      for (let k = 1; ; k++) yield k;
    }
    const exhausted = (index: number) => new Error(`record ${index} exhausted`);
    const leftovers = () => [-3, -2, -1];
    expect(firstUntaken(7, 0, naturals, (k) => k === -2, exhausted, leftovers)).toBe(-2);
    expect(() => firstUntaken(7, 0, naturals, (k) => k === -9, exhausted, leftovers)).toThrow('record 7 exhausted');
    // Before MAX_REJECTS, leftovers are never asked for.
    expect(firstUntaken(7, 0, naturals, (k) => k === 5, exhausted, () => { throw new Error('asked'); })).toBe(5);
  });

  it('leftoverCandidates: every solvable problem of a counted split once, numbers in a drawn order; none for a space too large to list', () => {
    const small: ProblemSpec = { minNumbers: 2, maxNumbers: 2, minTarget: 10, maxTarget: 30, maxNumber: 29 };
    for (const split of ['train', 'val'] as const) {
      const all = [...leftoverCandidates(3, split, 5, small)];
      expect(all).toHaveLength(problemsInSplit(small, split)!);
      expect(new Set(all.map((p) => problemKey(p.nums, p.target))).size).toBe(all.length);
      for (const p of all.slice(0, 20)) {
        expect(splitOf(p.nums, p.target)).toBe(split);
        expect(p.startSize).toBe(2);
        expect(p.solution.length).toBeGreaterThan(0);
      }
    }
    expect([...leftoverCandidates(3, 'train', 5, SPEC)]).toEqual([]);
  });

  it('defaultProblems: record i is the first candidate of its own stream not taken by records before it', () => {
    const seen = new Set<string>();
    const got = [...defaultProblems(7, 'train', SPEC, 300, new Set())];
    got.forEach((p, i) => {
      const first = [...take(defaultCandidates(7, 'train', i, SPEC), 50)].find((c) => !seen.has(problemKey(c.nums, c.target)))!;
      expect(problemKey(p.nums, p.target)).toBe(problemKey(first.nums, first.target));
      seen.add(problemKey(p.nums, p.target));
    });
  });
});

function* take<T>(it: Iterator<T>, n: number): Generator<T> {
  for (let k = 0; k < n; k++) {
    const r = it.next();
    if (r.done) return;
    yield r.value;
  }
}
