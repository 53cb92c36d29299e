/**
 * One cell of `npm run frontier` (a piscina task): APR on the problems of one start size,
 * either as the reference writes it (`--compat reference`, no window) or in default mode
 * at one window and depth. Every figure is measured on the records as written: the
 * sequences are read back from `trace_dict` and counted with the text tokenizer, never
 * taken from the planner's own counts.
 */
import { RecordMaker } from '../pipeline/make-record.js';
import { qualify, type RecordSettings } from '../pipeline/settings.js';
import { recordStreams } from '../random/streams.js';
import { problemRecord } from '../serializers/problem.js';
import { recordFigures } from '../serializers/record-view.js';
import { DEFAULT_SPEC, defaultProblems, type Problem } from '../solver/problems.js';
import { countTextTokens, sequenceLength } from '../tokens/llama.js';

/** The frontier's problems seed (`npm run bounds` draws the same problems unless told another). */
export const FRONTIER_SEED = 77;

/** Problems of a start size the frontier measures by default: 300 of six numbers (the largest searches), else 1,000. */
export const frontierCount = (numbers: number): number => (numbers === 6 ? 300 : 1000);

/** Default mode's problems of one start size, as the frontier draws them for every cell. */
export function frontierProblems(numbers: number, count: number, seed: number): Problem[] {
  return [...defaultProblems(seed, 'train', { ...DEFAULT_SPEC, minNumbers: numbers, maxNumbers: numbers }, count, new Set())];
}

export interface CellSpec {
  readonly numbers: number;
  readonly count: number;
  /** Problems seed (the search seed is 0). */
  readonly seed: number;
  /** Omitted: the reference (no window). */
  readonly window?: number;
  readonly depth?: number;
  /** Windows to count overflows against (the reference's sequences are judged at each). */
  readonly judge: readonly number[];
}

export interface CellFigures {
  readonly spec: CellSpec;
  readonly records: number;
  readonly solved: number;
  /** Text tokens of all sequences, summed over records. */
  readonly tokens: number;
  readonly sequences: number;
  readonly sequential: number;
  readonly threads: number;
  readonly maxDepth: number;
  /** Sequences whose text + `<s>` + `</s>` exceeds each judged window. */
  readonly over: Record<number, number>;
  /** Text tokens per sequence: value -> count. */
  readonly lengths: Record<number, number>;
}

export default function runCell(spec: CellSpec): CellFigures {
  const problems = frontierProblems(spec.numbers, spec.count, spec.seed);
  const reference = spec.window === undefined;
  // Figures are counted from the records below, so the records need no token fields.
  const flags = reference ? { reference } : { window: spec.window!, maxDepth: spec.depth! };
  const settings: RecordSettings = { ...qualify('apr', flags), tokenFields: false, countTokens: false };
  const maker = new RecordMaker();
  const rngOf = recordStreams(0, 'apr', reference);
  const f = { records: 0, solved: 0, tokens: 0, sequences: 0, sequential: 0, threads: 0, maxDepth: 0 };
  const over: Record<number, number> = Object.fromEntries(spec.judge.map((w) => [w, 0]));
  const lengths: Record<number, number> = {};
  const countSequence = (_: string, tokens: number) => {
    lengths[tokens] = (lengths[tokens] ?? 0) + 1;
    for (const w of spec.judge) if (sequenceLength(tokens) > w) over[w]!++;
  };
  problems.forEach((p, i) => {
    const made = maker.unsafeMake(p, problemRecord(p, reference ? 'reference' : 'default'), rngOf(i), settings);
    const record = JSON.parse(Buffer.from(made.json).toString('latin1')) as Record<string, unknown>;
    const r = recordFigures(record, countTextTokens, countSequence);
    f.records++;
    // Not `rating > 0`: a solved search can rate 0 (max_nodes counts leaves, not the operations it may try).
    if (made.solved) f.solved++;
    f.threads += r.threads;
    f.sequences += r.sequences;
    f.tokens += r.totalTokens;
    f.sequential += r.sequentialTokens;
    f.maxDepth = Math.max(f.maxDepth, r.depth);
  });
  return { spec, ...f, over, lengths };
}
