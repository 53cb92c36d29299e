/**
 * The clean path a successful search prints after its goal (and an APR parent repeats for
 * each successful child): `Moving to Node #start`, then per step `Current State`,
 * `Exploring Operation`, `Generated Node`, `Moving to Node`, ending with `Goal Reached`.
 */
import { pyIntList, stepString } from '../core/countdown.js';
import { quote } from './issue.js';
import type { LineKind, TraceLine } from '../records/trace-lines.js';
import type { ThreadLine, ThreadText } from './lines.js';
import { sameList, sameState, showState, splitId, type NodeState } from './node.js';
import { exploreFault } from './step.js';

export interface CleanPathRules {
  readonly target: number;
  /** The node the path starts at. */
  readonly start: NodeState;
  /** Nodes the thread knows; a path node with a known id must agree with it. */
  readonly lookup: (id: string) => NodeState | undefined;
  /** Whether the path may pass nodes the thread never saw (a child's path, in a join). */
  readonly allowUnknown: boolean;
}

export interface CleanPath {
  /** Index (into the thread's lines) of the path's closing `Goal Reached` line. */
  readonly end: number;
  /** Operations from the root to the goal. */
  readonly ops: string[];
  /** The nodes the path passes after its start. */
  readonly nodes: NodeState[];
  /** The path's exact text, newlines included. */
  readonly text: string;
}

/** Records an issue at a line of the thread. */
export type Report = (line: number, message: string) => void;

/**
 * Reads the clean path starting at line index `from`. A problem that leaves the rest
 * unreadable goes to `fail` and the result is undefined; a local one goes to `note`.
 */
export function readCleanPath(thread: ThreadText, from: number, rules: CleanPathRules, fail: Report, note: Report): CleanPath | undefined {
  const { lines } = thread;
  let i = from;
  const lastNo = lines.length === 0 ? 0 : lines[lines.length - 1]!.no;
  // The next line, when it is of the expected kind; otherwise records why not.
  const expect = <K extends LineKind>(kind: K, what: string): [ThreadLine, Extract<TraceLine, { kind: K }>] | undefined => {
    const l = lines[i];
    if (!l) return void fail(lastNo, `clean path ends before the goal, where ${what} was due (truncated?)`);
    if (l.parsed?.kind !== kind) return void fail(l.no, `clean path needs ${what} here, got ${quote(l.text)}`);
    return [l, l.parsed as Extract<TraceLine, { kind: K }>];
  };

  const first = expect('move', `Moving to Node #${rules.start.id}`);
  if (!first) return undefined;
  if (first[1].id !== rules.start.id) return void fail(first[0].no, `clean path starts at node #${first[1].id}, not #${rules.start.id}`);
  let node = rules.start;
  const nodes: NodeState[] = [];
  for (;;) {
    i++;
    const state = expect('state', `the Current State of node #${node.id}`);
    if (!state) return undefined;
    if (state[1].target !== rules.target || !sameState(state[1], node)) {
      return void fail(state[0].no, `clean path shows ${showState(state[1])} for node #${node.id}, which is ${showState(node)}`);
    }
    i++;
    const explore = expect('explore', 'an Exploring Operation');
    if (!explore) return undefined;
    const [exLine, ex] = explore;
    const op = stepString(ex.step);
    const fault = exploreFault(node.nums, ex.step, ex.nums);
    if (fault) note(exLine.no, `Exploring Operation: ${op} ${fault}`);
    i++;
    if (ex.nums.length === 1) {
      const goal = expect('goal', `${ex.nums[0]},${rules.target} equal: Goal Reached`);
      if (!goal) return undefined;
      if (goal[1].value !== ex.nums[0] || goal[1].value !== rules.target || goal[1].target !== rules.target) {
        return void fail(goal[0].no, `clean path ends with ${quote(goal[0].text)} after reaching ${ex.nums[0]} for target ${rules.target}`);
      }
      const text = thread.text.slice(lines[from]!.start, goal[0].end);
      return { end: i, ops: [...node.ops, op], nodes, text };
    }
    const gen = expect('generated', 'a Generated Node');
    if (!gen) return undefined;
    const [genLine, g] = gen;
    if (splitId(g.id)?.parent !== node.id) return void fail(genLine.no, `clean path node #${g.id} is not a child of #${node.id}`);
    if (g.target !== rules.target || stepString(g.step) !== op || !sameList(g.nums, ex.nums)) {
      return void fail(genLine.no, `Generated Node #${g.id} does not repeat ${op} giving ${pyIntList(ex.nums)}`);
    }
    const child: NodeState = { id: g.id, nums: g.nums, ops: [...node.ops, op] };
    const known = rules.lookup(g.id);
    if (known ? !sameState(child, known) : !rules.allowUnknown) {
      return void fail(
        genLine.no,
        known ? `clean path node #${g.id} is ${showState(child)} but the search made it ${showState(known)}` : `clean path passes node #${g.id}, which the search never generated`,
      );
    }
    nodes.push(child);
    i++;
    const move = expect('move', `Moving to Node #${g.id}`);
    if (!move) return undefined;
    if (move[1].id !== g.id) return void fail(move[0].no, `clean path moves to node #${move[1].id} after generating #${g.id}`);
    node = child;
  }
}
