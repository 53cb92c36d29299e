
import { BEYOND_EXACT, staysExact } from '../core/countdown.js';
import { problemRecord, type Compat } from '../serializers/problem.js';
import { pyJson } from '../serializers/pyjson.js';
import { maxReachable } from '../solver/exact.js';
import { defaultProblems, ProblemSpaceError, problemSpaceBound, problemsInSplit, referenceProblems, VAL_SHARE, type ProblemSpec, type Split } from '../solver/problems.js';
import { fmtInt, lateStage } from './corpus/progress.js';
import { UsageError } from '../io/errors.js';
import { readProblemKeys } from './problems-file.js';
import { problemSpaceUsage } from './problem-space.js';
import { checkOutputs } from './paths.js';
import { RecordSink } from './sink.js';


export interface ProblemsJob {
  readonly spec: ProblemSpec;
  readonly count: number;
  readonly seed: number;
  readonly split: Split;
  readonly compat: Compat;
  /** A problems file whose problems must not appear. */
  readonly exclude?: string | undefined;
  readonly out: string;
}

/** Option combinations that cannot produce problems, found before any work starts. */
export function checkSpec(spec: ProblemSpec): void {
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
        `${what} ${count} is more than the ${fmtInt(exact)} solvable ${split} problems these options allow (default mode never repeats a problem); lower it or widen the ranges`,
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

/** Generates the problems and writes them; the output file appears only when complete. */
export async function runProblems(job: ProblemsJob): Promise<number> {
  checkSpec(job.spec);
  checkOutputs(job.exclude ? [{ option: '--exclude', path: job.exclude }] : [], [{ option: '--out', path: job.out }]);
  if (job.compat === 'default') checkCount(job.spec, job.count, '--count', job.split);
  // The reference draws val after train from one stream: without the train file there is nothing
  // to draw it after, and the "val" file would be the train file itself.
  if (job.compat === 'reference' && job.split === 'val' && !job.exclude) {
    throw new UsageError('--split val with --compat reference needs --exclude TRAIN (the train problems file): the reference draws val after train, from one stream');
  }
  const excluded = job.exclude ? await readProblemKeys(job.exclude) : { keys: new Set<string>(), records: 0 };
  const problems =
    job.compat === 'reference'
      ? referenceProblems(job.seed, job.spec, job.count, excluded.keys, job.split === 'val' ? excluded.records : 0)
      : defaultProblems(job.seed, job.split, job.spec, job.count, excluded.keys);
  const sink = RecordSink.open(job.out, job.exclude ? [job.exclude] : []);
  const progress = lateStage('problems', job.out === '-' ? 'stdout' : job.out, job.count);
  let yielded = performance.now();
  try {
    for (const p of problems) {
      const room = sink.write(pyJson(problemRecord(p, job.compat)));
      if (room) await room;
      if ((sink.records & 255) === 0) {
        progress.update(sink.records);
        // Let the event loop run now and then: signals (which remove the unfinished file) and progress.
        if (performance.now() - yielded > 50) {
          await new Promise(setImmediate);
          yielded = performance.now();
        }
      }
    }
    await sink.close();
    progress.finish();
  } catch (err) {
    await sink.abort();
    if (err instanceof ProblemSpaceError) throw problemSpaceUsage(err);
    throw err;
  }
  return sink.records;
}

