import { clampsRating, ratingOf } from '../core/rating.js';
import type { SearchOutcome } from '../solver/contract.js';
import type { TextCosts } from '../solver/window.js';
import { ByteText, type BytePool } from './bytes.js';
import { PyFloat, writePyJson, writePyString, type PyJson } from './pyjson.js';
import { LineWriter, renderThread, writeSequenceJson, writeTraceDictJson, type RenderedThread } from './trace.js';

/**
 * The record's rating. SoS+ and SoS clamp it at 0, as does the reference's `metric_fn`; its
 * APR generator does not, so a solved APR record of the reference can rate below 0 (-0.5 for
 * two numbers whose goal is the fourth operation tried). Default mode clamps APR's too.
 */
function rating(solved: boolean, explores: number, startSize: number, clamp: boolean): number {
  const r = ratingOf(solved, explores, startSize, clamp);
  if (r === undefined) throw new RangeError(`no max_nodes for start size ${startSize}`);
  return r;
}

/** A search rendered once: its thread texts and what the record's fields need. */
export interface RenderedSearch {
  readonly root: RenderedThread;
  readonly solved: boolean;
  /** `Exploring Operation` lines in the search path (the root's last sequence). */
  readonly explores: number;
}

/**
 * Renders a search; buffers come from `pool` when given (recycle it once the record is out).
 * With `costs`, the threads' token counts come along (see sequenceInfos).
 */
export function renderSearch(target: number, outcome: SearchOutcome, pool?: BytePool, costs?: TextCosts): RenderedSearch {
  const root = renderThread(outcome.thread, new LineWriter(target, pool), pool, costs);
  return { root, solved: outcome.thread.goal !== undefined, explores: root.explores[root.explores.length - 1]! };
}

/** The search's own fields, in the reference's order. */
type OwnField =
  | 'search_path'
  | 'rating'
  | 'search_type'
  | 'heuristic'
  | 'promising_threshold'
  | 'beam_size'
  | 'sub_call_beam_size'
  | 'trace_dict';
const SOS_FIELDS: readonly OwnField[] = ['search_path', 'rating', 'search_type', 'heuristic'];
const APR_FIELDS: readonly OwnField[] = [...SOS_FIELDS, 'promising_threshold', 'beam_size', 'sub_call_beam_size', 'trace_dict'];

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
  /** The record's `promising_threshold` (threads records have one; their solver reads it). */
  promising: number | undefined,
  extra: Readonly<Record<string, PyJson>> = {},
  /** `--compat reference`: APR's rating is left unclamped, as the reference writes it. */
  reference = false,
): void {
  const threads = outcome.shape === 'threads';
  const root = rendered.root;
  const own = (key: OwnField): void => {
    switch (key) {
      case 'search_path':
        return writeSequenceJson(out, root, root.cuts.length);
      case 'rating':
        return writePyJson(out, new PyFloat(rating(rendered.solved, rendered.explores, startSize, clampsRating(threads, reference))));
      case 'search_type':
        return writePyJson(out, outcome.searchType);
      case 'heuristic':
        return writePyJson(out, outcome.heuristicName);
      case 'promising_threshold':
        if (promising === undefined) throw new Error(`a ${outcome.solver} record names promising_threshold, but its options have none`);
        return writePyJson(out, new PyFloat(promising));
      case 'beam_size':
        return writePyJson(out, outcome.beam);
      case 'sub_call_beam_size':
        return writePyJson(out, outcome.subBeam);
      case 'trace_dict':
        return writeTraceDictJson(out, root);
    }
  };
  const ownFields = threads ? APR_FIELDS : SOS_FIELDS;
  let first = true;
  const key = (k: string): void => {
    if (!first) out.text(', ');
    first = false;
    writePyString(out, k);
    out.text(': ');
  };
  out.text('{');
  // Fields of the input first; one the search (or extra) also sets is written in its place.
  for (const k in input) {
    const v = input[k];
    if (k in extra) {
      key(k);
      writePyJson(out, extra[k]!);
    } else if ((ownFields as readonly string[]).includes(k)) {
      key(k);
      own(k as OwnField);
    } else if (v !== undefined) {
      key(k);
      writePyJson(out, v as PyJson);
    }
  }
  for (const f of ownFields) {
    if (f in input) continue;
    key(f);
    own(f);
  }
  for (const k in extra) {
    if (k in input) continue;
    key(k);
    writePyJson(out, extra[k]!);
  }
  out.text('}');
}
