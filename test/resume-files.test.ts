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

/**
 * A stage of two streams stopped with one of them renamed and the other's files all `.partial`:
 * a finish renames the records stream whole before it begins on the sequences, and a resume
 * takes the records back whole before it begins on the sequences. Each stream's names are judged
 * on their own; the renamed one's are the run's, the open one's finished-looking names beside its
 * `.partial` files are not.
 */
describe('the files of a stage stopped with one stream renamed and the other open', () => {
  const rec = { config: 'apr', split: 'train', kind: 'records', ext: '.jsonl' } as FilePlan;
  const seq = { config: 'apr_sequences', split: 'train', kind: 'sequences', ext: '.jsonl' } as FilePlan;
  const stages = [{ name: 'apr', files: [rec, seq] }] as unknown as StagePlan[];
  const parts = (n: number) => ({ parts: Array.from({ length: n }, () => ({ bytes: 0, records: 0, sha256: '' })) });
  // The checkpoint lists 2 files of the records and 1 of the sequences; the finish had 3 and 2.
  const cp = { stages: { apr: { done: false, records: 0, files: { 'apr/train': parts(2), 'apr_sequences/train': parts(1) } } } } as unknown as Checkpoint;
  const name = (f: FilePlan, i: number, of?: number) => `${f.config}/train-0000${i}${of === undefined ? '.jsonl.partial' : `-of-0000${of}.jsonl`}`;
  const own = (present: string[]) => [...runFiles('c', cp, stages, present)].sort();

  it('the records renamed, the sequences open (a finish stopped between its streams)', () => {
    const present = [name(rec, 0, 3), name(rec, 1, 3), name(rec, 2, 3), name(seq, 0), name(seq, 1)];
    expect(own(present)).toEqual([name(rec, 0), name(rec, 0, 3), name(rec, 1), name(rec, 1, 3), name(rec, 2, 3), name(seq, 0)].sort());
    // A finished name in the open stream beside its .partial is not the run's, nor a series above them.
    expect(own([...present, name(seq, 0, 2)])).not.toContain(name(seq, 0, 2));
    expect(own([...present, name(seq, 2, 3)])).not.toContain(name(seq, 2, 3));
  });

  it('the records open, cut back to the checkpoint, the sequences still renamed (a resume stopped between its streams)', () => {
    const present = [name(rec, 0), name(rec, 1), name(seq, 0, 2), name(seq, 1, 2)];
    expect(own(present)).toEqual([name(rec, 0), name(rec, 1), name(seq, 0), name(seq, 0, 2), name(seq, 1, 2)].sort());
    // ...or once it deleted the sequences' file past the checkpoint, before it took back the listed one.
    expect(own([name(rec, 0), name(rec, 1), name(seq, 0, 2)])).toEqual([name(rec, 0), name(rec, 1), name(seq, 0), name(seq, 0, 2)].sort());
    // It deletes before it takes back: the file past the checkpoint beside a listed one taken back is not the run's.
    expect(own([name(rec, 0), name(rec, 1), name(seq, 0), name(seq, 1, 2)])).not.toContain(name(seq, 1, 2));
    // A finished name in the open records stream past the checkpoint is not the run's: its finished names go back all at once, from the lowest.
    expect(own([...present, name(rec, 2, 3)])).not.toContain(name(rec, 2, 3));
  });
});
