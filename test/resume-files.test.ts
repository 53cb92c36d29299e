import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../src/pipeline/corpus/checkpoint.js';
import type { FilePlan, StagePlan } from '../src/pipeline/corpus/plan.js';
import { runFiles } from '../src/pipeline/corpus/resume.js';

/**
 * Which finished names in a folder a stopped run wrote, when it stopped while renaming its
 * files: a finish lists every file in the checkpoint (`listed` of them) before it renames any,
 * so the run's own are of that count; a user's are refused.
 */
describe('the files of a run stopped while finishing a stream', () => {
  const f = { config: 'sosp', split: 'train', kind: 'records', ext: '.jsonl' } as FilePlan;
  const stages = [{ name: 'sosp', files: [f] }] as unknown as StagePlan[];
  const cp = (listed: number | undefined) =>
    ({
      stages: listed === undefined ? {} : { sosp: { done: false, records: 0, files: { 'sosp/train': { parts: Array.from({ length: listed }, () => ({ bytes: 0, records: 0, sha256: '' })) } } } },
    }) as unknown as Checkpoint;
  const finished = (listed: number | undefined, present: string[]) => [...runFiles(cp(listed), stages, present)].filter((n) => !n.endsWith('.partial')).sort();
  const name = (i: number, of?: number) => `sosp/train-0000${i}${of === undefined ? '.jsonl.partial' : `-of-0000${of}.jsonl`}`;

  it('are its series of the listed count, wherever the finish or a resume taking them back stopped', () => {
    expect(finished(3, [name(0, 3), name(1, 3), name(2)])).toEqual([name(0, 3), name(1, 3)]);
    // A resume that took back index 0 before it stopped.
    expect(finished(3, [name(0), name(1, 3), name(2, 3)])).toEqual([name(1, 3), name(2, 3)]);
    expect(finished(1, [name(0, 1)])).toEqual([name(0, 1)]);
  });

  it("leave out a user's series of another count, and a finished name beside the run's .partial of its index", () => {
    expect(finished(3, [name(0, 2), name(0, 3), name(1, 2), name(1, 3), name(2)])).toEqual([name(0, 3), name(1, 3)]);
    expect(finished(2, [name(0, 2), name(0, 5), name(1, 2), name(1, 5), name(2, 5), name(3, 5), name(4, 5)])).toEqual([name(0, 2), name(1, 2)]);
    expect(finished(3, [name(0, 3), name(1), name(2), name(2, 3)])).toEqual([name(0, 3)]);
    expect(finished(2, [name(0), name(1), name(2, 3)])).toEqual([]);
  });

  it("take no finished name while the checkpoint lists no file of the stream: a user's whole series is not the run's", () => {
    // A run stopped once it opened the stage's files, before any checkpoint listed them (a
    // review found a user's whole series taken for the run's there, and deleted by the resume).
    expect(finished(undefined, [name(0), name(0, 1)])).toEqual([]);
    expect(finished(undefined, [name(0, 3), name(1, 3), name(2, 3)])).toEqual([]);
    expect(finished(0, [name(0, 3), name(1, 3), name(2)])).toEqual([]);
  });
});

/**
 * A stage of two streams stopped with one of them renamed and the other's files all `.partial`:
 * a finish lists both streams' files, then renames the records stream whole before it begins
 * on the sequences, and a resume takes the records back whole before it begins on the
 * sequences. Each stream's names are judged on their own count.
 */
describe('the files of a stage stopped with one stream renamed and the other open', () => {
  const rec = { config: 'apr', split: 'train', kind: 'records', ext: '.jsonl' } as FilePlan;
  const seq = { config: 'apr_sequences', split: 'train', kind: 'sequences', ext: '.jsonl' } as FilePlan;
  const stages = [{ name: 'apr', files: [rec, seq] }] as unknown as StagePlan[];
  const parts = (n: number) => ({ parts: Array.from({ length: n }, () => ({ bytes: 0, records: 0, sha256: '' })) });
  // The checkpoint lists 3 files of the records and 2 of the sequences.
  const cp = { stages: { apr: { done: false, records: 0, files: { 'apr/train': parts(3), 'apr_sequences/train': parts(2) } } } } as unknown as Checkpoint;
  const name = (f: FilePlan, i: number, of?: number) => `${f.config}/train-0000${i}${of === undefined ? '.jsonl.partial' : `-of-0000${of}.jsonl`}`;
  const listed = [name(rec, 0), name(rec, 1), name(rec, 2), name(seq, 0), name(seq, 1)];
  const own = (present: string[]) => [...runFiles(cp, stages, present)].sort();

  it('the records renamed, the sequences open (a finish stopped between its streams)', () => {
    const present = [name(rec, 0, 3), name(rec, 1, 3), name(rec, 2, 3), name(seq, 0), name(seq, 1)];
    expect(own(present)).toEqual([...listed, name(rec, 0, 3), name(rec, 1, 3), name(rec, 2, 3)].sort());
    // A finished name in the open stream beside its .partial is not the run's, nor one of another count.
    expect(own([...present, name(seq, 0, 2)])).not.toContain(name(seq, 0, 2));
    expect(own([...present, name(seq, 2, 3)])).not.toContain(name(seq, 2, 3));
  });

  it('the records open, the sequences still renamed (a resume stopped between its streams)', () => {
    const present = [name(rec, 0), name(rec, 1), name(rec, 2), name(seq, 0, 2), name(seq, 1, 2)];
    expect(own(present)).toEqual([...listed, name(seq, 0, 2), name(seq, 1, 2)].sort());
    // ...or once it took back the first of the sequences.
    expect(own([name(rec, 0), name(rec, 1), name(rec, 2), name(seq, 0), name(seq, 1, 2)])).toEqual([...listed, name(seq, 1, 2)].sort());
    // A finished name of another count in the open records stream is not the run's.
    expect(own([...present, name(rec, 2, 4)])).not.toContain(name(rec, 2, 4));
  });
});
