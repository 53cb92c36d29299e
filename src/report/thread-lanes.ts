import { lastSequence, recordTraceDict, type TraceDictTree } from '../records/trace-dict.js';
import { threadTokens } from '../tokens/llama.js';

/**
 * A record's search read back from its text as lanes for the inspect drawing: each thread is
 * a lane of the nodes it expanded, in order, with its spawned children (side by side) and
 * the join of their results placed where the parent waited for them. Only the thread's
 * last sequence is parsed: it holds the whole thread (earlier ones are its prefixes).
 */

export interface NodeBox {
  readonly id: string;
  /** The numbers of the state, as printed: `[61, 3, 85]`. */
  readonly nums: string;
  /** The operation that made the node (undefined for the root). */
  readonly op: string | undefined;
  /** Sub-search depth (SoS+); 0 in APR threads. */
  readonly depth: number;
  /** Kept children it generated (ids), and its terminal tries: result and whether it hit the target. */
  readonly generated: string[];
  readonly ends: Array<{ op: string; result: string; goal: boolean }>;
}

export interface JoinResult {
  readonly index: number;
  readonly node: string;
  readonly solved: boolean;
}

export type LaneItem =
  | { readonly type: 'node'; readonly node: NodeBox }
  | { readonly type: 'spawn'; readonly children: ThreadLane[] }
  | { readonly type: 'join'; readonly results: JoinResult[] }
  | { readonly type: 'outcome'; readonly solved: boolean };

export interface ThreadLane {
  /** `root`, `root.0`, `root.0.2`: the same names as `inspect`'s text view. */
  readonly name: string;
  readonly level: number;
  readonly startNode: string;
  readonly solved: boolean;
  readonly sequences: ReadonlyArray<{ readonly text: string; readonly tokens: number }>;
  readonly items: LaneItem[];
  /** Node ids of the thread's own solution path (from its closing clean path). */
  readonly path: string[];
}

const MOVE = /^Moving to Node #([\d,]+)$/;
const SUB_MOVE = /^Start Sub Search at level (\d+): Moving to Node #([\d,]+)$/;
const EXIT_SUB = /^Exit Sub Search at level (\d+)$/;
const STATE = /^Current State: \d+:(\[[^\]]*\]), Operations: \[(.*)\]$/;
const EXPLORE = /^Exploring Operation: (\S+), Resulting Numbers: /;
const GENERATED = /^Generated Node #([\d,]+): \d+:(\[[^\]]*\]) Operation: (\S+)$/;
const END = /^(\d+),\d+ (equal: Goal Reached|unequal: No Solution)$/;
const JOIN_GOAL = /^<Goal Reached in Sub Search (\d+) at level \d+ at Node #([\d,]+)>$/;
const JOIN_FAIL = /^<No Solution in Sub Search (\d+) at level \d+ at Node #([\d,]+)>$/;

/** The lanes of a record: an APR trace_dict tree, or a single lane for SoS+/DFS/BFS. */
export function recordLanes(record: Record<string, unknown>): ThreadLane {
  return laneOf(recordTraceDict(record), 'root', 0);
}

function laneOf(d: TraceDictTree, name: string, level: number): ThreadLane {
  const text = lastSequence(d);
  const items: LaneItem[] = [];
  const path: string[] = [];
  const idByOps = new Map<string, string>();
  let node: { id: string; nums: string; op: string | undefined; depth: number; generated: string[]; ends: NodeBox['ends']; ops: string } | undefined;
  let pendingId: string | undefined;
  let depth = 0;
  let lastExplore = '';
  let group = 0;
  let kid = 0;
  let mode: 'search' | 'join' | 'clean' = 'search';
  let join: JoinResult[] = [];
  let solved = false;
  let startNode = '?';

  for (const line of text.split('\n')) {
    if (mode === 'clean') {
      const m = MOVE.exec(line);
      if (m) path.push(m[1]!);
      continue;
    }
    if (mode === 'join') {
      const g = JOIN_GOAL.exec(line) ?? JOIN_FAIL.exec(line);
      if (g) join.push({ index: Number(g[1]), node: g[2]!, solved: line.startsWith('<Goal') });
      else if (line === '<End Sub Searches>') {
        items.push({ type: 'join', results: join });
        mode = 'search';
      }
      continue; // the children's clean paths inside the join are drawn in their own lanes
    }
    let m: RegExpExecArray | null;
    if ((m = MOVE.exec(line))) {
      pendingId = m[1]!;
      if (startNode === '?') startNode = pendingId;
    } else if ((m = SUB_MOVE.exec(line))) {
      pendingId = m[2]!;
      depth = Number(m[1]);
    } else if ((m = EXIT_SUB.exec(line))) {
      depth = Math.max(0, Number(m[1]) - 1);
    } else if ((m = STATE.exec(line))) {
      const ops = m[2]!;
      const opList = ops === '' ? [] : ops.split(', ').map((s) => s.replace(/'/g, ''));
      // After a join the parent resumes at its next node without a `Moving to Node` line.
      const id = pendingId ?? idByOps.get(`${m[1]}|${ops}`) ?? (ops === '' ? '0' : '?');
      if (startNode === '?') startNode = id; // SoS+ paths start without a `Moving to Node` line
      node = { id, nums: m[1]!, op: opList[opList.length - 1], depth, generated: [], ends: [], ops };
      items.push({ type: 'node', node });
      pendingId = undefined;
    } else if ((m = EXPLORE.exec(line))) {
      lastExplore = m[1]!;
    } else if ((m = GENERATED.exec(line))) {
      node?.generated.push(m[1]!);
      const ops = node ? (node.ops === '' ? `'${m[3]}'` : `${node.ops}, '${m[3]}'`) : `'${m[3]}'`;
      idByOps.set(`${m[2]}|${ops}`, m[1]!);
    } else if ((m = END.exec(line))) {
      const goal = m[2]!.startsWith('equal');
      // A goal line right after a join has no try of its own: the child found it.
      if (lastExplore !== '') node?.ends.push({ op: lastExplore, result: m[1]!, goal });
      lastExplore = '';
      if (goal) {
        solved = true;
        items.push({ type: 'outcome', solved: true });
        mode = 'clean';
      }
    } else if (line === '<Sub Searches>' || line === '<Calling Sub Searches>') {
      const children = (d.sub_calls[group++] ?? []).map((c) => laneOf(c, `${name}.${kid++}`, level + 1));
      items.push({ type: 'spawn', children });
      join = [];
      lastExplore = '';
      if (line === '<Sub Searches>') mode = 'join';
    } else if (line === 'No solution found.') {
      items.push({ type: 'outcome', solved: false });
    }
  }
  // Children spawned by sequences whose text the last one does not show (malformed records).
  for (; group < d.sub_calls.length; group++) {
    items.push({ type: 'spawn', children: (d.sub_calls[group] ?? []).map((c) => laneOf(c, `${name}.${kid++}`, level + 1)) });
  }
  const sequences = d.main_calls.map((t) => ({ text: t, tokens: threadTokens(t) }));
  return { name, level, startNode, solved, sequences, items: items.map(stripOps), path };
}

const stripOps = (item: LaneItem): LaneItem => {
  if (item.type !== 'node') return item;
  const { id, nums, op, depth, generated, ends } = item.node;
  return { type: 'node', node: { id, nums, op, depth, generated, ends } };
};

export function allLanes(lane: ThreadLane): ThreadLane[] {
  return [lane, ...lane.items.flatMap((i) => (i.type === 'spawn' ? i.children.flatMap(allLanes) : []))];
}
