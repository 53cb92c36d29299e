/**
 * The `problems` command's draws, on a thread of their own. Where the options make solvable
 * problems rare, one record's draws take minutes; on the main thread they would leave a stop
 * signal unheard (the unfinished file stayed) and the progress line unshown all that time.
 * The records are the same bytes either way: this only moves where they are drawn.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { problemRecord, type Compat } from '../serializers/problem.js';
import { pyJson } from '../serializers/pyjson.js';
import { defaultProblems, ProblemSpaceError, referenceProblems, TrainMismatch, type ProblemSpaceRemedy, type ProblemSpec, type Split } from '../solver/problems.js';

/** What the thread draws: the job's options, and the problems of `--exclude`. */
export interface DrawOrder {
  readonly spec: ProblemSpec;
  readonly count: number;
  readonly seed: number;
  readonly split: Split;
  readonly compat: Compat;
  readonly excluded: ReadonlySet<string>;
  /** Reference mode's val: the train problems it draws after (`--exclude`'s, as drawnKey writes them). */
  readonly trainBefore: readonly string[];
}

/** The thread's messages: records in order (each waits for an `ack` before the next batch), then the end or a fault. */
export type DrawMessage =
  | { readonly kind: 'records'; readonly lines: readonly string[] }
  | { readonly kind: 'done' }
  | { readonly kind: 'space'; readonly message: string; readonly remedy: ProblemSpaceRemedy }
  | { readonly kind: 'train'; readonly index: number; readonly nums: readonly number[]; readonly target: number }
  | { readonly kind: 'fault'; readonly message: string; readonly stack?: string | undefined };

/** Records a batch holds at most, and how long one may gather before it goes (a slow draw still shows progress). */
const BATCH_RECORDS = 1024;
const BATCH_MS = 50;

/** The problems of an order, in the order the command writes them. */
function drawnProblems(o: DrawOrder) {
  return o.compat === 'reference'
    ? referenceProblems(o.seed, o.spec, o.count, o.excluded, o.trainBefore)
    : defaultProblems(o.seed, o.split, o.spec, o.count, o.excluded);
}

async function drawAll(o: DrawOrder, post: (m: DrawMessage) => void, acked: () => Promise<void>): Promise<void> {
  let lines: string[] = [];
  let since = performance.now();
  for (const p of drawnProblems(o)) {
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
    if (err instanceof ProblemSpaceError) post({ kind: 'space', message: err.message, remedy: err.remedy });
    else if (err instanceof TrainMismatch) post({ kind: 'train', index: err.index, nums: err.drawn.nums, target: err.drawn.target });
    else post({ kind: 'fault', message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
  });
}
