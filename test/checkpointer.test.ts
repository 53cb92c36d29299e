import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FORMAT, type Checkpoint, type StageState } from '../src/pipeline/corpus/checkpoint.js';
import { Checkpointer } from '../src/pipeline/corpus/checkpointer.js';
import type { FaultPoint } from '../src/pipeline/corpus/faults.js';
import { CHECKPOINT } from '../src/pipeline/corpus/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const first: Checkpoint = { format: CHECKPOINT_FORMAT, options: {}, shard: { index: 0, count: 1 }, stages: {} };
const state = (records: number, done = false): StageState => ({ records, done, files: {}, tally: {} });
const onDisk = () => JSON.parse(readFileSync(join(dir, CHECKPOINT), 'utf8')) as Checkpoint;

describe('Checkpointer: the checkpoint of a running corpus', () => {
  it('save replaces one stage and keeps the others; the file is what was saved last', async () => {
    const c = new Checkpointer(dir, first, 0, undefined);
    await c.save('train', state(1000, true));
    await c.save('sosp', state(200));
    expect(c.stages).toEqual({ train: state(1000, true), sosp: state(200) });
    expect(onDisk().stages).toEqual(c.stages);
  });

  it('maybeSave: nothing before the interval; after it, one background save at a time, told to the faults once durable', async () => {
    const points: FaultPoint[] = [];
    const c = new Checkpointer(dir, first, 0, { at: (p) => points.push(p) });
    await c.maybeSave('apr', [], () => state(100));
    // A second call while the first save runs starts none.
    await c.maybeSave('apr', [], () => state(200));
    await c.settle();
    expect(c.stages.apr).toEqual(state(100));
    expect(points).toEqual(['checkpoint:1']);
    await c.maybeSave('apr', [], () => state(300));
    await c.settle();
    expect(onDisk().stages.apr).toEqual(state(300));
    expect(points).toEqual(['checkpoint:1', 'checkpoint:2']);

    const slow = new Checkpointer(dir, first, 3_600_000, undefined);
    await slow.maybeSave('apr', [], () => state(400));
    await slow.settle();
    expect(slow.stages.apr).toBeUndefined();
  });

  it("a background save's failure is thrown by the next call", async () => {
    const c = new Checkpointer(join(dir, 'missing', 'folder'), first, 0, undefined);
    await c.maybeSave('apr', [], () => state(100));
    // The save's own error, naming the folder that is not there (not just any error).
    await expect(c.settle()).rejects.toThrow(/cannot write .*missing/);
    await expect(c.maybeSave('apr', [], () => state(200))).rejects.toThrow(/cannot write .*missing/);
  });
});
