import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../src/pipeline/corpus/checkpoint.js';
import type { FilePlan, StagePlan } from '../src/pipeline/corpus/plan.js';
import { runFiles } from '../src/pipeline/corpus/resume.js';

/**
 * Which finished names in a folder a stopped run wrote, when it stopped while renaming its
 * files (its checkpoint lists `listed` of them): the run's own are kept, a user's are refused.
 */
describe('the files of a run stopped while finishing a stream', () => {
  const f = { config: 'sosp', split: 'train', kind: 'records', ext: '.jsonl' } as FilePlan;
  const stages = [{ name: 'sosp', files: [f] }] as unknown as StagePlan[];
  const cp = (listed: number) =>
    ({ stages: { sosp: { done: false, records: 0, files: { 'sosp/train': { parts: Array.from({ length: listed }, () => ({ bytes: 0, records: 0, sha256: '' })) } } } } }) as unknown as Checkpoint;
  const finished = (listed: number, present: string[]) => [...runFiles('c', cp(listed), stages, present)].filter((n) => !n.endsWith('.partial')).sort();
  const name = (i: number, of?: number) => `sosp/train-0000${i}${of === undefined ? '.jsonl.partial' : `-of-0000${of}.jsonl`}`;

  it('are its series of one count, wherever the finish or a resume taking them back stopped', () => {
    expect(finished(1, [name(0, 3), name(1, 3), name(2)])).toEqual([name(0, 3), name(1, 3)]);
    // A resume that deleted files past the checkpoint, and took back index 0, before it stopped.
    expect(finished(2, [name(0), name(1, 3)])).toEqual([name(1, 3)]);
    expect(finished(1, [name(0, 3), name(2, 3)])).toEqual([name(0, 3), name(2, 3)]);
  });

  it("leave out a user's series beside them, and a user's file at a name the run gives later", () => {
    // The run's .partial at index 2 rules out a count of 2 (a review found a majority vote took the user's pair).
    expect(finished(1, [name(0, 2), name(0, 3), name(1, 2), name(1, 3), name(2)])).toEqual([name(0, 3), name(1, 3)]);
    expect(finished(2, [name(0, 2), name(1, 2), name(2, 3)])).toEqual([name(0, 2), name(1, 2)]);
    // Beside the run's .partial of its index, a finished name is not the run's; the run's renamed index 0 still is.
    expect(finished(3, [name(0, 3), name(1), name(2), name(2, 3)])).toEqual([name(0, 3)]);
    // Past the listed files only once every listed one is renamed (a finish renames in index order).
    expect(finished(2, [name(0), name(1), name(3, 4)])).toEqual([]);
    // A stream the checkpoint lists no file of yet: a finished name above the run's .partial files is not the run's
    // (its finish renames from the lowest index); alone, one that does not run on to its count's last index is not either.
    // Helper runs killed at a record found each of these deleted by the resume, silently.
    expect(finished(0, [name(0), name(1, 2)])).toEqual([]);
    expect(finished(0, [name(0), name(1), name(2), name(4, 9)])).toEqual([]);
    expect(finished(0, [name(4, 9)])).toEqual([]);
    // ...where a run stopped mid-finish, or a resume stopped deleting them, leaves its own.
    expect(finished(0, [name(0, 3), name(1, 3), name(2)])).toEqual([name(0, 3), name(1, 3)]);
    expect(finished(0, [name(1, 3), name(2)])).toEqual([name(1, 3)]);
  });

  it('refuse two whole series of different counts, naming both: which is the run\'s cannot be told', () => {
    expect(() => finished(2, [name(0, 2), name(0, 5), name(1, 2), name(1, 5)])).toThrow(/^c\/sosp\/train-00000-of-0000[25]\.jsonl and c\/sosp\/train-00000-of-0000[25]\.jsonl each belong to a whole series/);
  });
});
