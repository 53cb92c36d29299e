/**
 * The `problems` command's draws, on a thread of their own. Where the options make solvable
 * problems rare, one record's draws take minutes; on the main thread they would leave a stop
 * signal unheard (the unfinished file stayed) and the progress line unshown all that time.
 * The records are the same bytes either way: this only moves where they are drawn.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pyIntList } from '../core/countdown.js';
import { UsageError } from '../io/errors.js';
import { problemRecord, type Compat } from '../serializers/problem.js';
import { pyJson } from '../serializers/pyjson.js';
import { fmtInt } from '../io/numbers.js';
import {
  defaultProblems,
  NoneLeft,
  ProblemSpaceError,
  problemsInSplit,
  referenceProblems,
  sizesWithNoneLeft,
  TrainMismatch,
  type ProblemSpec,
  type Split,
} from '../solver/problems.js';
import { problemSpaceUsage } from './problem-space.js';
import { readProblemKeys } from './problems-file.js';

/** What the thread draws: the job's options. It reads `--exclude` itself, so the file is held once. */
export interface DrawOrder {
  readonly spec: ProblemSpec;
  readonly count: number;
  readonly seed: number;
  readonly split: Split;
  readonly compat: Compat;
  /** A problems file whose problems must not appear. */
  readonly exclude?: string | undefined;
}

/** The thread's messages: records in order (each waits for an `ack` before the next batch), then the end or a fault. */
export type DrawMessage =
  | { readonly kind: 'records'; readonly lines: readonly string[] }
  | { readonly kind: 'done' }
  /** A fault of the options or the inputs: one line for the user. */
  | { readonly kind: 'usage'; readonly message: string }
  | { readonly kind: 'fault'; readonly message: string; readonly stack?: string | undefined };

/** Records a batch holds at most, and how long one may gather before it goes (a slow draw still shows progress). */
const BATCH_RECORDS = 1024;
const BATCH_MS = 50;

/** The problems of an order, in the order the command writes them. */
async function drawnProblems(o: DrawOrder) {
  // Reference mode's val draws its train set again first (TRAIN's problems in order, each checked).
  const afterTrain = o.compat === 'reference' && o.split === 'val';
  const excluded = o.exclude ? await readProblemKeys(o.exclude, afterTrain) : { keys: new Set<string>(), drawn: [], lines: [] };
  if (o.compat === 'default') return defaultProblems(o.seed, o.split, o.spec, o.count, excluded.keys);
  const noneLeft = excluded.keys.size > 0 ? noneLeftOf(o, excluded.keys) : [];
  const problems = referenceProblems(o.seed, o.spec, o.count, excluded.keys, afterTrain ? excluded.drawn : [], noneLeft);
  const lines = excluded.lines;
  return (function* () {
    try {
      yield* problems;
    } catch (err) {
      if (err instanceof NoneLeft) {
        const sizes = sizesOf(o.spec).filter((k) => !noneLeft.includes(k));
        throw new UsageError(
          `record ${err.index} draws ${err.size} numbers, and --exclude ${o.exclude} holds every solvable problem with ${err.size} numbers these options allow; ` +
            `reference mode redraws an excluded problem keeping its size, so this record would never end; keep --min-numbers..--max-numbers to sizes with problems left (${sizes.join(', ')})`,
        );
      }
      if (!(err instanceof TrainMismatch)) throw err;
      const { nums, target } = err.drawn;
      throw new UsageError(
        `--exclude ${o.exclude}:${lines[err.index]}: not the train problem --seed ${o.seed} draws there (${pyIntList(nums)}, target ${target}); ` +
          'reference mode draws val after its train set, so --exclude must be that set, made with the same seed and options and without --exclude of its own (draws around other problems are not replayed)',
      );
    }
  })();
}

/** The start sizes of a spec. */
const sizesOf = (spec: ProblemSpec): number[] => Array.from({ length: spec.maxNumbers - spec.minNumbers + 1 }, (_, k) => spec.minNumbers + k);

/**
 * Reference mode redraws an excluded problem until it draws another (its val may repeat
 * problems, so any count does while one is left): where the space can be listed, options
 * whose solvable problems are all excluded are refused before any draw, and the sizes with
 * none left are returned (a record that draws one is refused then). Where it cannot be
 * listed, nothing is known and the draw runs as the reference's.
 */
function noneLeftOf(o: DrawOrder, excluded: ReadonlySet<string>): number[] {
  const none = sizesWithNoneLeft(o.spec, excluded) ?? [];
  if (none.length === sizesOf(o.spec).length) {
    const all = (problemsInSplit(o.spec, 'train') ?? 0) + (problemsInSplit(o.spec, 'val') ?? 0);
    throw new UsageError(
      `--exclude ${o.exclude} holds all ${fmtInt(all)} solvable problems these options allow, so none is left to draw: ` +
        'reference mode redraws an excluded problem until it draws another, and would never end; widen the ranges',
    );
  }
  return none;
}

async function drawAll(o: DrawOrder, post: (m: DrawMessage) => void, acked: () => Promise<void>): Promise<void> {
  let lines: string[] = [];
  let since = performance.now();
  for (const p of await drawnProblems(o)) {
    lines.push(pyJson(problemRecord(p, o.compat)));
    if (lines.length >= BATCH_RECORDS || performance.now() - since > BATCH_MS) {
      post({ kind: 'records', lines });
      lines = [];
      await acked();
      since = performance.now();
    }
  }
  if (lines.length > 0) post({ kind: 'records', lines });
  post({ kind: 'done' });
}

// Runs only where the command started this module as a thread (its order in `workerData`).
const order = (workerData as { drawOrder?: DrawOrder } | null)?.drawOrder;
if (parentPort !== null && order !== undefined) {
  const port = parentPort;
  const post = (m: DrawMessage) => port.postMessage(m);
  const acked = () => new Promise<void>((resolve) => port.once('message', () => resolve()));
  drawAll(order, post, acked).catch((err: unknown) => {
    if (err instanceof ProblemSpaceError) post({ kind: 'usage', message: problemSpaceUsage(err).message });
    else if (err instanceof UsageError) post({ kind: 'usage', message: err.message });
    else post({ kind: 'fault', message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
  });
}
