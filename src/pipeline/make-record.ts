import type { Rng } from '../random/rng.js';
import { BytePool, ByteText } from '../serializers/bytes.js';
import { renderSearch, writeSearchRecord } from '../serializers/search-record.js';
import { flattenSequences } from '../serializers/trace.js';
import { runSearch, type SearchOptions } from '../solver/strategies.js';
import type { Problem } from '../solver/problems.js';
import { countTextTokens } from '../tokens/llama.js';

/** One training sequence of a record, in the reference's flattening order. */
export interface SequenceOut {
  readonly text: string;
  /** Which thread: `root`, `root.0`, `root.1.2`, and which of its sequences: `root#1`. */
  readonly thread: string;
  /** Llama-2 tokens of the text alone (no `<s>`/`</s>`). */
  readonly tokens: number;
}

/** Reused for every record: a record is written out before the next one is made. */
const out = new ByteText(1 << 16);
const pool = new BytePool();

/** A searched record: its JSON line and what the pipeline's statistics need. */
export interface MadeSearch {
  /** The record as one line of JSON (no newline), ASCII bytes; valid until the next call. */
  readonly json: Uint8Array;
  readonly solved: boolean;
  readonly startSize: number;
  /** Child threads the root spawned (0 for single-thread searches). */
  readonly children: number;
  readonly sequences: readonly SequenceOut[];
}

/**
 * Searches one problem and renders its record; the one place that turns a problem into a
 * search record, used by `search`, `inspect` and the corpus pipeline alike.
 */
export function makeSearch(
  problem: Problem,
  input: Readonly<Record<string, unknown>>,
  rng: Rng,
  options: SearchOptions,
  withSequences: boolean,
): MadeSearch {
  const outcome = runSearch(problem, rng, options);
  pool.recycle();
  const rendered = renderSearch(problem.target, outcome, pool);
  out.len = 0;
  writeSearchRecord(out, input, problem.startSize, outcome, rendered, options.promising);
  let children = 0;
  for (const e of outcome.thread.events) if (e.type === 'spawn') children += e.children.length;
  const sequences: SequenceOut[] = [];
  if (withSequences) {
    for (const s of flattenSequences(rendered.root)) {
      sequences.push({ text: s.text, thread: `${s.thread}#${s.index}`, tokens: countTextTokens(s.text) });
    }
  }
  return { json: out.view(), solved: rendered.solved, startSize: problem.startSize, children, sequences };
}
