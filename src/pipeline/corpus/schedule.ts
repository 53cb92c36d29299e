/** Where the time of a stage's tasks went, summed over its results. */
export interface TaskTiming {
  /** Main-thread milliseconds waiting for the next result in order. */
  waitMs: number;
  /** Worker (or inline) milliseconds making records, and packing them into bytes. */
  makeMs: number;
  packMs: number;
}

export function newTiming(): TaskTiming {
  return { waitMs: 0, makeMs: 0, packMs: 0 };
}

/** The work of an ordered run: how to make a task, run it, and take its result. */
export interface OrderedWork<T, R extends { readonly makeMs: number; readonly packMs: number }> {
  /** The task of records [start, start + count); tasks are made one at a time, in order. */
  task(start: number, count: number): T | Promise<T>;
  /** Runs a task (on a worker thread); many run at once. */
  run(task: T): Promise<R>;
  /** Takes a result; results are taken one at a time, in record order. */
  take(result: R): Promise<void>;
}

export interface OrderedRange {
  readonly from: number;
  readonly to: number;
  /** Records per task. */
  readonly batch: number;
  /** Tasks running at once, at most. */
  readonly inFlight: number;
}

/**
 * The ordered scheduler: tasks over records [from, to) in batches, at most `inFlight` of them
 * running, results taken in record order as they are ready. Taking awaits (the disk), and no
 * new task starts meanwhile, so a slow consumer holds the producers back rather than letting
 * results pile up. Stops handing out tasks, and returns false, once `stopped()` is true;
 * results still running are dropped. True when every record was taken.
 */
export async function runInOrder<T, R extends { readonly makeMs: number; readonly packMs: number }>(
  range: OrderedRange,
  work: OrderedWork<T, R>,
  stopped: () => boolean,
  timing: TaskTiming,
): Promise<boolean> {
  const { to, batch, inFlight } = range;
  const running: Promise<R>[] = [];
  let next = range.from;
  while (next < to || running.length > 0) {
    while (next < to && running.length < inFlight && !stopped()) {
      const count = Math.min(batch, to - next);
      const p = work.run(await work.task(next, count));
      // Its failure is thrown when it is taken; one dropped at a stop is not an error.
      p.catch(() => undefined);
      running.push(p);
      next += count;
    }
    if (stopped()) return false;
    const t0 = performance.now();
    const r = await running.shift()!;
    timing.waitMs += performance.now() - t0;
    timing.makeMs += r.makeMs;
    timing.packMs += r.packMs;
    await work.take(r);
    if (stopped()) return false;
  }
  return true;
}
