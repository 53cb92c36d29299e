import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamFor } from '../src/random/streams.js';
import { ByteText } from '../src/serializers/bytes.js';
import { EventCosts, windowRules } from '../src/serializers/token-costs.js';
import { LineWriter } from '../src/serializers/trace.js';
import type { Thread } from '../src/solver/events.js';
import { runSearch, SOLVERS } from '../src/solver/registry.js';
import { WindowTooSmall } from '../src/solver/window.js';
import { countAsciiTokens } from '../src/tokens/llama.js';
import { testSettings } from './helpers.js';

/**
 * EventCosts counts a line as its shape's count plus its extra digits. Every event of
 * random searches (every solver, with and without a window, numbers from one digit to
 * beyond 1e21) must cost exactly what its rendered text counts, and so must the count the
 * windowed search kept for it.
 */
describe('token costs of trace events', () => {
  it('equal the count of the rendered event, for every event of random searches', () => {
    const problem = fc.record({
      nums: fc.array(fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 10 ** 9 }), fc.constant(10 ** 8)), {
        minLength: 2,
        maxLength: 5,
      }),
      target: fc.oneof(fc.integer({ min: 2, max: 100 }), fc.integer({ min: 2, max: 10 ** 7 })),
      solver: fc.constantFrom(...SOLVERS),
      window: fc.constantFrom(0, 900, 4096),
      seed: fc.nat(1000),
    });
    let events = 0;
    fc.assert(
      fc.property(problem, ({ nums, target, solver, window, seed }) => {
        const options = testSettings(solver, window, { maxDepth: 2, maxBeam: 6, maxSubBeam: 8 }).options;
        const costs = new EventCosts(target);
        let outcome;
        try {
          const p = { nums, target, solution: [], startSize: nums.length };
          outcome = runSearch(p, streamFor(seed, solver, 0), options, window ? windowRules(costs, window, 0) : undefined);
        } catch (err) {
          if (err instanceof WindowTooSmall) return;
          throw err;
        }
        const writer = new LineWriter(target);
        const out = new ByteText();
        const check = (thread: Thread): void => {
          // With a window, the counts the search kept (reused for the record's figures) too.
          const kept = thread.eventTokens;
          expect(kept === undefined ? 0 : kept.length).toBe(window > 0 ? thread.events.length : 0);
          thread.events.forEach((e, k) => {
            out.clear();
            writer.write(out, e);
            const counted = countAsciiTokens(out.view(), 0, out.length, k === 0, true);
            expect(k === 0 ? costs.opening(e) : costs.following(e), `${e.type} event: ${out.toString()}`).toBe(counted);
            if (kept) expect(kept[k], `kept count of the ${e.type} event: ${out.toString()}`).toBe(counted);
            events++;
            if (e.type === 'spawn') e.children.forEach(check);
          });
        };
        check(outcome.thread);
      }),
      { numRuns: 300, seed: 20261122 },
    );
    expect(events).toBeGreaterThan(10_000);
  });

  it('of a closing line as if it opened a sequence (what SoS+ reserves before its first expansion)', () => {
    const costs = new EventCosts(27);
    const writer = new LineWriter(27);
    const out = new ByteText();
    for (const e of [{ type: 'exhausted', newline: true }, { type: 'exhausted', newline: false }] as const) {
      out.clear();
      writer.write(out, e);
      expect(costs.opening(e)).toBe(countAsciiTokens(out.view(), 0, out.length, true, true));
    }
  });
});
