import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSearch } from '../src/pipeline/make-record.js';
import { streamFor } from '../src/random/streams.js';
import { problemRecord } from '../src/serializers/problem.js';
import { EventCosts, windowRules } from '../src/serializers/token-costs.js';
import { unescapeTrace } from '../src/serializers/trace.js';
import { newThread, type Thread, type TraceEvent } from '../src/solver/events.js';
import { children, rootNode, type SearchNode } from '../src/solver/node.js';
import { bindHeuristic } from '../src/core/heuristics.js';
import { solve } from '../src/solver/exact.js';
import { defaultProblems, type Problem } from '../src/solver/problems.js';
import { runSearch } from '../src/solver/registry.js';
import type { TextCosts } from '../src/solver/window.js';
import { countTextTokens } from '../src/tokens/llama.js';
import { verifyRecord } from '../src/verify/index.js';
import { figuresOf, repoRoot, testSettings } from './helpers.js';

/**
 * The APR planner (src/solver/apr.ts, docs/decomposition.md): every thread of every record
 * fits its window, no node is handed out twice, records verify, small problems are not
 * split, and a record is the same bytes whatever the number of workers.
 */

const spec = (n: number) => ({ minNumbers: n, maxNumbers: n, minTarget: 10, maxTarget: 100, maxNumber: 99 });
const problemOf = (seed: number, numbers: number): Problem => [...defaultProblems(seed, 'train', spec(numbers), 1, new Set())][0]!;

/** Every thread of a search tree, parents before children. */
function threads(root: Thread): Thread[] {
  const out: Thread[] = [];
  const walk = (t: Thread) => {
    out.push(t);
    for (const e of t.events) if (e.type === 'spawn') for (const kid of e.children) walk(kid);
  };
  walk(root);
  return out;
}

/**
 * A thread's spawns, each with the tokens its sequence holds before it (a spawn block is not
 * carried into the next sequence) and whether it is a split: all its children kept children of
 * the expansion just before it (a hand-off's are not).
 */
function spawnsOf(t: Thread): { spawn: Extract<TraceEvent, { type: 'spawn' }>; tokens: number; split: boolean }[] {
  const out: ReturnType<typeof spawnsOf> = [];
  let tokens = 0;
  let kept = new Set<string>();
  t.events.forEach((e, j) => {
    if (e.type === 'expand') kept = new Set(e.children.map((c) => c.id));
    if (e.type === 'spawn') out.push({ spawn: e, tokens, split: e.children.every((kid) => kept.has(kid.start.id)) });
    else tokens += t.eventTokens![j]!;
  });
  return out;
}

/** The nodes a thread expanded itself. */
function expanded(t: Thread): Set<SearchNode> {
  const out = new Set<SearchNode>();
  for (const e of t.events) if (e.type === 'expand' || e.type === 'leaves') out.add(e.node);
  return out;
}

describe('the APR planner', () => {
  it('property: every sequence fits, no node is handed out twice or also searched by its parent, and records verify', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 3, max: 6 }),
        fc.integer({ min: 900, max: 4096 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 1, 8),
        (seed, numbers, window, depth, wave) => {
          const p = problemOf(seed, numbers);
          const settings = testSettings('apr', window, { maxDepth: depth, wave });
          // The solver's tree: each handed-out node goes to one child, and its parent never expands it.
          const outcome = runSearch(p, streamFor(seed, 'apr', 0), settings.options, windowRules(new EventCosts(p.target), window, 0));
          const handed = new Set<SearchNode>();
          const ids = new Set<string>();
          for (const t of threads(outcome.thread)) {
            const own = expanded(t);
            for (const e of t.events) {
              if (e.type !== 'spawn') continue;
              for (const kid of e.children) {
                expect(handed.has(kid.start), `node #${kid.start.id} handed out twice`).toBe(false);
                expect(own.has(kid.start), `node #${kid.start.id} handed out and expanded by its parent`).toBe(false);
                handed.add(kid.start);
                ids.add(kid.start.id);
              }
            }
          }
          expect(ids.size).toBe(handed.size);
          // The record as written: every sequence counted afresh, and the grammar checked.
          const made = makeSearch(p, problemRecord(p, 'default'), streamFor(seed, 'apr', 0), settings);
          expect(made.overflows).toBe(0);
          for (const q of made.sequences) {
            const text = unescapeTrace(q.info.parts.map(([b, from, to]) => b.toString(from, to)).join(''));
            expect(countTextTokens(text) + 2).toBeLessThanOrEqual(window);
          }
          expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1')))).toEqual([]);
        },
      ),
      { numRuns: 120, seed: 11 },
    );
  });

  it('in bulk: records of three to six numbers at the defaults all verify, with no sequence over the window', () => {
    for (const [numbers, count] of [[3, 500], [4, 1500], [5, 150], [6, 15]] as const) {
      [...defaultProblems(5, 'train', spec(numbers), count, new Set())].forEach((p, i) => {
        const made = makeSearch(p, problemRecord(p, 'default'), streamFor(5, 'apr', i), testSettings('apr', 4096));
        expect(made.overflows, `${numbers} numbers, record ${i}`).toBe(0);
        expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1'))), `${numbers} numbers, record ${i}`).toEqual([]);
      });
    }
  });

  it('in bulk: five- and six-number records at small windows all verify, with no sequence over the window', () => {
    // Six-number threads at small windows take paths of their own (re-plans, fallbacks), where
    // a take-back once left the trace showing an expansion the spawn did not hand out (seed 4:
    // six numbers, record 5 at 2,048 tokens and record 35 at 1,536; 2 of 1,920 records of
    // seeds 1 to 12 at four such settings). The property above draws few such records.
    for (const [numbers, window, count] of [[5, 1024, 60], [5, 2048, 40], [6, 1024, 20], [6, 1536, 40], [6, 2048, 30], [6, 3000, 20]] as const) {
      [...defaultProblems(4, 'train', spec(numbers), count, new Set())].forEach((p, i) => {
        const made = makeSearch(p, problemRecord(p, 'default'), streamFor(4, 'apr', i), testSettings('apr', window));
        const at = `${numbers} numbers, ${window} tokens, record ${i}`;
        expect(made.overflows, at).toBe(0);
        expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1'))), at).toEqual([]);
      });
    }
  });

  it('a thread that can hand out no child, or cannot hold its first expansion, narrows its beam instead of giving up', () => {
    // Found at 1,024 tokens: a spawn that handed out no child (none fit its blocks) counted as
    // a split, so threads wrote one expansion and "No solution found." (74% of the child
    // threads of five-number problems); and a first expansion too wide for the window refused
    // the whole run (a root) or dropped the thread (a child).
    let solved = 0;
    [...defaultProblems(31, 'train', spec(5), 60, new Set())].forEach((p, i) => {
      const outcome = runSearch(p, streamFor(31, 'apr', i), testSettings('apr', 1024).options, windowRules(new EventCosts(p.target), 1024, 0));
      if (outcome.thread.goal) solved++;
      for (const t of threads(outcome.thread)) {
        const spawns = t.events.some((e) => e.type === 'spawn');
        const gaveUp = !spawns && !t.goal && expanded(t).size === 1 && t.start.nums.length > 2;
        expect(gaveUp, `record ${i}, thread at #${t.start.id}: one expansion, then no solution`).toBe(false);
      }
    });
    expect(solved).toBeGreaterThan(0);
    // Six numbers up to 346 with a beam of 10: the root's first expansion does not fit 1,024 tokens.
    const nums = [158, 15, 288, 30, 334, 346];
    const p: Problem = { nums, target: 330, solution: solve(nums, 330)!, startSize: 6 };
    const settings = testSettings('apr', 1024, { minBeam: 10, maxBeam: 10 });
    const made = makeSearch(p, problemRecord(p, 'default'), streamFor(0, 'apr', 0), settings);
    expect(made.overflows).toBe(0);
    expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1')))).toEqual([]);
  });

  it('a thread whose children fit no spawn beside its first expansion expands that node narrower and still splits (it narrowed its whole search, often to a beam of 1)', () => {
    // Six numbers, beam 18, 2,048 tokens: every root searched alone with a beam of 1, none solved.
    const settings = testSettings('apr', 2048, { minBeam: 18, maxBeam: 18, maxSubBeam: 20 });
    let split = 0;
    let solved = 0;
    [...defaultProblems(3, 'train', spec(6), 10, new Set())].forEach((p, i) => {
      const made = makeSearch(p, problemRecord(p, 'default'), streamFor(3, 'apr', i), settings);
      const record = JSON.parse(Buffer.from(made.json).toString('latin1')) as { thread_count: number; rating: number };
      expect(made.overflows).toBe(0);
      expect(verifyRecord(record), `record ${i}`).toEqual([]);
      if (record.thread_count > 1) split++;
      if (made.solved) solved++;
    });
    expect(split).toBeGreaterThanOrEqual(8);
    expect(solved).toBeGreaterThan(0);
  });

  it('a child the join could not take, whatever it finds, is not searched (every such child was searched in full, then dropped)', () => {
    // At 1,024 tokens the joins of five- and six-number spawns rarely have room: 158 children
    // were searched for each one written. Counted here: the child threads that began a search.
    let started = 0;
    let written = 0;
    let solved = 0;
    for (const [numbers, count] of [[5, 60], [6, 15]] as const) {
      [...defaultProblems(33, 'train', spec(numbers), count, new Set())].forEach((p, i) => {
        const costs = new EventCosts(p.target);
        const starts = new Set<SearchNode>();
        const counting: TextCosts = {
          opening: (e: TraceEvent) => {
            if (e.type === 'move' && e.node.id !== '0') starts.add(e.node);
            return costs.opening(e);
          },
          following: (e) => costs.following(e),
          pathFloor: (from) => costs.pathFloor(from),
          joinFloor: (from, level) => costs.joinFloor(from, level),
          joinCeiling: (from, level) => costs.joinCeiling(from, level),
        };
        const outcome = runSearch(p, streamFor(33, 'apr', i), testSettings('apr', 1024).options, windowRules(counting, 1024, 0));
        started += starts.size;
        written += threads(outcome.thread).length - 1;
        if (outcome.thread.goal) solved++;
      });
    }
    expect(written).toBeGreaterThan(100);
    // The root's first children still start, to be judged (about 4 started for each written).
    expect(started).toBeLessThan(6 * written);
    expect(solved).toBeGreaterThan(0);
  });

  it("the root's first child is judged even when the join could not take it: too small, and the root searches those children itself (it had given up)", () => {
    // Four numbers at 1,024 tokens: the root's promising spawn cannot join this child, yet its
    // verdict (too small to be a thread) is what lets the root go on with the children's beam.
    const nums = [5, 55, 43, 22];
    const p: Problem = { nums, target: 45, solution: solve(nums, 45)!, startSize: 4 };
    const made = makeSearch(p, problemRecord(p, 'default'), streamFor(0, 'apr', 1883), testSettings('apr', 1024));
    expect(made.solved).toBe(true);
    expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1')))).toEqual([]);
  });

  it('a beam the bisection found fitting, run again after later trials, may not fit: narrower ones are tried (the run was refused as "window too small")', () => {
    // A thread keeps what its trials learnt of children too small to be threads, so the
    // bisection's beam can end otherwise when it runs again. Four numbers at 768 and 700
    // tokens: the first was refused before children the join could not take were skipped,
    // the second still meets a beam that no longer fits (both were refused).
    for (const [nums, target, seed, index, window] of [
      [[99, 52, 83, 65], 29, 33, 28, 768],
      [[2, 39, 34, 6], 60, 0, 826, 700],
    ] as const) {
      const p: Problem = { nums: [...nums], target, solution: solve([...nums], target)!, startSize: 4 };
      const made = makeSearch(p, problemRecord(p, 'default'), streamFor(seed, 'apr', index), testSettings('apr', window));
      expect(made.overflows).toBe(0);
      expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1')))).toEqual([]);
    }
  });

  it('a record is stopped by the window when it is unsolved and a node some thread generated was never moved to (the summary counted none)', () => {
    let stopped = 0;
    [...defaultProblems(32, 'train', spec(5), 40, new Set())].forEach((p, i) => {
      const made = makeSearch(p, problemRecord(p, 'default'), streamFor(32, 'apr', i), testSettings('apr', 1024));
      const texts = made.sequences.map((q) => unescapeTrace(q.info.parts.map(([b, from, to]) => b.toString(from, to)).join('')));
      const generated = new Set(texts.flatMap((t) => [...t.matchAll(/Generated Node #([\d,]+)/g)].map((m) => m[1])));
      const moved = new Set(texts.flatMap((t) => [...t.matchAll(/Moving to Node #([\d,]+)/g)].map((m) => m[1])));
      const left = [...generated].some((id) => !moved.has(id));
      expect(made.outOfBudget, `record ${i}`).toBe(!made.solved && left);
      if (made.outOfBudget) stopped++;
      // With no window nothing is left: the search goes on until it is done.
      expect(makeSearch(p, problemRecord(p, 'default'), streamFor(32, 'apr', i), testSettings('apr', 0)).outOfBudget).toBe(false);
    });
    expect(stopped).toBeGreaterThan(0);
  });

  it('a child that reaches the goal but whose join does not fit: the thread expands its node again narrower and joins it (the goal was lost)', () => {
    // Five numbers at 1,024 tokens: a child's clean path in the join, then the goal and the
    // root's own, were longer than the room the root's waves had kept; the wave ended with
    // nothing joined and the record unsolved.
    const i = 65;
    const p = [...defaultProblems(31, 'train', spec(5), i + 1, new Set())][i]!;
    expect([p.nums, p.target]).toEqual([[60, 30, 6, 6, 45], 50]);
    const settings = testSettings('apr', 1024);
    const outcome = runSearch(p, streamFor(31, 'apr', i), settings.options, windowRules(new EventCosts(p.target), 1024, 0));
    expect(outcome.thread.goal).toBeDefined();
    const made = makeSearch(p, problemRecord(p, 'default'), streamFor(31, 'apr', i), settings);
    expect(made.solved).toBe(true);
    expect(made.overflows).toBe(0);
    expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1')))).toEqual([]);
  });

  it('a goal that no narrower expansion can join: the spawn is made as before from the site as it was, not from the last narrower try', () => {
    // Found by verify at 2,048 tokens (six numbers, record 106 of a 200-problem file): the
    // narrower tries left their expansion in the thread, which then went back to the
    // point after the first expansion by its event count and handed out that expansion's
    // children, some of which the trace never showed.
    const nums = [61, 55, 43, 13, 92, 16];
    const p: Problem = { nums, target: 88, solution: solve(nums, 88)!, startSize: 6 };
    const settings = testSettings('apr', 2048);
    const made = makeSearch(p, problemRecord(p, 'default'), streamFor(0, 'apr', 106), settings);
    expect(made.overflows).toBe(0);
    expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1')))).toEqual([]);
    const outcome = runSearch(p, streamFor(0, 'apr', 106), settings.options, windowRules(new EventCosts(p.target), 2048, 0));
    for (const t of threads(outcome.thread)) {
      expect(t.events.every((e) => e !== undefined)).toBe(true);
      expect(t.eventTokens?.length).toBe(t.events.length);
    }
  });

  it("a trial's hand-off that cannot join a goal a child reached gives the trial up for a split at the first expansion (the goal was lost)", () => {
    // After a promising spawn the root's window filled and it handed its frontier on; a child
    // reached the goal but its join did not fit, and the record ended unsolved. Problems of the
    // frontier (seed 77): five numbers at 1,024, 2,048 and 4,096 tokens, six at 2,048.
    for (const [nums, target, index, window] of [
      [[81, 58, 66, 38, 67], 14, 76, 1024],
      [[10, 51, 21, 54, 22], 32, 822, 2048],
      [[57, 17, 47, 87, 13], 27, 359, 4096],
      [[14, 84, 46, 85, 9, 10], 15, 42, 2048],
    ] as const) {
      const p: Problem = { nums: [...nums], target, solution: solve([...nums], target)!, startSize: nums.length };
      const made = makeSearch(p, problemRecord(p, 'default'), streamFor(0, 'apr', index), testSettings('apr', window));
      const at = `${nums.length} numbers, ${window} tokens, record ${index}`;
      expect(made.solved, at).toBe(true);
      expect(made.overflows, at).toBe(0);
      expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1'))), at).toEqual([]);
    }
  });

  it("a trial's hand-off meets a child no solved join could take: the trial gives up for a split, where it searched the child to fail (7% of the threads at five numbers and 1,024 tokens)", () => {
    // The root's window filled after a promising spawn and it handed its frontier on, though
    // its sequence had no room for a child's join even with the shortest clean paths (every
    // number one digit). A hand-off is told by its children: not all kept children of the
    // expansion just before it (a split's are). On the frontier's problems (seed 77) 7 such
    // children were written at 1,024 tokens; at 4,096 hand-offs remain, all joinable.
    let checked = 0;
    for (const window of [1024, 4096]) {
      [...defaultProblems(77, 'train', spec(5), 1000, new Set())].forEach((p, i) => {
        const costs = new EventCosts(p.target);
        const outcome = runSearch(p, streamFor(0, 'apr', i), testSettings('apr', window).options, windowRules(costs, window, 0));
        for (const t of threads(outcome.thread)) {
          for (const { spawn: e, tokens, split } of spawnsOf(t)) {
            if (split) continue;
            for (let k = 0; k < e.children.length && !e.children[k - 1]?.goal; k++) {
              const kid = e.children[k]!;
              const unsolved = e.children.slice(0, k + 1).map((c) => newThread(c.start, c.level));
              const least = tokens + costs.following({ type: 'join', level: kid.level, children: unsolved }) + costs.pathFloor(t.start) + costs.pathFloor(kid.start);
              expect(least, `${window} tokens, record ${i}, thread at #${t.start.id}, child #${kid.start.id}`).toBeLessThanOrEqual(window - 2);
              checked++;
            }
          }
        }
      });
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("a split writes no child that no solved join could take: such a child is searched only to learn whether it reaches the goal (then planned again), else passed over (six numbers, 1,536 tokens)", () => {
    // A six-number root at 1,536 tokens wrote such children after its first waves' join lines
    // had filled its sequence: 105 of them on the frontier's 300 problems (seed 77), with
    // 4,999 threads below them, none of which could be joined solved. Passing them over
    // unsearched lost the goals a narrower expansion then joins (rule 7).
    let checked = 0;
    let solved = 0;
    [...defaultProblems(77, 'train', spec(6), 40, new Set())].forEach((p, i) => {
      const costs = new EventCosts(p.target);
      const outcome = runSearch(p, streamFor(0, 'apr', i), testSettings('apr', 1536).options, windowRules(costs, 1536, 0));
      if (outcome.thread.goal) solved++;
      for (const t of threads(outcome.thread)) {
        for (const { spawn: e, tokens, split } of spawnsOf(t)) {
          if (!split) continue;
          for (let k = 0; k < e.children.length && !e.children[k - 1]?.goal; k++) {
            const kid = e.children[k]!;
            const unsolved = e.children.slice(0, k + 1).map((c) => newThread(c.start, c.level));
            const least = tokens + costs.following({ type: 'join', level: kid.level, children: unsolved }) + costs.pathFloor(t.start) + costs.pathFloor(kid.start);
            expect(least, `record ${i}, thread at #${t.start.id}, child #${kid.start.id}`).toBeLessThanOrEqual(1536 - 2);
            checked++;
          }
        }
      }
    });
    expect(checked).toBeGreaterThan(200);
    expect(solved).toBeGreaterThan(10);
  });

  it("a root's split leaves each wave room for a joined goal's shortest clean paths (it kept 640 tokens at five numbers, below the 652 to 686 they take)", () => {
    // At 1,024 tokens a five-number root's waves kept a guess of two clean paths for a goal
    // joined later, shorter than the fewest tokens the root's clean path and a child's can take
    // (every number one digit): a later child that reached the goal could not have been joined.
    // After each of a root's split spawns that joined no goal, the join, then the root's path
    // floor and the least of its children's, fit the next sequence.
    let checked = 0;
    [...defaultProblems(77, 'train', spec(5), 300, new Set())].forEach((p, i) => {
      const costs = new EventCosts(p.target);
      const outcome = runSearch(p, streamFor(0, 'apr', i), testSettings('apr', 1024).options, windowRules(costs, 1024, 0));
      const root = outcome.thread;
      for (const { spawn: e, tokens, split } of spawnsOf(root)) {
        if (!split || e.children.some((kid) => kid.goal)) continue;
        const join = costs.following({ type: 'join', level: 1, children: e.children });
        const least = Math.min(...e.children.map((kid) => costs.pathFloor(kid.start)));
        expect(tokens + join + costs.pathFloor(root.start) + least, `record ${i}, spawn of ${e.children.length}`).toBeLessThanOrEqual(1024 - 2);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(50);
  });

  it('a root that could join no child\'s goal spawns no child: it searches alone, as a thread at --max-depth does (six numbers, 1,024 tokens)', () => {
    // A six-number root's clean path floor and the least of its children's, with its own move
    // and state lines and a join's, exceed the 1,022 tokens a sequence holds: no child's goal
    // could be joined, and the frontier's records spawned 8.3 threads a problem that could
    // only fail. Below the root the same bound never binds here (a child's floors are lower).
    const limit = 1024 - 2;
    [...defaultProblems(77, 'train', spec(6), 40, new Set())].forEach((p, i) => {
      const costs = new EventCosts(p.target);
      const made = makeSearch(p, problemRecord(p, 'default'), streamFor(0, 'apr', i), testSettings('apr', 1024));
      const outcome = runSearch(p, streamFor(0, 'apr', i), testSettings('apr', 1024).options, windowRules(costs, 1024, 0));
      const root = outcome.thread;
      // Whichever child of the root's could reach the goal: its lines in the root's expansion,
      // its join line and clean path floor, the goal line and the root's own path floor.
      const goal = rootNode([p.target], bindHeuristic('mult_heuristic', p.target));
      let least = Infinity;
      for (const kid of children(root.start, bindHeuristic('mult_heuristic', p.target))) {
        const sequence =
          costs.opening({ type: 'move', node: root.start }) +
          costs.following({ type: 'expand', node: root.start, children: [kid] }) +
          costs.following({ type: 'join', level: 1, children: [newThread(kid, 1)] }) +
          costs.pathFloor(kid) +
          costs.following({ type: 'goal', node: goal }) +
          costs.pathFloor(root.start);
        least = Math.min(least, sequence);
      }
      expect(least, `record ${i}`).toBeGreaterThan(limit);
      expect(threads(root).length, `record ${i}`).toBe(1);
      expect(made.overflows, `record ${i}`).toBe(0);
      expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1'))), `record ${i}`).toEqual([]);
    });
  });

  it('a hand-off outside a trial does not search a child no solved join could take (it searched it to the goal, then dropped it)', () => {
    // Six numbers at 1,100 tokens (the frontier's problem 84): a root just wide enough to
    // spawn (its join floor is 1,087 tokens: at 1,024 it spawns no child at all), too narrow to
    // split. It cannot search its whole tree even with a beam of 1, searches as far as its
    // window allows and hands its frontier on. Its child at 37 52 72 64 27 reached the goal,
    // and no join could take it (its clean path and the root's need 292 tokens more than the
    // root has left): searched to the goal, then dropped. The hand-off passes it over.
    const p = [...defaultProblems(77, 'train', spec(6), 85, new Set())][84]!;
    expect([p.nums, p.target]).toEqual([[37, 52, 66, 93, 72, 64], 34]);
    const costs = new EventCosts(p.target);
    const floor = costs.joinFloor(rootNode(p.nums, bindHeuristic('mult_heuristic', p.target)), 1);
    expect(floor).toBeGreaterThan(1024 - 2);
    expect(floor).toBeLessThanOrEqual(1100 - 2);
    let started = 0;
    const counting: TextCosts = {
      // A thread's search opens its sequence with a move to its start.
      opening: (e: TraceEvent) => {
        if (e.type === 'move' && e.node.nums.join(' ') === '37 52 72 64 27') started++;
        return costs.opening(e);
      },
      following: (e) => costs.following(e),
      pathFloor: (from) => costs.pathFloor(from),
      joinFloor: (from, level) => costs.joinFloor(from, level),
      joinCeiling: (from, level) => costs.joinCeiling(from, level),
    };
    const outcome = runSearch(p, streamFor(0, 'apr', 84), testSettings('apr', 1100).options, windowRules(counting, 1100, 0));
    expect(outcome.thread.goal).toBeUndefined();
    expect(threads(outcome.thread)).toHaveLength(1);
    expect(started).toBe(0);
  });

  it('a split narrowed because none of its children fit beside its expansion plans a goal it cannot join again, as any split does (the goal was lost)', () => {
    // Six numbers at 1,536 tokens: the root's split handed out no child, it expanded its node
    // again narrower and handed those out, but a child's goal did not fit the join and that
    // spawn had no second plan (problems of seed 77, records 187 and 218).
    for (const [nums, target, index] of [
      [[81, 95, 95, 3, 28, 57], 27, 187],
      [[81, 24, 21, 10, 88, 84], 71, 218],
    ] as const) {
      const p: Problem = { nums: [...nums], target, solution: solve([...nums], target)!, startSize: 6 };
      const made = makeSearch(p, problemRecord(p, 'default'), streamFor(0, 'apr', index), testSettings('apr', 1536));
      expect(made.solved, `record ${index}`).toBe(true);
      expect(made.overflows, `record ${index}`).toBe(0);
      expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1'))), `record ${index}`).toEqual([]);
    }
  });

  it('a thread taken back to an earlier point forgets a goal found after it (a solved record always shows its goal)', () => {
    // Found by verify on a corpus: a narrowing trial that reached the goal left it set on the
    // thread while a later trial, taken back, wrote no goal lines.
    const p = [...defaultProblems(5, 'train', spec(4), 551, new Set())][550]!;
    expect([p.nums, p.target]).toEqual([[36, 26, 25, 4], 32]);
    const made = makeSearch(p, problemRecord(p, 'default'), streamFor(5, 'apr', 550), testSettings('apr', 4096));
    expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1')))).toEqual([]);
  });

  it('property: six-number problems fit at every depth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 3 }), (seed, depth) => {
        const p = problemOf(seed, 6);
        const made = makeSearch(p, problemRecord(p, 'default'), streamFor(seed, 'apr', 0), testSettings('apr', 4096, { maxDepth: depth }));
        expect(made.overflows).toBe(0);
        expect(figuresOf(made).depth).toBeLessThanOrEqual(depth);
        expect(verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1')))).toEqual([]);
      }),
      { numRuns: 12, seed: 3 },
    );
  });

  it('splits only what does not fit: three-number searches stay one sequence, five-number ones use deeper threads', () => {
    const sizes = (numbers: number, count: number) =>
      [...defaultProblems(21, 'train', spec(numbers), count, new Set())].map((p, i) => figuresOf(makeSearch(p, problemRecord(p, 'default'), streamFor(21, 'apr', i), testSettings('apr', 4096))));
    for (const f of sizes(3, 100)) expect(f.sequences).toBe(1);
    expect(sizes(5, 40).some((f) => f.depth >= 2)).toBe(true);
  });

  it('no swarm: on five-number problems the median sequence holds a quarter of the window or more', () => {
    const lengths: number[] = [];
    [...defaultProblems(22, 'train', spec(5), 40, new Set())].forEach((p, i) => {
      const made = makeSearch(p, problemRecord(p, 'default'), streamFor(22, 'apr', i), testSettings('apr', 4096));
      for (const q of made.sequences) lengths.push(q.tokens);
    });
    lengths.sort((a, b) => a - b);
    expect(lengths[lengths.length >> 1]!).toBeGreaterThanOrEqual(1024);
  });

  it('a first child that narrowed to fit is judged by its narrowing, not its size: the root widens instead of searching alone (six numbers, 2,048 tokens, --max-depth 1)', () => {
    // Before, such a child was "too small", and the root, which cannot hold a six-number
    // search, narrowed its own to fit: most records were a root alone, about one in eight solved.
    let alone = 0;
    let solved = 0;
    const n = 30;
    [...defaultProblems(24, 'train', spec(6), n, new Set())].forEach((p, i) => {
      const made = makeSearch(p, problemRecord(p, 'default'), streamFor(24, 'apr', i), testSettings('apr', 2048, { maxDepth: 1 }));
      expect(made.overflows).toBe(0);
      if (figuresOf(made).threads === 1) alone++;
      if (made.solved) solved++;
    });
    expect(alone).toBeLessThan(n / 4);
    expect(solved).toBeGreaterThanOrEqual(n / 5);
  });

  it('below the root, a split keeps only the children its join lines can report: none is left unsearched (six numbers, 2,048 tokens)', () => {
    // A five-number thread at 2,048 tokens kept its whole expansion (14 children are about
    // 1,150 tokens), handed out its first children one wave each, and ended with the rest
    // unsearched once their join lines filled its window. Counted: the kept children of the
    // spawning expansions of unsolved threads below the root that no spawn handed out (26
    // before, on these 20 problems).
    let spawning = 0;
    let left = 0;
    let solved = 0;
    const problems = [...defaultProblems(25, 'train', spec(6), 20, new Set())];
    problems.forEach((p, i) => {
      const outcome = runSearch(p, streamFor(25, 'apr', i), testSettings('apr', 2048).options, windowRules(new EventCosts(p.target), 2048, 0));
      if (outcome.thread.goal) solved++;
      for (const t of threads(outcome.thread)) {
        const handed = new Set(t.events.flatMap((e) => (e.type === 'spawn' ? e.children.map((kid) => kid.start.id) : [])));
        if (t.level === 0 || handed.size === 0) continue;
        spawning++;
        const kept = t.events.find((e) => e.type === 'expand')!;
        if (!t.goal && kept.type === 'expand') left += kept.children.filter((c) => !handed.has(c.id)).length;
      }
    });
    expect(spawning).toBeGreaterThan(50);
    expect(left).toBe(0);
    expect(solved).toBeGreaterThan(0);
  });

  it('waves: stopping at the first wave that reaches the goal costs fewer tokens than one spawn for all', () => {
    const problems = [...defaultProblems(23, 'train', spec(5), 30, new Set())];
    let all = 0;
    let waves = 0;
    let solvedAll = 0;
    let solvedWaves = 0;
    problems.forEach((p, i) => {
      const at = (wave: number) => makeSearch(p, problemRecord(p, 'default'), streamFor(23, 'apr', i), testSettings('apr', 4096, { wave }));
      const a = at(0);
      const w = at(8);
      all += figuresOf(a).totalTokens;
      waves += figuresOf(w).totalTokens;
      if (a.solved) solvedAll++;
      if (w.solved) solvedWaves++;
    });
    expect(waves).toBeLessThan(all);
    // The same trees are searched, only in a different order: the same problems are solved.
    expect(solvedWaves).toBe(solvedAll);
  });
});

describe('the APR planner in a corpus', () => {
  const cli = join(repoRoot, 'dist', 'cli', 'main.js');
  /** Every file under a folder, relative path -> bytes. */
  const files = (root: string): Map<string, Buffer> => {
    const out = new Map<string, Buffer>();
    const walk = (rel: string) => {
      for (const name of readdirSync(join(root, rel)).sort()) {
        const path = join(rel, name);
        if (statSync(join(root, path)).isDirectory()) walk(path);
        else out.set(path, readFileSync(join(root, path)));
      }
    };
    walk('');
    return out;
  };

  it('writes the same bytes with two workers, one worker and small batches, or none', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-planner-'));
    try {
      const base = ['corpus', '--count', '24', '--val-count', '3', '--seed', '9', '--min-numbers', '5', '--max-numbers', '6', '--solvers', 'apr', '--quiet'];
      const runs = [
        ['--workers', '2', '--out', 'w2'],
        ['--workers', '1', '--batch-size', '3', '--out', 'w1'],
        ['--workers', '0', '--out', 'w0'],
      ];
      for (const extra of runs) {
        const r = spawnSync(process.execPath, [cli, ...base, ...extra], { cwd: dir, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      }
      const w2 = files(join(dir, 'w2'));
      expect(w2.size).toBeGreaterThan(0);
      for (const other of ['w1', 'w0']) {
        const o = files(join(dir, other));
        expect([...o.keys()]).toEqual([...w2.keys()]);
        for (const [name, bytes] of w2) expect(o.get(name)!.equals(bytes), `${other}/${name}`).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
