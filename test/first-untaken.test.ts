import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { problemKey } from '../src/core/countdown.js';
import { defaultCandidates, defaultProblems, firstUntaken, MAX_REJECTS, type ProblemSpec } from '../src/solver/problems.js';

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
