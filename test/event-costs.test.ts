import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamFor } from '../src/random/streams.js';
import { ByteText } from '../src/serializers/bytes.js';
import { EventCosts, windowRules } from '../src/serializers/token-costs.js';
import { LineWriter } from '../src/serializers/trace.js';
import { bindHeuristic } from '../src/core/heuristics.js';
import { OPERATORS, type Step } from '../src/core/countdown.js';
import type { Thread } from '../src/solver/events.js';
import { children, rootNode, type SearchNode } from '../src/solver/node.js';
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

  it('of a clean path, at their floor, are never more than a real path from the same node costs', () => {
    const descent = fc.record({
      nums: fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 10 ** 6 })), {
        minLength: 2,
        maxLength: 6,
      }),
      // Which child to take at each step, and the printed index it gets (ids of more digits).
      picks: fc.array(fc.tuple(fc.nat(), fc.nat(40)), { minLength: 6, maxLength: 6 }),
    });
    let paths = 0;
    let joins = 0;
    fc.assert(
      fc.property(descent, ({ nums, picks }) => {
        const h = bindHeuristic('sum_heuristic', 24);
        const path: SearchNode[] = [rootNode(nums, h)];
        for (let k = 0; path.at(-1)!.nums.length > 1; k++) {
          const parent = path.at(-1)!;
          const options = children(parent, h);
          const [pick, index] = picks[k]!;
          const child = options[pick % options.length]!;
          child.id = `${parent.id},${index}`;
          path.push(child);
        }
        // The target is what the path makes: its last node is a goal.
        const goal = path.at(-1)!;
        const costs = new EventCosts(goal.nums[0]!);
        for (const from of path.slice(0, -1)) {
          const real = costs.following({ type: 'path', from, to: goal });
          expect(costs.pathFloor(from), `from #${from.id} [${from.nums.join(', ')}]`).toBeLessThanOrEqual(real);
          // A thread at `from` that joins the goal of its child on this path writes at least its join floor.
          const at = path.indexOf(from);
          if (from.nums.length >= 3) {
            const kid = path[at + 1]!;
            const joined: Thread = { start: kid, level: 1, events: [], eventTokens: undefined, goal };
            const sequence =
              costs.opening({ type: 'move', node: from }) +
              costs.following({ type: 'expand', node: from, children: [kid] }) +
              costs.following({ type: 'join', level: 1, children: [joined] }) +
              costs.following({ type: 'goal', node: goal }) +
              real;
            expect(costs.joinFloor(from, 1), `joined below #${from.id}`).toBeLessThanOrEqual(sequence);
            joins++;
          }
          paths++;
        }
      }),
      { numRuns: 400, seed: 20261203 },
    );
    expect(paths).toBeGreaterThan(1000);
    expect(joins).toBeGreaterThan(500);
  });

  it('of a join, at its ceiling, are its floor: the ceiling may stand for the floor wherever it fits the window', () => {
    // Random descents as above, with ids of up to three digits a part, numbers and targets from
    // one digit to exponent form, and levels of one or two digits: the ceiling (a one-digit
    // stand-in's floor, kept per shape, plus the node's extra digits) is never below the floor.
    const number = fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 9 }), weight: 5 },
      { arbitrary: fc.integer({ min: 0, max: 120 }), weight: 5 },
      { arbitrary: fc.integer({ min: 0, max: 10 ** 6 }), weight: 5 },
      { arbitrary: fc.constant(10 ** 21), weight: 1 },
    );
    const descent = fc.record({
      nums: fc.array(number, { minLength: 3, maxLength: 6 }),
      picks: fc.array(fc.tuple(fc.nat(), fc.nat(400)), { minLength: 6, maxLength: 6 }),
      target: fc.oneof(
        { arbitrary: fc.integer({ min: 2, max: 100 }), weight: 5 },
        { arbitrary: fc.integer({ min: 2, max: 10 ** 7 }), weight: 5 },
        { arbitrary: fc.constant(10 ** 22), weight: 1 },
      ),
      level: fc.integer({ min: 1, max: 12 }),
    });
    let told = 0;
    let untold = 0;
    fc.assert(
      fc.property(descent, ({ nums, picks, target, level }) => {
        const h = bindHeuristic('sum_heuristic', 24);
        const costs = new EventCosts(target);
        let from = rootNode(nums, h);
        for (let k = 0; from.nums.length >= 3; k++) {
          const floor = costs.joinFloor(from, level);
          const ceiling = costs.joinCeiling(from, level);
          if (Number.isNaN(ceiling)) {
            expect(floor, `no ceiling at #${from.id} [${from.nums.join(', ')}]`).toBe(0);
            untold++;
          } else {
            expect(ceiling, `at #${from.id} [${from.nums.join(', ')}], level ${level}`).toBe(floor);
            told++;
          }
          const options = children(from, h);
          const [pick, index] = picks[k]!;
          const child = options[pick % options.length]!;
          child.id = `${from.id},${index}`;
          from = child;
        }
      }),
      { numRuns: 400, seed: 20261206 },
    );
    expect(told).toBeGreaterThan(300);
    expect(untold).toBeGreaterThan(10);
  });

  it('of an operation line count the same for every operator (the path floor writes `+` for each)', () => {
    const costs = new EventCosts(24);
    const root = rootNode([1, 1, 1, 1, 1, 1], bindHeuristic('sum_heuristic', 24));
    for (let numbers = 1; numbers <= 5; numbers++) {
      const counts = OPERATORS.map((op) => {
        const step: Step = { left: 1, op, right: 1, result: op === '+' ? 2 : op === '-' ? 0 : 1 };
        const nums = [...new Array<number>(numbers - 1).fill(1), step.result];
        const node: SearchNode = { id: '0,0', nums, step, parent: root, h: 0, termSum: 0, textBy: 0, textIn: 0, numsAt: 0, numsEnd: 0, opAt: 0, opEnd: 0, opsLen: 0 };
        return [costs.following({ type: 'explore', node }), costs.following({ type: 'generated', node }), costs.following({ type: 'state', node })];
      });
      for (const c of counts) expect(c).toEqual(counts[0]);
    }
  });
});
