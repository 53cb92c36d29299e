import type { SearchOutcome } from '../solver/strategies.js';
import { PyFloat, PyRaw, type PyJson } from './pyjson.js';
import { JSON_ESCAPED, RAW, TraceWriter, type Newline, type TraceDict } from './trace.js';

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

/** The rendered texts of a search, before they become a record. */
export interface RenderedSearch {
  readonly searchPath: string;
  /** `Exploring Operation` lines in the search path. */
  readonly explores: number;
  readonly traceDict: TraceDict | undefined;
  /** Whether the texts are plain or already JSON-escaped string bodies. */
  readonly newline: Newline;
}

/** Renders a search's texts; `JSON_ESCAPED` when they go straight into a JSON record. */
export function renderSearch(target: number, outcome: SearchOutcome, newline: Newline = RAW): RenderedSearch {
  const writer = new TraceWriter(target, newline);
  const root = writer.sequences(outcome.thread);
  const last = root.texts.length - 1;
  const searchPath = root.texts[last]!;
  const explores = root.explores[last]!;
  if (outcome.solver === 'apr') {
    const subCalls: TraceDict[][] = [];
    for (const e of outcome.thread.events) if (e.type === 'spawn') subCalls.push(e.children.map((kid) => writer.traceDict(kid)));
    return { searchPath, explores, traceDict: { main_calls: root.texts, sub_calls: subCalls }, newline };
  }
  return { searchPath, explores, traceDict: undefined, newline };
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
  const solved = outcome.thread.goal !== undefined;
  switch (outcome.solver) {
    case 'apr':
      return {
        ...base,
        search_path: pathValue,
        rating: new PyFloat(rating(solved, rendered.explores, startSize, false)),
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
        rating: new PyFloat(rating(solved, rendered.explores, startSize, true)),
        search_type: outcome.solver === 'dfs' ? 'dfs' : `${outcome.solver}_${outcome.beam}`,
        heuristic: outcome.heuristicName,
        ...extra,
      };
  }
}
