import { pyIntList, stepString } from '../core/countdown.js';
import { lastSequence, recordTraceDict, type TraceDictTree } from '../records/trace-dict.js';
import { threadSolved } from '../records/outcome.js';
import { parseTraceLine } from '../records/trace-lines.js';
import { threadTokens } from '../tokens/llama.js';

/**
 * A record's search read back from its text as lanes for the inspect drawing: each thread is
 * a lane of the nodes it expanded, in order, with its spawned children (side by side) and
 * the join of their results placed where the parent waited for them. Only the thread's
 * last sequence is read (by the trace-line reader): it holds the whole thread (earlier ones are its prefixes).
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

/** The lanes of a record: an APR trace_dict tree, or a single lane for SoS+/DFS/BFS. */
export function recordLanes(record: Record<string, unknown>): ThreadLane {
  return laneOf(recordTraceDict(record), 'root', 0);
}

function laneOf(d: TraceDictTree, name: string, level: number): ThreadLane {
  const items: LaneItem[] = [];
  const path: string[] = [];
  const idByOps = new Map<string, string>();
  let node: { id: string; nums: string; op: string | undefined; depth: number; generated: string[]; ends: NodeBox['ends']; ops: readonly string[] } | undefined;
  let pendingId: string | undefined;
  let depth = 0;
  let lastExplore = '';
  let group = 0;
  let kid = 0;
  let mode: 'search' | 'join' | 'clean' = 'search';
  let join: JoinResult[] = [];
  let startNode = '?';
  /** A state's key: its numbers and the operations that made it. */
  const stateKey = (nums: readonly number[], ops: readonly string[]) => `${pyIntList(nums)}|${ops.join(',')}`;

  for (const text of lastSequence(d).split('\n')) {
    const line = parseTraceLine(text);
    if (line === undefined) continue;
    if (mode === 'clean') {
      if (line.kind === 'move') path.push(line.id);
      continue;
    }
    if (mode === 'join') {
      if (line.kind === 'joinGoal' || line.kind === 'joinNone') join.push({ index: line.index, node: line.id, solved: line.kind === 'joinGoal' });
      else if (line.kind === 'joinEnd') {
        items.push({ type: 'join', results: join });
        mode = 'search';
      }
      continue; // the children's clean paths inside the join are drawn in their own lanes
    }
    switch (line.kind) {
      case 'move':
        pendingId = line.id;
        if (startNode === '?') startNode = pendingId;
        break;
      case 'subStart':
        pendingId = line.id;
        depth = line.level;
        break;
      case 'subExit':
        depth = Math.max(0, line.level - 1);
        break;
      case 'state': {
        // After a join the parent resumes at its next node without a `Moving to Node` line.
        const id = pendingId ?? idByOps.get(stateKey(line.nums, line.ops)) ?? (line.ops.length === 0 ? '0' : '?');
        if (startNode === '?') startNode = id; // SoS+ paths start without a `Moving to Node` line
        node = { id, nums: pyIntList(line.nums), op: line.ops[line.ops.length - 1], depth, generated: [], ends: [], ops: line.ops };
        items.push({ type: 'node', node });
        pendingId = undefined;
        break;
      }
      case 'explore':
        lastExplore = stepString(line.step);
        break;
      case 'generated':
        node?.generated.push(line.id);
        idByOps.set(stateKey(line.nums, [...(node?.ops ?? []), stepString(line.step)]), line.id);
        break;
      case 'goal':
      case 'dead': {
        const goal = line.kind === 'goal';
        // A goal line right after a join has no try of its own: the child found it.
        if (lastExplore !== '') node?.ends.push({ op: lastExplore, result: String(line.value), goal });
        lastExplore = '';
        if (goal) {
          items.push({ type: 'outcome', solved: true });
          mode = 'clean';
        }
        break;
      }
      case 'joinStart':
      case 'callStart': {
        const children = (d.sub_calls[group++] ?? []).map((c) => laneOf(c, `${name}.${kid++}`, level + 1));
        items.push({ type: 'spawn', children });
        join = [];
        lastExplore = '';
        if (line.kind === 'joinStart') mode = 'join';
        break;
      }
      case 'noSolution':
        items.push({ type: 'outcome', solved: false });
        break;
      default:
        break;
    }
  }
  // Children spawned by sequences whose text the last one does not show (malformed records).
  for (; group < d.sub_calls.length; group++) {
    items.push({ type: 'spawn', children: (d.sub_calls[group] ?? []).map((c) => laneOf(c, `${name}.${kid++}`, level + 1)) });
  }
  const sequences = d.main_calls.map((t) => ({ text: t, tokens: threadTokens(t) }));
  // Solved by the rule stats counts by (for the root, recordSolved's), not by the goal line the walk draws.
  return { name, level, startNode, solved: threadSolved(d), sequences, items: items.map(stripOps), path };
}

const stripOps = (item: LaneItem): LaneItem => {
  if (item.type !== 'node') return item;
  const { id, nums, op, depth, generated, ends } = item.node;
  return { type: 'node', node: { id, nums, op, depth, generated, ends } };
};

export function allLanes(lane: ThreadLane): ThreadLane[] {
  return [lane, ...lane.items.flatMap((i) => (i.type === 'spawn' ? i.children.flatMap(allLanes) : []))];
}
