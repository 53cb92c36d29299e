import type { SolverName } from '../../solver/strategies.js';
import { UsageError } from '../errors.js';
import type { CorpusOptions, Shard } from './options.js';

/**
 * Records are written in blocks of a fixed number of records that depends only on the
 * stage, never on workers or batch size. A block is the unit of durability (checkpoints
 * fall on block ends) and, with `--compress gzip`, one gzip member, so truncating a file
 * to a checkpoint cuts between members and concatenated shards equal the unsharded file.
 */
export const PROBLEM_BLOCK = 1000;
export const SEARCH_BLOCK = 100;
/** Shards start on multiples of this (a multiple of every block size). */
export const SHARD_ALIGN = 1000;

export type StageName = 'train' | 'val' | SolverName;

export interface FilePlan {
  /** Final name inside the output folder. */
  readonly name: string;
  /** What its records are (for the manifest). */
  readonly kind: 'problems' | 'records' | 'sequences';
}

export interface StagePlan {
  readonly name: StageName;
  readonly kind: 'problems' | 'search';
  /** First and one-past-last global record index this run writes. */
  readonly start: number;
  readonly end: number;
  readonly block: number;
  /** Problems stages of a shard: records before `start` are drawn (not written) to de-duplicate. */
  readonly prefix: number;
  /** Records file first, then sequences (search stages). */
  readonly files: readonly FilePlan[];
}

export const CHECKPOINT = '.corpus-checkpoint.json';
export const LOCK = '.corpus.lock';
export const STATS = 'stats.json';
export const MANIFEST = 'manifest.json';
export const PARTIAL = '.partial';

export function dataName(base: string, o: Pick<CorpusOptions, 'compress'>): string {
  return `${base}.jsonl${o.compress === 'gzip' ? '.gz' : ''}`;
}

/** The records of a shard: whole `SHARD_ALIGN` blocks, spread as evenly as possible. */
export function shardRange(count: number, shard: Shard): { start: number; end: number } {
  const blocks = Math.ceil(count / SHARD_ALIGN);
  if (shard.count > blocks) {
    throw new UsageError(
      `--shard ${shard.index}/${shard.count}: ${count} records make ${blocks} block${blocks === 1 ? '' : 's'} of ${SHARD_ALIGN}; use at most ${blocks} shard${blocks === 1 ? '' : 's'}`,
    );
  }
  const b0 = Math.floor((shard.index * blocks) / shard.count);
  const b1 = Math.floor(((shard.index + 1) * blocks) / shard.count);
  return { start: b0 * SHARD_ALIGN, end: Math.min(b1 * SHARD_ALIGN, count) };
}

/** The stages of a run (or of one shard), in the order they run and their files are listed. */
export function planStages(o: CorpusOptions, shard: Shard): StagePlan[] {
  const { start, end } = shardRange(o.count, shard);
  const stages: StagePlan[] = [
    { name: 'train', kind: 'problems', start, end, block: PROBLEM_BLOCK, prefix: start, files: [{ name: dataName('train', o), kind: 'problems' }] },
  ];
  // Val is small and drawn once: the first shard writes it, `merge` takes it from there.
  if (o.valCount > 0 && shard.index === 0) {
    stages.push({ name: 'val', kind: 'problems', start: 0, end: o.valCount, block: PROBLEM_BLOCK, prefix: 0, files: [{ name: dataName('val', o), kind: 'problems' }] });
  }
  for (const s of o.solvers) {
    stages.push({
      name: s,
      kind: 'search',
      start,
      end,
      block: SEARCH_BLOCK,
      prefix: 0,
      files: [
        { name: dataName(s, o), kind: 'records' },
        { name: dataName(`${s}.sequences`, o), kind: 'sequences' },
      ],
    });
  }
  return stages;
}
