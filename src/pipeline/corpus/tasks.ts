import { performance } from 'node:perf_hooks';
import { recordStreams } from '../../random/streams.js';
import { problemRecord } from '../../serializers/problem.js';
import { ProblemSpaceError } from '../../solver/problems.js';
import { UsageError } from '../../io/errors.js';
import { RecordMaker } from '../make-record.js';
import type { RecordSettings } from '../settings.js';
import { toProblem } from '../problems-file.js';
import { parseRecordLine } from '../../records/read.js';
import { makeSearchOrExplain } from '../search-job.js';
import { problemSpaceUsage } from '../problem-space.js';
import type { LineSource } from './lines.js';
import { problemsTask, type ProblemTask } from './problem-task.js';
import { FIGURE_SLOTS, hints, packFigures, Packer, type ProblemResult, type SearchResult, type TaskFailure, type TaskResult } from './result.js';

export type { ProblemTask } from './problem-task.js';
export type { Packed, ProblemResult, SearchResult, TaskFailure, TaskResult } from './result.js';

/**
 * The work of one task: a batch of consecutive records, made by a worker thread (or the main
 * thread with `--workers 0`). A record depends only on (seed, options, index), so any split
 * of the records into tasks, run by any worker, gives the same bytes.
 */
export interface SearchTask {
  readonly kind: 'search';
  readonly seed: number;
  /** Handed to the record maker as is: search options, window, conditioning, fit. */
  readonly settings: RecordSettings;
  /** Global index of the first record. */
  readonly start: number;
  /** Problem records (JSON lines of the train problems), one per record. */
  readonly lines: readonly string[];
  /** The files the lines come from (a batch may span two), for error messages. */
  readonly sources: readonly LineSource[];
}

export type Task = ProblemTask | SearchTask;

/** The result a task of each kind sends back. */
export type ResultOf<T extends Task> = T extends ProblemTask ? ProblemResult : SearchResult;

function runTask(task: Task): TaskResult {
  return task.kind === 'problems' ? problemsTask(task) : searchTask(task);
}

/**
 * Search records and training sequences of a batch, made by the same calls as the `search`
 * command (`makeSearchOrExplain` with the record's own stream, the maker's
 * `unsafeSequenceLine` for the sequences file), so a corpus file and a `search
 * --sequences-out` file of the same problems agree byte for byte. The input record is rebuilt
 * from the problem (`problemRecord`, default mode): the corpus's own train file holds exactly
 * that, where `search` keeps the fields of whatever file it reads. The task has a maker of its
 * own; each record's bytes are copied out before the next is made.
 */
function searchTask(t: SearchTask): SearchResult {
  const n = t.lines.length;
  const records = new Packer(hints.records);
  const sequences = new Packer(hints.sequences);
  const startSize = new Uint8Array(n);
  const solved = new Uint8Array(n);
  const outOfBudget = new Uint8Array(n);
  const dropped = new Uint8Array(n);
  const children = new Uint32Array(n);
  const seqEnds = new Uint32Array(n);
  const figures = new Float64Array(n * FIGURE_SLOTS);
  const tokens: number[] = [];
  const kinds: number[] = [];
  let makeMs = 0;
  let packMs = 0;
  const streamOf = recordStreams(t.seed, t.settings.options.solver, t.settings.options.reference);
  const maker = new RecordMaker();
  for (let k = 0; k < n; k++) {
    const index = t.start + k;
    let src = t.sources[0]!;
    for (const x of t.sources) if (x.from <= k) src = x;
    const line = src.line + k - src.from;
    const t0 = performance.now();
    const { problem } = toProblem(parseRecordLine(t.lines[k]!, src.path, line), src.path, line);
    const input = problemRecord(problem, 'default');
    const made = makeSearchOrExplain(maker, problem, input, streamOf(index), t.settings, src.path, line);
    const t1 = performance.now();
    startSize[k] = made.startSize;
    outOfBudget[k] = made.outOfBudget ? 1 : 0;
    if (made.dropped) {
      dropped[k] = 1;
    } else {
      // A corpus writes every record's sequences and packs its figures: both need token counts.
      if (!made.counted) throw new Error('corpus records are made with token counts, so with sequences and figures');
      records.bytes(made.json);
      records.newline();
      for (const seq of made.sequences) {
        sequences.bytes(maker.unsafeSequenceLine(seq, index, false));
        sequences.newline();
        tokens.push(seq.tokens);
        kinds.push(seq.info.isRoot ? 0 : 1);
      }
      solved[k] = made.solved ? 1 : 0;
      children[k] = made.children;
      packFigures(figures, k, made.figures);
    }
    records.endRecord();
    sequences.endRecord();
    seqEnds[k] = tokens.length;
    makeMs += t1 - t0;
    packMs += performance.now() - t1;
  }
  hints.records = Math.ceil(records.size * 1.1);
  hints.sequences = Math.ceil(sequences.size * 1.1);
  return {
    kind: 'search',
    start: t.start,
    count: n,
    records: records.done(),
    sequences: sequences.done(),
    startSize,
    solved,
    outOfBudget,
    dropped,
    children,
    seqEnds,
    seqTokens: Uint32Array.from(tokens),
    seqKind: Uint8Array.from(kinds),
    figures,
    makeMs,
    packMs,
  };
}

/** Runs a task; errors become values, so a usage error stays a one-line usage error. */
export function runTaskSafely(task: Task): TaskResult | TaskFailure {
  try {
    return runTask(task);
  } catch (err) {
    const e = err instanceof ProblemSpaceError ? problemSpaceUsage(err) : err instanceof Error ? err : new Error(String(err));
    const usage = e instanceof UsageError;
    return { failure: { usage, message: e.message, stack: e.stack } };
  }
}
