import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstCandidate } from '../src/pipeline/corpus/problem-task.js';
import { expectSameTree, repoRoot } from './helpers.js';

/**
 * The de-duplication rule in a crowded problem space, where about half the records are not
 * their stream's first candidate: the corpus (first candidates on workers, later ones on the
 * main thread, a shard drawing the records before its own) draws the very problems the
 * `problems` command draws, unsharded or as two merged shards.
 */

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'corpus-dedup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = ['--seed', '3', '--min-numbers', '3', '--max-numbers', '3', '--max-number', '12', '--max-target', '60'];
const CORPUS = ['corpus', '--count', '2000', '--val-count', '0', '--solvers', 'dfs', '--quiet', '--workers', '2', ...SPEC];

/** No shard variables leak in from a CI that runs inside Slurm or Kubernetes. */
const env: NodeJS.ProcessEnv = { ...process.env };
for (const k of Object.keys(env)) if (k.startsWith('SLURM_') || k === 'JOB_COMPLETION_INDEX') delete env[k];

function run(args: string[]): void {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, env });
  expect(r.status, r.stderr).toBe(0);
}

describe('corpus de-duplication: the rule of the problems command', () => {
  it('in a crowded space, train problems are the problems command\'s, unsharded and as merged shards', () => {
    run(['problems', '--count', '2000', ...SPEC, '--out', 'p.jsonl']);
    const lines = readFileSync(join(dir, 'p.jsonl'), 'utf8').trim().split('\n');
    const spec = { minNumbers: 3, maxNumbers: 3, minTarget: 10, maxTarget: 60, maxNumber: 12 };
    const later = lines.filter((l, i) => {
      const p = JSON.parse(l) as { nums: number[]; target: number };
      const f = firstCandidate(3, 'train', i, spec);
      return f.target !== p.target || f.nums.join() !== p.nums.join();
    }).length;
    expect(later).toBeGreaterThan(500);

    run([...CORPUS, '--out', 'c']);
    expect(readFileSync(join(dir, 'c', 'problems', 'train-00000-of-00001.jsonl')).equals(readFileSync(join(dir, 'p.jsonl'))), 'the corpus\'s train problems are p.jsonl').toBe(true);
    run([...CORPUS, '--shard', '1/2', '--out', 's1']);
    run([...CORPUS, '--shard', '0/2', '--batch-size', '7', '--out', 's0']);
    run(['merge', 's0', 's1', '--out', 'm', '--quiet']);
    expectSameTree(join(dir, 'c'), join(dir, 'm'));
  }, 120_000);
});
