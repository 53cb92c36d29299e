import { fmtInt, plural } from '../../io/numbers.js';
import type { Split } from '../../solver/problems.js';
import { SOLVERS, type SolverName } from '../../solver/registry.js';
import { UsageError } from '../../io/errors.js';
import type { CorpusOptions, Shard } from './options.js';

/**
 * Records are written in blocks of a fixed number of records that depends only on the
 * stage, never on workers or batch size. A block is the unit of durability (checkpoints
 * fall on block ends), the unit a file is split at (`--max-file-size`), and, with
 * `--compress gzip`, one gzip member, so truncating a file to a checkpoint cuts between
 * members and `merge` can lay the blocks of joined shards out as one run would.
 */
const PROBLEM_BLOCK = 1000;
const SEARCH_BLOCK = 100;
/** Shards start on multiples of this (a multiple of every block size). */
const SHARD_ALIGN = 1000;

export type StageName = 'train' | 'val' | SolverName;

/** Splits as the Hugging Face Hub names them (`val` is `validation` there). */
const DATA_SPLITS = ['train', 'validation'] as const;
export type DataSplit = (typeof DATA_SPLITS)[number];

/**
 * One stream of records: a split of a dataset config, written as numbered files of bounded
 * size in the config's folder (`apr/train-00000-of-00003.jsonl`, ...).
 */
export interface FilePlan {
  /** The dataset config, and the folder of its files: `problems`, `sosp`, `apr_sequences`, ... */
  readonly config: string;
  readonly split: DataSplit;
  /** What its records are (for the manifest and the dataset card). */
  readonly kind: 'problems' | 'records' | 'sequences';
  /** `.jsonl`, or `.jsonl.gz` with `--compress gzip`. */
  readonly ext: string;
}

interface StageSpan {
  /** First and one-past-last global record index this run writes. */
  readonly start: number;
  readonly end: number;
  readonly block: number;
}

/** Problems of a split (`train`, `val`): one stream. */
export interface ProblemsPlan extends StageSpan {
  readonly name: Split;
  readonly kind: 'problems';
  /** A shard's records before `start`: drawn (not written) to de-duplicate. */
  readonly prefix: number;
  readonly files: readonly [FilePlan];
}

/** Search records of a solver: its records stream, then its sequences stream. */
export interface SearchPlan extends StageSpan {
  readonly name: SolverName;
  readonly kind: 'search';
  readonly files: readonly [records: FilePlan, sequences: FilePlan];
}

export type StagePlan = ProblemsPlan | SearchPlan;

export const CHECKPOINT = '.corpus-checkpoint.json';
export const LOCK = '.corpus.lock';
export const STATS = 'stats.json';
export const MANIFEST = 'manifest.json';
/** The dataset card: what the Hugging Face Hub shows, and where `datasets` finds the configs. */
export const CARD = 'README.md';
/** A shard's block sizes, which `merge` needs to split the joined files where one run would. */
export const BLOCKS = 'blocks.json';
export const PARTIAL = '.partial';

/** Default `--max-file-size`: what `datasets`' `push_to_hub` writes per file (500 MB). */
export const DEFAULT_MAX_FILE_SIZE = 500_000_000;
/** Digits of a file's number (more only when a stream has more files than they count). */
const PART_DIGITS = 5;

export function dataExt(o: Pick<CorpusOptions, 'compress'>): string {
  return `.jsonl${o.compress === 'gzip' ? '.gz' : ''}`;
}

/** The key of a stream in the checkpoint and in `blocks.json`: `apr/train`. */
export function streamKey(f: Pick<FilePlan, 'config' | 'split'>): string {
  return `${f.config}/${f.split}`;
}

/**
 * A file of a stream, relative to the corpus folder: `apr/train-00003.jsonl.partial` while the
 * stream is written (its count of files is not known yet), `apr/train-00003-of-00029.jsonl`
 * once it is complete, so that a sorted listing gives the records in order.
 */
export function partName(f: FilePlan, index: number, total?: number): string {
  if (total === undefined) return `${f.config}/${f.split}-${String(index).padStart(PART_DIGITS, '0')}${f.ext}${PARTIAL}`;
  const width = Math.max(PART_DIGITS, String(total).length);
  return `${f.config}/${f.split}-${String(index).padStart(width, '0')}-of-${String(total).padStart(width, '0')}${f.ext}`;
}

/** Which file of the stream a name in its folder is (written or finished, and of how many files), if any. */
export function parsePartName(f: Pick<FilePlan, 'split' | 'ext'>, name: string): { index: number; finished: boolean; total?: number } | undefined {
  const ext = f.ext.replace(/\./g, '\\.');
  const m = new RegExp(`^${f.split}-(\\d+)(?:-of-(\\d+))?${ext}(\\.partial)?$`).exec(name);
  if (!m) return undefined;
  return { index: Number(m[1]), finished: m[2] !== undefined && m[3] === undefined, ...(m[2] !== undefined ? { total: Number(m[2]) } : {}) };
}

/** The glob that matches every finished file of a stream and nothing else (the dataset card's `data_files`). */
export function partGlob(f: Pick<FilePlan, 'config' | 'split' | 'ext'>): string {
  return `${f.config}/${f.split}-*${f.ext}`;
}

function stream(config: string, split: DataSplit, kind: FilePlan['kind'], o: Pick<CorpusOptions, 'compress'>): FilePlan {
  return { config, split, kind, ext: dataExt(o) };
}

/** The config of a solver's training sequences (`apr_sequences`). */
function sequencesConfig(solver: SolverName): string {
  return `${solver}_sequences`;
}

/** The solver whose training sequences a config holds (`apr_sequences`: apr); undefined for any other config. */
export function sequencesSolver(config: string): SolverName | undefined {
  return SOLVERS.find((s) => sequencesConfig(s) === config);
}

/** The files a run writes at the top of its folder (each also as `NAME.partial` while written); the lock aside. */
export const TOP_FILES = [MANIFEST, CHECKPOINT, STATS, CARD, BLOCKS] as const;

/** Every config folder a run of any solvers may write: `problems`, then each solver's records and sequences. */
export function everyConfig(): string[] {
  return ['problems', ...SOLVERS.flatMap((s) => [s, sequencesConfig(s)])];
}

/** Whether a stream's glob (`partGlob`) loads the file `name` of its config folder. */
export function loadedByGlob(f: Pick<FilePlan, 'split' | 'ext'>, name: string): boolean {
  const prefix = `${f.split}-`;
  return name.startsWith(prefix) && name.endsWith(f.ext) && name.length >= prefix.length + f.ext.length;
}

/** Whether `name` is a data file (written or finished, compressed or not) of some split of a config folder. */
export function isPartName(name: string): boolean {
  return DATA_SPLITS.some((split) => (['none', 'gzip'] as const).some((compress) => parsePartName({ split, ext: dataExt({ compress }) }, name) !== undefined));
}

/** Whether `name` is a data file's name as a run gives it (`train-00003.jsonl.partial`; `train-3.jsonl.partial` only reads as one). */
export function isGivenPartName(name: string): boolean {
  return DATA_SPLITS.some((split) =>
    (['none', 'gzip'] as const).some((compress) => {
      const f: FilePlan = { config: '', split, kind: 'problems', ext: dataExt({ compress }) };
      const p = parsePartName(f, name);
      return p !== undefined && partName(f, p.index, p.finished ? p.total : undefined) === `/${name}`;
    }),
  );
}

/**
 * A shard as a message names it: `--shard 1/4`, or where no --shard gave it, with where it came
 * from (`shard 1/4 from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT`), which no option on the
 * command line says.
 */
export function shardName(shard: Shard, from?: string): string {
  const at = `${shard.index}/${shard.count}`;
  return from === undefined ? `--shard ${at}` : `shard ${at} from ${from}`;
}

/** The records of a shard: whole `SHARD_ALIGN` blocks, spread as evenly as possible; `from` as shardName takes it. */
export function shardRange(count: number, shard: Shard, from?: string): { start: number; end: number } {
  const blocks = Math.ceil(count / SHARD_ALIGN);
  if (shard.count > blocks) {
    throw new UsageError(
      `${shardName(shard, from)}: ${plural(count, 'record')} make ${plural(blocks, 'block')} of ${fmtInt(SHARD_ALIGN)}; use at most ${plural(blocks, 'shard')}`,
    );
  }
  const b0 = Math.floor((shard.index * blocks) / shard.count);
  const b1 = Math.floor(((shard.index + 1) * blocks) / shard.count);
  return { start: b0 * SHARD_ALIGN, end: Math.min(b1 * SHARD_ALIGN, count) };
}

/** The stages of a run (or of one shard), in the order they run and their files are listed. */
export function planStages(o: CorpusOptions, shard: Shard, from?: string): StagePlan[] {
  const { start, end } = shardRange(o.count, shard, from);
  const stages: StagePlan[] = [
    { name: 'train', kind: 'problems', start, end, block: PROBLEM_BLOCK, prefix: start, files: [stream('problems', 'train', 'problems', o)] },
  ];
  // Val is small and drawn once: the first shard writes it, `merge` takes it from there.
  if (o.valCount > 0 && shard.index === 0) {
    stages.push({ name: 'val', kind: 'problems', start: 0, end: o.valCount, block: PROBLEM_BLOCK, prefix: 0, files: [stream('problems', 'validation', 'problems', o)] });
  }
  for (const s of o.solvers) {
    stages.push({
      name: s,
      kind: 'search',
      start,
      end,
      block: SEARCH_BLOCK,
      files: [
        stream(s, 'train', 'records', o),
        stream(sequencesConfig(s), 'train', 'sequences', o),
      ],
    });
  }
  return stages;
}
