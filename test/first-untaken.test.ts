import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { problemKey } from '../src/core/countdown.js';
import { defaultCandidates, defaultProblems, firstUntaken, MAX_REJECTS, type ProblemSpec } from '../src/solver/problems.js';

const SPEC: ProblemSpec = { minNumbers: 3, maxNumbers: 4, minTarget: 10, maxTarget: 99, maxNumber: 20 };

describe('firstUntaken: the de-duplication rule of default mode', () => {
  it('gives the first candidate take accepts, offering the candidates in order and none after it', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }), (free) => {
        fc.pre(free.includes(true));
        const offered: number[] = [];
        const got = firstUntaken(free.keys(), (k) => (offered.push(k), free[k]!), () => new Error('exhausted'));
        expect(got).toBe(free.indexOf(true));
        expect(offered).toEqual(Array.from({ length: got + 1 }, (_, k) => k));
      }),
    );
  });

  it('throws exhausted() after MAX_REJECTS refusals in a row, not one sooner', () => {
    function* naturals() {
      for (let k = 0; ; k++) yield k;
    }
    expect(firstUntaken(naturals(), (k) => k === MAX_REJECTS - 1, () => new Error('exhausted'))).toBe(MAX_REJECTS - 1);
    expect(() => firstUntaken(naturals(), (k) => k === MAX_REJECTS, () => new Error('exhausted'))).toThrow('exhausted');
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
