/**
 * One cell of `npm run frontier` (a piscina task): APR on the problems of one start size,
 * either as the reference writes it (`--compat reference`, no window) or in default mode
 * at one window and depth. Every figure is measured on the records as written: the
 * sequences are read back from `trace_dict` and counted with the text tokenizer, never
 * taken from the planner's own counts.
 */
import { makeSearch } from '../pipeline/make-record.js';
import { defaultSettings, type RecordSettings } from '../pipeline/settings.js';
import { PythonRandom } from '../random/python.js';
import { streamFor } from '../random/streams.js';
import { problemRecord } from '../serializers/problem.js';
import { defaultProblems } from '../solver/problems.js';
import { defaultSearchOptions } from '../solver/registry.js';
import { countTextTokens } from '../tokens/llama.js';

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

interface TraceDict {
  readonly main_calls: readonly string[];
  readonly sub_calls: ReadonlyArray<readonly TraceDict[]>;
}

export default function runCell(spec: CellSpec): CellFigures {
  const problems = [...defaultProblems(spec.seed, 'train', { minNumbers: spec.numbers, maxNumbers: spec.numbers, minTarget: 10, maxTarget: 100, maxNumber: 99 }, spec.count, new Set())];
  const reference = spec.window === undefined;
  const options = defaultSearchOptions('apr', reference);
  const settings: RecordSettings = reference
    ? { ...defaultSettings(options), tokenFields: false, countTokens: false }
    : { options: { ...options, maxSpawnLevel: spec.depth! - 1 }, window: spec.window!, condition: 'none', tokenFields: false, countTokens: false };
  const shared = new PythonRandom(0);
  const f = { records: 0, solved: 0, tokens: 0, sequences: 0, sequential: 0, threads: 0, maxDepth: 0 };
  const over: Record<number, number> = Object.fromEntries(spec.judge.map((w) => [w, 0]));
  const lengths: Record<number, number> = {};
  const walk = (d: TraceDict, level: number): number => {
    f.threads++;
    f.maxDepth = Math.max(f.maxDepth, level);
    let last = 0;
    for (const text of d.main_calls) {
      last = countTextTokens(text);
      f.tokens += last;
      f.sequences++;
      lengths[last] = (lengths[last] ?? 0) + 1;
      for (const w of spec.judge) if (last + 2 > w) over[w]!++;
    }
    let sequential = last;
    for (const group of d.sub_calls) sequential += Math.max(0, ...group.map((kid) => walk(kid, level + 1)));
    return sequential;
  };
  problems.forEach((p, i) => {
    const rng = reference ? shared : streamFor(0, 'apr', i);
    const made = makeSearch(p, problemRecord(p, reference ? 'reference' : 'default'), rng, settings);
    const record = JSON.parse(Buffer.from(made.json).toString('latin1')) as { rating: number; trace_dict: TraceDict };
    f.records++;
    if (record.rating > 0) f.solved++;
    f.sequential += walk(record.trace_dict, 0);
  });
  return { spec, ...f, over, lengths };
}
