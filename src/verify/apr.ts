/**
 * An APR `trace_dict` tree (spec §6): each main call checked as a thread, then the links
 * between them: every spawn answered by a join in the next main call that repeats the text
 * before the spawn, names the same children in the same order and reports their outcomes
 * truly; one child trace per spawned child, checked recursively.
 */
import { isTraceDictLevel } from '../records/trace-dict.js';
import type { VerifyIssue } from './issue.js';
import { firstDifferentLine } from './lines.js';
import type { NodeState } from './node.js';
import type { JoinBlock, SpawnBlock, ThreadGoal, ThreadReport } from './thread-report.js';
import { verifyThread } from './thread.js';

export interface TreeSpec {
  readonly target: number;
  /** The node this trace_dict's thread starts at. */
  readonly start: NodeState;
  readonly level: number;
}

/** What a parent needs from a verified child tree. */
export interface TreeResult {
  /** Every main call's report, in order. */
  readonly calls: ThreadReport[];
  /** The goal of the last main call: the tree's result. */
  readonly goal: ThreadGoal | undefined;
}

/**
 * Verifies the tree at path `at` ('' for the record's trace_dict, else e.g. `sub[0][2]`);
 * undefined when it is not shaped like a trace_dict.
 */
export function verifyTraceDict(td: unknown, at: string, spec: TreeSpec, issues: VerifyIssue[]): TreeResult | undefined {
  if (!isTraceDictLevel(td)) {
    issues.push({ thread: at, line: 0, message: 'trace_dict needs main_calls (a non-empty list of strings) and sub_calls (a list of lists)' });
    return undefined;
  }
  const name = (k: number) => `${at ? `${at}.` : ''}main[${k}]`;
  const push = (thread: string, line: number, message: string) => issues.push({ thread, line, message });
  const main = td.main_calls;
  const calls = main.map((text, k) => verifyThread(text, { name: name(k), kind: 'apr', ...spec }));
  for (const c of calls) issues.push(...c.issues);
  if (td.sub_calls.length !== main.length - 1) {
    push(at, 0, `sub_calls has ${td.sub_calls.length} entries for ${main.length} main calls (${main.length - 1} expected)`);
  }
  const lastCall = calls[calls.length - 1]!;
  if (lastCall.spawn) push(name(calls.length - 1), lastCall.spawn.line, 'the last main call ends with a spawn block that no main call answers');

  for (let k = 0; k + 1 < main.length; k++) {
    const spawn = calls[k]!.spawn;
    if (!spawn) {
      push(name(k), calls[k]!.lineCount, `main call ${k} ends without a spawn block, yet main call ${k + 1} follows`);
      continue;
    }
    const join = answeringJoin(main[k + 1]!, calls[k + 1]!, spawn, name(k), name(k + 1), push);
    const children = td.sub_calls[k] ?? [];
    if (children.length !== spawn.children.length) {
      push(at, 0, `sub_calls[${k}] holds ${children.length} child traces but main[${k}] spawned ${spawn.children.length}`);
    }
    for (const [j, spawned] of spawn.children.entries()) {
      const childAt = `${at ? `${at}.` : ''}sub[${k}][${j}]`;
      const reported = join?.children[j];
      if (j >= children.length) {
        // A report on a child that is not there cannot be checked: the joining call is not valid (nor solved by it).
        if (reported) push(name(k + 1), reported.line, `join reports on sub search ${j}, but ${childAt} is missing`);
        continue;
      }
      const child = verifyTraceDict(children[j], childAt, { target: spec.target, start: spawned.node, level: spawned.level }, issues);
      if (!child || !reported || reported.id !== spawned.node.id) continue;
      // the join's report of this child must be what the child's own thread did
      if (reported.path && !child.goal) {
        push(name(k + 1), reported.line, `join reports sub search ${j} reached the goal, but ${childAt} found none`);
      } else if (!reported.path && child.goal) {
        push(name(k + 1), reported.line, `join reports no solution for sub search ${j}, but ${childAt} reached the goal`);
      } else if (reported.path && child.goal?.path && reported.path.text !== child.goal.path.text) {
        push(name(k + 1), reported.line + 1, `clean path after the join line differs from ${childAt}'s own clean path`);
      }
    }
  }
  return { calls, goal: lastCall.goal };
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
    push(joinName, spawn.line, `<Sub Searches> answering the spawn of ${spawnName} is due here`);
    return undefined;
  }
  if (join.children.length !== spawn.children.length) {
    push(joinName, join.line, `join names ${join.children.length} children but the spawn named ${spawn.children.length}`);
  }
  for (const [i, c] of join.children.entries()) {
    const s = spawn.children[i];
    // levels need no check here: the thread checks hold both to the thread's level + 1
    if (s && c.id !== s.node.id) push(joinName, c.line, `join names child ${i} at node #${c.id} but spawn named #${s.node.id}`);
  }
  return join;
}
