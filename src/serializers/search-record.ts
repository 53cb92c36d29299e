import type { SearchOutcome } from '../solver/strategies.js';
import { ByteText, type BytePool } from './bytes.js';
import { PyFloat, pyJson, pyString, type PyJson } from './pyjson.js';
import { LineWriter, renderThread, writeSequenceJson, writeTraceDictJson, type RenderedThread } from './trace.js';

/** The reference's `max_nodes` by start size, the denominator of `rating`. */
export const MAX_NODES: Readonly<Record<number, number>> = { 2: 4, 3: 48, 4: 1152, 5: 46080, 6: 2764800 };

/**
 * The reference's rating: 1 - (explored operations + 1) / max_nodes when the search path
 * reaches the goal, else 0. SoS+ and the original SoS clamp at 0; APR does not.
 */
export function rating(solved: boolean, explores: number, startSize: number, clamp: boolean): number {
  if (!solved) return 0;
  const maxNodes = MAX_NODES[startSize];
  if (maxNodes === undefined) throw new RangeError(`no max_nodes for start size ${startSize}`);
  const r = 1 - (explores + 1) / maxNodes;
  return clamp ? Math.max(0, r) : r;
}

/** A search rendered once: its thread texts and what the record's fields need. */
export interface RenderedSearch {
  readonly root: RenderedThread;
  readonly solved: boolean;
  /** `Exploring Operation` lines in the search path (the root's last sequence). */
  readonly explores: number;
}

/** Renders a search; buffers come from `pool` when given (recycle it once the record is out). */
export function renderSearch(target: number, outcome: SearchOutcome, pool?: BytePool): RenderedSearch {
  const root = renderThread(outcome.thread, new LineWriter(target, pool), pool);
  return { root, solved: outcome.thread.goal !== undefined, explores: root.explores[root.explores.length - 1]! };
}

type FieldWriter = (out: ByteText) => void;

const value =
  (v: PyJson): FieldWriter =>
  (out) =>
    out.text(pyJson(v));

/**
 * Appends the output record as one line of JSON: the input problem's fields, then the
 * search's, in the reference's order (a field the input already has keeps its place, as in
 * Python's `{**problem, ...}`). `extra` (token figures) comes last.
 */
export function writeSearchRecord(
  out: ByteText,
  input: Readonly<Record<string, unknown>>,
  startSize: number,
  outcome: SearchOutcome,
  rendered: RenderedSearch,
  promising: number,
  extra: Readonly<Record<string, PyJson>> = {},
): void {
  const root = rendered.root;
  const searchPath: FieldWriter = (o) => writeSequenceJson(o, root, root.cuts.length);
  const ours = new Map<string, FieldWriter>();
  ours.set('search_path', searchPath);
  const isApr = outcome.solver === 'apr';
  ours.set('rating', value(new PyFloat(rating(rendered.solved, rendered.explores, startSize, !isApr))));
  const type = outcome.solver === 'dfs' ? 'dfs' : `${outcome.solver}_${outcome.beam}`;
  ours.set('search_type', value(type));
  ours.set('heuristic', value(outcome.heuristicName));
  if (isApr) {
    ours.set('promising_threshold', value(new PyFloat(promising)));
    ours.set('beam_size', value(outcome.beam));
    ours.set('sub_call_beam_size', value(outcome.subBeam));
    ours.set('trace_dict', (o) => writeTraceDictJson(o, root));
  }
  for (const [k, v] of Object.entries(extra)) ours.set(k, value(v));

  out.text('{');
  let first = true;
  const field = (key: string, write: FieldWriter) => {
    out.text(`${first ? '' : ', '}${pyString(key)}: `);
    first = false;
    write(out);
  };
  for (const [key, v] of Object.entries(input)) {
    const mine = ours.get(key);
    if (mine) {
      field(key, mine);
      ours.delete(key);
    } else if (v !== undefined) {
      field(key, value(v as PyJson));
    }
  }
  for (const [key, write] of ours) field(key, write);
  out.text('}');
}
