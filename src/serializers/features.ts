import { solverNamed, type SolverName } from '../solver/registry.js';

/**
 * The type of every field of the records this tool writes, as a dataset loader declares it
 * (Hugging Face `datasets` features, written into a corpus' dataset card): without them the
 * loader guesses each column's type from the first lines it reads, and a list that is empty
 * on all of them (`trace_dict`'s deeper `sub_calls`) becomes a list of nulls that later
 * lines cannot be cast to. The fields follow the writers (problem.ts, search-record.ts,
 * sequences.ts, make-record.ts's sequence lines); the corpus tests check every line of every
 * config against these declarations, so a field added to a writer without its type here fails
 * them.
 */
export type Feature =
  | 'int64'
  | 'float64'
  | 'string'
  | 'null'
  | { readonly list: Feature }
  | { readonly struct: readonly Field[] };
export type Field = readonly [name: string, type: Feature];

const list = (f: Feature): Feature => ({ list: f });

/** problemRecord's fields. */
const PROBLEM: readonly Field[] = [
  ['nums', list('int64')],
  ['target', 'int64'],
  ['solution', list('string')],
  ['optimal_path', 'string'],
  ['start_size', 'int64'],
];

/** A search's own fields (writeSearchRecord), in its order; APR adds the rest. */
const SEARCH: readonly Field[] = [
  ['search_path', 'string'],
  ['rating', 'float64'],
  ['search_type', 'string'],
  ['heuristic', 'string'],
];

/** tokenFields, then figureFields (default mode). */
const FIGURES: readonly Field[] = [
  ['token_count', 'int64'],
  ['longest_seq_token_count', 'int64'],
  ['avg_seq_token_count', 'float64'],
  ['avg_sub_seq_token_count', 'float64'],
  ['sub_call_count', 'float64'],
  ['thread_count', 'int64'],
  ['seq_count', 'int64'],
  ['thread_depth', 'int64'],
  ['text_token_count', 'int64'],
  ['sequential_token_count', 'int64'],
  ['seq_token_counts', list('int64')],
];

/** RecordMaker.sequenceLine's fields. */
const SEQUENCE: readonly Field[] = [
  ['text', 'string'],
  ['record', 'int64'],
  ['thread', 'string'],
  ['tokens', 'int64'],
];

/**
 * `trace_dict` of a thread at `level`: its sequences, and the child threads of each spawn.
 * Threads below `maxSpawnLevel` spawn; one at `maxSpawnLevel + 1` never does, so its
 * `sub_calls` is always empty (a list of lists of nulls, as a loader reads `[]`).
 */
function traceDict(level: number, maxSpawnLevel: number): Feature {
  const sub = level > maxSpawnLevel ? 'null' : traceDict(level + 1, maxSpawnLevel);
  return { struct: [['main_calls', list('string')], ['sub_calls', list(list(sub))]] };
}

export interface RecordShape {
  readonly solver: SolverName;
  /** Default mode's token and thread figures. */
  readonly tokenFields: boolean;
  /** Threads: the deepest level of threads that may spawn (0: the root only). */
  readonly maxSpawnLevel: number;
}

/** The fields of a problems file, a solver's records (made from problems files), or a sequences file. */
export function recordFields(kind: 'problems' | 'records' | 'sequences', shape?: RecordShape): readonly Field[] {
  if (kind === 'problems') return PROBLEM;
  if (kind === 'sequences') return SEQUENCE;
  if (!shape) throw new Error('the fields of search records depend on their solver and options');
  const apr: Field[] =
    solverNamed(shape.solver).shape === 'threads'
      ? [
          ['promising_threshold', 'float64'],
          ['beam_size', 'int64'],
          ['sub_call_beam_size', 'int64'],
          ['trace_dict', traceDict(0, shape.maxSpawnLevel)],
        ]
      : [];
  return [...PROBLEM, ...SEARCH, ...apr, ...(shape.tokenFields ? FIGURES : [])];
}
