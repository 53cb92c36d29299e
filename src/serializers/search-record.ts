import type { SearchOutcome } from '../solver/strategies.js';
import { PyFloat, PyRaw, type PyJson } from './pyjson.js';
import { JSON_ESCAPED, RAW, TraceWriter, type Newline, type TraceDict } from './trace.js';

/** The reference's `max_nodes` by start size, the denominator of `rating`. */
export const MAX_NODES: Readonly<Record<number, number>> = { 2: 4, 3: 48, 4: 1152, 5: 46080, 6: 2764800 };

export function countOccurrences(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * The reference's rating: 1 - (explored operations + 1) / max_nodes when the text reaches
 * the goal, else 0. SoS+ and the original SoS clamp at 0; APR does not.
 */
export function rating(searchPath: string, startSize: number, clamp: boolean): number {
  if (!searchPath.includes('Goal Reached')) return 0;
  const maxNodes = MAX_NODES[startSize];
  if (maxNodes === undefined) throw new RangeError(`no max_nodes for start size ${startSize}`);
  const r = 1 - (countOccurrences(searchPath, 'Exploring Operation') + 1) / maxNodes;
  return clamp ? Math.max(0, r) : r;
}

/** The rendered texts of a search, before they become a record. */
export interface RenderedSearch {
  readonly searchPath: string;
  readonly traceDict: TraceDict | undefined;
  /** Whether the texts are plain or already JSON-escaped string bodies. */
  readonly newline: Newline;
}

/** Renders a search's texts; `JSON_ESCAPED` when they go straight into a JSON record. */
export function renderSearch(target: number, outcome: SearchOutcome, newline: Newline = RAW): RenderedSearch {
  const writer = new TraceWriter(target, newline);
  if (outcome.solver === 'apr') {
    const traceDict = writer.traceDict(outcome.thread);
    return { searchPath: traceDict.main_calls[traceDict.main_calls.length - 1]!, traceDict, newline };
  }
  return { searchPath: writer.sequences(outcome.thread)[0]!, traceDict: undefined, newline };
}

/** A rendered text as a JSON value: escaped bodies are used as they are. */
function textValue(text: string, newline: Newline): PyJson {
  return newline === JSON_ESCAPED ? new PyRaw(`"${text}"`) : text;
}

function traceDictValue(d: TraceDict, newline: Newline): PyJson {
  return {
    main_calls: d.main_calls.map((t) => textValue(t, newline)),
    sub_calls: d.sub_calls.map((group) => group.map((kid) => traceDictValue(kid, newline))),
  };
}

/**
 * The output record: the input problem's fields, then the search's, in the reference's
 * order. `extra` (token figures) follows for APR.
 */
export function searchRecord(
  input: Readonly<Record<string, unknown>>,
  startSize: number,
  outcome: SearchOutcome,
  rendered: RenderedSearch,
  promising: number,
  extra: Readonly<Record<string, PyJson>> = {},
): Record<string, PyJson> {
  const base = input as Record<string, PyJson>;
  const path = rendered.searchPath;
  const pathValue = textValue(path, rendered.newline);
  switch (outcome.solver) {
    case 'apr':
      return {
        ...base,
        search_path: pathValue,
        rating: new PyFloat(rating(path, startSize, false)),
        search_type: `apr_${outcome.beam}`,
        heuristic: outcome.heuristicName,
        promising_threshold: new PyFloat(promising),
        beam_size: outcome.beam,
        sub_call_beam_size: outcome.subBeam,
        trace_dict: traceDictValue(rendered.traceDict!, rendered.newline),
        ...extra,
      };
    case 'sosp':
    case 'bfs':
    case 'dfs':
      return {
        ...base,
        search_path: pathValue,
        rating: new PyFloat(rating(path, startSize, true)),
        search_type: outcome.solver === 'dfs' ? 'dfs' : `${outcome.solver}_${outcome.beam}`,
        heuristic: outcome.heuristicName,
        ...extra,
      };
  }
}
