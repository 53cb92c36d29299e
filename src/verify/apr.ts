/**
 * An APR `trace_dict` tree (docs/trace-format.md §6): each main call checked as a thread, then the links
 * between them: every spawn answered by a join in the next main call that repeats the text
 * before the spawn, names the same children in the same order and reports their outcomes
 * truly; one child trace per spawned child, checked recursively.
 */
import { sequenceOutcome } from '../records/outcome.js';
import { isTraceDictLevel } from '../records/trace-dict.js';
import { quote, type VerifyIssue } from './issue.js';
import { firstDifferentLine } from './lines.js';
import type { NodeState } from './node.js';
import type { JoinBlock, JoinedChild, SpawnBlock, ThreadGoal, ThreadReport } from './thread-report.js';
import { verifyThread } from './thread.js';

export interface TreeSpec {
  readonly target: number;
  /** The node this trace_dict's thread starts at. */
  readonly start: NodeState;
  readonly level: number;
}

/**
 * How messages name the threads of a tree at path `at` ('' for the root, `sub[0][2]`): as a
 * record's trace_dict paths by default, as a sequences file's names (`root.2#0`) for one.
 * Issues keep the path in `thread`; only the text a reader sees is named this way.
 */
export interface TreeNames {
  /** The thread at `at` as a whole. */
  thread(at: string): string;
  /** Its k-th main call. */
  call(at: string, k: number): string;
  /** That the children of its k-th call held are fewer or more than it spawned. */
  held(at: string, k: number, held: number, spawned: number): string;
  /**
   * Whether the thread at `at` has a fault outside its text, found before the tree is walked (a
   * sequences file's line naming another problem than its record's): its tree is then not
   * sound, as one with a fault in its text is not.
   */
  faulted?(at: string): boolean;
}

/** A record's own naming: `sub[0][2]`, `sub[0][2].main[1]`. */
export const TRACE_DICT_NAMES: TreeNames = {
  thread: (at) => at,
  call: (at, k) => `${at ? `${at}.` : ''}main[${k}]`,
  held: (_at, k, held, spawned) => `sub_calls[${k}] holds ${held} child traces but main[${k}] spawned ${spawned}`,
};

/** What a parent needs from a verified child tree. */
export interface TreeResult {
  /** Every main call's report, in order. */
  readonly calls: ThreadReport[];
  /** The goal of the last main call: the tree's result. */
  readonly goal: ThreadGoal | undefined;
  /** How the last main call's text ends (the rule stats counts by), for a fault's message; read only then. */
  end(): TreeEnd;
  /** No issue anywhere in the tree: only then does its goal carry a parent's join (a fault below a goal may be what it rests on). */
  readonly sound: boolean;
}

/** Where a thread's text says it ended: its last call, last line, and whether that is a goal. */
interface TreeEnd {
  readonly call: string;
  readonly line: number;
  readonly text: string;
  readonly solved: boolean;
}

/**
 * Verifies the tree at path `at` ('' for the record's trace_dict, else e.g. `sub[0][2]`);
 * undefined when it is not shaped like a trace_dict.
 */
export function verifyTraceDict(td: unknown, at: string, spec: TreeSpec, issues: VerifyIssue[], names: TreeNames = TRACE_DICT_NAMES): TreeResult | undefined {
  if (!isTraceDictLevel(td)) {
    issues.push({ thread: at, line: 0, message: 'trace_dict needs main_calls (a non-empty list of strings) and sub_calls (a list of lists)' });
    return undefined;
  }
  const name = (k: number) => TRACE_DICT_NAMES.call(at, k);
  const push = (thread: string, line: number, message: string) => issues.push({ thread, line, message });
  const before = issues.length;
  const main = td.main_calls;
  const calls = main.map((text, k) => verifyThread(text, { name: name(k), kind: 'apr', ...spec }));
  for (const c of calls) issues.push(...c.issues);
  if (td.sub_calls.length !== main.length - 1) {
    push(at, 0, `sub_calls has ${td.sub_calls.length} entries for ${main.length} main calls (${main.length - 1} expected)`);
  }
  const lastCall = calls[calls.length - 1]!;
  if (lastCall.spawn) push(name(calls.length - 1), lastCall.spawn.line, 'the last main call ends with a spawn block that no main call answers');
  for (const [k, call] of calls.entries()) {
    for (const join of unansweredJoins(call, k === 0 ? undefined : calls[k - 1]!)) {
      const where = k === 0 ? 'in the first main call' : `after the join answering the spawn of ${names.call(at, k - 1)}`;
      push(name(k), join.line, `<Sub Searches> ${where} answers no spawn (a join stands where the call before spawned): no child thread is behind its reports`);
    }
  }

  /** A child's fault outside its text leaves no new issue here: its tree says so, and so does each above it. */
  let childrenSound = true;
  for (let k = 0; k + 1 < main.length; k++) {
    const spawn = calls[k]!.spawn;
    if (!spawn) {
      // A walk stopped before its spawn has named its fault: the spawn may well be there, unread.
      if (calls[k]!.stoppedAt === undefined) push(name(k), calls[k]!.lineCount, `main call ${k} ends without a spawn block, yet main call ${k + 1} follows`);
      // Its children cannot be checked without it, so no goal the next call reports of them carries
      // that call: its last join answers this spawn (the ones before it repeat earlier calls').
      const next = calls[k + 1]!;
      for (const c of next.stoppedAt === undefined ? (next.joins.at(-1)?.children ?? []) : []) {
        if (c.goal) push(name(k + 1), c.line, `join reports sub search ${c.index} reached the goal, but the spawn it answers (${names.call(at, k)}) does not verify (its own issues say why)`);
      }
      continue;
    }
    const join = answeringJoin(main[k + 1]!, calls[k + 1]!, spawn, names.call(at, k), name(k + 1), push);
    const children = td.sub_calls[k] ?? [];
    if (children.length !== spawn.children.length) {
      push(at, 0, names.held(at, k, children.length, spawn.children.length));
    }
    for (const [j, spawned] of spawn.children.entries()) {
      const childAt = `${at ? `${at}.` : ''}sub[${k}][${j}]`;
      const reported = join?.children[j];
      if (j >= children.length) {
        // A report on a child that is not there cannot be checked: the joining call is not valid (nor solved by it).
        if (reported) push(name(k + 1), reported.line, `join reports on sub search ${j}, but its thread ${names.thread(childAt)} is missing`);
        continue;
      }
      const child = verifyTraceDict(children[j], childAt, { target: spec.target, start: spawned.node, level: spawned.level }, issues, names);
      if (child && !child.sound) childrenSound = false;
      if (!reported || reported.id !== spawned.node.id) continue;
      const fault = reportFault(reported, j, names.thread(childAt), child);
      if (fault) push(name(k + 1), fault.line, fault.message);
    }
  }
  // Split and read again only for a fault's message: most trees verify without one.
  const end = () => endOf(main[main.length - 1]!, names.call(at, main.length - 1));
  return { calls, goal: lastCall.goal, end, sound: issues.length === before && childrenSound && !names.faulted?.(at) };
}

/**
 * The joins of a main call that answer no spawn. Call k repeats call k-1 up to its spawn, so
 * its joins before that line are call k-1's (judged with it), and the one on that line answers
 * the spawn; a join after it, or any join in the first call, has no spawn and so no child
 * thread behind its reports: a goal it claims was never searched. A call after one whose spawn
 * was not read (its walk stopped, or it has none) is left to that call's own issue.
 */
function unansweredJoins(call: ThreadReport, before: ThreadReport | undefined): JoinBlock[] {
  if (before === undefined) return call.joins;
  const spawned = before.spawn?.line;
  return spawned === undefined ? [] : call.joins.filter((j) => j.line > spawned);
}

/** Where a call's text ends: its last line (the rule stats counts solved by). */
function endOf(text: string, call: string): TreeEnd {
  const lines = text.trimEnd().split('\n');
  return { call, line: lines.length, text: lines[lines.length - 1]!, solved: sequenceOutcome(text) === 'solved' };
}

/**
 * A join's report on one child held to the child's own verified outcome: the fault is the report
 * line's, in the joining call, naming the child's thread and the line its text ends with. A
 * reported goal rests on the child's whole tree: a goal its text claims but its own check
 * refuses, or one reached in a tree with a fault anywhere (a grandchild's made-up goal), does not
 * carry the join, so the fault climbs to the root and a tree is never solved by a goal nobody checked.
 */
function reportFault(reported: JoinedChild, j: number, child: string, tree: TreeResult | undefined): { line: number; message: string } | undefined {
  if (!tree) {
    // Not a trace at all (its own issue says so): nothing there can carry a reported goal.
    return reported.goal ? { line: reported.line, message: `join reports sub search ${j} reached the goal, but its thread ${child} is no trace` } : undefined;
  }
  const ending = () => {
    const e = tree.end();
    return `${e.call} ends on line ${e.line} with ${quote(e.text)}`;
  };
  if (reported.goal && (!tree.goal || !tree.sound)) {
    const why = tree.goal
      ? 'has a fault in it or in a thread below it (named there)'
      : tree.end().solved
        ? `reached none that verifies (${ending()}; its own issues say why)`
        : `did not: ${ending()}`;
    return { line: reported.line, message: `join reports sub search ${j} reached the goal, but its thread ${child} ${why}` };
  }
  if (!reported.goal && tree.goal) {
    return { line: reported.line, message: `join reports no solution for sub search ${j}, but its thread ${child} reached the goal: ${ending()}` };
  }
  if (reported.path && tree.goal?.path && reported.path.text !== tree.goal.path.text) {
    return { line: reported.line + 1, message: `clean path after the join line differs from the one ${child} reached the goal by (${tree.end().call} line ${tree.goal.pathLine})` };
  }
  return undefined;
}

/**
 * The join in main call k+1 answering main call k's spawn: the next call must repeat the
 * text before `<Calling Sub Searches>` and put `<Sub Searches>` where that line was, naming
 * the same children (index, level, node) in the same order.
 */
function answeringJoin(
  next: string,
  nextReport: ThreadReport,
  spawn: SpawnBlock,
  spawnName: string,
  joinName: string,
  push: (thread: string, line: number, message: string) => void,
): JoinBlock | undefined {
  const body = next.slice(nextReport.prefix?.length ?? 0);
  if (!body.startsWith(spawn.before)) {
    // A conditioning prefix ends with a space, not a line: lines count the same without it.
    push(joinName, firstDifferentLine(body, spawn.before), `does not repeat ${spawnName} before its <Calling Sub Searches>`);
    return undefined;
  }
  const join = nextReport.joins.find((j) => j.line === spawn.line);
  if (!join) {
    // A walk stopped before this line has named its fault: what follows it was never read.
    const unread = nextReport.stoppedAt !== undefined && nextReport.stoppedAt < spawn.line;
    if (!unread) push(joinName, spawn.line, `<Sub Searches> answering the spawn of ${spawnName} is due here`);
    return undefined;
  }
  // A join the walk stopped inside is checked as far as it was read.
  if (join.complete && join.children.length !== spawn.children.length) {
    push(joinName, join.line, `join names ${join.children.length} children but the spawn named ${spawn.children.length}`);
  }
  for (const [i, c] of join.children.entries()) {
    const s = spawn.children[i];
    // levels need no check here: the thread checks hold both to the thread's level + 1
    if (s && c.id !== s.node.id) push(joinName, c.line, `join names child ${i} at node #${c.id} but spawn named #${s.node.id}`);
  }
  return join;
}
