import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamFor } from '../src/random/streams.js';
import { BytePool } from '../src/serializers/bytes.js';
import { renderSearch } from '../src/serializers/search-record.js';
import { EventCosts, windowRules } from '../src/serializers/token-costs.js';
import { traceDictOf } from '../src/serializers/trace.js';
import { runSearch, SOLVERS } from '../src/solver/registry.js';
import { WindowTooSmall } from '../src/solver/window.js';
import { testSettings } from './helpers.js';

/**
 * A node's printed numbers and operation are written once and copied into later lines; a
 * pooled writer keeps them inside its own output. Whatever the writer, the pool, or what
 * rendered the same search before, the text must be the same.
 */
describe('rendering a search', () => {
  it('gives the same text with or without a pool, and again after the pool served another search', () => {
    const problem = fc.record({
      nums: fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 2, maxLength: 5 }),
      target: fc.integer({ min: 2, max: 200 }),
      solver: fc.constantFrom(...SOLVERS),
      window: fc.constantFrom(0, 1200),
      seed: fc.nat(1000),
    });
    const pool = new BytePool();
    const search = ({ nums, target, solver, window, seed }: { nums: number[]; target: number; solver: (typeof SOLVERS)[number]; window: number; seed: number }) => {
      const options = testSettings(solver, window, { maxDepth: 2 }).options;
      // The window's costs render lines of the search's nodes with a writer of their own.
      const costs = new EventCosts(target);
      try {
        const outcome = runSearch({ nums, target, solution: [], startSize: nums.length }, streamFor(seed, solver, 0), options, window ? windowRules(costs, window, 0) : undefined);
        return { target, outcome, costs };
      } catch (err) {
        if (err instanceof WindowTooSmall) return undefined;
        throw err;
      }
    };
    fc.assert(
      fc.property(problem, problem, (p, q) => {
        const a = search(p);
        const b = search(q);
        const same = search(p); // the same search again, with nodes of its own
        if (!a || !b || !same) return;
        const plain = traceDictOf(renderSearch(same.target, same.outcome).root);
        pool.recycle();
        expect(traceDictOf(renderSearch(a.target, a.outcome, pool, a.costs).root)).toEqual(plain);
        // The pool's buffers now hold another search's text; the first search's nodes must
        // not be read from them.
        pool.recycle();
        renderSearch(b.target, b.outcome, pool);
        pool.recycle();
        expect(traceDictOf(renderSearch(a.target, a.outcome, pool).root)).toEqual(plain);
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });
});
