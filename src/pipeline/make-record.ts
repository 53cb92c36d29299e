import type { Rng } from '../random/rng.js';
import { pyJson } from '../serializers/pyjson.js';
import { renderSearch, searchRecord } from '../serializers/search-record.js';
import { flattenSequences, JSON_ESCAPED, RAW } from '../serializers/trace.js';
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

/** A searched record: its JSON line and what the pipeline's statistics need. */
export interface MadeSearch {
  /** The record as one line of JSON (no newline). */
  readonly json: string;
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
  const rendered = renderSearch(problem.target, outcome, JSON_ESCAPED);
  const json = pyJson(searchRecord(input, problem.startSize, outcome, rendered, options.promising));
  let children = 0;
  for (const e of outcome.thread.events) if (e.type === 'spawn') children += e.children.length;
  let sequences: SequenceOut[] = [];
  if (withSequences) {
    const raw = renderSearch(problem.target, outcome, RAW);
    const texts = raw.traceDict ? flattenSequences(raw.traceDict) : [raw.searchPath];
    sequences = texts.map((text, k) => ({ text, thread: `#${k}`, tokens: countTextTokens(text) }));
  }
  return { json, solved: outcome.thread.goal !== undefined, startSize: problem.startSize, children, sequences };
}
