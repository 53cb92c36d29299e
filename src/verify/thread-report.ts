/** What checking one thread takes and what it tells the record-level checks. */
import type { HeuristicName } from '../core/heuristics.js';
import type { CleanPath } from './clean-path.js';
import type { VerifyIssue } from './issue.js';
import type { NodeState } from './node.js';
import type { ReadPrefix } from '../records/conditioning-prefix.js';

/** sosp: SoS+; apr: one APR main call; dfs / bfs: the original Stream-of-Search searches. */
export type { SearchKind } from '../records/kind.js';
import type { SearchKind } from '../records/kind.js';

export interface ThreadSpec {
  /** Thread name for issues. */
  readonly name: string;
  readonly kind: SearchKind;
  readonly target: number;
  /** The node the thread starts at: the root, or the node an APR parent handed over. */
  readonly start: NodeState;
  /** APR level of the thread (0 for the root); its spawns and joins name level + 1. */
  readonly level: number;
  /** dfs: the heuristic a record says it searched by; a text alone is checked under each. */
  readonly heuristic?: HeuristicName | undefined;
}

export interface SpawnedChild {
  readonly index: number;
  readonly level: number;
  readonly node: NodeState;
}

/** `<Calling Sub Searches>` ... `<End Calling Sub Searches>`, which ends its thread. */
export interface SpawnBlock {
  /** Line of `<Calling Sub Searches>`. */
  readonly line: number;
  /**
   * The thread's text before `<Calling Sub Searches>`, which the next main call repeats; without
   * its conditioning prefix, which each call's own check reads (a wrong one is that call's fault).
   */
  readonly before: string;
  readonly children: SpawnedChild[];
}

export interface JoinedChild {
  readonly index: number;
  readonly level: number;
  readonly id: string;
  /** Line of this child's `<Goal Reached ...>` / `<No Solution ...>` line. */
  readonly line: number;
  /** Whether the line reports a goal (`<Goal Reached ...>`), with or without the path it owes. */
  readonly goal: boolean;
  /** The child's clean path as repeated here, when it reports a goal and the path follows. */
  readonly path: CleanPath | undefined;
}

/** `<Sub Searches>` ... `<End Sub Searches>`. */
export interface JoinBlock {
  /** Line of `<Sub Searches>`. */
  readonly line: number;
  /** The children reported so far: all of them when `complete`. */
  readonly children: JoinedChild[];
  /** False when the walk stopped inside the block (its own issue says where). */
  readonly complete: boolean;
}

export interface ThreadGoal {
  /** Line of the thread's own `Goal Reached`. */
  readonly line: number;
  /** Operations from the root to the goal. */
  readonly ops: string[];
  /** SoS+ / APR: the clean path after the goal line. */
  readonly path: CleanPath | undefined;
  /** First line of the clean path (the goal line when there is none). */
  readonly pathLine: number;
}

export interface ThreadReport {
  readonly issues: VerifyIssue[];
  readonly spawn: SpawnBlock | undefined;
  readonly joins: JoinBlock[];
  readonly goal: ThreadGoal | undefined;
  readonly lineCount: number;
  /** The conditioning prefix before line 1, as the walk read it. */
  readonly prefix: ReadPrefix | undefined;
  /** The line of the fault that stopped the walk; undefined when it read the whole text. */
  readonly stoppedAt: number | undefined;
}
