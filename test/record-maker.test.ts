import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSearch, RecordMaker, type MadeSearch } from '../src/pipeline/make-record.js';
import { streamFor } from '../src/random/streams.js';
import { problemRecord } from '../src/serializers/problem.js';
import { defaultProblems, type Problem } from '../src/solver/problems.js';
import { SOLVERS, type SolverName } from '../src/solver/registry.js';
import { conditioningOf } from '../src/pipeline/settings.js';
import { testSettings } from './helpers.js';

/** A record's bytes and its sequence lines, copied out of the maker. */
interface Copied {
  readonly json: string;
  readonly lines: readonly string[];
}

function copy(maker: RecordMaker, made: MadeSearch, index: number): Copied {
  return {
    json: Buffer.from(made.json).toString('latin1'),
    lines: made.sequences.map((s, k) => Buffer.from(maker.unsafeSequenceLine(s, index, k % 2 === 1)).toString('latin1')),
  };
}

const problemsOf = (seed: number, numbers: number, count: number): Problem[] => [
  ...defaultProblems(seed, 'train', { minNumbers: numbers, maxNumbers: numbers, minTarget: 10, maxTarget: 100, maxNumber: 99 }, count, new Set()),
];

/**
 * A maker's buffers are its own: records made by two makers in turn, each read only after
 * both were made, are the bytes one maker makes one record after another, and the bytes a
 * maker of their own makes.
 */
describe('RecordMaker', () => {
  it('gives the same bytes interleaved with another maker as alone, for every solver', () => {
    const setting = fc.record({
      solver: fc.constantFrom<SolverName>(...SOLVERS),
      seed: fc.nat(1000),
      numbers: fc.constantFrom(3, 4, 5),
      window: fc.constantFrom(0, 1024, 4096),
      conditioned: fc.boolean(),
    });
    fc.assert(
      fc.property(setting, ({ solver, seed, numbers, window, conditioned }) => {
        const condition = conditioned ? conditioningOf(solver) : 'none';
        const settings = { ...testSettings(solver, window, { maxDepth: 2 }, condition), countTokens: true };
        const problems = problemsOf(seed, numbers, 6);
        const make = (maker: RecordMaker, i: number) => maker.unsafeMake(problems[i]!, problemRecord(problems[i]!, 'default'), streamFor(seed, solver, i), settings);

        const one = new RecordMaker();
        const alone = problems.map((_, i) => copy(one, make(one, i), i));

        const a = new RecordMaker();
        const b = new RecordMaker();
        const interleaved: Copied[] = [];
        for (let i = 0; i < problems.length; i += 2) {
          const first = make(a, i);
          const second = make(b, i + 1);
          interleaved.push(copy(a, first, i), copy(b, second, i + 1));
        }
        expect(interleaved).toEqual(alone);

        const own = problems.map((p, i) => {
          const made = makeSearch(p, problemRecord(p, 'default'), streamFor(seed, solver, i), settings);
          return copy(new RecordMaker(), made, i);
        });
        expect(own).toEqual(alone);
      }),
      { numRuns: 24, seed: 20261202 },
    );
  });
});
