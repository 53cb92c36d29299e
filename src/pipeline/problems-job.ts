
import { BEYOND_EXACT, staysExact } from '../core/countdown.js';
import { maxReachable } from '../solver/exact.js';
import { Worker } from 'node:worker_threads';
import { LEAST_NUMBER, problemSpaceBound, problemsInSplit, VAL_SHARE, type ProblemSpec, type Split } from '../solver/problems.js';
import type { DrawMessage, DrawOrder } from './problems-thread.js';
import { lateStage } from './corpus/progress.js';
import { fmtInt, plural } from '../io/numbers.js';
import { ordered, UsageError } from '../io/errors.js';
import { STDIO } from '../io/formats.js';
import { checkOutputs } from './paths.js';
import { RecordSink } from './sink.js';


/** What to draw (the drawing thread's order) and where to write it. */
export interface ProblemsJob extends DrawOrder {
  readonly out: string;
}

/** What a user sets of the problem space (`problems`, `corpus`); `maxNumber` left out is maxTarget - 1. */
export type PartialSpec = Omit<ProblemSpec, 'maxNumber'> & { readonly maxNumber?: number | undefined };

/** The problem spec a user's options give, checked (checkSpec): the one place its default is filled in. */
export function qualifySpec(f: PartialSpec): ProblemSpec {
  const maxNumber = f.maxNumber ?? f.maxTarget - 1;
  const spec = { minNumbers: f.minNumbers, maxNumbers: f.maxNumbers, minTarget: f.minTarget, maxTarget: f.maxTarget, maxNumber };
  checkSpec(spec);
  return spec;
}

/** Option combinations that cannot produce problems, found before any work starts. */
export function checkSpec(spec: ProblemSpec): void {
  ordered('--min-numbers', spec.minNumbers, '--max-numbers', spec.maxNumbers);
  ordered('--min-target', spec.minTarget, '--max-target', spec.maxTarget);
  if (spec.maxNumber < LEAST_NUMBER) throw new UsageError(`--max-number: must be at least ${LEAST_NUMBER}, got ${spec.maxNumber}`);
  if (!staysExact(spec.maxNumber, spec.maxNumbers)) {
    throw new UsageError(`--max-number ${spec.maxNumber} with ${spec.maxNumbers} numbers ${BEYOND_EXACT}; lower one of them`);
  }
  const reach = maxReachable(spec.maxNumber, spec.minNumbers);
  if (reach < spec.maxTarget) {
    throw new UsageError(
      `--max-target ${spec.maxTarget} cannot be reached with ${spec.minNumbers} numbers up to ${spec.maxNumber} ` +
        `(the largest reachable value is ${reach}); raise --max-number or --min-numbers, or lower --max-target`,
    );
  }
}

/**
 * Default mode never repeats a problem: a count beyond the distinct problems of the spec can
 * never be met (it would run until the space is exhausted), so it is refused at once. A
 * small space is counted exactly, per split (val is about 1/64 of it).
 */
export function checkCount(spec: ProblemSpec, count: number, what: string, split?: Split): void {
  const space = problemSpaceBound(spec);
  // Counted exactly only when the count could come near the split's share of the bound.
  const share = split === 'val' ? VAL_SHARE : 1 - VAL_SHARE;
  const exact = split === undefined || count * 100 < space * share ? undefined : problemsInSplit(spec, split);
  if (exact !== undefined) {
    if (count > exact) {
      throw new UsageError(
        `${what} ${count} is more than the ${plural(exact, `solvable ${split} problem`)} these options allow (default mode never repeats a problem); lower it or widen the ranges`,
      );
    }
    return;
  }
  if (count > space) {
    throw new UsageError(
      `${what} ${count} is more than the ${fmtInt(space)} distinct problems these options allow at most (default mode never repeats a problem); lower it or widen the ranges`,
    );
  }
}

const PROGRESS_TICK_MS = 1000;

/**
 * The records of an order, drawn on a thread (problems-thread.ts) in batches: the next batch
 * is drawn once this one is taken, so memory stays flat however slow the output. The thread
 * ends with the generator.
 */
async function* drawnOnThread(order: DrawOrder): AsyncGenerator<readonly string[]> {
  const thread = new Worker(new URL('./problems-thread.js', import.meta.url), {
    workerData: { drawOrder: order },
    // `--exclude -`: the thread reads this process's standard input as its own.
    stdin: order.exclude === STDIO,
  });
  if (thread.stdin) process.stdin.pipe(thread.stdin);
  const inbox: DrawMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const arrived = () => {
    wake?.();
    wake = undefined;
  };
  thread.on('message', (m: DrawMessage) => {
    inbox.push(m);
    arrived();
  });
  thread.on('error', (err) => {
    failure ??= err;
    arrived();
  });
  thread.on('exit', (code) => {
    failure ??= new Error(`the thread drawing the problems ended (exit code ${code}) before its last record`);
    arrived();
  });
  try {
    for (;;) {
      while (inbox.length === 0 && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
      const m = inbox.shift();
      if (m === undefined) throw failure;
      if (m.kind === 'done') return;
      if (m.kind === 'usage') throw new UsageError(m.message);
      if (m.kind === 'fault') throw Object.assign(new Error(m.message), m.stack === undefined ? {} : { stack: m.stack });
      yield m.lines;
      thread.postMessage('ack');
    }
  } finally {
    await thread.terminate();
  }
}

/** Generates the problems and writes them; the output file appears only when complete. */
export async function runProblems(job: ProblemsJob): Promise<number> {
  checkSpec(job.spec);
  checkOutputs(job.exclude !== undefined ? [{ option: '--exclude', path: job.exclude }] : [], [{ option: '--out', path: job.out }]);
  if (job.compat === 'default') checkCount(job.spec, job.count, '--count', job.split);
  // The reference draws val after train from one stream: without the train file there is nothing
  // to draw it after, and the "val" file would be the train file itself.
  if (job.compat === 'reference' && job.split === 'val' && !job.exclude) {
    throw new UsageError('--split val with --compat reference needs --exclude TRAIN (the train problems file): the reference draws val after train, from one stream');
  }
  const sink = RecordSink.open(job.out, job.exclude ? [job.exclude] : []);
  const progress = lateStage('problems', job.out === '-' ? 'stdout' : job.out, job.count);
  // A record whose draws take long still shows the progress line (and its elapsed time).
  const ticking = setInterval(() => progress.update(sink.records), PROGRESS_TICK_MS);
  try {
    const { out: _out, ...order } = job; // the thread draws; this thread writes
    for await (const lines of drawnOnThread(order)) {
      for (const line of lines) {
        const room = sink.write(line);
        if (room) await room;
      }
      progress.update(sink.records);
    }
    await sink.close();
    progress.finish();
  } catch (err) {
    await sink.abort();
    throw err;
  } finally {
    clearInterval(ticking);
  }
  return sink.records;
}

