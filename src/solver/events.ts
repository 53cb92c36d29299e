import type { Operator } from '../core/countdown.js';
import type { SearchNode } from './node.js';

/**
 * What a search did, in order: the structured result that serializers render as trace
 * lines. Each event is one line of text, except `path` (the clean path from one node to
 * a goal, appended after a solution) and the APR `spawn` and `join` blocks.
 */
export type TraceEvent =
  /** `Moving to Node #id` */
  | { readonly type: 'move'; readonly node: SearchNode }
  /** `Current State: t:[..], Operations: [..]` */
  | { readonly type: 'state'; readonly node: SearchNode }
  /**
   * A beam expansion of a node of three or more numbers: the `state` line of `node`, then
   * for each (non-terminal) child in order its `explore` and `generated` lines. One event,
   * as the window budget takes or refuses it whole.
   */
  | { readonly type: 'expand'; readonly node: SearchNode; readonly children: readonly SearchNode[] }
  /**
   * The expansion of a two-number node, whose children are all terminal: the `state` line,
   * then for each operation in order its `explore` and `dead-end` lines, then the goal
   * child's `explore` and `goal` lines when one was reached. Terminal children that are not
   * the goal are never looked at again, so they are kept as operations, not nodes.
   */
  | { readonly type: 'leaves'; readonly node: SearchNode; readonly ops: readonly Operator[]; readonly goal: SearchNode | undefined }
  /** `Exploring Operation: op, Resulting Numbers: [..]` for a child */
  | { readonly type: 'explore'; readonly node: SearchNode }
  /** `Generated Node #id: t:[..] Operation: op` for a kept non-terminal child */
  | { readonly type: 'generated'; readonly node: SearchNode }
  /** `x,t equal: Goal Reached` */
  | { readonly type: 'goal'; readonly node: SearchNode }
  /** `x,t unequal: No Solution` */
  | { readonly type: 'dead-end'; readonly node: SearchNode }
  /** The clean path from `from` to the goal `to` (the reference's get_path_to_target). */
  | { readonly type: 'path'; readonly from: SearchNode; readonly to: SearchNode }
  /** SoS+: `Start Sub Search at level L: Moving to Node #id` */
  | { readonly type: 'sub-start'; readonly level: number; readonly node: SearchNode }
  /** SoS+: `Exit Sub Search at level L` */
  | { readonly type: 'sub-exit'; readonly level: number }
  /** SoS+: `No solution found in sub search` */
  | { readonly type: 'sub-failed' }
  /** `No solution found.`; the original SoS BFS wrote it without the final newline. */
  | { readonly type: 'exhausted'; readonly newline: boolean }
  /** APR: `<Calling Sub Searches>` block; the thread's current sequence ends here. */
  | { readonly type: 'spawn'; readonly level: number; readonly children: readonly Thread[] }
  /** APR: `<Sub Searches>` block reporting each child's outcome, in spawn order. */
  | { readonly type: 'join'; readonly level: number; readonly children: readonly Thread[] };

/**
 * One thread of an APR search (or the single thread of any other search): the node it
 * starts at, its events, and the goal it reached, if any.
 */
export interface Thread {
  readonly start: SearchNode;
  /** 0 for the root thread, L for a child spawned at level L. */
  readonly level: number;
  readonly events: TraceEvent[];
  /**
   * Each event's tokens as the window counted them while searching (opening or following,
   * by position), so the record's counts need not be made again; undefined without a window.
   */
  eventTokens: number[] | undefined;
  goal: SearchNode | undefined;
}

export function newThread(start: SearchNode, level: number): Thread {
  return { start, level, events: [], eventTokens: undefined, goal: undefined };
}
