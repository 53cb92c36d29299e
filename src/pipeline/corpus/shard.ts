import { integerTextFault } from '../../core/values.js';
import { UsageError } from '../../io/errors.js';
import { WHOLE, type Shard } from './options.js';

export interface ResolvedShard {
  readonly shard: Shard;
  /**
   * Where the shard came from when no --shard gave it (`SLURM_ARRAY_TASK_ID`, ...), for the
   * run's line and its refusals; undefined for --shard and for a whole run.
   */
  readonly from: string | undefined;
}

function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  if (integerTextFault(v) !== undefined || v.startsWith('-')) throw new UsageError(`${name}: expected a non-negative integer, got "${v}"`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${name}: ${v} is too large`);
  return n;
}

function check(shard: Shard, what: string): Shard {
  if (shard.count < 1) throw new UsageError(`${what}: the shard count must be at least 1`);
  if (shard.index < 0 || shard.index >= shard.count) {
    throw new UsageError(`${what}: shard index ${shard.index} is outside 0..${shard.count - 1}`);
  }
  return shard;
}

/** A Slurm array task's position: (ID - MIN) / STEP, so `--array=1-8` and `--array=0-14:2` work. */
function slurmIndex(env: NodeJS.ProcessEnv): number | undefined {
  const id = envInt(env, 'SLURM_ARRAY_TASK_ID');
  if (id === undefined) return undefined;
  const min = envInt(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
  const step = envInt(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  if (step < 1 || (id - min) % step !== 0 || id < min) {
    throw new UsageError(`SLURM_ARRAY_TASK_ID ${id} is not MIN ${min} plus a multiple of STEP ${step}`);
  }
  return (id - min) / step;
}

/** Where the shard came from when no option asked for one: a Slurm array task's own index and count. */
export const SLURM_ARRAY = 'SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT';

/**
 * Which shard this run makes: `--shard I/N`; or `--shards N` with the index from a Kubernetes
 * Indexed Job (`JOB_COMPLETION_INDEX`) or a Slurm array (`SLURM_ARRAY_TASK_ID`); or, with
 * neither option, a Slurm array's own index and count (`SLURM_ARRAY_TASK_COUNT`): an index
 * without a count is refused.
 */
export function resolveShard(flag: Shard | undefined, shards: number | undefined, env: NodeJS.ProcessEnv): ResolvedShard {
  if (flag !== undefined) {
    const s = check(flag, '--shard');
    if (shards !== undefined && shards !== s.count) throw new UsageError(`--shards ${shards} disagrees with --shard ${s.index}/${s.count}`);
    return { shard: s, from: undefined };
  }
  const slurmCount = envInt(env, 'SLURM_ARRAY_TASK_COUNT');
  if (shards !== undefined) {
    const k8s = envInt(env, 'JOB_COMPLETION_INDEX');
    if (k8s !== undefined) return { shard: check({ index: k8s, count: shards }, 'JOB_COMPLETION_INDEX'), from: 'JOB_COMPLETION_INDEX' };
    const slurm = slurmIndex(env);
    if (slurm !== undefined) {
      if (slurmCount !== undefined && slurmCount !== shards) {
        throw new UsageError(`--shards ${shards} disagrees with SLURM_ARRAY_TASK_COUNT ${slurmCount}`);
      }
      return { shard: check({ index: slurm, count: shards }, 'SLURM_ARRAY_TASK_ID'), from: 'SLURM_ARRAY_TASK_ID' };
    }
    if (shards === 1) return { shard: WHOLE, from: undefined };
    throw new UsageError(`--shards ${shards}: no shard index (set JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, or use --shard I/${shards})`);
  }
  const slurm = slurmIndex(env);
  if (slurm !== undefined && slurmCount !== undefined) {
    return { shard: check({ index: slurm, count: slurmCount }, 'SLURM_ARRAY_TASK_ID'), from: SLURM_ARRAY };
  }
  // An array task that cannot tell the array's size would make the whole corpus in every task.
  if (slurm !== undefined) {
    throw new UsageError('SLURM_ARRAY_TASK_ID is set and SLURM_ARRAY_TASK_COUNT is not (this Slurm does not say the array\'s size): give --shards N for an array of N tasks, or --shard 0/1 for the whole corpus in each');
  }
  return { shard: WHOLE, from: undefined };
}

/**
 * The line a run says of a shard no `--shard` asked for: said even with --quiet when it is a
 * Slurm array's own (an array task meant to make a whole corpus, a seed sweep, would make a
 * part of it); undefined where there is nothing to say.
 */
export function shardNotice(r: ResolvedShard, quiet: boolean): string | undefined {
  const { shard, from } = r;
  const unasked = from === SLURM_ARRAY && shard.count > 1;
  if (from === undefined || (quiet && !unasked)) return undefined;
  const whole = from === SLURM_ARRAY ? '; --shard 0/1 makes the whole corpus in an array task' : '';
  return `shard ${shard.index}/${shard.count} from ${from}: this run makes 1/${shard.count} of the corpus${whole}`;
}
