/**
 * The `trace_dict` of an APR record as read back (docs/trace-format.md §6): a thread's main calls (its
 * sequences, each the one before grown) and, for each main call but the last, the child
 * threads it spawned. The other searches are one thread: their `search_path`.
 */

/** A trace_dict whose children are `Child`: checked all the way down (the default), or not yet (`unknown`). */
export interface TraceDict<Child = TraceDictTree> {
  readonly main_calls: readonly string[];
  readonly sub_calls: ReadonlyArray<readonly Child[]>;
}

/** A trace_dict checked all the way down. */
export type TraceDictTree = TraceDict<TraceDictTree>;

/**
 * The shape of one level: main_calls a non-empty list of texts, sub_calls a list of lists.
 * The children are not looked at: the verifier checks each where it stands, to name it.
 */
export function isTraceDictLevel(v: unknown): v is TraceDict<unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const { main_calls: main, sub_calls: sub } = v as Record<string, unknown>;
  return Array.isArray(main) && main.length > 0 && main.every((m) => typeof m === 'string') && Array.isArray(sub) && sub.every(Array.isArray);
}

/**
 * Deepest nesting a trace_dict may have. The planner nests a handful of levels; a deeper tree
 * is refused as malformed, so the walks below (recursive) never run out of stack.
 */
export const MAX_TRACE_DEPTH = 256;

/** A trace_dict checked all the way down (shape, and depth at most MAX_TRACE_DEPTH), so later walks need no guards. */
export function isTraceDict(v: unknown): v is TraceDictTree {
  return treeFault(v, true) === undefined;
}

/** Whether a tree nests deeper than MAX_TRACE_DEPTH, counting every child whatever its shape (for the verifier, which names shape faults itself). */
export function nestsTooDeep(v: unknown): boolean {
  return treeFault(v, false) === 'depth';
}

/**
 * The first fault of a tree, walked without recursion (a hand-made tree thousands of levels
 * deep must be refused, not overflow the stack): `depth` past MAX_TRACE_DEPTH, or, when
 * `strict`, `shape` for a level that is not a trace_dict (else such a level is walked through
 * wherever it has lists of children).
 */
function treeFault(v: unknown, strict: boolean): 'depth' | 'shape' | undefined {
  const open: Array<[unknown, number]> = [[v, 1]];
  for (let item = open.pop(); item; item = open.pop()) {
    const [d, depth] = item;
    if (depth > MAX_TRACE_DEPTH) return 'depth';
    if (strict && !isTraceDictLevel(d)) return 'shape';
    const sub = typeof d === 'object' && d !== null ? (d as Record<string, unknown>).sub_calls : undefined;
    if (Array.isArray(sub)) for (const group of sub) if (Array.isArray(group)) for (const kid of group) open.push([kid, depth + 1]);
  }
  return undefined;
}

/**
 * The thread tree of a search record: its trace_dict (APR) when that is sound all the way
 * down (isTraceDict), else one thread of its `search_path` ('' when it has none). A broken
 * trace_dict is the verifier's to name; readers that must not guess refuse it first.
 */
export function recordTraceDict(record: Readonly<Record<string, unknown>>): TraceDictTree {
  if (isTraceDict(record.trace_dict)) return record.trace_dict;
  return { main_calls: [typeof record.search_path === 'string' ? record.search_path : ''], sub_calls: [] };
}

/** A thread's last sequence: the whole thread (the earlier ones are its prefixes); '' for none. */
export const lastSequence = (d: TraceDict<unknown>): string => d.main_calls[d.main_calls.length - 1] ?? '';

/** A thread of a tree with its place: `name` as inspect and sequences files write it, `at` as the verifier does. */
export interface ThreadAt {
  readonly dict: TraceDict<unknown>;
  readonly level: number;
  /** `root`, `root.2`, `root.1.0`: child 2 of the root, counted across its spawns. */
  readonly name: string;
  /** '' for the root, `sub[0][2]`, `sub[0][2].sub[1][0]`: where the child sits in sub_calls. */
  readonly at: string;
}

/**
 * Every thread of a tree, in the reference's `add_all_calls` order: a thread, then its
 * children spawn by spawn, each with its own. A child that is not shaped like a trace_dict
 * (the verifier names it) is passed over with its subtree; it keeps its number.
 */
export function* threadsOf(root: TraceDict<unknown>): Generator<ThreadAt> {
  yield* walk(root, 0, 'root', '');
}

function* walk(dict: TraceDict<unknown>, level: number, name: string, at: string): Generator<ThreadAt> {
  yield { dict, level, name, at };
  const dot = at ? `${at}.` : '';
  let child = 0;
  for (const [k, group] of dict.sub_calls.entries()) {
    for (const [j, kid] of group.entries()) {
      const kidName = `${name}.${child++}`;
      if (isTraceDictLevel(kid)) yield* walk(kid, level + 1, kidName, `${dot}sub[${k}][${j}]`);
    }
  }
}
