import { fmtInt, percent, plural } from '../io/numbers.js';
import type { Rng } from '../random/rng.js';
import { recordStreams } from '../random/streams.js';
import { formatOf } from '../io/formats.js';
import { RecordMaker, type MadeSearch } from './make-record.js';
import { DEFAULT_WINDOW, judgedWindow, unsolvedNote, windowTooSmallMessage, type RecordSettings } from './settings.js';
import { InputError } from '../io/errors.js';
import type { Problem } from '../solver/problems.js';
import { WindowTooSmall } from '../solver/window.js';
import { fitOf } from '../solver/contract.js';
import { readProblemBatches } from './problems-file.js';
import { checkOutputs } from './paths.js';
import { RecordSink } from './sink.js';
import { LINE_LIMIT } from '../records/lines.js';

export interface SearchJob {
  readonly problems: string;
  readonly out: string;
  readonly seed: number;
  readonly settings: RecordSettings;
  /** Where the training sequences go (JSON Lines objects, or `.json`: an array of strings). */
  readonly sequencesOut?: string | undefined;
}

/** What a search run did, for the summary line. */
export interface SearchSummary {
  records: number;
  solved: number;
  sequences: number;
  /** Sequences over the window; undefined when tokens were not counted (reference mode without --sequences-out). */
  overflows: number | undefined;
  outOfBudget: number;
  dropped: number;
  /** Records whose search was made again under `--fit resample`. */
  resampled: number;
  /** Records searched (written or dropped), solved, and stopped by the window (dropped ones included), by start size. */
  readonly bySize: Map<number, { searched: number; solved: number; stopped: number }>;
}

/** `maker.make`, with a window too small for a problem reported as the user's error. */
export function makeSearchOrExplain(
  maker: RecordMaker,
  problem: Problem,
  record: Readonly<Record<string, unknown>>,
  rng: Rng,
  settings: RecordSettings,
  file: string,
  line: number,
): MadeSearch {
  let made: MadeSearch;
  try {
    made = maker.unsafeMake(problem, record, rng, settings);
  } catch (err) {
    if (!(err instanceof WindowTooSmall)) throw err;
    throw new InputError(file, line, windowTooSmallMessage(settings, true));
  }
  // A line no reader of this tool takes (the search of six numbers without a window can make one) is not written.
  if (made.json.length > LINE_LIMIT) throw new InputError(file, line, overlongRecordMessage(made.json.length, settings));
  return made;
}

/** Why a record past LINE_LIMIT is refused, and what bounds it. */
function overlongRecordMessage(bytes: number, settings: RecordSettings): string {
  const mib = (n: number) => `${Math.round(n / (1 << 20))} MiB`;
  const bound = settings.window === 0 && !settings.options.reference ? `; a window (--window ${DEFAULT_WINDOW}) bounds a record` : '';
  return `its record would be ${mib(bytes)}, past the ${mib(LINE_LIMIT)} a line may hold (the readers of this tool refuse longer ones)${bound}`;
}

/** Searches every problem of a file and writes the records; outputs appear only when complete. */
export async function runSearchJob(job: SearchJob): Promise<SearchSummary> {
  checkOutputs(
    [{ option: '--problems', path: job.problems }],
    [{ option: '--out', path: job.out }, ...(job.sequencesOut !== undefined ? [{ option: '--sequences-out', path: job.sequencesOut }] : [])],
  );
  // A sequences file needs every sequence's text (and, as JSON Lines, its tokens).
  const settings: RecordSettings = job.sequencesOut ? { ...job.settings, countTokens: true } : job.settings;
  const rngFor = recordStreams(job.seed, settings.options.solver, settings.options.reference);
  const sink = RecordSink.open(job.out, [job.problems]);
  let seqSink: RecordSink | undefined;
  try {
    seqSink = job.sequencesOut ? RecordSink.open(job.sequencesOut, [job.problems]) : undefined;
  } catch (err) {
    await sink.abort(); // the first output's temporary file must not outlive the second's failure
    throw err;
  }
  const bare = job.sequencesOut ? formatOf(job.sequencesOut).array : false;
  const maker = new RecordMaker();
  const sum: SearchSummary = { records: 0, solved: 0, sequences: 0, overflows: undefined, outOfBudget: 0, dropped: 0, resampled: 0, bySize: new Map() };
  try {
    let index = 0;
    for await (const batch of readProblemBatches(job.problems)) {
      for (const { problem, record, line } of batch) {
        const made = makeSearchOrExplain(maker, problem, record, rngFor(index), settings, job.problems, line);
        if (made.outOfBudget) sum.outOfBudget++;
        if (made.resampled) sum.resampled++;
        let size = sum.bySize.get(problem.startSize);
        if (!size) sum.bySize.set(problem.startSize, (size = { searched: 0, solved: 0, stopped: 0 }));
        size.searched++;
        if (made.outOfBudget) size.stopped++;
        if (made.solved && !made.dropped) size.solved++;
        if (made.dropped) {
          sum.dropped++;
        } else {
          const room = sink.write(made.json);
          if (room) await room;
          sum.records++;
          if (made.solved) sum.solved++;
          sum.sequences += made.sequenceCount;
          // Only counted records know their overflows and sequences (a sequences file sets countTokens).
          if (made.counted) {
            sum.overflows = (sum.overflows ?? 0) + made.overflows;
            if (seqSink) {
              for (const seq of made.sequences) {
                const seqRoom = seqSink.write(maker.unsafeSequenceLine(seq, index, bare));
                if (seqRoom) await seqRoom;
              }
            }
          }
        }
        index++;
      }
    }
    // As --exclude and every other reader of problems: an empty file is a fault, not an empty run.
    if (index === 0) throw new InputError(job.problems, undefined, 'holds no problems');
    await RecordSink.closeAll([sink, seqSink]);
  } catch (err) {
    await sink.abort();
    await seqSink?.abort();
    throw err;
  }
  return sum;
}

/** The line `search` ends with: records written, solved, sequences, what the window did. */
export function searchSummaryLine(job: SearchJob, sum: SearchSummary): string {
  const over = sum.overflows === undefined ? '' : `, ${fmtInt(sum.overflows)} over ${fmtInt(judgedWindow(job.settings.window))} tokens`;
  const o = job.settings.options;
  const tally = { bySize: sum.bySize, searched: sum.records + sum.dropped, stopped: sum.outOfBudget, resampled: sum.resampled > 0 };
  const unsolved = unsolvedNote(job.settings.window, tally, o.solver, fitOf(o));
  return (
    `wrote ${plural(sum.records, `${job.settings.options.solver} record`)} to ${job.out}: ${fmtInt(sum.solved)} solved (${percent(sum.solved, sum.records)}%), ${plural(sum.sequences, 'sequence')}` +
    over +
    // With no window (reference mode, --window 0) nothing can be stopped, so nothing is said of it.
    (job.settings.window > 0 ? `, ${fmtInt(sum.outOfBudget)} stopped by the window` : '') +
    // Dropped records are among those the window stopped: `3 stopped by the window, 2 of them dropped`.
    (sum.dropped ? `, ${fmtInt(sum.dropped)} of them dropped` : '') +
    (sum.resampled ? `, ${fmtInt(sum.resampled)} searched again (--fit resample)` : '') +
    // A window that leaves nothing solved, written or dropped, makes no training data (windows far below 1,024 can).
    (unsolved ? `; ${unsolved}` : '')
  );
}
