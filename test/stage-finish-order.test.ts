import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

/** What the run does to the disk, in order: folders synced, small files written, fault points reached. */
const events = vi.hoisted(() => [] as string[]);
vi.mock('../src/pipeline/corpus/files.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/pipeline/corpus/files.js')>();
  return {
    ...m,
    syncDir: async (d: string) => {
      events.push(`sync ${d}`);
      await m.syncDir(d);
    },
    writeAtomic: async (path: string, text: string) => {
      const r = await m.writeAtomic(path, text);
      events.push(`write ${path}`);
      return r;
    },
  };
});

const { runCorpus } = await import('../src/pipeline/corpus/run.js');
const { CHECKPOINT } = await import('../src/pipeline/corpus/plan.js');

const dir = mkdtempSync(join(tmpdir(), 'finish-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a finishing stage's checkpoint", () => {
  it('is durable (its folder synced after it is replaced) before any file of the stage is renamed', async () => {
    const out = join(dir, 'out');
    const options = { count: 50, seed: 1, valCount: 0, spec: { minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100, maxNumber: 99 }, solvers: [], settings: {}, window: 4096, compress: 'none', maxFileSize: 0 } as const;
    const settings = { out, workers: 0, workerHeap: 256, batchSize: undefined, shard: { index: 0, count: 1 }, start: 'new', checkpointInterval: 3600, quiet: true, timings: undefined, argv: [] } as const;
    await runCorpus(options, settings, { at: (p) => void events.push(p) });
    // Resuming takes as the run's only the finished names of the count the checkpoint lists: a
    // power cut that kept a rename but lost the checkpoint listing every file would leave the
    // run's own files refused as a user's.
    const sealed = events.indexOf('sealed:train');
    expect(sealed).toBeGreaterThan(0);
    const saved = events.lastIndexOf(`write ${join(out, CHECKPOINT)}`, sealed);
    expect(saved).toBeGreaterThanOrEqual(0);
    expect(events.slice(saved + 1, sealed)).toContain(`sync ${out}`);
  });
});
