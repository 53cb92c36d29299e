import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newTiming, runInOrder } from '../src/pipeline/corpus/schedule.js';

/** A task's result after `delay` ms (tasks finish in any order). */
interface Done {
  readonly start: number;
  readonly count: number;
  readonly makeMs: number;
  readonly packMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('runInOrder: the ordered scheduler of the corpus', () => {
  it('takes every record once, in order, whatever order the tasks finish in; tasks are made in order, at most inFlight run at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 1, max: 17 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 20 }),
        async (from, length, batch, inFlight, delays) => {
          const to = from + length;
          const made: number[] = [];
          const taken: number[] = [];
          let running = 0;
          let most = 0;
          let n = 0;
          const timing = newTiming();
          const ok = await runInOrder<{ start: number; count: number }, Done>(
            { from, to, batch, inFlight },
            {
              task: (start, count) => {
                made.push(start);
                return { start, count };
              },
              run: async (t) => {
                running++;
                most = Math.max(most, running);
                await sleep(delays[n++ % delays.length]!);
                running--;
                return { ...t, makeMs: 2, packMs: 1 };
              },
              take: async (r) => {
                for (let k = 0; k < r.count; k++) taken.push(r.start + k);
                await sleep(0);
              },
            },
            () => false,
            timing,
          );
          expect(ok).toBe(true);
          expect(taken).toEqual(Array.from({ length }, (_, k) => from + k));
          expect(made).toEqual([...made].sort((a, b) => a - b));
          expect(most).toBeLessThanOrEqual(inFlight);
          expect(timing.makeMs).toBe(2 * made.length);
          expect(timing.packMs).toBe(made.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a stop hands out no further task and returns false; what was taken is a prefix of the records', async () => {
    let stop = false;
    const made: number[] = [];
    const taken: number[] = [];
    const ok = await runInOrder(
      { from: 0, to: 1000, batch: 10, inFlight: 3 },
      {
        task: (start, count) => {
          made.push(start);
          return { start, count };
        },
        run: async (t) => ({ ...t, makeMs: 0, packMs: 0 }),
        take: async (r) => {
          for (let k = 0; k < r.count; k++) taken.push(r.start + k);
          if (r.start === 50) stop = true;
        },
      },
      () => stop,
      newTiming(),
    );
    expect(ok).toBe(false);
    expect(taken).toEqual(Array.from({ length: 60 }, (_, k) => k));
    // Tasks started before the stop (at most inFlight ahead of the one taken) and no more.
    expect(made.at(-1)).toBeLessThanOrEqual(50 + 3 * 10);
  });

  it("a failed task's error is thrown when its turn comes, not before: earlier results are taken first", async () => {
    const taken: number[] = [];
    const run = runInOrder(
      { from: 0, to: 40, batch: 10, inFlight: 4 },
      {
        task: (start, count) => ({ start, count }),
        run: async (t) => {
          if (t.start === 20) throw new Error('task 20 failed');
          await sleep(5);
          return { ...t, makeMs: 0, packMs: 0 };
        },
        take: async (r) => {
          taken.push(r.start);
        },
      },
      () => false,
      newTiming(),
    );
    await expect(run).rejects.toThrow('task 20 failed');
    expect(taken).toEqual([0, 10]);
  });

  it('a slow take holds new tasks back: none is made while a result is being taken', async () => {
    let taking = false;
    let madeWhileTaking = 0;
    await runInOrder(
      { from: 0, to: 100, batch: 5, inFlight: 2 },
      {
        task: (start, count) => {
          if (taking) madeWhileTaking++;
          return { start, count };
        },
        run: async (t) => ({ ...t, makeMs: 0, packMs: 0 }),
        take: async () => {
          taking = true;
          await sleep(1);
          taking = false;
        },
      },
      () => false,
      newTiming(),
    );
    expect(madeWhileTaking).toBe(0);
  });
});
