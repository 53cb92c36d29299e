import { Piscina } from 'piscina';
import { UsageError } from '../../io/errors.js';
import type { ResultOf, Task, TaskFailure, TaskResult } from './tasks.js';
import { WORKER_HEAP_MB } from './options.js';

/** Runs tasks on worker threads (or, with no workers, on the main thread). */
export interface Runner {
  run<T extends Task>(task: T): Promise<ResultOf<T>>;
  /** Stops the threads; tasks still running are dropped. */
  destroy(): Promise<void>;
  readonly threads: number;
}

/** A task's result, or its failure thrown again (a task of each kind returns its own kind of result). */
function unwrap<T extends Task>(r: TaskResult | TaskFailure): ResultOf<T> {
  if (!('failure' in r)) return r as ResultOf<T>;
  if (r.failure.usage) throw new UsageError(r.failure.message);
  const err = new Error(r.failure.message);
  if (r.failure.stack) err.stack = r.failure.stack;
  throw err;
}

/** The young generation of each worker thread (its old generation: --worker-heap, WORKER_HEAP_MB). */
const YOUNG_MB = 16;

export function createRunner(workers: number, heapMb = WORKER_HEAP_MB): Runner {
  if (workers === 0) {
    // Loaded only here: with workers, the main thread never loads the search or the tokenizer.
    const tasks = import('./tasks.js');
    return {
      threads: 0,
      run: async <T extends Task>(task: T) => unwrap<T>((await tasks).runTaskSafely(task)),
      destroy: async () => undefined,
    };
  }
  // Started with the first task, not before: a run refused before its first task (a resume
  // whose files changed) then ends with no thread still loading its module. Node 20 aborts
  // the whole process (SIGABRT, 'IsGraphAsync must be used on an instantiated module') when
  // a worker thread is terminated inside require() of an ES module, as piscina loads ours.
  let pool: Piscina | undefined;
  const started = (): Piscina =>
    (pool ??= new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: YOUNG_MB },
    }));
  return {
    threads: workers,
    run: async <T extends Task>(task: T) => {
      try {
        return unwrap<T>((await started().run(task)) as TaskResult | TaskFailure);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') throw err;
        throw new UsageError(
          `a worker ran out of memory (--worker-heap ${heapMb} MB) making records ${task.start}..${task.start + (task.kind === 'search' ? task.lines.length : task.count) - 1}; raise --worker-heap or lower --batch-size, then --resume`,
        );
      }
    },
    destroy: async () => {
      await pool?.destroy();
    },
  };
}
