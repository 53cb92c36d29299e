import { PythonRandom } from '../random/python.js';
import type { Rng } from '../random/rng.js';
import { streamFor } from '../random/streams.js';
import type { SearchOptions } from '../solver/strategies.js';
import { makeSearch } from './make-record.js';
import { readProblems } from './problems-file.js';
import { RecordSink } from './sink.js';

export interface SearchJob {
  readonly problems: string;
  readonly out: string;
  readonly seed: number;
  readonly options: SearchOptions;
}

/**
 * The randomness of record `index`: reference mode shares one Python generator across the
 * file in order (as the reference with one worker); default mode gives every record its
 * own stream, so any record can be made alone, by any worker.
 */
export function recordRngs(seed: number, options: SearchOptions): (index: number) => Rng {
  if (options.reference) {
    const shared = new PythonRandom(seed);
    return () => shared;
  }
  return (index) => streamFor(seed, options.solver, index);
}

/** Searches every problem of a file and writes the records; output appears only when complete. */
export async function runSearchJob(job: SearchJob): Promise<number> {
  const rngFor = recordRngs(job.seed, job.options);
  const sink = RecordSink.open(job.out);
  try {
    let index = 0;
    for await (const { problem, record } of readProblems(job.problems)) {
      await sink.write(makeSearch(problem, record, rngFor(index++), job.options, false).json);
    }
    await sink.close();
  } catch (err) {
    await sink.abort();
    throw err;
  }
  return sink.records;
}
